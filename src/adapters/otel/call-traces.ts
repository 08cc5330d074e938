// What this instance knows of each call's trace: the ids its CallSid gives (trace-ids.ts), the root
// span as the remote parent of its turns (recorded once, when the call is finalized), and the
// sampler's decision, asked once per call: every built-in sampler decides a call's spans alike (a
// parent-based one follows the root; a ratio one, the trace id).
import {
  ROOT_CONTEXT,
  SamplingDecision,
  SpanKind,
  TraceFlags,
  trace,
  type SpanContext,
} from '@opentelemetry/api';
import type { Sampler } from '@opentelemetry/sdk-trace-base';
import { callTraceIds } from './trace-ids.js';

export interface CallTrace {
  traceId: string;
  /** The call's root span, as its turns name it: a remote parent. */
  root: SpanContext;
  /** The parent of a span this instance starts under the root, flagged with the call's decision. */
  parent: SpanContext;
  sampled: boolean;
}

// Calls kept at hand; past this many the oldest go (and are worked out again if they come back).
const KEPT = 5_000;

export class CallTraces {
  readonly #calls = new Map<string, CallTrace>();

  constructor(private readonly sampler: Sampler) {}

  get(callSid: string): CallTrace {
    const known = this.#calls.get(callSid);
    if (known) return known;
    const { traceId, rootSpanId } = callTraceIds(callSid);
    const root: SpanContext = { traceId, spanId: rootSpanId, traceFlags: TraceFlags.SAMPLED, isRemote: true };
    const sampled = this.#sampled(trace.setSpanContext(ROOT_CONTEXT, root), traceId, 'turn');
    const callTrace = {
      traceId,
      root,
      parent: sampled ? root : { ...root, traceFlags: TraceFlags.NONE },
      sampled,
    };
    if (this.#calls.size >= KEPT) this.#calls.delete(this.#calls.keys().next().value!);
    this.#calls.set(callSid, callTrace);
    return callTrace;
  }

  /** The decision for the root span itself, which has no parent: the sampler's root rule. */
  rootSampled(callSid: string): boolean {
    return this.#sampled(ROOT_CONTEXT, this.get(callSid).traceId, 'call');
  }

  #sampled(context: Parameters<Sampler['shouldSample']>[0], traceId: string, name: string): boolean {
    const { decision } = this.sampler.shouldSample(context, traceId, name, SpanKind.SERVER, {}, []);
    return decision === SamplingDecision.RECORD_AND_SAMPLED;
  }
}
