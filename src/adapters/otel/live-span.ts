// A span whose context goes out with a request it names (a tool's, a webhook's `traceparent`),
// recorded when it ends.
import { ROOT_CONTEXT, trace, type Attributes, type SpanContext, type SpanKind } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import type { ChildSpan, SpanAttributes, TraceHeaders } from '../../ports/telemetry.js';
import { nowMs, type SpanRecorder } from './span-recorder.js';

const propagator = new W3CTraceContextPropagator();

export function cleanAttributes(attributes: SpanAttributes | undefined): Attributes {
  const clean: Attributes = {};
  for (const [key, value] of Object.entries(attributes ?? {})) if (value !== undefined) clean[key] = value;
  return clean;
}

export class LiveSpan implements ChildSpan {
  readonly #startMs = nowMs();
  readonly #context: SpanContext;

  constructor(
    private readonly recorder: SpanRecorder,
    private readonly name: string,
    private readonly kind: SpanKind,
    private readonly parent: SpanContext,
    private readonly attributes: Attributes,
  ) {
    this.#context = recorder.childContext(parent);
  }

  traceHeaders(): TraceHeaders {
    const headers: Record<string, string> = {};
    propagator.inject(trace.setSpanContext(ROOT_CONTEXT, this.#context), headers, {
      set: (carrier, key, value) => void (carrier[key] = value),
    });
    return headers;
  }

  end(attributes?: SpanAttributes, error?: string): void {
    this.recorder.record({
      name: this.name,
      kind: this.kind,
      context: this.#context,
      parent: this.parent,
      startMs: this.#startMs,
      endMs: nowMs(),
      attributes: attributes ? { ...this.attributes, ...cleanAttributes(attributes) } : this.attributes,
      ...(error ? { error } : {}),
    });
  }
}
