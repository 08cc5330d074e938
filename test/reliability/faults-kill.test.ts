// F14 (reliability.md §5.3): `kill -9` of the real server process during 50 concurrent Gather calls
// and a few relay calls, then a restart on the same DATA_DIR and port. Twilio's side (the simulator
// with a fetch that redelivers a webhook whose connection failed) carries every call on. Counted
// afterwards from the restarted server: acknowledged turns lost (a webhook answered 200 whose turn is
// not stored) and turns duplicated (a caller line stored twice). Both must be 0.
import { afterAll, expect, it } from 'vitest';
import { TwilioSimulator, type SimulatedCall } from '../../src/simulator/twilio-simulator.js';
import type { RelayClient } from '../../src/simulator/relay-client.js';
import type { ServerProcess } from '../cli/run-cli.js';
import {
  CHILD_ACCOUNT_SID,
  CHILD_ADMIN_KEY,
  CHILD_AUTH_TOKEN,
  CHILD_PUBLIC_URL,
  childServers,
} from './support/child-server.js';
import { openRelayCall } from './support/relay-call.js';
import { retryingFetch } from './support/retrying-fetch.js';

const GATHER_CALLS = 50;
const RELAY_CALLS = 5;
const TURNS_PER_CALL = 4;
const KILL_AFTER_ACKED_TURNS = 70;
const FALLBACK = 'Sorry, we are having trouble right now';

const servers = childServers();
const running: ServerProcess[] = [];
afterAll(async () => {
  for (const server of running)
    if (server.child.exitCode === null && server.child.signalCode === null) await server.stop();
  servers.remove();
});

interface StoredCall {
  turn_count: number;
  transcript: { seq: number; caller?: string; agent: string }[];
}

it(
  `loses no acknowledged turn and duplicates none when killed during ${GATHER_CALLS} calls`,
  { timeout: 150_000 },
  async () => {
    const first = await servers.start();
    running.push(first);
    const twilio = retryingFetch();
    const simulator = (serverUrl: string) =>
      new TwilioSimulator({
        serverUrl,
        publicUrl: CHILD_PUBLIC_URL,
        accountSid: CHILD_ACCOUNT_SID,
        authToken: CHILD_AUTH_TOKEN,
        fetchImpl: twilio.fetch,
      });
    const sim = simulator(first.url);
    const ackedGatherTurns = () =>
      twilio.deliveries.filter((d) => d.url.includes('/twilio/gather') && d.status === 200).length;

    // Relay calls first: each is in a live session, one turn answered, when the kill comes.
    const relays = await Promise.all(
      Array.from({ length: RELAY_CALLS }, async (_, n) => {
        const opened = await openRelayCall({
          simulator: sim,
          serverUrl: first.url,
          publicUrl: CHILD_PUBLIC_URL,
          authToken: CHILD_AUTH_TOKEN,
          agentId: 'default',
          to: `+1415555${String(3000 + n)}`,
        });
        const reply = await opened.client.prompt(`relay ${n} line 1 question`);
        return {
          ...opened,
          clients: [opened.client] as RelayClient[],
          answered: [reply.text ? `relay ${n} line 1 question` : ''],
        };
      }),
    );

    let killedAt = 0;
    let restartMs = 0;
    let ackedBeforeKill = 0;
    const killer = (async () => {
      const deadline = Date.now() + 60_000;
      while (ackedGatherTurns() < KILL_AFTER_ACKED_TURNS && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
      ackedBeforeKill = ackedGatherTurns();
      first.child.kill('SIGKILL');
      await new Promise((resolve) => first.child.once('exit', resolve));
      killedAt = performance.now();
      const second = await servers.start({}, first.port);
      running.push(second);
      restartMs = performance.now() - killedAt;
      return second;
    })();

    const calls: SimulatedCall[] = await Promise.all(
      Array.from({ length: GATHER_CALLS }, async (_, n) => {
        const call = await sim.startCall({
          direction: 'inbound',
          from: `+1415555${String(1000 + n)}`,
          to: '+14155550100',
        });
        for (let turn = 1; turn <= TURNS_PER_CALL && !call.ended; turn += 1) {
          await call.say(`call ${n} line ${turn} question`);
        }
        await call.hangUp();
        return call;
      }),
    );
    const second = await killer;

    // The relay sockets died with the process: Twilio posts the action URL and reconnects.
    for (const [n, relay] of relays.entries()) {
      expect((await relay.client.closed).code).toBe(1006);
      await relay.call.endRelay({ sessionStatus: 'failed', errorCode: 64105 });
      const client = await relay.reconnect();
      relay.clients.push(client);
      const reply = await client.prompt(`relay ${n} line 2 question`);
      expect(reply.text.length).toBeGreaterThan(0);
      relay.answered.push(`relay ${n} line 2 question`);
      await client.close();
    }

    const read = async (callSid: string): Promise<StoredCall> => {
      const response = await fetch(`${second.url}/calls/${callSid}`, {
        headers: { authorization: `Bearer ${CHILD_ADMIN_KEY}` },
      });
      expect(response.status).toBe(200);
      return (await response.json()) as StoredCall;
    };

    let acked = 0;
    let lost = 0;
    let duplicated = 0;
    let applicationErrors = 0;
    let fallbacks = 0;
    const check = (stored: StoredCall, answered: string[]) => {
      const said = stored.transcript.map((t) => t.caller).filter((text): text is string => Boolean(text));
      duplicated += said.length - new Set(said).size;
      for (const line of answered) {
        acked += 1;
        if (!said.includes(line)) lost += 1;
      }
      expect(stored.turn_count).toBe(stored.transcript.at(-1)!.seq + 1);
    };
    for (const call of calls) {
      applicationErrors += call.applicationErrors.length;
      const answered = call.exchanges
        .filter((e) => e.kind === 'action' && e.response.status === 200)
        .filter((e) => {
          const fallback = e.response.body.includes(FALLBACK);
          if (fallback) fallbacks += 1;
          return !fallback;
        })
        .map((e) => String(e.request.params.SpeechResult));
      check(await read(call.callSid), answered);
    }
    for (const relay of relays) check(await read(relay.call.callSid), relay.answered);

    const retried = twilio.deliveries.filter((d) => d.retries > 0).length;
    console.info(
      `[F14] kill -9 after ${ackedBeforeKill} acknowledged Gather turns; restarted on port ${first.port} in ` +
        `${Math.round(restartMs)} ms; ${retried} webhooks redelivered by Twilio (${twilio.failures} failed attempts); ` +
        `${acked} acknowledged turns (${GATHER_CALLS} Gather + ${RELAY_CALLS} relay calls): lost ${lost}, ` +
        `duplicated ${duplicated}; fallback answers ${fallbacks}; application errors ${applicationErrors}`,
    );
    expect(retried).toBeGreaterThan(0);
    expect(lost).toBe(0);
    expect(duplicated).toBe(0);
    expect(applicationErrors).toBe(0);
    expect(fallbacks).toBe(0);
    expect(acked).toBe(GATHER_CALLS * TURNS_PER_CALL + RELAY_CALLS * 2);
  },
);
