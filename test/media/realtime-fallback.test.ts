// The model lost: a realtime call is not dropped. When the model's socket dies mid-call, our server
// switches the call to the agent's fallback transport and closes the stream; Twilio requests the
// <Connect action> URL, which goes on over Gather (the last line asked again) or ConversationRelay
// from the stored turns. A model that refuses the session at once (401, 503) gets the same from the
// start.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { parseTwiml } from '../../src/simulator/twiml-parser.js';
import { connectRelay } from '../../src/simulator/relay-client.js';
import { lineAudio, lineText } from '../support/audio-fixtures.js';
import type { FakeRealtimeOptions, DialogueScript } from '../fakes/fake-realtime-server.js';
import {
  AUTH_TOKEN,
  agentLine,
  createAgent,
  openRealtimeCall,
  PAUSE_MS,
  readCall,
  realtimeAgent,
  startMediaHarness,
  waitForCall,
  type MediaHarness,
} from './media-harness.js';

const DIALOGUE: DialogueScript = {
  greeting: agentLine('agent-greeting'),
  turns: [
    {
      heard: lineText('caller-name'),
      toolCalls: [{ name: 'record_field', arguments: { field: 'name', value: 'Manas' } }],
      reply: { text: 'Thanks, Manas. What is your email address?', audio: lineAudio('agent-goodbye') },
    },
    { heard: lineText('caller-email'), reply: agentLine('agent-goodbye') },
  ],
};

let nextScript: DialogueScript = DIALOGUE;
let harness: MediaHarness;
beforeAll(async () => {
  harness = await startMediaHarness(() => nextScript);
  await createAgent(harness.server, realtimeAgent('realtime-gather'));
  await createAgent(
    harness.server,
    realtimeAgent('realtime-relay', {
      llm: { realtime: { provider: 'openai', model: 'gpt-realtime', fallback_transport: 'relay' } },
    }),
  );
});
afterAll(async () => {
  await harness.close();
});

it('the model socket drops mid-call: the stream closes and the call goes on over Gather from the stored turns', async () => {
  nextScript = { ...DIALOGUE, dropAfterCallerTurns: 2 };
  const { server, fake } = harness;
  const { call, client } = await openRealtimeCall(server, 'realtime-gather');
  await client.nextReply({ quietMs: 100 });
  await client.say(lineAudio('caller-name'), { trailingSilenceMs: PAUSE_MS });
  await waitForCall(server, call.callSid, (c) => c.transcript.length >= 2);
  // The second line reaches the model, which dies before transcribing it.
  await client.say(lineAudio('caller-email'), { trailingSilenceMs: PAUSE_MS });
  const closed = await client.closed;
  expect(closed.code).toBe(1000);
  expect(fake.connections.at(-1)!.dialogue.closed).toBe(true);
  const switched = await readCall(server, call.callSid);
  expect(switched.transport).toBe('gather');
  expect(switched.transport_switch).toEqual({ from: 'realtime', reason: 'realtime model lost' });
  expect(switched.status).not.toBe('completed');

  // Twilio asks the action URL: a <Gather> asking the last question again.
  await call.endStream();
  const action = call.exchanges.find((exchange) => exchange.kind === 'stream-action')!;
  expect(action.request.publicUrl).toContain('/twilio/media-action');
  expect(action.response.status).toBe(200);
  const verbs = parseTwiml(action.response.body);
  expect(verbs.map((verb) => verb.verb)).toContain('gather');
  expect(action.response.body).toContain('Thanks, Manas. What is your email address?');
  expect(call.state).toBe('awaiting-input');

  // The caller answers over Gather: the next turn, numbered after the stored ones.
  await call.say('My email is manas at example dot com.', { confidence: 0.92 });
  const stored = await waitForCall(server, call.callSid, (c) => c.transcript.length >= 3);
  expect(stored.transcript.map((turn) => [turn.seq, turn.caller])).toEqual([
    [0, undefined],
    [1, lineText('caller-name')],
    [2, 'My email is manas at example dot com.'],
  ]);
  expect(stored.data_collected.name).toEqual({ value: 'Manas', turn: 1 });
  await call.hangUp();
});

it.each([
  [401, 'refuses the key'],
  [503, 'is unavailable'],
] as const)(
  'the model %s at open (%s): the call goes on over its fallback from the start',
  async (status, _what) => {
    const { server, fake } = harness;
    fake.setRefuse({ status } satisfies FakeRealtimeOptions['refuse']);
    try {
      const refusedBefore = fake.refused;
      const { call, client } = await openRealtimeCall(server, 'realtime-relay');
      const closed = await client.closed;
      expect(closed.code).toBe(1000);
      expect(fake.refused).toBe(refusedBefore + 1);
      expect(client.agentAudio).toEqual([]);
      expect(await readCall(server, call.callSid)).toMatchObject({
        transport: 'relay',
        transport_switch: { from: 'realtime', reason: 'realtime model unavailable' },
      });

      await call.endStream();
      expect(call.state).toBe('in-relay');
      const relay = call.relay!;
      const socket = await connectRelay({
        wsUrl: relay.serverUrl,
        signedUrl: relay.url,
        authToken: AUTH_TOKEN,
        setup: relay.setup,
        replyTimeoutMs: 10_000,
      });
      const reply = await socket.prompt('My name is Manas.');
      expect(reply.text.length).toBeGreaterThan(0);
      await socket.close();
      const stored = await waitForCall(server, call.callSid, (c) => c.transcript.length >= 2);
      expect(stored.transcript.map((turn) => [turn.seq, turn.caller])).toEqual([
        [0, undefined],
        [1, 'My name is Manas.'],
      ]);
      await call.hangUp();
    } finally {
      fake.setRefuse(undefined);
    }
  },
);
