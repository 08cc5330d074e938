import type { Call, Turn } from '../domain/call.js';
import { modelFirstTokenMs, serverAddedMs } from './turn-timeline.js';

type LatencyStats = Pick<
  Call,
  | 'latency_p50_ms'
  | 'latency_p95_ms'
  | 'server_added_p50_ms'
  | 'server_added_p95_ms'
  | 'model_first_token_p50_ms'
  | 'model_first_token_p95_ms'
>;

/** The nearest-rank percentile (0 < p ≤ 100) of `values`; undefined when there are none. */
export function percentile(values: readonly number[], p: number): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[rank - 1];
}

function pair(values: number[], p50: keyof LatencyStats, p95: keyof LatencyStats): LatencyStats {
  if (values.length === 0) return {};
  return { [p50]: Math.round(percentile(values, 50)!), [p95]: Math.round(percentile(values, 95)!) };
}

/**
 * p50 and p95 of a call's replies (every turn after the greeting): whole turn time, the time the
 * server added, and the model's first token (turns that asked a model). Figures no turn carries are
 * left out.
 */
export function latencyStats(turns: readonly Turn[]): LatencyStats {
  const replies = turns.filter((turn) => turn.seq > 0);
  const added: number[] = [];
  const firstToken: number[] = [];
  for (const turn of replies) {
    if (!turn.timeline) continue;
    const server = serverAddedMs(turn.timeline);
    if (server !== undefined) added.push(server);
    const model = modelFirstTokenMs(turn.timeline);
    if (model !== undefined) firstToken.push(model);
  }
  return {
    ...pair(
      replies.map((turn) => turn.latency_ms),
      'latency_p50_ms',
      'latency_p95_ms',
    ),
    ...pair(added, 'server_added_p50_ms', 'server_added_p95_ms'),
    ...pair(firstToken, 'model_first_token_p50_ms', 'model_first_token_p95_ms'),
  };
}
