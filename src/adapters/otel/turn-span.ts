// A turn's span and the store operations it makes. The turn path only notes what happened (a clock
// read at each end of a store operation, the stored turn at the end); the spans are built later, in a
// batch with other turns' (span-recorder.ts).
import { SpanKind, type Attributes, type SpanContext } from '@opentelemetry/api';
import type { TimedEvent } from '@opentelemetry/sdk-trace-base';
import type { Turn } from '../../domain/call.js';
import type { CallRef, ChildSpan, SpanAttributes, TurnSpan } from '../../ports/telemetry.js';
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
import type { CallTrace, CallTraces } from './call-traces.js';
import { timedEvent } from './finished-span.js';
import { cleanAttributes, LiveSpan } from './live-span.js';
import { nowMs, type LaterSpans, type SpanRecorder } from './span-recorder.js';
import { turnAttributes, turnChildSpans, turnEvents } from './turn-record.js';

/** A store operation's span name and attributes: the same few, made once each. */
export interface StoreOperation {
  name: string;
  attributes: Attributes;
}

export function storeOperation(operation: string): StoreOperation {
  return {
    name: `CallStore.${operation}`,
    attributes: Object.freeze({
      [ATTR_DB_SYSTEM_NAME]: DB_SYSTEM_DYNAMODB,
      [ATTR_DB_OPERATION_NAME]: operation,
    }),
  };
}

/** What a store operation's span hangs under: a turn, or the call's root. */
export interface StoreOwner {
  storeEnded(span: StoreOperationSpan): void;
}

/** A store operation in progress: ended once, with the error's type when it failed. */
export interface StoreSpan {
  end(errorType?: string): void;
}

export class StoreOperationSpan implements StoreSpan {
  readonly #startMs = nowMs();
  #endMs = 0;
  #errorType: string | undefined;

  constructor(
    private readonly operation: StoreOperation,
    private readonly owner: StoreOwner,
  ) {}

  end(errorType?: string): void {
    this.#endMs = nowMs();
    this.#errorType = errorType;
    this.owner.storeEnded(this);
  }

  record(recorder: SpanRecorder, parent: SpanContext): void {
    const errorType = this.#errorType;
    recorder.record({
      name: this.operation.name,
      kind: SpanKind.CLIENT,
      context: recorder.childContext(parent),
      parent,
      startMs: this.#startMs,
      endMs: this.#endMs,
      attributes: errorType
        ? { ...this.operation.attributes, [ATTR_ERROR_TYPE]: errorType }
        : this.operation.attributes,
      ...(errorType ? { error: errorType } : {}),
    });
  }
}

export class OtelTurnSpan implements TurnSpan, StoreOwner, LaterSpans {
  readonly startMs = nowMs();
  #endMs = 0;
  #callTrace: CallTrace | undefined;
  #context: SpanContext | undefined;
  #turn: Turn | undefined;
  #attributes: SpanAttributes | undefined;
  #built = false;
  #stores: StoreOperationSpan[] | undefined;
  #marks: TimedEvent[] | undefined;

  constructor(
    private readonly recorder: SpanRecorder,
    private readonly calls: CallTraces,
    readonly call: CallRef,
    private readonly seq: number,
    private readonly transport: string,
    private readonly onEnd: (span: OtelTurnSpan) => void,
  ) {}

  /** The call's trace, looked up when first needed (in the batch, for most turns). */
  get callTrace(): CallTrace {
    return (this.#callTrace ??= this.calls.get(this.call.call_sid));
  }

  /** This turn's span context, the parent of its work: made when first needed. */
  get context(): SpanContext {
    return (this.#context ??= this.recorder.childContext(this.callTrace.parent));
  }

  mark(name: string): void {
    (this.#marks ??= []).push(timedEvent(name, nowMs()));
  }

  child(name: string, attributes?: SpanAttributes): ChildSpan {
    return new LiveSpan(this.recorder, name, SpanKind.INTERNAL, this.context, cleanAttributes(attributes));
  }

  storeEnded(span: StoreOperationSpan): void {
    if (this.#built) span.record(this.recorder, this.context);
    else (this.#stores ??= []).push(span);
  }

  end(turn?: Turn, attributes?: SpanAttributes): void {
    if (this.#endMs) return;
    this.onEnd(this);
    this.#endMs = nowMs();
    this.#turn = turn;
    this.#attributes = attributes;
    this.recorder.later(this);
  }

  build(recorder: SpanRecorder): void {
    this.#built = true;
    if (!this.callTrace.sampled) return;
    const { startMs, context } = this;
    const turn = this.#turn;
    const events = turn ? turnEvents(turn, startMs).map((e) => timedEvent(e.name, e.at)) : [];
    if (this.#marks) {
      events.push(...this.#marks);
      events.sort((a, b) => a.time[0] - b.time[0] || a.time[1] - b.time[1]);
    }
    recorder.record({
      name: 'turn',
      kind: SpanKind.SERVER,
      context,
      parent: this.callTrace.root,
      startMs,
      endMs: this.#endMs,
      attributes: {
        [ATTR_CALL_SID]: this.call.call_sid,
        [ATTR_AGENT_ID]: this.call.agent_id,
        [ATTR_TRANSPORT]: this.transport,
        [ATTR_TURN_SEQ]: this.seq,
        ...(turn ? turnAttributes(turn) : {}),
        ...cleanAttributes(this.#attributes),
      },
      events,
      ...(turn?.model_error ? { error: turn.model_error } : {}),
    });
    for (const store of this.#stores ?? []) store.record(recorder, context);
    if (!turn) return;
    for (const child of turnChildSpans(turn, startMs)) {
      recorder.record({
        name: child.name,
        kind: child.kind,
        context: recorder.childContext(context),
        parent: context,
        startMs: child.start,
        endMs: child.end,
        attributes: child.attributes,
        ...(child.error ? { error: child.error } : {}),
      });
    }
  }
}
