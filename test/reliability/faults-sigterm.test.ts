// F15 (reliability.md §5.3): SIGTERM to the real server process while turns are in flight (a slow
// model through the real provider adapter) and relay sessions are open. In-flight turns finish and
// are stored, every relay session gets `end` with handoffData {"reason":"server-restart"}, and the
// process exits 0 within 25 s.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { TwilioSimulator, type SimulatedCall } from '../../src/simulator/twilio-simulator.js';
import type { ServerProcess } from '../cli/run-cli.js';
import { startFakeOpenAiServer, type FakeOpenAiServer } from '../fakes/fake-openai-server.js';
import { startLiveServer } from '../support/live-server.js';
import {
  CHILD_ACCOUNT_SID,
  CHILD_AUTH_TOKEN,
  CHILD_PUBLIC_URL,
  childServers,
} from './support/child-server.js';
import { openRelayCall, type OpenRelayCall } from './support/relay-call.js';

const SLOW_REPLY = 'Let me check that for you. Everything looks fine on our side today, thanks for waiting.';
const WORD_GAP_MS = 200; // about 3 s per reply: still running when SIGTERM arrives
const EXIT_DEADLINE_MS = 25_000;

let model: FakeOpenAiServer;
const servers = childServers();
const running: ServerProcess[] = [];

beforeAll(async () => {
  model = await startFakeOpenAiServer({
    script: () => ({ text: SLOW_REPLY, interTokenDelayMs: WORD_GAP_MS }),
  });
});
afterAll(async () => {
  for (const server of running)
    if (server.child.exitCode === null && server.child.signalCode === null) await server.stop();
  await model?.close();
  servers.remove();
});

it(
  'finishes in-flight turns, hands relay sessions off with server-restart, exits 0 within 25 s',
  { timeout: 120_000 },
  async () => {
    const llm = {
      LLM_PROVIDER: 'openai-compatible',
      LLM_MODEL: 'slow-model',
      OPENAI_COMPATIBLE_BASE_URL: `${model.url}/v1`,
      TURN_TIMEOUT_MS: '10000',
      LLM_TIMEOUT_MS: '5000',
    };
    const server = await servers.start(llm);
    running.push(server);
    const sim = new TwilioSimulator({
      serverUrl: server.url,
      publicUrl: CHILD_PUBLIC_URL,
      accountSid: CHILD_ACCOUNT_SID,
      authToken: CHILD_AUTH_TOKEN,
    });
    const relay = (n: number) =>
      openRelayCall({
        simulator: sim,
        serverUrl: server.url,
        publicUrl: CHILD_PUBLIC_URL,
        authToken: CHILD_AUTH_TOKEN,
        agentId: 'default',
        to: `+1415555${String(4000 + n)}`,
        replyTimeoutMs: 20_000,
      });
    // F17: idle connections outlive a load balancer's 60 s idle timeout (Node's default is 5 s).
    const health = await fetch(`${server.url}/health`);
    expect(health.headers.get('keep-alive')).toBe('timeout=65');
    const idle: OpenRelayCall[] = [await relay(0), await relay(1)];
    const busy = await relay(2);
    const gathers: SimulatedCall[] = await Promise.all(
      [0, 1, 2].map((n) =>
        sim.startCall({ direction: 'inbound', from: `+1415555${5000 + n}`, to: '+14155550100' }),
      ),
    );

    // Three Gather turns and one relay turn in flight at the model.
    const gatherTurns = gathers.map((call, n) => call.say(`gather ${n} in flight`));
    const busyReply = busy.client.prompt('relay in flight');
    await model.waitUntil(() => model.requests.length >= 4, 10_000);
    const started = performance.now();
    const exited = new Promise<number | null>((resolve) =>
      server.child.once('exit', (code) => resolve(code)),
    );
    server.child.kill('SIGTERM');

    await Promise.all(gatherTurns);
    const reply = await busyReply;
    const code = await exited;
    const exitMs = performance.now() - started;
    console.info(
      `[F15] SIGTERM with 3 Gather turns and 1 relay turn in flight and 2 idle relay sessions: exit code ${code} ` +
        `after ${Math.round(exitMs)} ms`,
    );
    expect(code).toBe(0);
    expect(exitMs).toBeLessThan(EXIT_DEADLINE_MS);
    // Well under it: the drain must not wait out keep-alive connections once their requests are answered.
    expect(exitMs).toBeLessThan(15_000);

    // The in-flight turns finished with the model's whole answer, never the apology.
    for (const call of gathers) {
      expect(call.hear()).toBe(SLOW_REPLY);
      expect(call.applicationErrors).toEqual([]);
    }
    expect(reply.text.trim()).toBe(SLOW_REPLY);
    // Every session, busy or idle, was handed back to Twilio for another instance.
    for (const session of [busy, ...idle]) {
      expect(await session.client.waitForEnd(1_000)).toEqual({ handoffData: '{"reason":"server-restart"}' });
    }

    // The same folder opened again (in process): the in-flight turns were stored before the exit.
    const again = await startLiveServer({}, { dataDir: servers.dataDir });
    try {
      for (const [n, call] of gathers.entries()) {
        const turns = await again.container.callStore.listTurns(call.callSid);
        expect(turns.at(-1)).toMatchObject({ caller_text: `gather ${n} in flight`, agent_text: SLOW_REPLY });
      }
      const relayTurns = await again.container.callStore.listTurns(busy.call.callSid);
      expect(relayTurns.at(-1)).toMatchObject({ caller_text: 'relay in flight', agent_text: SLOW_REPLY });
    } finally {
      await again.close();
    }
  },
);
