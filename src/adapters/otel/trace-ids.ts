// Every instance that serves a turn of a call must put its spans in the same trace, with no state
// shared between instances: the trace id and the call's root span id are derived from the CallSid.
// See docs/decisions/0016-opentelemetry.md.
import { createHash } from 'node:crypto';

export interface CallTraceIds {
  /** 32 lower-case hex digits. */
  traceId: string;
  /** 16 lower-case hex digits: the call's root span, which every turn span names as its parent. */
  rootSpanId: string;
}

const ALL_ZERO = /^0+$/;

/** SHA-256 of the CallSid: its first 16 bytes are the trace id, the next 8 the root span id. */
export function callTraceIds(callSid: string): CallTraceIds {
  const digest = createHash('sha256').update(`voice-agent call ${callSid}`).digest('hex');
  const traceId = digest.slice(0, 32);
  const rootSpanId = digest.slice(32, 48);
  // All zeros is the W3C "invalid" id; a hash lands there with probability 2^-64.
  return {
    traceId: ALL_ZERO.test(traceId) ? '0'.repeat(31) + '1' : traceId,
    rootSpanId: ALL_ZERO.test(rootSpanId) ? '0'.repeat(15) + '1' : rootSpanId,
  };
}
