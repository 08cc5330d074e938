import { describe, expect, it } from 'vitest';
import { AppError } from '../../domain/errors.js';
import { clampLimit, decodeCursor, encodeCursor } from './cursor.js';

describe('cursor', () => {
  const key = { k: { call_sid: 'CA1', started_at: '2025-01-01T00:00:00.000Z' }, m: '2025-01' };

  it('round-trips a payload and is URL-safe', () => {
    const cursor = encodeCursor('secret', 'scope', key);
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
    expect(decodeCursor('secret', 'scope', cursor)).toEqual(key);
  });

  it.each([
    ['another secret', (c: string) => c, 'other-secret', 'scope'],
    ['another scope', (c: string) => c, 'secret', 'other'],
    [
      'an edited body',
      (c: string) => `${Buffer.from('{"k":{}}').toString('base64url')}.${c.split('.')[1]}`,
      'secret',
      'scope',
    ],
    ['a cut tag', (c: string) => c.slice(0, -2), 'secret', 'scope'],
    ['garbage', () => 'not-a-cursor', 'secret', 'scope'],
    ['extra parts', (c: string) => `${c}.x`, 'secret', 'scope'],
  ])('refuses %s with a validation error on the cursor field', (_label, mangle, secret, scope) => {
    const cursor = mangle(encodeCursor('secret', 'scope', key));
    let error: unknown;
    try {
      decodeCursor(secret, scope, cursor);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(AppError);
    expect(error).toMatchObject({
      code: 'validation',
      issues: [{ field: 'cursor', message: 'invalid cursor' }],
    });
  });

  it('refuses a signed payload that is not an object', () => {
    const cursor = encodeCursor('secret', 'scope', [1] as unknown as Record<string, unknown>);
    expect(() => decodeCursor('secret', 'scope', cursor)).toThrow(AppError);
  });
});

describe('clampLimit', () => {
  it('defaults to 20 and clamps to 1..100', () => {
    expect(clampLimit(undefined)).toBe(20);
    expect(clampLimit(Number.NaN)).toBe(20);
    expect(clampLimit(0)).toBe(1);
    expect(clampLimit(-5)).toBe(1);
    expect(clampLimit(7.9)).toBe(7);
    expect(clampLimit(1_000)).toBe(100);
  });
});
