// A whole realtime call over a Media Stream: the model greets, hears two caller lines (real μ-law
// speech), records the name and email through record_field and ends the call; every exchange is
// stored as a turn with the caller's transcript and the agent's, counted for cost, and the call is
// completed with its outcome and summary once the stream is closed and Twilio asks the action URL.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { lineAudio, lineText } from '../support/audio-fixtures.js';
import {
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

let harness: MediaHarness;
beforeAll(async () => {
  harness = await startMediaHarness(() => ({
    greeting: agentLine('agent-greeting'),
    turns: [
      {
        heard: 'My name is Manas.',
        toolCalls: [{ name: 'record_field', arguments: { field: 'name', value: 'Manas' } }],
        reply: { text: 'Thanks, Manas. What is your email address?', audio: lineAudio('agent-greeting') },
      },
      {
        heard: 'My email is manas at example dot com.',
        toolCalls: [
          { name: 'record_field', arguments: { field: 'email', value: 'manas@example.com' } },
          { name: 'end_call', arguments: { reason: 'all_collected' } },
        ],
        reply: agentLine('agent-goodbye'),
      },
    ],
  }));
  await createAgent(harness.server, realtimeAgent('realtime-support'));
});
afterAll(async () => {
  await harness.close();
});

it('greets, stores each exchange as it completes, collects the data and completes the call', async () => {
  const { server, fake } = harness;
  const { call, client } = await openRealtimeCall(server, 'realtime-support');
  // The greeting is spoken by the model first, before the caller says anything.
  const greeting = await client.nextReply({ quietMs: 100 });
  expect(greeting.length).toBe(lineAudio('agent-greeting').length);
  await client.say(lineAudio('caller-name'), { trailingSilenceMs: PAUSE_MS });
  await waitForCall(server, call.callSid, (stored) => stored.transcript.length >= 2);
  await client.say(lineAudio('caller-email'), { trailingSilenceMs: PAUSE_MS });
  // The last reply said goodbye: once it has played, our server closes the stream.
  const closed = await client.closed;
  expect(closed.code).toBe(1000);
  await call.endStream();
  expect(call.ended).toBe(true);

  const stored = await waitForCall(
    server,
    call.callSid,
    (c) => c.status === 'completed' && Boolean(c.summary),
  );
  expect(stored.transcript.map((turn) => [turn.seq, turn.caller, turn.agent])).toEqual([
    [0, undefined, lineText('agent-greeting')],
    [1, 'My name is Manas.', 'Thanks, Manas. What is your email address?'],
    [2, 'My email is manas at example dot com.', lineText('agent-goodbye')],
  ]);
  expect(stored.data_collected).toEqual({
    name: { value: 'Manas', turn: 1 },
    email: { value: 'manas@example.com', turn: 2 },
  });
  expect(stored.outcome).toBeTruthy();
  expect(stored.summary).toBeTruthy();
  expect(stored.transport).toBe('realtime');

  // Cost: the model's tokens and the audio each way, per turn and on the call.
  const turns = await server.container.callStore.listTurns(call.callSid);
  for (const turn of turns.slice(1)) {
    expect(turn.input_tokens).toBeGreaterThan(0);
    expect(turn.output_tokens).toBeGreaterThan(0);
    expect(turn.audio_in_ms).toBeGreaterThan(0);
    expect(turn.audio_out_ms).toBeGreaterThan(0);
    expect(turn.model).toBe('openai:gpt-realtime');
  }
  expect(stored.totals).toMatchObject({
    input_tokens: expect.any(Number),
    output_tokens: expect.any(Number),
    audio_in_ms: expect.any(Number),
    audio_out_ms: expect.any(Number),
  });
  // Each turn stores whole ms: the greeting's audio is counted with the first reply, the goodbye alone.
  expect(stored.totals!.audio_out_ms).toBeGreaterThanOrEqual(
    Math.round((lineAudio('agent-greeting').length * 2) / 8) +
      Math.round(lineAudio('agent-goodbye').length / 8),
  );

  // The model was configured from the agent: μ-law both ways, its voice, the form's tools.
  const update = fake.received('session.update')[0] as {
    session: {
      audio: { input: { format: unknown }; output: { format: unknown; voice: string } };
      tools: { name: string }[];
    };
  };
  expect(update.session.audio.input.format).toEqual({ type: 'audio/pcmu' });
  expect(update.session.audio.output.format).toEqual({ type: 'audio/pcmu' });
  expect(update.session.audio.output.voice).toBe('marin');
  expect(update.session.tools.map((tool) => tool.name)).toEqual(
    expect.arrayContaining(['record_field', 'end_call']),
  );
  // The caller's 20 ms frames reached the model two at a time (40 ms chunks), every byte in order
  // but what the stream's end left held: at most one frame.
  const appends = fake
    .received('input_audio_buffer.append')
    .map((event) => Buffer.from(String(event.audio), 'base64'));
  expect(appends.length).toBeGreaterThan(10);
  expect(new Set(appends.map((chunk) => chunk.length))).toEqual(new Set([320]));
  const heard = Buffer.concat(appends);
  const spoken = Buffer.concat([lineAudio('caller-name'), lineAudio('caller-email')]);
  expect(heard.indexOf(spoken.subarray(0, 1_600))).toBeGreaterThanOrEqual(0);
  expect(heard.indexOf(lineAudio('caller-email').subarray(-1_600))).toBeGreaterThanOrEqual(0);
  const after = await readCall(server, call.callSid);
  expect(after.turn_count).toBe(3);
});
