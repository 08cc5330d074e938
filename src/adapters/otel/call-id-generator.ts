import { RandomIdGenerator, type IdGenerator } from '@opentelemetry/sdk-trace-base';
import type { CallTraceIds } from './trace-ids.js';

/**
 * Random ids, except while `withIds` runs: then the span started inside it (synchronously) gets
 * the call's trace id and root span id. The SDK takes a span's ids from its IdGenerator only.
 */
export class CallIdGenerator implements IdGenerator {
  readonly #random = new RandomIdGenerator();
  #pending: CallTraceIds | undefined;

  generateTraceId(): string {
    return this.#pending?.traceId ?? this.#random.generateTraceId();
  }

  generateSpanId(): string {
    return this.#pending?.rootSpanId ?? this.#random.generateSpanId();
  }

  withIds<T>(ids: CallTraceIds, start: () => T): T {
    this.#pending = ids;
    try {
      return start();
    } finally {
      this.#pending = undefined;
    }
  }
}
