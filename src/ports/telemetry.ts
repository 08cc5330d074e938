// Traces of calls (OpenTelemetry when OTEL_EXPORTER_OTLP_ENDPOINT is set). The turn path calls
// these on every turn, so the off state is one shared no-op object: nothing is allocated, nothing of
// the tracing SDK is loaded.
import type { Call, Turn } from '../domain/call.js';

export type SpanAttributes = Record<string, string | number | boolean | undefined>;

/** Headers that carry a span's context to another service (`traceparent`); empty when off. */
export type TraceHeaders = Readonly<Record<string, string>>;

export interface ChildSpan {
  /** W3C trace-context headers naming this span, for a request it makes. */
  traceHeaders(): TraceHeaders;
  /** Ends the span; `error` marks it failed (a short reason, never personal data). */
  end(attributes?: SpanAttributes, error?: string): void;
}

export interface TurnSpan {
  /** A named moment of the turn, now (a span event). */
  mark(name: string): void;
  /** A span inside the turn, such as a model request or a tool call. */
  child(name: string, attributes?: SpanAttributes): ChildSpan;
  /**
   * Ends the turn span. Given the stored turn, it records what is not personal: kind, model, tokens,
   * latency, its timeline's moments as events, and spans for the model request and tool calls.
   */
  end(turn?: Turn, attributes?: SpanAttributes): void;
}

export type CallRef = Pick<Call, 'call_sid' | 'agent_id'>;

export interface Telemetry {
  readonly enabled: boolean;
  /** The span of one turn: a child of the call's root span, in the call's trace. */
  startTurnSpan(call: CallRef, seq: number, transport: string): TurnSpan;
  /** A span in the call's trace outside any turn (a webhook delivery, a recording copy). */
  startCallSpan(callSid: string, name: string, attributes?: SpanAttributes): ChildSpan;
  /** Records the call's root span, from its start to its end (once, when the call is finalized). */
  endCall(call: Call): void;
  /** Sends what is buffered (tests, shutdown). */
  flush(): Promise<void>;
  shutdown(): Promise<void>;
}

const NO_HEADERS: TraceHeaders = Object.freeze({});
const noopChild: ChildSpan = Object.freeze({ traceHeaders: () => NO_HEADERS, end: () => undefined });
const noopTurn: TurnSpan = Object.freeze({
  mark: () => undefined,
  child: () => noopChild,
  end: () => undefined,
});

/** Tracing off: every call returns the same frozen objects. */
export const noopTelemetry: Telemetry = Object.freeze({
  enabled: false,
  startTurnSpan: () => noopTurn,
  startCallSpan: () => noopChild,
  endCall: () => undefined,
  flush: async () => undefined,
  shutdown: async () => undefined,
});
