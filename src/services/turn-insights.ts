// The TurnObserver the container gives the turn runner: one turn's span, metrics and alarm.
import type { Turn, TurnTimeline } from '../domain/call.js';
import { modelFirstTokenMs, serverAddedMs } from '../engine/turn-timeline.js';
import type { Metrics } from '../ports/metrics.js';
import type { CallRef, Telemetry, TurnSpan } from '../ports/telemetry.js';
import type { TurnObserver } from '../ports/turn-observer.js';
import type { LatencyAlarms } from './latency-alarms.js';

export class TurnInsights implements TurnObserver {
  constructor(private readonly deps: { telemetry: Telemetry; metrics: Metrics; alarms: LatencyAlarms }) {}

  startTurn(call: CallRef, seq: number, transport: string): TurnSpan {
    return this.deps.telemetry.startTurnSpan(call, seq, transport);
  }

  turnDone(span: TurnSpan, call: CallRef, turn: Turn, transport: string): void {
    span.end(turn);
    const { metrics, alarms } = this.deps;
    const agent = call.agent_id;
    const timeline = turn.timeline;
    metrics.observeTurn({
      agent,
      transport,
      serverAddedMs: timeline && serverAddedMs(timeline),
      modelFirstTokenMs: timeline && modelFirstTokenMs(timeline),
      model: turn.model,
      modelError: turn.model_error !== undefined,
      // The engine keeps why the primary failed on a turn the fallback answered.
      fallback: turn.model_error !== undefined && turn.model !== undefined,
    });
    for (const tool of timeline?.tools ?? []) {
      metrics.observeTool({ agent, transport, tool: tool.name, ms: tool.end - tool.start, ok: tool.ok });
    }
    if (timeline) {
      alarms.turn({
        call_sid: call.call_sid,
        agent_id: agent,
        transport,
        seq: turn.seq,
        kind: turn.kind,
        timeline,
      });
    }
  }

  greetingDone(call: CallRef, transport: string, ms: number, timeline?: TurnTimeline): void {
    this.deps.metrics.observeGreeting({ agent: call.agent_id, transport, ms });
    this.deps.alarms.greeting({ call_sid: call.call_sid, agent_id: call.agent_id, transport, ms, timeline });
  }
}
