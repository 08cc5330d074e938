import { describe, expect, it } from 'vitest';
import { realtimeError, toRealtimeEvent } from './openai-realtime-events.js';

const KEY = 'sk-live-abcdefghijklmnop';

describe('realtimeError', () => {
  it.each([
    [
      { type: 'invalid_request_error', code: 'rate_limit_exceeded', message: 'slow down' },
      'rate_limited',
      true,
    ],
    [{ type: 'server_error', message: 'The server had an error' }, 'upstream', true],
    [
      { type: 'invalid_request_error', code: 'insufficient_quota', message: 'You exceeded your quota' },
      'upstream',
      false,
    ],
    [
      {
        type: 'invalid_request_error',
        code: 'session_expired',
        message: 'Your session hit the maximum duration',
      },
      'unavailable',
      true,
    ],
    [{ type: 'invalid_request_error', code: 'invalid_value', message: 'bad' }, 'upstream', false],
    [undefined, 'upstream', false],
  ])('%j -> %s (retryable %s)', (error, code, retryable) => {
    expect(realtimeError(error, [KEY])).toMatchObject({ code, retryable });
  });

  it('keeps keys out of the message', () => {
    const error = realtimeError(
      { type: 'invalid_request_error', message: `Incorrect API key provided: ${KEY}` },
      [KEY],
    );
    expect(error.message).not.toContain(KEY);
    expect(error.message).toContain('[redacted]');
  });
});

describe('toRealtimeEvent', () => {
  it('ignores the events a call does not need, and the beta names', () => {
    for (const type of [
      'session.created',
      'rate_limits.updated',
      'conversation.item.added',
      'response.audio.delta',
    ])
      expect(toRealtimeEvent({ type }, [])).toBeUndefined();
  });

  it('reads usage with its text and audio parts, and a cancelled response with its reason', () => {
    expect(
      toRealtimeEvent(
        {
          type: 'response.done',
          response: {
            id: 'resp_1',
            status: 'cancelled',
            status_details: { type: 'cancelled', reason: 'turn_detected' },
            usage: {
              input_tokens: 120,
              output_tokens: 40,
              input_token_details: { text_tokens: 100, audio_tokens: 20, cached_tokens: 64 },
              output_token_details: { text_tokens: 10, audio_tokens: 30 },
            },
          },
        },
        [],
      ),
    ).toEqual({
      type: 'response-done',
      responseId: 'resp_1',
      status: 'cancelled',
      reason: 'turn_detected',
      usage: {
        inputTokens: 120,
        outputTokens: 40,
        inputTextTokens: 100,
        inputAudioTokens: 20,
        cachedInputTokens: 64,
        outputTextTokens: 10,
        outputAudioTokens: 30,
      },
    });
  });

  it('a failed transcription is an error the call survives', () => {
    expect(
      toRealtimeEvent(
        {
          type: 'conversation.item.input_audio_transcription.failed',
          item_id: 'item_1',
          error: { type: 'transcription_error', message: 'no audio' },
        },
        [],
      ),
    ).toMatchObject({ type: 'error', error: { code: 'upstream', retryable: false } });
  });
});
