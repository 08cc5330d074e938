import { afterEach, describe, expect, it } from 'vitest';
import { AppError } from '../../domain/errors.js';
import type { RealtimeEvent, RealtimeSession, RealtimeSessionConfig } from '../../ports/realtime-model.js';
import {
  FAKE_REALTIME_KEY,
  startFakeRealtimeServer,
  type DialogueScript,
  type FakeRealtimeServer,
} from '../../../test/fakes/fake-realtime-server.js';
import { lineAudio, lineText } from '../../../test/support/audio-fixtures.js';
import { OpenAiRealtimeModel } from './openai-realtime-model.js';

const config: RealtimeSessionConfig = {
  instructions: 'You are the support desk of Example Computers. Collect the caller name and email.',
  voice: 'marin',
  language: 'en-US',
  tools: [
    {
      name: 'record_field',
      description: 'Record a detail the caller gave.',
      parameters: {
        type: 'object',
        properties: { field: { type: 'string' }, value: { type: 'string' } },
        required: ['field', 'value'],
      },
    },
  ],
};

const greeting = { text: lineText('agent-greeting'), audio: lineAudio('agent-greeting') };
const goodbye = { text: lineText('agent-goodbye'), audio: lineAudio('agent-goodbye') };
const SILENCE_20MS = Buffer.alloc(160, 0xff).toString('base64');

let server: FakeRealtimeServer | undefined;
let session: RealtimeSession | undefined;
afterEach(async () => {
  session?.close();
  session = undefined;
  await server?.close();
  server = undefined;
});

async function open(script: DialogueScript, apiKey = FAKE_REALTIME_KEY) {
  server = await startFakeRealtimeServer({ script: () => script });
  const events: RealtimeEvent[] = [];
  const model = new OpenAiRealtimeModel({
    apiKey,
    model: 'gpt-realtime',
    url: server.url,
    openTimeoutMs: 2_000,
  });
  session = await model.open(config, (event) => events.push(event));
  return { events, session, server };
}

/** Sends a fixture as Twilio would: 20 ms frames, then silence so the VAD hears the end. */
function say(target: RealtimeSession, audio: Buffer, silenceFrames = 40): void {
  for (let offset = 0; offset < audio.length; offset += 160)
    target.appendAudio(audio.subarray(offset, offset + 160).toString('base64'));
  for (let i = 0; i < silenceFrames; i += 1) target.appendAudio(SILENCE_20MS);
}

const ofType = <T extends RealtimeEvent['type']>(events: RealtimeEvent[], type: T) =>
  events.filter((event): event is Extract<RealtimeEvent, { type: T }> => event.type === type);

describe('OpenAiRealtimeModel against the fake Realtime API', () => {
  it('configures the session for a phone call before resolving (GA shape: μ-law both ways, server VAD)', async () => {
    const { server } = await open({});
    expect(server.connections[0]?.model).toBe('gpt-realtime');
    expect(server.connections[0]?.authorization).toBe(`Bearer ${FAKE_REALTIME_KEY}`);
    const [update] = server.received('session.update');
    expect(update).toEqual({
      type: 'session.update',
      session: {
        type: 'realtime',
        output_modalities: ['audio'],
        instructions: config.instructions,
        audio: {
          input: {
            format: { type: 'audio/pcmu' },
            transcription: { model: 'gpt-4o-mini-transcribe', language: 'en' },
            turn_detection: {
              type: 'server_vad',
              threshold: 0.5,
              prefix_padding_ms: 300,
              silence_duration_ms: 600,
              create_response: true,
              interrupt_response: true,
            },
          },
          output: { format: { type: 'audio/pcmu' }, voice: 'marin' },
        },
        tools: [{ type: 'function', ...config.tools[0] }],
        tool_choice: 'auto',
      },
    });
  });

  it('speaks the greeting, hears the caller, and answers with audio, transcripts and usage', async () => {
    const { events, session, server } = await open({
      greeting,
      turns: [{ heard: lineText('caller-bye'), reply: goodbye }],
    });
    session.respond({ instructions: `Say exactly: ${greeting.text}` });
    await server.waitUntil(() => ofType(events, 'response-done').length === 1);
    const greetingAudio = Buffer.concat(
      ofType(events, 'audio-delta').map((e) => Buffer.from(e.audio, 'base64')),
    );
    expect(greetingAudio.equals(greeting.audio)).toBe(true);
    expect(ofType(events, 'transcript-done')[0]?.text).toBe(greeting.text);
    expect(
      ofType(events, 'transcript-delta')
        .map((e) => e.text)
        .join(''),
    ).toBe(greeting.text);

    say(session, lineAudio('caller-bye'));
    await server.waitUntil(() => ofType(events, 'response-done').length === 2);
    const types = events.map((event) => event.type).filter((type) => !type.endsWith('-delta'));
    expect(types).toEqual([
      'transcript-done',
      'response-done',
      'speech-started',
      'speech-stopped',
      'caller-transcript',
      'transcript-done',
      'response-done',
    ]);
    expect(ofType(events, 'caller-transcript')[0]?.text).toBe('Thanks, bye.');
    const [, done] = ofType(events, 'response-done');
    expect(done).toMatchObject({
      status: 'completed',
      usage: { outputAudioTokens: Math.round(goodbye.audio.length / 8 / 50) },
    });
    expect(done?.usage?.inputAudioTokens).toBeGreaterThan(0);
    // Every caller frame reached the model as the base64 it was given.
    const appended = server.received('input_audio_buffer.append');
    expect(appended[0]).toEqual({
      type: 'input_audio_buffer.append',
      audio: lineAudio('caller-bye').subarray(0, 160).toString('base64'),
    });
  });

  it('passes a function call on and goes on once given its result', async () => {
    const { events, session, server } = await open({
      turns: [
        {
          heard: lineText('caller-name'),
          toolCalls: [{ name: 'record_field', arguments: { field: 'name', value: 'Manas' } }],
          reply: goodbye,
        },
      ],
    });
    say(session, lineAudio('caller-name'));
    await server.waitUntil(() => ofType(events, 'function-call').length === 1);
    const [call] = ofType(events, 'function-call');
    expect(call).toMatchObject({ name: 'record_field' });
    expect(JSON.parse(call!.arguments)).toEqual({ field: 'name', value: 'Manas' });
    session.sendFunctionResult(call!.callId, JSON.stringify({ ok: true }));
    await server.waitUntil(() => ofType(events, 'transcript-done').length === 1);
    expect(ofType(events, 'transcript-done')[0]?.text).toBe(goodbye.text);
    expect(server.received('conversation.item.create')[0]).toEqual({
      type: 'conversation.item.create',
      item: { type: 'function_call_output', call_id: call!.callId, output: '{"ok":true}' },
    });
  });

  it('keypad text goes in as a user item and gets an answer', async () => {
    const { events, session, server } = await open({
      turns: [{ heard: 'The caller pressed 1.', reply: goodbye }],
    });
    session.sendText('The caller pressed 1.');
    await server.waitUntil(() => ofType(events, 'transcript-done').length === 1);
    expect(server.received('conversation.item.create')[0]).toEqual({
      type: 'conversation.item.create',
      item: {
        type: 'message',
        role: 'user',
        content: [{ type: 'input_text', text: 'The caller pressed 1.' }],
      },
    });
  });

  it('barge-in: the caller speaking cancels the reply, and truncate keeps only what was heard', async () => {
    const { events, session, server } = await open({ greeting, deltaIntervalMs: 40, deltaBytes: 800 });
    session.respond();
    await server.waitUntil(() => ofType(events, 'audio-delta').length >= 3);
    say(session, lineAudio('caller-laptop'), 0);
    await server.waitUntil(() => ofType(events, 'response-done').length === 1);
    const [done] = ofType(events, 'response-done');
    expect(done).toMatchObject({ status: 'cancelled', reason: 'turn_detected' });
    expect(ofType(events, 'speech-started')).toHaveLength(1);
    const itemId = ofType(events, 'audio-delta')[0]!.itemId;
    session.truncate(itemId, 150);
    await server.waitUntil(() => server.sent('conversation.item.truncated').length === 1);
    expect(server.received('conversation.item.truncate')[0]).toEqual({
      type: 'conversation.item.truncate',
      item_id: itemId,
      content_index: 0,
      audio_end_ms: 150,
    });
    // Truncating past the audio sent is refused by the API, and the session goes on.
    session.truncate(itemId, 60_000);
    await server.waitUntil(() => ofType(events, 'error').length === 1);
    expect(ofType(events, 'error')[0]?.error).toMatchObject({ code: 'upstream', retryable: false });
  });

  it('cancel stops the reply being generated', async () => {
    const { events, session, server } = await open({ greeting, deltaIntervalMs: 40 });
    session.respond();
    await server.waitUntil(() => ofType(events, 'audio-delta').length >= 1);
    session.cancel();
    await server.waitUntil(() => ofType(events, 'response-done').length === 1);
    expect(ofType(events, 'response-done')[0]).toMatchObject({
      status: 'cancelled',
      reason: 'client_cancelled',
    });
  });

  it('a dropped model socket is reported once as closed, retryable', async () => {
    const { events, session, server } = await open({ dropAfterCallerTurns: 1, turns: [] });
    say(session, lineAudio('caller-name'));
    await server.waitUntil(() => ofType(events, 'closed').length === 1);
    const [closed] = ofType(events, 'closed');
    expect(closed?.error).toMatchObject({ code: 'unavailable', retryable: true });
    session.appendAudio(SILENCE_20MS); // dropped quietly: the session is gone
    expect(ofType(events, 'closed')).toHaveLength(1);
  });

  it('closing it ourselves reports closed without an error', async () => {
    const { events, session, server } = await open({});
    session.close();
    await server.waitUntil(() => ofType(events, 'closed').length === 1);
    expect(ofType(events, 'closed')[0]).toEqual({ type: 'closed' });
  });

  it('a failed response (rate limit mid-call) carries a retryable rate_limited error', async () => {
    const { events, session, server } = await open({
      greeting,
      failResponses: {
        type: 'rate_limit_exceeded',
        code: 'rate_limit_exceeded',
        message: 'Rate limit reached for gpt-realtime',
      },
    });
    session.respond();
    await server.waitUntil(() => ofType(events, 'response-done').length === 1);
    expect(ofType(events, 'response-done')[0]).toMatchObject({
      status: 'failed',
      reason: 'rate_limit_exceeded',
      error: { code: 'rate_limited', retryable: true },
    });
  });
});

describe('OpenAiRealtimeModel failing to open', () => {
  const failure = async (model: OpenAiRealtimeModel) => {
    try {
      await model.open(config, () => undefined);
    } catch (error) {
      return error as AppError;
    }
    throw new Error('open() resolved');
  };

  it('a wrong key: upstream 401, not retryable, and the key is in no message', async () => {
    server = await startFakeRealtimeServer();
    const apiKey = 'sk-proj-wrongwrongwrong1234';
    const error = await failure(new OpenAiRealtimeModel({ apiKey, model: 'gpt-realtime', url: server.url }));
    expect(error).toBeInstanceOf(AppError);
    expect(error).toMatchObject({ code: 'upstream', retryable: false });
    expect(error.message).toContain('HTTP 401');
    expect(error.message).not.toContain('1234');
    expect(error.message).not.toContain(apiKey);
  });

  it('a rate limit: rate_limited, retryable, with Retry-After', async () => {
    server = await startFakeRealtimeServer({
      refuse: { status: 429, retryAfterSeconds: 7, message: 'Rate limit reached' },
    });
    const error = await failure(
      new OpenAiRealtimeModel({ apiKey: FAKE_REALTIME_KEY, model: 'gpt-realtime', url: server.url }),
    );
    expect(error).toMatchObject({ code: 'rate_limited', retryable: true, retryAfterSeconds: 7 });
  });

  it('a server error: upstream, retryable', async () => {
    server = await startFakeRealtimeServer({ refuse: { status: 503 } });
    const error = await failure(
      new OpenAiRealtimeModel({ apiKey: FAKE_REALTIME_KEY, model: 'gpt-realtime', url: server.url }),
    );
    expect(error).toMatchObject({ code: 'upstream', retryable: true });
  });

  it('nobody listening: unavailable, retryable', async () => {
    server = await startFakeRealtimeServer();
    const url = server.url;
    await server.close();
    server = undefined;
    const error = await failure(
      new OpenAiRealtimeModel({ apiKey: FAKE_REALTIME_KEY, model: 'gpt-realtime', url }),
    );
    expect(error).toMatchObject({ code: 'unavailable', retryable: true });
    expect(error.message).toContain('ECONNREFUSED');
  });

  it('a session that never takes its configuration: unavailable after the open timeout', async () => {
    server = await startFakeRealtimeServer({ script: () => ({ ignoreSessionUpdate: true }) });
    const error = await failure(
      new OpenAiRealtimeModel({
        apiKey: FAKE_REALTIME_KEY,
        model: 'gpt-realtime',
        url: server.url,
        openTimeoutMs: 200,
      }),
    );
    expect(error).toMatchObject({ code: 'unavailable', retryable: true });
    await server.waitUntil(() => server!.connections[0]!.dialogue.closed);
  });
});
