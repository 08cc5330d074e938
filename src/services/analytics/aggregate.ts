// The analytics page's figures, from call items alone (never their turns): calls per day by
// outcome, latency per agent with the model's share, extraction per field, transfers and cost.
import { OUTCOMES, type Call } from '../../domain/call.js';
import { daysBetween } from './days.js';
import { estimatePercentile, type LatencySummary } from './percentile-estimate.js';

/** A call not finalized yet has no outcome. */
export const NO_OUTCOME = 'none';
export const OUTCOME_KEYS = [...OUTCOMES, NO_OUTCOME] as const;

export interface DayFigures {
  day: string;
  calls: number;
  outcomes: Record<string, number>;
  transfers: number;
  cost_micro_usd: number;
}

export interface LatencyFigures {
  /** Replies (turns after the greeting) the figures cover. */
  replies: number;
  avg_latency_ms?: number;
  /** Estimated from each call's p50 and p95 (estimatePercentile). */
  p95_latency_ms?: number;
  avg_model_latency_ms?: number;
  /** The model's share of the turn time, 0 to 1. */
  model_share?: number;
  /**
   * The time the server added to a reply (input in to the reply out, less the model's wait; on Gather
   * to the TwiML answered), p95 estimated from each call's p50 and p95 of it.
   */
  p95_server_added_ms?: number;
}

export interface AgentFigures extends LatencyFigures {
  agent_id: string;
  calls: number;
  transfers: number;
  cost_micro_usd: number;
}

export interface FieldFigures {
  agent_id: string;
  field: string;
  /** Calls of the agent in which the caller spoke at least once. */
  calls: number;
  collected: number;
  rate: number;
}

export interface AnalyticsFigures {
  calls: number;
  days: DayFigures[];
  agents: AgentFigures[];
  fields: FieldFigures[];
  totals: LatencyFigures & { calls: number; transfers: number; cost_micro_usd: number };
}

export interface AggregateOptions {
  firstDay: string;
  lastDay: string;
  dayOf: (iso: string) => string;
  /** The fields each agent collects, in its order; an agent not listed is left out of `fields`. */
  fieldsByAgent: ReadonlyMap<string, readonly string[]>;
}

const replies = (call: Call) => Math.max(0, call.turn_count - 1);
const isTransfer = (call: Call) =>
  call.transferred_to !== undefined || call.ended_by === 'transfer' || call.outcome === 'transferred';

class LatencyTally {
  replies = 0;
  latency = 0;
  model = 0;
  readonly summaries: LatencySummary[] = [];
  readonly serverAdded: LatencySummary[] = [];

  add(call: Call): void {
    const count = replies(call);
    if (count === 0 || !call.totals) return;
    this.replies += count;
    this.latency += call.totals.latency_ms;
    this.model += call.totals.model_latency_ms;
    if (call.latency_p50_ms !== undefined && call.latency_p95_ms !== undefined) {
      this.summaries.push({ count, p50: call.latency_p50_ms, p95: call.latency_p95_ms });
    }
    if (call.server_added_p50_ms !== undefined && call.server_added_p95_ms !== undefined) {
      this.serverAdded.push({ count, p50: call.server_added_p50_ms, p95: call.server_added_p95_ms });
    }
  }

  figures(): LatencyFigures {
    if (this.replies === 0) return { replies: 0 };
    const p95 = estimatePercentile(this.summaries, 0.95);
    const serverAdded = estimatePercentile(this.serverAdded, 0.95);
    return {
      replies: this.replies,
      avg_latency_ms: Math.round(this.latency / this.replies),
      ...(p95 !== undefined ? { p95_latency_ms: p95 } : {}),
      avg_model_latency_ms: Math.round(this.model / this.replies),
      ...(this.latency > 0 ? { model_share: Math.min(1, this.model / this.latency) } : {}),
      ...(serverAdded !== undefined ? { p95_server_added_ms: serverAdded } : {}),
    };
  }
}

export function aggregateCalls(calls: readonly Call[], options: AggregateOptions): AnalyticsFigures {
  const days = new Map<string, DayFigures>(
    daysBetween(options.firstDay, options.lastDay).map((day) => [
      day,
      {
        day,
        calls: 0,
        outcomes: Object.fromEntries(OUTCOME_KEYS.map((o) => [o, 0])),
        transfers: 0,
        cost_micro_usd: 0,
      },
    ]),
  );
  const agents = new Map<
    string,
    { figures: Omit<AgentFigures, keyof LatencyFigures>; latency: LatencyTally }
  >();
  const fields = new Map<string, FieldFigures>();
  const totalLatency = new LatencyTally();
  let transfers = 0;
  let cost = 0;

  for (const call of calls) {
    const transfer = isTransfer(call);
    const callCost = call.totals?.cost_micro_usd ?? 0;
    const day = days.get(options.dayOf(call.started_at));
    if (day) {
      day.calls += 1;
      day.outcomes[call.outcome ?? NO_OUTCOME] = (day.outcomes[call.outcome ?? NO_OUTCOME] ?? 0) + 1;
      day.transfers += transfer ? 1 : 0;
      day.cost_micro_usd += callCost;
    }
    let agent = agents.get(call.agent_id);
    if (!agent) {
      agent = {
        figures: { agent_id: call.agent_id, calls: 0, transfers: 0, cost_micro_usd: 0 },
        latency: new LatencyTally(),
      };
      agents.set(call.agent_id, agent);
    }
    agent.figures.calls += 1;
    agent.figures.transfers += transfer ? 1 : 0;
    agent.figures.cost_micro_usd += callCost;
    agent.latency.add(call);
    totalLatency.add(call);
    transfers += transfer ? 1 : 0;
    cost += callCost;
    if (replies(call) === 0) continue;
    for (const field of options.fieldsByAgent.get(call.agent_id) ?? []) {
      const key = `${call.agent_id}\u0000${field}`;
      const tally = fields.get(key) ?? { agent_id: call.agent_id, field, calls: 0, collected: 0, rate: 0 };
      tally.calls += 1;
      tally.collected += call.data_collected[field] !== undefined ? 1 : 0;
      fields.set(key, tally);
    }
  }

  return {
    calls: calls.length,
    days: [...days.values()],
    agents: [...agents.values()]
      .map(({ figures, latency }) => ({ ...figures, ...latency.figures() }))
      .sort((a, b) => b.calls - a.calls || a.agent_id.localeCompare(b.agent_id)),
    fields: [...fields.values()].map((f) => ({ ...f, rate: f.calls > 0 ? f.collected / f.calls : 0 })),
    totals: { calls: calls.length, transfers, cost_micro_usd: cost, ...totalLatency.figures() },
  };
}
