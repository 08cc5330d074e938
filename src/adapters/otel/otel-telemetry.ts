// Telemetry on the OpenTelemetry API, without a global context manager: every span names its
// parent explicitly, so nothing runs per async hop. A call's spans find each other through ids
// derived from its CallSid (trace-ids.ts), whichever instance serves a turn.
import {
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  TraceFlags,
  trace,
  type Attributes,
  type Context,
  type Span,
  type Tracer,
} from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import type { Call, Turn } from '../../domain/call.js';
import type {
  CallRef,
  ChildSpan,
  SpanAttributes,
  Telemetry,
  TraceHeaders,
  TurnSpan,
} from '../../ports/telemetry.js';
import { ATTR_AGENT_ID, ATTR_CALL_SID, ATTR_TRANSPORT, ATTR_TURN_SEQ } from './attributes.js';
import type { CallIdGenerator } from './call-id-generator.js';
import { callTraceIds } from './trace-ids.js';
import { turnAttributes, turnChildSpans, turnEvents } from './turn-record.js';

const propagator = new W3CTraceContextPropagator();

export function cleanAttributes(attributes: SpanAttributes | undefined): Attributes {
  const clean: Attributes = {};
  for (const [key, value] of Object.entries(attributes ?? {})) if (value !== undefined) clean[key] = value;
  return clean;
}

/** The epoch time in ms, on the same clock the SDK stamps spans with. */
const nowMs = () => performance.timeOrigin + performance.now();

class OtelChildSpan implements ChildSpan {
  constructor(protected readonly span: Span) {}

  traceHeaders(): TraceHeaders {
    const headers: Record<string, string> = {};
    propagator.inject(trace.setSpan(ROOT_CONTEXT, this.span), headers, {
      set: (carrier, key, value) => void (carrier[key] = value),
    });
    return headers;
  }

  end(attributes?: SpanAttributes, error?: string): void {
    this.span.setAttributes(cleanAttributes(attributes));
    if (error) this.span.setStatus({ code: SpanStatusCode.ERROR, message: error });
    this.span.end();
  }
}

class OtelTurnSpan implements TurnSpan {
  constructor(
    private readonly telemetry: OtelTelemetry,
    private readonly tracer: Tracer,
    private readonly span: Span,
    private readonly callSid: string,
    private readonly startMs: number,
  ) {}

  mark(name: string): void {
    this.span.addEvent(name);
  }

  child(name: string, attributes?: SpanAttributes): ChildSpan {
    const context = trace.setSpan(ROOT_CONTEXT, this.span);
    return new OtelChildSpan(
      this.tracer.startSpan(name, { attributes: cleanAttributes(attributes) }, context),
    );
  }

  end(turn?: Turn, attributes?: SpanAttributes): void {
    this.telemetry.turnEnded(this.callSid, this.span);
    if (turn) {
      this.span.setAttributes(turnAttributes(turn));
      for (const event of turnEvents(turn, this.startMs)) this.span.addEvent(event.name, event.at);
      const context = trace.setSpan(ROOT_CONTEXT, this.span);
      for (const child of turnChildSpans(turn, this.startMs)) {
        const span = this.tracer.startSpan(
          child.name,
          { kind: child.kind, startTime: child.start, attributes: child.attributes },
          context,
        );
        if (child.error) span.setStatus({ code: SpanStatusCode.ERROR, message: child.error });
        span.end(child.end);
      }
      if (turn.model_error) this.span.setStatus({ code: SpanStatusCode.ERROR, message: turn.model_error });
    }
    this.span.setAttributes(cleanAttributes(attributes));
    this.span.end();
  }
}

export class OtelTelemetry implements Telemetry {
  readonly enabled = true;
  // The turn running now for each call on this instance: store operations become its children.
  readonly #activeTurns = new Map<string, Span>();

  constructor(
    private readonly tracer: Tracer,
    private readonly ids: CallIdGenerator,
    private readonly provider: { forceFlush(): Promise<void>; shutdown(): Promise<void> },
  ) {}

  /** The call's root span, as a remote parent: it is recorded once, when the call is finalized. */
  callContext(callSid: string): Context {
    const { traceId, rootSpanId } = callTraceIds(callSid);
    return trace.setSpanContext(ROOT_CONTEXT, {
      traceId,
      spanId: rootSpanId,
      traceFlags: TraceFlags.SAMPLED,
      isRemote: true,
    });
  }

  startTurnSpan(call: CallRef, seq: number, transport: string): TurnSpan {
    const startMs = nowMs();
    const span = this.tracer.startSpan(
      'turn',
      {
        kind: SpanKind.SERVER,
        startTime: startMs,
        attributes: {
          [ATTR_CALL_SID]: call.call_sid,
          [ATTR_AGENT_ID]: call.agent_id,
          [ATTR_TRANSPORT]: transport,
          [ATTR_TURN_SEQ]: seq,
        },
      },
      this.callContext(call.call_sid),
    );
    this.#activeTurns.set(call.call_sid, span);
    return new OtelTurnSpan(this, this.tracer, span, call.call_sid, startMs);
  }

  /** Called by a turn span as it ends. */
  turnEnded(callSid: string, span: Span): void {
    if (this.#activeTurns.get(callSid) === span) this.#activeTurns.delete(callSid);
  }

  startCallSpan(callSid: string, name: string, attributes?: SpanAttributes): ChildSpan {
    const span = this.tracer.startSpan(
      name,
      { kind: SpanKind.CLIENT, attributes: { [ATTR_CALL_SID]: callSid, ...cleanAttributes(attributes) } },
      this.callContext(callSid),
    );
    return new OtelChildSpan(span);
  }

  /**
   * A store operation's span: inside the call's running turn on this instance; outside a turn only
   * for writes (a read outside a turn is the dashboard or the API looking, not the call).
   */
  storeSpan(callSid: string, operation: string, write: boolean, attributes: Attributes): Span | undefined {
    if (!write && !this.#activeTurns.has(callSid)) return undefined;
    return this.#workSpan(callSid, operation, attributes);
  }

  /** A request the call's running turn makes (a tool's), with the headers that name it. */
  startRequestSpan(callSid: string, name: string, attributes?: SpanAttributes): ChildSpan {
    return new OtelChildSpan(this.#workSpan(callSid, name, cleanAttributes(attributes)));
  }

  /** A client span inside the call's running turn on this instance, else under the call. */
  #workSpan(callSid: string, name: string, attributes: Attributes): Span {
    const turn = this.#activeTurns.get(callSid);
    const parent = turn ? trace.setSpan(ROOT_CONTEXT, turn) : this.callContext(callSid);
    return this.tracer.startSpan(name, { kind: SpanKind.CLIENT, attributes }, parent);
  }

  endCall(call: Call): void {
    const start = Date.parse(call.started_at);
    const end = call.ended_at ? Date.parse(call.ended_at) : nowMs();
    const span = this.ids.withIds(callTraceIds(call.call_sid), () =>
      this.tracer.startSpan(
        'call',
        {
          kind: SpanKind.SERVER,
          startTime: start,
          attributes: cleanAttributes({
            [ATTR_CALL_SID]: call.call_sid,
            [ATTR_AGENT_ID]: call.agent_id,
            [ATTR_TRANSPORT]: call.transport,
            'voice_agent.call.direction': call.direction,
            'voice_agent.call.status': call.status,
            'voice_agent.call.outcome': call.outcome,
            'voice_agent.call.ended_by': call.ended_by,
            'voice_agent.call.turns': call.turn_count,
          }),
        },
        ROOT_CONTEXT,
      ),
    );
    span.end(Math.max(start, end));
  }

  flush(): Promise<void> {
    return this.provider.forceFlush();
  }

  shutdown(): Promise<void> {
    return this.provider.shutdown();
  }
}
