// Telemetry in OpenTelemetry's span model, exported by the SDK's batch span processor and OTLP
// exporter. The adapter measures each span itself (two clock reads and a finished span handed to the
// processor) rather than through the SDK's tracer: on the turn path that costs a fraction of the
// tracer's work (docs/decisions/0030-tracing-cost.md). No global context manager either: every span
// names its parent, so nothing runs per async hop. A call's spans find each other through ids derived
// from its CallSid (trace-ids.ts), whichever instance serves a turn.
import {
  ROOT_CONTEXT,
  SamplingDecision,
  SpanKind,
  TraceFlags,
  trace,
  type Attributes,
  type SpanContext,
} from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import type { IdGenerator, Sampler, SpanProcessor, TimedEvent } from '@opentelemetry/sdk-trace-base';
import type { Call, Turn } from '../../domain/call.js';
import type {
  CallRef,
  ChildSpan,
  SpanAttributes,
  Telemetry,
  TraceHeaders,
  TurnSpan,
} from '../../ports/telemetry.js';
import {
  ATTR_AGENT_ID,
  ATTR_CALL_SID,
  ATTR_DB_OPERATION_NAME,
  ATTR_DB_SYSTEM_NAME,
  ATTR_ERROR_TYPE,
  ATTR_TRANSPORT,
  ATTR_TURN_SEQ,
  DB_SYSTEM_DYNAMODB,
} from './attributes.js';
import { FinishedSpan, timedEvent, type SpanOrigin, type SpanRecord } from './finished-span.js';
import { callTraceIds } from './trace-ids.js';
import { turnAttributes, turnChildSpans, turnEvents } from './turn-record.js';

const propagator = new W3CTraceContextPropagator();

// Calls whose trace this instance keeps at hand (ids and sampling decision); past it the oldest go.
const CALL_TRACES_KEPT = 5_000;

export function cleanAttributes(attributes: SpanAttributes | undefined): Attributes {
  const clean: Attributes = {};
  for (const [key, value] of Object.entries(attributes ?? {})) if (value !== undefined) clean[key] = value;
  return clean;
}

/** The epoch time in ms, on the clock every span of this process is stamped with. */
const nowMs = () => performance.timeOrigin + performance.now();

/** A call's trace as this instance sees it: the root span as a remote parent, and whether it is sampled. */
interface CallTrace {
  traceId: string;
  root: SpanContext;
  sampled: boolean;
}

export interface SpanPipeline {
  processor: SpanProcessor;
  origin: SpanOrigin;
  sampler: Sampler;
  ids: IdGenerator;
}

/** A store operation in progress: ended once, with the error's type when it failed. */
export interface StoreSpan {
  end(errorType?: string): void;
}

/** A span whose context goes out with a request (a tool's, a webhook's), recorded when it ends. */
class LiveSpan implements ChildSpan {
  readonly #startMs = nowMs();

  constructor(
    private readonly telemetry: OtelTelemetry,
    private readonly name: string,
    private readonly kind: SpanKind,
    private readonly context: SpanContext,
    private readonly parent: SpanContext,
    private readonly attributes: Attributes,
  ) {}

  traceHeaders(): TraceHeaders {
    const headers: Record<string, string> = {};
    propagator.inject(trace.setSpanContext(ROOT_CONTEXT, this.context), headers, {
      set: (carrier, key, value) => void (carrier[key] = value),
    });
    return headers;
  }

  end(attributes?: SpanAttributes, error?: string): void {
    this.telemetry.record({
      name: this.name,
      kind: this.kind,
      context: this.context,
      parent: this.parent,
      startMs: this.#startMs,
      endMs: nowMs(),
      attributes: attributes ? { ...this.attributes, ...cleanAttributes(attributes) } : this.attributes,
      ...(error ? { error } : {}),
    });
  }
}

/** The attributes and name of a store operation's span: the same few, made once each. */
interface StoreOperation {
  name: string;
  attributes: Attributes;
}

/** A store operation's span, recorded when it ends (only in a sampled trace). */
class StoreOperationSpan implements StoreSpan {
  readonly #startMs = nowMs();

  constructor(
    private readonly telemetry: OtelTelemetry,
    private readonly operation: StoreOperation,
    private readonly parent: SpanContext,
  ) {}

  end(errorType?: string): void {
    const { operation, parent } = this;
    this.telemetry.record({
      name: operation.name,
      kind: SpanKind.CLIENT,
      context: this.telemetry.childContext(parent),
      parent,
      startMs: this.#startMs,
      endMs: nowMs(),
      attributes: errorType
        ? { ...operation.attributes, [ATTR_ERROR_TYPE]: errorType }
        : operation.attributes,
      ...(errorType ? { error: errorType } : {}),
    });
  }
}

class OtelTurnSpan implements TurnSpan {
  readonly startMs = nowMs();
  #marks: TimedEvent[] | undefined;

  constructor(
    private readonly telemetry: OtelTelemetry,
    readonly callTrace: CallTrace,
    /** This turn's own span context: the parent of what the turn does. */
    readonly context: SpanContext,
    private readonly call: CallRef,
    private readonly seq: number,
    private readonly transport: string,
  ) {}

  mark(name: string): void {
    if (this.callTrace.sampled) (this.#marks ??= []).push(timedEvent(name, nowMs()));
  }

  child(name: string, attributes?: SpanAttributes): ChildSpan {
    return this.telemetry.liveSpan(name, SpanKind.INTERNAL, this.context, cleanAttributes(attributes));
  }

  end(turn?: Turn, attributes?: SpanAttributes): void {
    const { telemetry, startMs, context } = this;
    telemetry.turnEnded(this.call.call_sid, this);
    if (!this.callTrace.sampled) return;
    const events = turn ? turnEvents(turn, startMs).map((e) => timedEvent(e.name, e.at)) : [];
    if (this.#marks) {
      events.push(...this.#marks);
      events.sort((a, b) => a.time[0] - b.time[0] || a.time[1] - b.time[1]);
    }
    telemetry.record({
      name: 'turn',
      kind: SpanKind.SERVER,
      context,
      parent: this.callTrace.root,
      startMs,
      endMs: nowMs(),
      attributes: {
        [ATTR_CALL_SID]: this.call.call_sid,
        [ATTR_AGENT_ID]: this.call.agent_id,
        [ATTR_TRANSPORT]: this.transport,
        [ATTR_TURN_SEQ]: this.seq,
        ...(turn ? turnAttributes(turn) : {}),
        ...cleanAttributes(attributes),
      },
      events,
      ...(turn?.model_error ? { error: turn.model_error } : {}),
    });
    if (!turn) return;
    for (const child of turnChildSpans(turn, startMs)) {
      telemetry.record({
        name: child.name,
        kind: child.kind,
        context: telemetry.childContext(context),
        parent: context,
        startMs: child.start,
        endMs: child.end,
        attributes: child.attributes,
        ...(child.error ? { error: child.error } : {}),
      });
    }
  }
}

export class OtelTelemetry implements Telemetry {
  readonly enabled = true;
  // The turn running now for each call on this instance: store operations become its children.
  readonly #activeTurns = new Map<string, OtelTurnSpan>();
  readonly #calls = new Map<string, CallTrace>();
  readonly #storeOperations = new Map<string, StoreOperation>();

  constructor(private readonly pipeline: SpanPipeline) {}

  /** Hands a finished span of a sampled trace to the processor (which batches and exports it). */
  record(record: SpanRecord): void {
    if (record.context.traceFlags & TraceFlags.SAMPLED) {
      this.pipeline.processor.onEnd(new FinishedSpan(record, this.pipeline.origin));
    }
  }

  /** A new span's context under `parent`, in its trace and with its sampling flag. */
  childContext(parent: SpanContext): SpanContext {
    return {
      traceId: parent.traceId,
      spanId: this.pipeline.ids.generateSpanId(),
      traceFlags: parent.traceFlags,
    };
  }

  /**
   * The call's trace: its root span as a remote parent (the root is recorded once, when the call is
   * finalized), and the sampler's decision for the spans under it, asked once per call.
   */
  #callTrace(callSid: string): CallTrace {
    const known = this.#calls.get(callSid);
    if (known) return known;
    const { traceId, rootSpanId } = callTraceIds(callSid);
    const remoteRoot: SpanContext = {
      traceId,
      spanId: rootSpanId,
      traceFlags: TraceFlags.SAMPLED,
      isRemote: true,
    };
    const { decision } = this.pipeline.sampler.shouldSample(
      trace.setSpanContext(ROOT_CONTEXT, remoteRoot),
      traceId,
      'turn',
      SpanKind.SERVER,
      {},
      [],
    );
    const sampled = decision === SamplingDecision.RECORD_AND_SAMPLED;
    const callTrace: CallTrace = {
      traceId,
      root: remoteRoot,
      sampled,
    };
    if (this.#calls.size >= CALL_TRACES_KEPT) this.#calls.delete(this.#calls.keys().next().value!);
    this.#calls.set(callSid, callTrace);
    return callTrace;
  }

  /** The call's root span as the parent of a span this instance starts, flagged with the call's decision. */
  #rootOf(callSid: string): SpanContext {
    const callTrace = this.#callTrace(callSid);
    return callTrace.sampled ? callTrace.root : { ...callTrace.root, traceFlags: TraceFlags.NONE };
  }

  /** The parent of a call's work now: its turn running on this instance, else its root. */
  #parentOf(callSid: string): SpanContext {
    return this.#activeTurns.get(callSid)?.context ?? this.#rootOf(callSid);
  }

  liveSpan(name: string, kind: SpanKind, parent: SpanContext, attributes: Attributes): LiveSpan {
    return new LiveSpan(this, name, kind, this.childContext(parent), parent, attributes);
  }

  startTurnSpan(call: CallRef, seq: number, transport: string): TurnSpan {
    const callTrace = this.#callTrace(call.call_sid);
    const context: SpanContext = {
      traceId: callTrace.traceId,
      spanId: this.pipeline.ids.generateSpanId(),
      traceFlags: callTrace.sampled ? TraceFlags.SAMPLED : TraceFlags.NONE,
    };
    const span = new OtelTurnSpan(this, callTrace, context, call, seq, transport);
    this.#activeTurns.set(call.call_sid, span);
    return span;
  }

  /** Called by a turn span as it ends. */
  turnEnded(callSid: string, span: OtelTurnSpan): void {
    if (this.#activeTurns.get(callSid) === span) this.#activeTurns.delete(callSid);
  }

  startCallSpan(callSid: string, name: string, attributes?: SpanAttributes): ChildSpan {
    return this.liveSpan(name, SpanKind.CLIENT, this.#rootOf(callSid), {
      [ATTR_CALL_SID]: callSid,
      ...cleanAttributes(attributes),
    });
  }

  /**
   * A store operation's span: inside the call's running turn on this instance; outside a turn only
   * for writes (a read outside a turn is the dashboard or the API looking, not the call). Undefined
   * when there is nothing to record.
   */
  storeSpan(callSid: string, operation: string, write: boolean): StoreSpan | undefined {
    const turn = this.#activeTurns.get(callSid);
    if (!turn && !write) return undefined;
    const parent = turn ? turn.context : this.#rootOf(callSid);
    if (!(parent.traceFlags & TraceFlags.SAMPLED)) return undefined;
    return new StoreOperationSpan(this, this.#storeOperation(operation), parent);
  }

  #storeOperation(operation: string): StoreOperation {
    let known = this.#storeOperations.get(operation);
    if (!known) {
      known = {
        name: `CallStore.${operation}`,
        attributes: Object.freeze({
          [ATTR_DB_SYSTEM_NAME]: DB_SYSTEM_DYNAMODB,
          [ATTR_DB_OPERATION_NAME]: operation,
        }),
      };
      this.#storeOperations.set(operation, known);
    }
    return known;
  }

  /** A request the call's running turn makes (a tool's), with the headers that name it. */
  startRequestSpan(callSid: string, name: string, attributes?: SpanAttributes): ChildSpan {
    return this.liveSpan(name, SpanKind.CLIENT, this.#parentOf(callSid), cleanAttributes(attributes));
  }

  endCall(call: Call): void {
    const { traceId, root } = this.#callTrace(call.call_sid);
    const attributes = cleanAttributes({
      [ATTR_CALL_SID]: call.call_sid,
      [ATTR_AGENT_ID]: call.agent_id,
      [ATTR_TRANSPORT]: call.transport,
      'voice_agent.call.direction': call.direction,
      'voice_agent.call.status': call.status,
      'voice_agent.call.outcome': call.outcome,
      'voice_agent.call.ended_by': call.ended_by,
      'voice_agent.call.turns': call.turn_count,
    });
    // The root span has no parent: the sampler's root decision applies, as it would in the SDK's tracer.
    const { decision } = this.pipeline.sampler.shouldSample(
      ROOT_CONTEXT,
      traceId,
      'call',
      SpanKind.SERVER,
      attributes,
      [],
    );
    if (decision !== SamplingDecision.RECORD_AND_SAMPLED) return;
    const start = Date.parse(call.started_at);
    this.record({
      name: 'call',
      kind: SpanKind.SERVER,
      context: { traceId, spanId: root.spanId, traceFlags: TraceFlags.SAMPLED },
      startMs: start,
      endMs: call.ended_at ? Date.parse(call.ended_at) : nowMs(),
      attributes,
    });
  }

  flush(): Promise<void> {
    return this.pipeline.processor.forceFlush();
  }

  shutdown(): Promise<void> {
    return this.pipeline.processor.shutdown();
  }
}
