import { describe, expect, it } from 'vitest';
import { DynamoServiceError } from './wire-errors.js';
import { backoffMs, retryKind, RetryQuota } from './wire-retry.js';

const named = (name: string, status?: number) => new DynamoServiceError(name, name, status);

describe('retryKind', () => {
  it('tells throttling, transient faults and a corrected clock from errors no retry can mend', () => {
    expect(retryKind(named('ProvisionedThroughputExceededException', 400))).toBe('throttling');
    expect(retryKind(named('ThrottlingException', 400))).toBe('throttling');
    expect(retryKind(named('RequestLimitExceeded', 400))).toBe('throttling');
    expect(retryKind(named('Whatever', 429))).toBe('throttling');
    expect(retryKind(named('InternalServerError', 500))).toBe('transient');
    expect(retryKind(named('ServiceUnavailable', 503))).toBe('transient');
    expect(retryKind(Object.assign(new Error('reset'), { code: 'ECONNRESET' }))).toBe('transient');
    expect(retryKind(Object.assign(new Error('closed'), { code: 'UND_ERR_SOCKET' }))).toBe('transient');
    const skewed = named('InvalidSignatureException', 400);
    expect(retryKind(skewed)).toBeUndefined();
    skewed.$metadata.clockSkewCorrected = true;
    expect(retryKind(skewed)).toBe('clock-skew');
    expect(retryKind(named('ConditionalCheckFailedException', 400))).toBeUndefined();
    expect(retryKind(named('ValidationException', 400))).toBeUndefined();
    expect(retryKind(Object.assign(new Error('no such host'), { code: 'ENOTFOUND' }))).toBeUndefined();
    expect(retryKind('not an error')).toBeUndefined();
  });
});

describe('backoffMs', () => {
  it('draws below base × 2^retries (100 ms, 500 ms when throttled), capped at 20 s', () => {
    expect(backoffMs('transient', 0, () => 0.5)).toBe(50);
    expect(backoffMs('transient', 1, () => 0.999)).toBe(199);
    expect(backoffMs('throttling', 1, () => 1)).toBe(1_000);
    expect(backoffMs('throttling', 10, () => 1)).toBe(20_000);
    expect(backoffMs('transient', 0, () => 0)).toBe(0);
  });
});

describe('RetryQuota', () => {
  it('spends 5 tokens a retry (10 after a broken connection), refuses when empty, refills on success', () => {
    const quota = new RetryQuota();
    expect(quota.available).toBe(500);
    expect(quota.take(named('ThrottlingException', 400))).toBe(5);
    expect(quota.take(Object.assign(new Error('reset'), { code: 'ECONNRESET' }))).toBe(10);
    expect(quota.available).toBe(485);
    quota.succeeded(10);
    expect(quota.available).toBe(495);
    quota.succeeded(0);
    quota.succeeded(0);
    expect(quota.available).toBe(497);
    while (quota.take(named('InternalServerError', 500)) !== undefined);
    expect(quota.available).toBeLessThan(5);
    expect(quota.take(named('InternalServerError', 500))).toBeUndefined();
    quota.succeeded(0);
    for (let i = 0; i < 1_000; i += 1) quota.succeeded(5);
    expect(quota.available).toBe(500);
  });
});
