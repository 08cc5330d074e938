import type { DataField } from '../domain/agent.js';
import type { CollectedScalar } from '../domain/call.js';
import { AppError } from '../domain/errors.js';
import type { LanguageModel, ModelRequest, ToolCall } from '../ports/language-model.js';
import type { ReplyPolicy, TurnContext, TurnReply, TurnStream } from '../ports/reply-policy.js';
import { extractAnswer } from './asked-field.js';
import type { ExtractionContext } from './extraction/index.js';
import { applyToolCalls, buildTools, type ToolOutcome } from './llm-tools.js';
import { phrasesFor } from './phrases.js';
import { buildPrompt, type PromptOptions } from './prompt-builder.js';
import { TextQueue } from './text-queue.js';

export interface LlmPolicyOptions {
  /** LLM_TIMEOUT_MS: the longest wait for the first text or tool call of one attempt. */
  firstTokenTimeoutMs?: number;
  /** TURN_TIMEOUT_MS: the caller aborts context.signal then; a retry starts only if it can still fit. */
  turnBudgetMs?: number;
  /** LLM_TEMPERATURE, used when the agent sets none. */
  temperature?: number;
  maxOutputTokens?: number;
  /** DEFAULT_PHONE_REGION, for phone numbers without a country code. */
  region?: string;
  prompt?: PromptOptions;
}

const DEFAULTS = { firstTokenTimeoutMs: 6_000, turnBudgetMs: 8_000, temperature: 0.4, maxOutputTokens: 300 };
// A retry that cannot reach its first token in this much time only delays the apology.
const MIN_RETRY_BUDGET_MS = 1_500;
const RETRY_DELAY_MS = 100;
const MAX_ATTEMPTS = 2;

// The prompt forbids markdown and emoji; this catches what slips through, per delta (no state needed).
const UNSPEAKABLE = /[*#`]|\p{Extended_Pictographic}\uFE0F?/gu;

interface Attempt {
  calls: ToolCall[];
  text: string;
  error?: AppError;
  firstTokenAt?: number;
  inputTokens: number;
  outputTokens: number;
  costMicroUsd: number;
}

const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
  });

/** The reply policy backed by a language model: streams its words, validates its tool calls. */
export class LlmPolicy implements ReplyPolicy {
  readonly name: string;
  readonly #model: LanguageModel;
  readonly #options: Required<Omit<LlmPolicyOptions, 'region' | 'prompt'>> & LlmPolicyOptions;

  constructor(model: LanguageModel, options: LlmPolicyOptions = {}) {
    this.#model = model;
    this.#options = { ...DEFAULTS, ...options };
    this.name = `${model.provider}:${model.model}`;
  }

  respond(context: TurnContext): TurnStream {
    const queue = new TextQueue();
    const reply = this.#run(context, queue)
      .catch((error: unknown) => this.#failed(context, queue, '', error))
      .finally(() => queue.close());
    return { textStream: queue, reply };
  }

  async #run(context: TurnContext, queue: TextQueue): Promise<TurnReply> {
    const started = Date.now();
    const { agent } = context;
    const prompt = buildPrompt(context, {
      ...this.#options.prompt,
      canTransfer: agent.transfer_targets.length > 0,
    });
    const request: ModelRequest = {
      system: prompt.system,
      messages: prompt.messages,
      tools: buildTools(agent),
      temperature: agent.llm?.temperature ?? this.#options.temperature,
      maxOutputTokens: this.#options.maxOutputTokens,
    };
    const totals = { inputTokens: 0, outputTokens: 0, costMicroUsd: 0 };
    let spoken = '';
    let attempt: Attempt;
    for (let n = 1; ; n += 1) {
      const remaining = this.#options.turnBudgetMs - (Date.now() - started);
      attempt = await this.#attempt(request, context.signal, remaining, (text) => {
        const clean = (spoken ? text : text.trimStart()).replace(UNSPEAKABLE, '');
        spoken += clean;
        queue.push(clean);
      });
      totals.inputTokens += attempt.inputTokens;
      totals.outputTokens += attempt.outputTokens;
      totals.costMicroUsd += attempt.costMicroUsd;
      if (!attempt.error && !attempt.text.trim() && attempt.calls.length === 0) {
        attempt.error = new AppError('upstream', `${this.name}: empty output`, { retryable: true });
      }
      if (!attempt.error) break;
      const delay =
        attempt.error.retryAfterSeconds !== undefined
          ? attempt.error.retryAfterSeconds * 1_000
          : RETRY_DELAY_MS;
      const left = this.#options.turnBudgetMs - (Date.now() - started) - delay;
      const retry =
        n < MAX_ATTEMPTS &&
        attempt.error.retryable &&
        !spoken &&
        !context.signal.aborted &&
        left >= MIN_RETRY_BUDGET_MS;
      if (!retry) break;
      await sleep(delay, context.signal);
    }
    const usage = {
      modelLatencyMs: Date.now() - started,
      modelFirstTokenMs: attempt.firstTokenAt === undefined ? undefined : attempt.firstTokenAt - started,
      ...totals,
    };
    const outcome = applyToolCalls(attempt.calls, agent, this.#extractionContext(context));
    const extracted = { ...this.#fallbackExtraction(context, outcome), ...outcome.extracted };
    if (attempt.error) {
      return { ...(await this.#failed(context, queue, spoken, attempt.error)), extracted, ...usage };
    }
    const reply: TurnReply = { text: spoken.trim(), extracted, ...usage };
    if (outcome.end) reply.end = outcome.end;
    if (outcome.transferTo) reply.transferTo = outcome.transferTo;
    if (!reply.text) this.#composeLine(context, reply, queue);
    return reply;
  }

  /** One model request; never throws. Text is handed to `onText` as it arrives. */
  async #attempt(
    request: ModelRequest,
    turnSignal: AbortSignal,
    remainingMs: number,
    onText: (text: string) => void,
  ): Promise<Attempt> {
    const result: Attempt = { calls: [], text: '', inputTokens: 0, outputTokens: 0, costMicroUsd: 0 };
    const firstToken = new AbortController();
    const timeoutMs = Math.max(0, Math.min(this.#options.firstTokenTimeoutMs, remainingMs));
    const timer = setTimeout(() => firstToken.abort(), timeoutMs);
    try {
      const signal = AbortSignal.any([turnSignal, firstToken.signal]);
      for await (const event of this.#model.stream({ ...request, signal })) {
        if (event.type !== 'finish' && result.firstTokenAt === undefined) {
          result.firstTokenAt = Date.now();
          clearTimeout(timer);
        }
        if (event.type === 'text-delta') {
          result.text += event.text;
          onText(event.text);
        } else if (event.type === 'tool-call') {
          result.calls.push(event.call);
        } else {
          result.inputTokens += event.usage.inputTokens;
          result.outputTokens += event.usage.outputTokens;
          result.costMicroUsd += event.usage.costMicroUsd ?? 0;
        }
      }
    } catch (error) {
      result.error = this.#asError(error, turnSignal, firstToken.signal, timeoutMs);
    } finally {
      clearTimeout(timer);
    }
    return result;
  }

  #asError(error: unknown, turnSignal: AbortSignal, firstToken: AbortSignal, timeoutMs: number): AppError {
    if (turnSignal.aborted) return new AppError('unavailable', `${this.name}: turn aborted`);
    if (firstToken.aborted) {
      return new AppError('unavailable', `${this.name}: no first token within ${timeoutMs} ms`, {
        retryable: true,
      });
    }
    if (error instanceof AppError) return error;
    // A LanguageModel should throw AppErrors; anything else is treated as a transient fault.
    const name = error instanceof Error ? error.name : 'Error';
    return new AppError('upstream', `${this.name}: ${name}`, { retryable: true });
  }

  /** The apology after a failed turn. The call goes on; the words already spoken stay. */
  async #failed(context: TurnContext, queue: TextQueue, spoken: string, error: unknown): Promise<TurnReply> {
    const apology = phrasesFor(context.agent.language).turnFailed();
    queue.push(spoken && !/\s$/.test(spoken) ? ` ${apology}` : apology);
    const message = error instanceof AppError ? error.message : `${this.name}: internal error`;
    return { text: spoken ? `${spoken.trim()} ${apology}` : apology, extracted: {}, modelError: message };
  }

  /** The next line when the model only called tools: close, confirm what it recorded, or ask. */
  #composeLine(context: TurnContext, reply: TurnReply, queue: TextQueue): void {
    const { agent } = context;
    const phrases = phrasesFor(agent.language);
    const closing = agent.closing_line ?? phrases.closing();
    if (reply.end) {
      reply.text = closing;
    } else if (reply.transferTo) {
      reply.text = phrases.filler();
    } else {
      const confirm = agent.data_to_fill.find(
        (f) => (f.type === 'email' || f.type === 'phone') && reply.extracted[f.name] !== undefined,
      );
      const next = this.#nextMissing(context, reply.extracted);
      if (confirm)
        reply.text = phrases.readBack(confirm, reply.extracted[confirm.name]!, this.#options.region);
      else if (next) reply.text = phrases.askField(next);
      else {
        reply.text = closing;
        reply.end = 'system_complete';
      }
    }
    queue.push(reply.text);
  }

  #nextMissing(context: TurnContext, extracted: Record<string, CollectedScalar>): DataField | undefined {
    const have = (f: DataField) =>
      extracted[f.name] !== undefined || context.call.data_collected[f.name] !== undefined;
    return context.agent.data_to_fill.find((f) => f.required && !have(f));
  }

  #fallbackExtraction(context: TurnContext, outcome: ToolOutcome): Record<string, CollectedScalar> {
    if (outcome.proposed) return {};
    const lastAgentText = context.history.at(-1)?.agent_text ?? '';
    return extractAnswer(
      context.agent,
      lastAgentText,
      context.callerText,
      context.call.data_collected,
      this.#extractionContext(context),
    );
  }

  #extractionContext(context: TurnContext): ExtractionContext {
    return {
      language: context.agent.language,
      region: this.#options.region,
      now: context.now,
      timezone: context.timezone,
    };
  }
}
