// Where the adapter's spans go: each finished span of a sampled trace to the SDK's batch span
// processor, which exports it; a new span's ids from the SDK's id generator.
//
// A turn's spans are built from what the turn noted only when they are exported: every `delayMs`
// (the batch processor's schedule) or every BATCH_TURNS turns, all at once, and the processor is
// flushed right after. Built between calls, span by span, the same work costs several times more
// (the code runs cold), and spans kept for seconds outlive the young generation: the collector then
// copies and marks them (docs/decisions/0031-tracing-cost.md).
import { TraceFlags, type SpanContext } from '@opentelemetry/api';
import { globalErrorHandler } from '@opentelemetry/core';
import type { IdGenerator, SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { FinishedSpan, type SpanOrigin, type SpanRecord } from './finished-span.js';

/** The epoch time in ms, on the clock every span of this process is stamped with. */
export const nowMs = () => performance.timeOrigin + performance.now();

// A few hundred spans: one export request (the processor sends at most 512 spans in one).
const BATCH_TURNS = 64;

/** Spans to build when they are exported, from what was noted. */
export interface LaterSpans {
  build(recorder: SpanRecorder): void;
}

export class SpanRecorder {
  #later: LaterSpans[] = [];
  #timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly processor: SpanProcessor,
    private readonly origin: SpanOrigin,
    private readonly ids: IdGenerator,
    private readonly delayMs: number,
  ) {}

  /** A span to export with the next batch. */
  record(record: SpanRecord): void {
    if (record.context.traceFlags & TraceFlags.SAMPLED) {
      this.processor.onEnd(new FinishedSpan(record, this.origin));
    }
  }

  /** Spans to build and export with the next batch. */
  later(spans: LaterSpans): void {
    this.#later.push(spans);
    if (this.#later.length >= BATCH_TURNS) this.#export();
    else this.#timer ??= setTimeout(() => this.#export(), this.delayMs).unref();
  }

  #build(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    const queued = this.#later;
    this.#later = [];
    for (const spans of queued) spans.build(this);
  }

  #export(): void {
    this.#build();
    this.processor.forceFlush().catch(globalErrorHandler);
  }

  /** A new span's context under `parent`: its trace, its sampling flag, an id of its own. */
  childContext(parent: SpanContext): SpanContext {
    return { traceId: parent.traceId, spanId: this.ids.generateSpanId(), traceFlags: parent.traceFlags };
  }

  flush(): Promise<void> {
    this.#build();
    return this.processor.forceFlush();
  }

  shutdown(): Promise<void> {
    this.#build();
    return this.processor.shutdown();
  }
}
