// A span handed to the SDK's span processor already ended: what the OTLP exporter reads of a span
// (the SDK's ReadableSpan), built in one step from what the adapter measured. The SDK's own span
// objects check limits, validate and convert on every call, which cost the turn path more than the
// spans are worth (docs/decisions/0031-tracing-cost.md).
import {
  SpanStatusCode,
  type Attributes,
  type HrTime,
  type Link,
  type SpanContext,
  type SpanKind,
  type SpanStatus,
} from '@opentelemetry/api';
import { hrTimeDuration, millisToHrTime, type InstrumentationScope } from '@opentelemetry/core';
import type { Resource } from '@opentelemetry/resources';
import type { ReadableSpan, TimedEvent } from '@opentelemetry/sdk-trace-base';

const NO_LINKS: Link[] = [];
const NO_EVENTS: TimedEvent[] = [];
const UNSET: SpanStatus = Object.freeze({ code: SpanStatusCode.UNSET });

/** Where finished spans go, and what every span of this process names as its origin. */
export interface SpanOrigin {
  resource: Resource;
  scope: InstrumentationScope;
}

export interface SpanRecord {
  name: string;
  kind: SpanKind;
  context: SpanContext;
  parent?: SpanContext;
  /** Epoch ms, fractions allowed. */
  startMs: number;
  endMs: number;
  /** Read, never copied: pass an object nothing changes afterwards. */
  attributes: Attributes;
  events?: TimedEvent[];
  /** Marks the span failed, with this short reason. */
  error?: string;
}

/** A span event at an epoch ms. */
export const timedEvent = (name: string, atMs: number): TimedEvent => ({ name, time: millisToHrTime(atMs) });

export class FinishedSpan implements ReadableSpan {
  readonly name: string;
  readonly kind: SpanKind;
  readonly parentSpanContext: SpanContext | undefined;
  readonly startTime: HrTime;
  readonly endTime: HrTime;
  readonly status: SpanStatus;
  readonly attributes: Attributes;
  readonly links = NO_LINKS;
  readonly events: TimedEvent[];
  readonly ended = true;
  readonly resource: Resource;
  readonly instrumentationScope: InstrumentationScope;
  readonly droppedAttributesCount = 0;
  readonly droppedEventsCount = 0;
  readonly droppedLinksCount = 0;
  readonly #context: SpanContext;

  constructor(record: SpanRecord, origin: SpanOrigin) {
    this.name = record.name;
    this.kind = record.kind;
    this.#context = record.context;
    this.parentSpanContext = record.parent;
    this.startTime = millisToHrTime(record.startMs);
    this.endTime = millisToHrTime(Math.max(record.startMs, record.endMs));
    this.status = record.error ? { code: SpanStatusCode.ERROR, message: record.error } : UNSET;
    this.attributes = record.attributes;
    this.events = record.events ?? NO_EVENTS;
    this.resource = origin.resource;
    this.instrumentationScope = origin.scope;
  }

  spanContext(): SpanContext {
    return this.#context;
  }

  get duration(): HrTime {
    return hrTimeDuration(this.startTime, this.endTime);
  }
}
