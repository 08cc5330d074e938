// Where the adapter's spans go: each finished span of a sampled trace to the SDK's span processor,
// which batches and exports it; a new span's ids from the SDK's id generator.
//
// Work that can wait (a turn's spans, built from what the turn noted) is queued and done in batches,
// every BUILD_BATCH items or BUILD_DELAY_MS, whichever comes first: on a server busy with its calls,
// span-building scattered between them costs several times what the same work costs back to back
// (docs/decisions/0030-tracing-cost.md). Spans reach the exporter's own batch that much later.
import { TraceFlags, type SpanContext } from '@opentelemetry/api';
import type { IdGenerator, SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { FinishedSpan, type SpanOrigin, type SpanRecord } from './finished-span.js';

/** The epoch time in ms, on the clock every span of this process is stamped with. */
export const nowMs = () => performance.timeOrigin + performance.now();

const BUILD_BATCH = 64;
const BUILD_DELAY_MS = 1_000;

/** Spans to build later, from what was noted. */
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
  ) {}

  record(record: SpanRecord): void {
    if (record.context.traceFlags & TraceFlags.SAMPLED) {
      this.processor.onEnd(new FinishedSpan(record, this.origin));
    }
  }

  /** Queues spans to build in the next batch. */
  later(spans: LaterSpans): void {
    this.#later.push(spans);
    if (this.#later.length >= BUILD_BATCH) this.#build();
    else this.#timer ??= setTimeout(() => this.#build(), BUILD_DELAY_MS).unref();
  }

  #build(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    const queued = this.#later;
    this.#later = [];
    for (const spans of queued) spans.build(this);
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
