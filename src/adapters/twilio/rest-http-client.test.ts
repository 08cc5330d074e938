import { describe, expect, it } from 'vitest';
import { mapTwilioError } from './rest-errors.js';
import { parseRetryAfter, rewriteBaseUrl, TwilioRateLimitError } from './rest-http-client.js';

describe('rewriteBaseUrl', () => {
  it('swaps scheme, host and port, keeping path and query', () => {
    expect(
      rewriteBaseUrl(
        'https://api.twilio.com/2010-04-01/Accounts/AC1/IncomingPhoneNumbers.json?PhoneNumber=%2B1',
        'http://127.0.0.1:9999',
      ),
    ).toBe('http://127.0.0.1:9999/2010-04-01/Accounts/AC1/IncomingPhoneNumbers.json?PhoneNumber=%2B1');
    expect(
      rewriteBaseUrl('https://api.twilio.com/2010-04-01/x.json', 'https://proxy.example.com/twilio/'),
    ).toBe('https://proxy.example.com/twilio/2010-04-01/x.json');
  });
});

describe('parseRetryAfter', () => {
  it('reads seconds and HTTP dates', () => {
    expect(parseRetryAfter('7')).toBe(7);
    expect(parseRetryAfter('1.2')).toBe(2);
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(parseRetryAfter('Thu, 01 Jan 2026 00:00:30 GMT', now)).toBe(30);
    expect(parseRetryAfter('Wed, 31 Dec 2025 23:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter('soon')).toBeUndefined();
    expect(parseRetryAfter(undefined)).toBeUndefined();
  });
});

describe('mapTwilioError', () => {
  const restError = (status: number, code?: number) => Object.assign(new Error('x'), { status, code });

  it.each([
    [restError(400, 21211), 'validation', false],
    [restError(400, 13224), 'validation', false],
    [restError(400, 21215), 'validation', false],
    [restError(401, 20003), 'unavailable', false],
    [restError(404, 20404), 'not_found', false],
    [restError(500), 'upstream', true],
    [restError(400, 21205), 'upstream', false],
    [new TwilioRateLimitError(20429, 'slow down', 5), 'rate_limited', true],
  ])('maps %o to %s', (error, code, retryable) => {
    expect(mapTwilioError(error, { idempotent: false })).toMatchObject({ code, retryable });
  });

  it("puts 'from' problems on the from field", () => {
    expect(mapTwilioError(restError(400, 21212), { idempotent: false }).issues).toEqual([
      { field: 'from', message: expect.any(String) },
    ]);
  });

  it('retries network errors only when the request never left or repeating is harmless', () => {
    const refused = Object.assign(new Error('connect'), { code: 'ECONNREFUSED' });
    const reset = Object.assign(new Error('reset'), { code: 'ECONNRESET' });
    expect(mapTwilioError(refused, { idempotent: false })).toMatchObject({
      code: 'upstream',
      retryable: true,
    });
    expect(mapTwilioError(reset, { idempotent: false })).toMatchObject({
      code: 'upstream',
      retryable: false,
    });
    expect(mapTwilioError(reset, { idempotent: true })).toMatchObject({ code: 'upstream', retryable: true });
  });
});
