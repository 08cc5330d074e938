// A turn's span and the store operations it makes. While the turn runs its work is only noted (a
// clock read at each end of a store operation); its spans are built when it ends, together, where the
// same few functions run back to back: on a server busy with everything else, scattered span-building
// costs many times what the same work costs in one go (docs/decisions/0030-tracing-cost.md).
import { SpanKind, type Attributes, type SpanContext } from '@opentelemetry/api';
import type { TimedEvent } from '@opentelemetry/sdk-trace-base';
import type { Turn } from '../../domain/call.js';
import type { CallRef, ChildSpan, SpanAttributes, TurnSpan } from '../../ports/telemetry.js';
import {
  ATTR_AGENT_ID,
  ATTR_CALL_SID,
  ATTR_ERROR_TYPE,
  ATTR_TRANSPORT,
  ATTR_TURN_SEQ,
} from './attributes.js';
import type { CallTrace } from './call-traces.js';
import { timedEvent } from './finished-span.js';
import { cleanAttributes, LiveSpan } from './live-span.js';
import { nowMs, type SpanRecorder } from './span-recorder.js';
import { turnAttributes, turnChildSpans, turnEvents } from './turn-record.js';

/** A store operation's span name and attributes: the same few, made once each. */
export interface StoreOperation {
  name: string;
  attributes: Attributes;
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

export class OtelTurnSpan implements TurnSpan, StoreOwner {
  readonly startMs = nowMs();
  #context: SpanContext | undefined;
  #ended = false;
  #stores: StoreOperationSpan[] | undefined;
  #marks: TimedEvent[] | undefined;

  constructor(
    private readonly recorder: SpanRecorder,
    private readonly callTrace: CallTrace,
    readonly call: CallRef,
    private readonly seq: number,
    private readonly transport: string,
    private readonly onEnd: (span: OtelTurnSpan) => void,
  ) {}

  get sampled(): boolean {
    return this.callTrace.sampled;
  }

  /** This turn's span context, the parent of its work: made when first needed. */
  get context(): SpanContext {
    return (this.#context ??= this.recorder.childContext(this.callTrace.parent));
  }

  mark(name: string): void {
    if (this.sampled) (this.#marks ??= []).push(timedEvent(name, nowMs()));
  }

  child(name: string, attributes?: SpanAttributes): ChildSpan {
    return new LiveSpan(this.recorder, name, SpanKind.INTERNAL, this.context, cleanAttributes(attributes));
  }

  storeEnded(span: StoreOperationSpan): void {
    if (this.#ended) span.record(this.recorder, this.context);
    else (this.#stores ??= []).push(span);
  }

  end(turn?: Turn, attributes?: SpanAttributes): void {
    this.#ended = true;
    this.onEnd(this);
    if (!this.sampled) return;
    const { recorder, startMs, context } = this;
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
