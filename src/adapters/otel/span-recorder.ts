// Where the adapter's spans go: each finished span of a sampled trace to the SDK's span processor,
// which batches and exports it; a new span's ids from the SDK's id generator.
import { TraceFlags, type SpanContext } from '@opentelemetry/api';
import type { IdGenerator, SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { FinishedSpan, type SpanOrigin, type SpanRecord } from './finished-span.js';

/** The epoch time in ms, on the clock every span of this process is stamped with. */
export const nowMs = () => performance.timeOrigin + performance.now();

export class SpanRecorder {
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

  /** A new span's context under `parent`: its trace, its sampling flag, an id of its own. */
  childContext(parent: SpanContext): SpanContext {
    return { traceId: parent.traceId, spanId: this.ids.generateSpanId(), traceFlags: parent.traceFlags };
  }

  flush(): Promise<void> {
    return this.processor.forceFlush();
  }

  shutdown(): Promise<void> {
    return this.processor.shutdown();
  }
}
