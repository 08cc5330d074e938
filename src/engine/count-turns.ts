import type { Agent, TransferTarget } from '../domain/agent.js';
import type { Call, CollectedValue, ToolCallRecord, Turn } from '../domain/call.js';
import { findTransferTarget } from './tools/transfer.js';
import { latencyStats } from './latency-stats.js';

export const ZERO_TOTALS: NonNullable<Call['totals']> = {
  latency_ms: 0,
  model_latency_ms: 0,
  input_tokens: 0,
  output_tokens: 0,
  cached_input_tokens: 0,
  cost_micro_usd: 0,
};

/**
 * The call item's changes that count stored turns it does not count yet (seq at or past its
 * turn_count): collected data, turn count, totals, ended_by and transfer, and the latency
 * percentiles over every turn given (during a call, the recent turns a turn reads; the finalizer
 * recounts them over all). Turns are stored before
 * they are counted, and counting can fail after the caller was answered (a store fault between the
 * two writes), so whoever writes next folds in every turn the call lags behind. Undefined when there
 * is nothing to count. Relay turn numbers may have gaps, so the count is the highest seq plus one.
 */
export function countTurns(current: Call, turns: readonly Turn[], agent?: Agent): Partial<Call> | undefined {
  const uncounted = turns.filter((t) => t.seq >= current.turn_count).sort((a, b) => a.seq - b.seq);
  if (uncounted.length === 0) return undefined;
  const collected: Record<string, CollectedValue> = { ...current.data_collected };
  const totals = { ...(current.totals ?? ZERO_TOTALS) };
  let endedBy = current.ended_by;
  let transferredTo = current.transferred_to;
  for (const turn of uncounted) {
    for (const [field, value] of Object.entries(turn.extracted ?? {}))
      collected[field] = { value, turn: turn.seq };
    totals.latency_ms += turn.latency_ms;
    totals.model_latency_ms += turn.model_latency_ms ?? 0;
    totals.input_tokens += turn.input_tokens ?? 0;
    totals.output_tokens += turn.output_tokens ?? 0;
    totals.cached_input_tokens = (totals.cached_input_tokens ?? 0) + (turn.cached_input_tokens ?? 0);
    totals.cost_micro_usd += turn.cost_micro_usd ?? 0;
    if (turn.audio_in_ms !== undefined || turn.audio_out_ms !== undefined) {
      totals.audio_in_ms = (totals.audio_in_ms ?? 0) + (turn.audio_in_ms ?? 0);
      totals.audio_out_ms = (totals.audio_out_ms ?? 0) + (turn.audio_out_ms ?? 0);
    }
    if (turn.tool_calls?.length) Object.assign(totals, withToolCalls(totals, turn.tool_calls));
    endedBy ??= turn.ends_call;
    const target = agent && findTarget(agent, turn);
    if (target) transferredTo = target.target;
  }
  return {
    data_collected: collected,
    turn_count: (uncounted.at(-1)?.seq ?? 0) + 1,
    totals,
    ...latencyStats(turns),
    ...(endedBy && !current.ended_by ? { ended_by: endedBy } : {}),
    ...(transferredTo !== current.transferred_to ? { transferred_to: transferredTo } : {}),
  };
}

/** A call's totals with `records` more tool calls counted. */
export function withToolCalls(
  totals: NonNullable<Call['totals']>,
  records: readonly ToolCallRecord[],
): NonNullable<Call['totals']> {
  return {
    ...totals,
    tool_calls: (totals.tool_calls ?? 0) + records.length,
    tool_latency_ms: (totals.tool_latency_ms ?? 0) + records.reduce((sum, call) => sum + call.latency_ms, 0),
  };
}

/** The listed transfer target a turn handed the call to; an id the agent does not list is none. */
export function findTarget(agent: Agent, turn: Turn): TransferTarget | undefined {
  return findTransferTarget(agent, turn.transfer_to);
}
