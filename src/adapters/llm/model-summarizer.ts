import { generateText, NoObjectGeneratedError, Output } from 'ai';
import { z } from 'zod';
import type { Agent } from '../../domain/agent.js';
import { OUTCOMES, type Call, type Turn } from '../../domain/call.js';
import { AppError } from '../../domain/errors.js';
import type { CallSummary, Summarizer } from '../../ports/summarizer.js';
import { toModelError } from './model-error.js';
import { costMicroUsd } from './pricing.js';
import type { ChosenAiModel } from './provider-factory.js';
import { SUMMARY_SYSTEM_PROMPT, summaryRequest } from './summary-prompt.js';

// Off the caller's path (the call has ended), so longer than a turn's budget, but bounded: shutdown
// waits for summaries in flight.
const DEFAULT_TIMEOUT_MS = 20_000;
const MAX_OUTPUT_TOKENS = 400;
const MAX_SUMMARY_CHARS = 600;
const MAX_SENTENCES = 3;

// What the model is asked for (sent as the response format; kept to plain JSON-schema types).
const modelOutput = z.object({
  summary: z.string().describe('One to three short sentences in English.'),
  outcome: z.enum(OUTCOMES),
});

// OpenAI-compatible servers promise JSON mode, not schemas: the SDK warns on every call that gets a
// schema there. They get JSON mode and the schema in words (the system prompt); zod checks either way.
function outputFor(provider: string) {
  return provider === 'openai-compatible'
    ? Output.json({ name: 'call_summary' })
    : Output.object({ schema: modelOutput, name: 'call_summary' });
}

const sentences = (text: string) => text.split(/(?<=[.!?।])\s+(?=\S)/u).length;

// What is stored: one line of bounded text, at most three sentences.
const storedSummary = z.object({
  summary: z
    .string()
    .transform((text) => text.replace(/\s+/g, ' ').trim())
    .pipe(
      z
        .string()
        .min(1, 'empty')
        .max(MAX_SUMMARY_CHARS)
        .refine((text) => sentences(text) <= MAX_SENTENCES, `more than ${MAX_SENTENCES} sentences`),
    ),
  outcome: z.enum(OUTCOMES),
});

export interface ModelSummarizerOptions {
  /** The model for a call's agent (its own llm settings, else the server's); undefined: none. */
  modelFor: (agent: Agent | undefined) => ChosenAiModel | undefined;
  /** Used when no model is configured for the agent, or nobody spoke (nothing to summarize). */
  fallback: Summarizer;
  /**
   * Whether a model ("provider:model") is known to be failing (its circuit is open): the summary
   * then comes from `fallback` at once instead of after a request that would time out.
   */
  isUnavailable?: (label: string) => boolean;
  timeoutMs?: number;
}

/**
 * The end-of-call summary and outcome written by the language model, checked with zod. Throws on
 * any failure (the CallFinalizer then stores the deterministic summary); messages carry no secret
 * and none of the model's text.
 */
export class ModelSummarizer implements Summarizer {
  readonly #options: ModelSummarizerOptions;

  constructor(options: ModelSummarizerOptions) {
    this.#options = options;
  }

  async summarize(call: Call, turns: readonly Turn[], agent: Agent | undefined): Promise<CallSummary> {
    const chosen = this.#options.modelFor(agent);
    const spoke = turns.some((turn) => turn.caller_text?.trim());
    const label = chosen && `${chosen.provider}:${chosen.model}`;
    if (!chosen || !label || !spoke || this.#options.isUnavailable?.(label))
      return this.#options.fallback.summarize(call, turns, agent);
    const timeoutMs = this.#options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    const signal = AbortSignal.timeout(timeoutMs);
    let output: unknown;
    let usage: CallSummary['usage'];
    try {
      const result = await generateText({
        model: chosen.languageModel,
        system: SUMMARY_SYSTEM_PROMPT,
        prompt: summaryRequest(call, turns, agent),
        output: outputFor(chosen.provider),
        temperature: 0,
        maxOutputTokens: MAX_OUTPUT_TOKENS,
        maxRetries: 1,
        abortSignal: signal,
      });
      output = result.output;
      const inputTokens = result.totalUsage.inputTokens ?? 0;
      const outputTokens = result.totalUsage.outputTokens ?? 0;
      usage = {
        input_tokens: inputTokens,
        output_tokens: outputTokens,
        cost_micro_usd: costMicroUsd(chosen.model, inputTokens, outputTokens),
      };
    } catch (error) {
      if (signal.aborted) throw new AppError('unavailable', `${label}: no summary within ${timeoutMs} ms`);
      // Its text may hold the caller's words: only the reason goes on.
      if (NoObjectGeneratedError.isInstance(error))
        throw new AppError('upstream', `${label}: summary was not the JSON asked for`);
      throw toModelError(error, label, chosen.secrets);
    }
    const checked = storedSummary.safeParse(output);
    if (!checked.success) {
      const reason = checked.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
      throw new AppError('upstream', `${label}: summary rejected (${reason})`);
    }
    return { ...checked.data, usage };
  }
}
