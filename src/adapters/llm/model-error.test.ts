import { APICallError } from 'ai';
import { describe, expect, it } from 'vitest';
import { AppError } from '../../domain/errors.js';
import { redactSecrets, toModelError } from './model-error.js';

const apiError = (statusCode: number, message: string, headers: Record<string, string> = {}) =>
  new APICallError({
    message,
    url: 'http://model/v1/chat/completions',
    requestBodyValues: { messages: [{ role: 'user', content: 'my email is a@b.co' }] },
    statusCode,
    responseHeaders: headers,
    isRetryable: statusCode === 429 || statusCode >= 500,
  });

describe('toModelError', () => {
  it('maps 429 to rate_limited with the Retry-After hint', () => {
    const error = toModelError(apiError(429, 'slow down', { 'retry-after': '3' }), 'openai:gpt-4o', []);
    expect(error).toMatchObject({ code: 'rate_limited', retryable: true, retryAfterSeconds: 3 });
    expect(error.message).toBe('openai:gpt-4o: HTTP 429: slow down');
  });

  it('maps 5xx to a retryable upstream error and 401 to a final one', () => {
    expect(toModelError(apiError(503, 'overloaded'), 'm', [])).toMatchObject({
      code: 'upstream',
      retryable: true,
    });
    expect(toModelError(apiError(401, 'bad key'), 'm', [])).toMatchObject({
      code: 'upstream',
      retryable: false,
    });
  });

  it('never carries the request body (the transcript) or a key', () => {
    const error = toModelError(apiError(401, 'Incorrect API key provided: sk-proj-****abcd1234'), 'm', [
      'secret-key',
    ]);
    expect(error.message).not.toMatch(/a@b\.co|sk-proj/);
    expect(error.cause).toBeUndefined();
  });

  it('treats network and parse failures as retryable', () => {
    expect(toModelError(new TypeError('fetch failed'), 'm', [])).toMatchObject({
      code: 'upstream',
      retryable: true,
    });
  });

  it('passes AppErrors through', () => {
    const original = new AppError('unavailable', 'x');
    expect(toModelError(original, 'm', [])).toBe(original);
  });
});

describe('redactSecrets', () => {
  it('removes configured secrets, key-like tokens and bearer headers', () => {
    const text = redactSecrets('key my-secret-value and sk-abc123456789 and Bearer xyz', ['my-secret-value']);
    expect(text).toBe('key [redacted] and [redacted] and [redacted]');
  });
});
