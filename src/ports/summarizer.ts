import type { Agent } from '../domain/agent.js';
import type { Call, Outcome, Turn } from '../domain/call.js';

export interface CallSummary {
  /** One or two sentences. */
  summary: string;
  outcome: Outcome;
  /** What writing the summary cost, when a model wrote it; added to the call's totals. */
  usage?: { input_tokens: number; output_tokens: number; cost_micro_usd: number };
}

/**
 * Writes the end-of-call summary and outcome. The engine's deterministic one (summarizeCall) is
 * the default; a model-backed one may replace it and should fall back to it on failure.
 */
export interface Summarizer {
  summarize(call: Call, turns: readonly Turn[], agent: Agent | undefined): Promise<CallSummary>;
}
