// kill -9 of the real server process (a child: `voice-agent serve`) during realtime calls, then a
// restart on the same DATA_DIR and port. Each call's first exchange is complete (its whole reply
// heard) and its second in flight (the reply streaming) when the process dies. Twilio's side then
// does what Twilio does: the stream is gone (1006), it requests the <Connect action> URL, which opens
// a new stream from the stored state, and the caller says the lost line again. No exchange whose reply
// was heard in full may be lost, none duplicated, and the resumed model is not told to greet again.
import { afterAll, expect, it } from 'vitest';
import { connectMediaStream, type MediaStreamClient } from '../../src/simulator/media-stream-client.js';
import { TwilioSimulator, type SimulatedCall } from '../../src/simulator/twilio-simulator.js';
import type { ServerProcess } from '../cli/run-cli.js';
import {
  CHILD_ACCOUNT_SID,
  CHILD_ADMIN_KEY,
  CHILD_AUTH_TOKEN,
  CHILD_PUBLIC_URL,
  childServers,
} from '../reliability/support/child-server.js';
import { lineAudio, lineText } from '../support/audio-fixtures.js';
import {
  FAKE_REALTIME_KEY,
  startFakeRealtimeServer,
  type DialogueScript,
} from '../fakes/fake-realtime-server.js';
import { agentLine, CALLER, OUR_NUMBER, PAUSE_MS, realtimeAgent, type CallDetail } from './media-harness.js';

const CALLS = 3;
const LONG_REPLY = Buffer.concat([lineAudio('agent-greeting'), lineAudio('agent-greeting')]);
const FIRST_REPLY = 'Thanks, Manas. What is your email address?';
const SECOND_REPLY = 'Thank you. I have your email now.';

// The first stream of each call hears both lines; the second reply streams in real time, so the
// kill comes while it plays. A resumed stream (connections after the first CALLS) hears the second
// line said again.
const fake = await startFakeRealtimeServer({
  script: (connection): DialogueScript =>
    connection < CALLS
      ? {
          greeting: agentLine('agent-greeting'),
          turns: [
            {
              heard: lineText('caller-name'),
              reply: { text: FIRST_REPLY, audio: lineAudio('agent-goodbye') },
            },
            { heard: lineText('caller-email'), reply: { text: SECOND_REPLY, audio: LONG_REPLY } },
          ],
          deltaIntervalMs: 100,
        }
      : {
          turns: [
            {
              heard: lineText('caller-email'),
              reply: { text: SECOND_REPLY, audio: lineAudio('agent-goodbye') },
            },
          ],
        },
});
const servers = childServers({ OPENAI_REALTIME_URL: fake.url, OPENAI_REALTIME_API_KEY: FAKE_REALTIME_KEY });
const running: ServerProcess[] = [];
afterAll(async () => {
  for (const server of running)
    if (server.child.exitCode === null && server.child.signalCode === null) await server.stop();
  servers.remove();
  await fake.close();
});

const admin = { authorization: `Bearer ${CHILD_ADMIN_KEY}`, 'content-type': 'application/json' };

async function open(call: SimulatedCall): Promise<MediaStreamClient> {
  const stream = call.stream;
  if (!stream) throw new Error(`no media stream (state ${call.state})`);
  return connectMediaStream({
    wsUrl: stream.serverUrl,
    signedUrl: stream.url,
    authToken: CHILD_AUTH_TOKEN,
    start: stream.start,
    pace: 'fast',
    playbackRate: Infinity,
  });
}

it(
  `loses no heard exchange and duplicates none when killed during ${CALLS} realtime calls`,
  { timeout: 120_000 },
  async () => {
    const first = await servers.start();
    running.push(first);
    const created = await fetch(`${first.url}/agents`, {
      method: 'POST',
      headers: admin,
      body: JSON.stringify(realtimeAgent('realtime-kill')),
    });
    expect(created.status).toBe(201);
    const simulator = new TwilioSimulator({
      serverUrl: first.url,
      publicUrl: CHILD_PUBLIC_URL,
      accountSid: CHILD_ACCOUNT_SID,
      authToken: CHILD_AUTH_TOKEN,
    });

    const calls = await Promise.all(
      Array.from({ length: CALLS }, async () => {
        const call = await simulator.callAgent({
          agentId: 'realtime-kill',
          caller: CALLER,
          ourNumber: OUR_NUMBER,
          transport: 'realtime',
        });
        const client = await open(call);
        await client.nextReply({ quietMs: 150 }); // the greeting
        await client.say(lineAudio('caller-name'), { trailingSilenceMs: PAUSE_MS });
        // The first reply heard in full: this exchange is acknowledged.
        await client.waitForAgentAudio(lineAudio('agent-goodbye').length / 8);
        await client.nextReply({ quietMs: 150 });
        await client.say(lineAudio('caller-email'), { trailingSilenceMs: PAUSE_MS });
        // The second reply starts streaming: kill now.
        await client.waitForAgentAudio(400);
        return { call, client };
      }),
    );
    first.child.kill('SIGKILL');
    await new Promise((resolve) => first.child.once('exit', resolve));
    const second = await servers.start({}, first.port);
    running.push(second);

    for (const { call, client } of calls) {
      expect((await client.closed).code).toBe(1006);
      // Twilio asks the action URL: a new stream for the same call, from the stored turns.
      await call.endStream();
      expect(call.state).toBe('in-stream');
      const resumed = await open(call);
      await client.hangUp().catch(() => undefined);
      await resumed.say(lineAudio('caller-email'), { trailingSilenceMs: PAUSE_MS });
      await resumed.nextReply({ quietMs: 150 });
      await resumed.hangUp();
    }

    const read = async (callSid: string): Promise<CallDetail> => {
      for (let attempt = 0; ; attempt += 1) {
        const response = await fetch(`${second.url}/calls/${callSid}`, { headers: admin });
        expect(response.status).toBe(200);
        const detail = (await response.json()) as CallDetail;
        if (detail.transcript.length >= 3 || attempt > 200) return detail;
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
    };
    let lost = 0;
    let duplicated = 0;
    for (const { call } of calls) {
      const stored = await read(call.callSid);
      const said = stored.transcript.map((turn) => turn.caller).filter(Boolean);
      duplicated += said.length - new Set(said).size;
      if (!said.includes(lineText('caller-name'))) lost += 1;
      expect(stored.transcript.map((turn) => [turn.seq, turn.caller, turn.agent])).toEqual([
        [0, undefined, lineText('agent-greeting')],
        [1, lineText('caller-name'), FIRST_REPLY],
        [2, lineText('caller-email'), SECOND_REPLY],
      ]);
      expect(stored.turn_count).toBe(3);
    }
    expect(lost).toBe(0);
    expect(duplicated).toBe(0);
    // The resumed sessions were told the call so far and not to greet; none spoke before the caller.
    const resumedConnections = fake.connections.slice(CALLS);
    expect(resumedConnections).toHaveLength(CALLS);
    for (const connection of resumedConnections) {
      const update = connection.dialogue.received.find((event) => event.type === 'session.update') as {
        session: { instructions: string };
      };
      expect(update.session.instructions).toContain('Do not greet the caller again.');
      expect(update.session.instructions).toContain(`Caller: ${lineText('caller-name')}`);
      expect(connection.dialogue.received.filter((event) => event.type === 'response.create')).toEqual([]);
    }
  },
);
