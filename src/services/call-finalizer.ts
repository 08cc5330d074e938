// What every finished call leaves behind: a summary and an outcome on the call, then the signed
// end-of-call webhook. Runs once per call: only the writer whose conditional update stores the
// summary enqueues the webhook's durable delivery job (then makes its first attempt), so a
// duplicated `completed` callback, or two instances, send one report.
import type { Agent } from '../domain/agent.js';
import { isTerminal, type Call } from '../domain/call.js';
import { deterministicSummarizer } from '../engine/call-summary.js';
import { guardSummary } from '../engine/caller-words.js';
import { countTurns, ZERO_TOTALS } from '../engine/count-turns.js';
import { latencyStats } from '../engine/latency-stats.js';
import type { Logger } from '../logger.js';
import type { AgentStore } from '../ports/agent-store.js';
import type { CallStore } from '../ports/call-store.js';
import type { Metrics } from '../ports/metrics.js';
import type { Telemetry } from '../ports/telemetry.js';
import type { CallSummary, Summarizer } from '../ports/summarizer.js';
import { updateCallWithRetry } from '../engine/update-call.js';
import type { WebhookNotifier, WebhookResult } from './webhook-notifier.js';

export interface CallFinalizerOptions {
  calls: CallStore;
  agents: AgentStore;
  notifier?: WebhookNotifier;
  /** A model-backed summarizer; the deterministic one is used when absent or when it fails. */
  summarizer?: Summarizer;
  logger: Logger;
  /** Counts the call by outcome and ended_by, once. */
  metrics?: Metrics;
  /** Records the call's root span, once. */
  telemetry?: Telemetry;
}

export type FinalizeResult =
  | { result: 'finalized'; outcome: Call['outcome']; webhook: WebhookResult }
  | { result: 'already_finalized' | 'not_found' | 'not_ended' | 'error' };

export class CallFinalizer {
  private readonly inflight = new Set<Promise<unknown>>();

  constructor(private readonly options: CallFinalizerOptions) {}

  /** Summarizes a call that reached a terminal status and sends its webhook. Never rejects. */
  async finalizeCall(callSid: string): Promise<FinalizeResult> {
    try {
      return await this.finalize(callSid);
    } catch (error) {
      this.options.logger.error({ err: error, call_sid: callSid }, 'call finalization failed');
      return { result: 'error' };
    }
  }

  /** For routes: starts finalizeCall without waiting (a summary and a webhook attempt take seconds). */
  finalizeInBackground(callSid: string): void {
    const work = this.finalizeCall(callSid).finally(() => this.inflight.delete(work));
    this.inflight.add(work);
  }

  /** Waits for background finalizations (tests, graceful shutdown). */
  async drain(): Promise<void> {
    while (this.inflight.size > 0) await Promise.allSettled([...this.inflight]);
  }

  private async finalize(callSid: string): Promise<FinalizeResult> {
    const { calls, agents, logger } = this.options;
    const call = await calls.get(callSid);
    if (!call) return { result: 'not_found' };
    if (!isTerminal(call.status)) return { result: 'not_ended' };
    if (call.summary !== undefined) return { result: 'already_finalized' };
    const [turns, agent] = await Promise.all([calls.listTurns(callSid), agents.get(call.agent_id)]);
    // Stored turns the call does not count yet (the count failed after the caller was answered)
    // are counted in the same write as the summary, so the summary, the webhook and the call item
    // hold every turn.
    const computed = await this.summarize({ ...call, ...countTurns(call, turns, agent) }, turns, agent);
    let won = false;
    const stored = await updateCallWithRetry(calls, callSid, (current) => {
      if (current.summary !== undefined) return undefined;
      won = true;
      const counting = countTurns(current, turns, agent);
      const totals = counting?.totals ?? current.totals;
      return {
        ...counting,
        // Turns read while the call ran saw only its recent history; the percentiles take all.
        ...latencyStats(turns),
        summary: computed.summary,
        // An outcome the engine already set (for example from the model) is kept.
        outcome: current.outcome ?? computed.outcome,
        ...(computed.usage ? { totals: withUsage(totals, computed.usage) } : {}),
      };
    });
    if (!stored || !won) return { result: 'already_finalized' };
    logger.info({ call_sid: callSid, outcome: stored.outcome }, 'call summarized');
    this.options.metrics?.callEnded({ outcome: stored.outcome, endedBy: stored.ended_by });
    this.options.telemetry?.endCall(stored);
    // The delivery job is stored before the first attempt, so a crash from here on still delivers.
    const webhook = this.options.notifier ? await this.options.notifier.notify(stored, agent) : 'skipped';
    return { result: 'finalized', outcome: stored.outcome, webhook };
  }

  /**
   * The summary to store: a model's when one serves the agent, else the deterministic one; either way
   * without the caller's sentences (quoted or copied) or what reads as an instruction, because later
   * calls show it to the model (guardSummary).
   */
  private async summarize(
    call: Call,
    turns: Parameters<Summarizer['summarize']>[1],
    agent: Agent | undefined,
  ): Promise<CallSummary> {
    const { summarizer, logger } = this.options;
    const callerLines = turns.map((turn) => turn.caller_text ?? '').filter(Boolean);
    if (summarizer) {
      try {
        const computed = await summarizer.summarize(call, turns, agent);
        const summary = guardSummary(computed.summary, callerLines);
        if (summary) return { ...computed, summary };
        logger.warn(
          { call_sid: call.call_sid },
          "summary held only the caller's words; using the deterministic summary",
        );
      } catch (error) {
        logger.warn(
          { err: error, call_sid: call.call_sid },
          'summarizer failed; using the deterministic summary',
        );
      }
    }
    const computed = await deterministicSummarizer.summarize(call, turns, agent);
    return { ...computed, summary: guardSummary(computed.summary, callerLines) || computed.summary };
  }
}

/** The call's totals with what writing its summary cost. */
function withUsage(
  totals: Call['totals'],
  usage: NonNullable<CallSummary['usage']>,
): NonNullable<Call['totals']> {
  const base = totals ?? ZERO_TOTALS;
  return {
    ...base,
    input_tokens: base.input_tokens + usage.input_tokens,
    output_tokens: base.output_tokens + usage.output_tokens,
    cost_micro_usd: base.cost_micro_usd + usage.cost_micro_usd,
  };
}
