import { describe, expect, it } from 'vitest';
import { AppError } from '../../domain/errors.js';
import { guard, isConditionalFailure, toStoreError } from './errors.js';

const named = (name: string, extra: Record<string, unknown> = {}) =>
  Object.assign(new Error(name), { name, ...extra });

describe('toStoreError', () => {
  it('marks throttling, network and server faults as unavailable and retryable', () => {
    for (const error of [
      named('ThrottlingException'),
      named('ProvisionedThroughputExceededException'),
      Object.assign(new Error('connect'), { code: 'ECONNREFUSED' }),
      Object.assign(new Error('other side closed'), { name: 'SocketError', code: 'UND_ERR_SOCKET' }),
      Object.assign(new Error('Headers Timeout Error'), { code: 'UND_ERR_HEADERS_TIMEOUT' }),
      named('TimeoutError'),
      named('Whatever', { $fault: 'server' }),
    ]) {
      const mapped = toStoreError(error, 'calls.get');
      expect(mapped).toMatchObject({ code: 'unavailable', retryable: true });
      expect(mapped.cause).toBe(error);
    }
  });

  it('maps other failures to a non-retryable internal error and passes AppErrors through', () => {
    expect(toStoreError(named('ValidationException', { $fault: 'client' }), 'x')).toMatchObject({
      code: 'internal',
      retryable: false,
    });
    const appError = new AppError('conflict', 'taken');
    expect(toStoreError(appError, 'x')).toBe(appError);
  });
});

describe('guard', () => {
  it('rethrows mapped errors', async () => {
    await expect(guard('x', () => Promise.reject(named('ThrottlingException')))).rejects.toMatchObject({
      code: 'unavailable',
    });
    expect(await guard('x', async () => 5)).toBe(5);
  });
});

describe('isConditionalFailure', () => {
  it('recognises only ConditionalCheckFailedException', () => {
    expect(isConditionalFailure(named('ConditionalCheckFailedException'))).toBe(true);
    expect(isConditionalFailure(named('ValidationException'))).toBe(false);
    expect(isConditionalFailure('ConditionalCheckFailedException')).toBe(false);
  });
});
