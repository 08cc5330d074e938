// Telemetry in OpenTelemetry's span model, exported by the SDK's batch span processor and OTLP
// exporter. The adapter builds each span itself, as a finished span, rather than through the SDK's
// tracer: on the turn path that is a fraction of the tracer's work (docs/decisions/0031-tracing-cost.md).
// No global context manager either: every span names its parent, so nothing runs per async hop. A
// call's spans find each other through ids derived from its CallSid, whichever instance serves a turn.
import { SpanKind, TraceFlags } from '@opentelemetry/api';
import type { Call } from '../../domain/call.js';
import type { CallRef, ChildSpan, SpanAttributes, Telemetry, TurnSpan } from '../../ports/telemetry.js';
import { ATTR_AGENT_ID, ATTR_CALL_SID, ATTR_TRANSPORT } from './attributes.js';
import type { CallTraces } from './call-traces.js';
import { cleanAttributes, LiveSpan } from './live-span.js';
import { nowMs, type SpanRecorder } from './span-recorder.js';
import { OtelTurnSpan, StoreOperationSpan, type StoreOperation, type StoreSpan } from './turn-span.js';

export class OtelTelemetry implements Telemetry {
  readonly enabled = true;
  // The turn running now for each call on this instance: store operations become its children.
  readonly #activeTurns = new Map<string, OtelTurnSpan>();

  constructor(
    private readonly recorder: SpanRecorder,
    private readonly calls: CallTraces,
  ) {}

  startTurnSpan(call: CallRef, seq: number, transport: string): TurnSpan {
    const span = new OtelTurnSpan(this.recorder, this.calls, call, seq, transport, this.#turnEnded);
    this.#activeTurns.set(call.call_sid, span);
    return span;
  }

  readonly #turnEnded = (span: OtelTurnSpan): void => {
    if (this.#activeTurns.get(span.call.call_sid) === span) this.#activeTurns.delete(span.call.call_sid);
  };

  startCallSpan(callSid: string, name: string, attributes?: SpanAttributes): ChildSpan {
    return new LiveSpan(this.recorder, name, SpanKind.CLIENT, this.calls.get(callSid).parent, {
      [ATTR_CALL_SID]: callSid,
      ...cleanAttributes(attributes),
    });
  }

  /**
   * A store operation's span: inside the call's running turn on this instance; outside a turn only
   * for writes (a read outside a turn is the dashboard or the API looking, not the call). Undefined
   * when there is nothing to record.
   */
  storeSpan(callSid: string, operation: StoreOperation, write: boolean): StoreSpan | undefined {
    const turn = this.#activeTurns.get(callSid);
    // In a turn, noted whatever the sampler says of the call: it is asked when the turn's spans are built.
    if (turn) return new StoreOperationSpan(operation, turn);
    if (!write) return undefined;
    const { parent, sampled } = this.calls.get(callSid);
    if (!sampled) return undefined;
    const recorder = this.recorder;
    return new StoreOperationSpan(operation, {
      storeEnded: (span) => span.record(recorder, parent),
    });
  }

  /** A request the call's running turn makes (a tool's), with the headers that name it. */
  startRequestSpan(callSid: string, name: string, attributes?: SpanAttributes): ChildSpan {
    const parent = this.#activeTurns.get(callSid)?.context ?? this.calls.get(callSid).parent;
    return new LiveSpan(this.recorder, name, SpanKind.CLIENT, parent, cleanAttributes(attributes));
  }

  /** Records the call's root span, with the ids its turns already name as their parent. */
  endCall(call: Call): void {
    if (!this.calls.rootSampled(call.call_sid)) return;
    const { traceId, root } = this.calls.get(call.call_sid);
    this.recorder.record({
      name: 'call',
      kind: SpanKind.SERVER,
      context: { traceId, spanId: root.spanId, traceFlags: TraceFlags.SAMPLED },
      startMs: Date.parse(call.started_at),
      endMs: call.ended_at ? Date.parse(call.ended_at) : nowMs(),
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
    });
  }

  flush(): Promise<void> {
    return this.recorder.flush();
  }

  shutdown(): Promise<void> {
    return this.recorder.shutdown();
  }
}
