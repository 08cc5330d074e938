import { describe, expect, it } from 'vitest';
import { callTraceIds } from './trace-ids.js';

describe('callTraceIds', () => {
  it('derives the same W3C ids from a CallSid on every instance, and other ids for another call', () => {
    const ids = callTraceIds('CA1f0e5c2b9d8a7f6e5d4c3b2a1f0e9d8c');
    expect(ids.traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(ids.rootSpanId).toMatch(/^[0-9a-f]{16}$/);
    expect(callTraceIds('CA1f0e5c2b9d8a7f6e5d4c3b2a1f0e9d8c')).toEqual(ids);
    const other = callTraceIds('CA1f0e5c2b9d8a7f6e5d4c3b2a1f0e9d8d');
    expect(other.traceId).not.toBe(ids.traceId);
    expect(other.rootSpanId).not.toBe(ids.rootSpanId);
  });
});
