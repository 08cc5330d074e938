import type { DataField } from '../domain/agent.js';
import type { CollectedScalar, ToolCallRecord } from '../domain/call.js';
import { AppError } from '../domain/errors.js';
import type { LanguageModel, ModelRequest, ToolCall } from '../ports/language-model.js';
import type { ReplyPolicy, TurnContext, TurnReply, TurnStream } from '../ports/reply-policy.js';
import { CircuitBreakers } from './circuit-breaker.js';
import type { ExtractionContext } from './extraction/index.js';
import { phrasesFor } from './phrases.js';
import { buildPrompt, type PromptOptions } from './prompt-builder.js';
import { TextQueue } from './text-queue.js';
import { callerWordsExtraction, extractionContextOf } from './tools/caller-extraction.js';
import { runToolCalls, type StepCall } from './tools/run-tool-calls.js';
import { noEffects } from './tools/tool.js';
import { ToolCatalog } from './tools/tool-catalog.js';

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
  /** Tried when the model fails with a retryable error or its circuit is open, within the same budget. */
  fallback?: LanguageModel;
  /** The process's circuit breakers, one per provider:model (shared by every policy); none open without. */
  breakers?: CircuitBreakers;
  /** The tools agents' models are offered; without one, only the built-in tools. */
  tools?: ToolCatalog;
}

const DEFAULTS = { firstTokenTimeoutMs: 6_000, turnBudgetMs: 8_000, temperature: 0.4, maxOutputTokens: 300 };
// A retry that cannot reach its first token in this much time only delays the apology.
const MIN_RETRY_BUDGET_MS = 1_500;
const RETRY_DELAY_MS = 100;
// The least a primary is given before its share of the budget is cut to leave room for the fallback,
// and that room: a retry's minimum plus slack for the abort and late timers.
const MIN_PRIMARY_BUDGET_MS = 500;
const FALLBACK_RESERVE_MS = MIN_RETRY_BUDGET_MS + 100;
const MAX_ATTEMPTS = 2;
// Model requests in one turn when the model calls the agent's own tools: three rounds of tools,
// then an answer. Each round is a request the caller waits on.
const MAX_MODEL_STEPS = 4;

// The prompt forbids markdown and emoji; this catches what slips through, per delta (no state needed).
const UNSPEAKABLE = /[*#`]|\p{Extended_Pictographic}\uFE0F?/gu;

interface Asked {
  /** The attempt that answered, or the last one that failed. */
  attempt: Attempt;
  firstFailure?: Attempt;
  totals: typeof NO_USAGE;
}

interface Attempt {
  label: string;
  calls: ToolCall[];
  text: string;
  error?: AppError;
  firstTokenAt?: number;
  inputTokens: number;
  outputTokens: number;
  cachedInputTokens: number;
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

const NO_USAGE = { inputTokens: 0, outputTokens: 0, cachedInputTokens: 0, costMicroUsd: 0 };

const labelOf = (model: LanguageModel) => `${model.provider}:${model.model}`;

function asError(
  label: string,
  error: unknown,
  turnSignal: AbortSignal,
  firstToken: AbortSignal,
  timeoutMs: number,
): AppError {
  if (turnSignal.aborted) return new AppError('unavailable', `${label}: turn aborted`);
  if (firstToken.aborted) {
    return new AppError('unavailable', `${label}: no first token within ${timeoutMs} ms`, {
      retryable: true,
    });
  }
  if (error instanceof AppError) return error;
  // A LanguageModel should throw AppErrors; anything else is treated as a transient fault.
  const name = error instanceof Error ? error.name : 'Error';
  return new AppError('upstream', `${label}: ${name}`, { retryable: true });
}

/** The reply policy backed by a language model: streams its words, validates its tool calls. */
export class LlmPolicy implements ReplyPolicy {
  readonly name: string;
  readonly #models: LanguageModel[];
  readonly #breakers: CircuitBreakers;
  readonly #options: typeof DEFAULTS & LlmPolicyOptions;
  readonly #tools: ToolCatalog;

  constructor(model: LanguageModel, options: LlmPolicyOptions = {}) {
    this.#models = options.fallback ? [model, options.fallback] : [model];
    // Alone (no shared registry), a policy never skips its model: circuits are per process.
    this.#breakers = options.breakers ?? new CircuitBreakers({ failureThreshold: 0 });
    this.#options = { ...DEFAULTS, ...options };
    this.#tools = options.tools ?? new ToolCatalog();
    this.name = labelOf(model);
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
    const found = this.#tools.forAgent(agent, context.signal);
    const tools = found instanceof Promise ? await found : found;
    const prompt = buildPrompt(context, {
      ...this.#options.prompt,
      canTransfer: agent.transfer_targets.length > 0,
      ownTools: tools.hasUserTools,
    });
    let request: ModelRequest = {
      system: prompt.system,
      messages: prompt.messages,
      context: prompt.context,
      tools: tools.specs,
      temperature: agent.llm?.temperature ?? this.#options.temperature,
      maxOutputTokens: this.#options.maxOutputTokens,
    };
    const totals = { ...NO_USAGE };
    const effects = noEffects();
    const records: ToolCallRecord[] = [];
    let spoken = '';
    let toolMs = 0;
    let firstTokenAt: number | undefined;
    let outcome: Asked | undefined;
    for (let step = 1; step <= MAX_MODEL_STEPS; step += 1) {
      // A later step's words follow the earlier ones after a space.
      let stepStart = true;
      outcome = await this.#ask(request, context, started, spoken, (text) => {
        let clean = (spoken ? text : text.trimStart()).replace(UNSPEAKABLE, '');
        if (stepStart && spoken && clean && !/\s$/.test(spoken) && !/^\s/.test(clean)) clean = ` ${clean}`;
        stepStart = false;
        spoken += clean;
        queue.push(clean);
      });
      totals.inputTokens += outcome.totals.inputTokens;
      totals.outputTokens += outcome.totals.outputTokens;
      totals.cachedInputTokens += outcome.totals.cachedInputTokens;
      totals.costMicroUsd += outcome.totals.costMicroUsd;
      firstTokenAt ??= outcome.attempt.firstTokenAt;
      const { attempt } = outcome;
      if (attempt.error || attempt.calls.length === 0) break;
      const calls: StepCall[] = attempt.calls.map((call, index) => ({
        ...call,
        id: call.id ?? `call_${step}_${index}`,
      }));
      const toolsStarted = Date.now();
      const result = await runToolCalls(calls, tools, {
        agent,
        call: context.call,
        callerText: context.callerText,
        extraction: this.#extractionContext(context),
        effects,
        records,
        // The model's next answer needs room after the tool.
        timeLeftMs: this.#options.turnBudgetMs - (toolsStarted - started) - MIN_RETRY_BUDGET_MS,
        signal: context.signal,
        onToolEvent: context.onToolEvent,
      });
      toolMs += Date.now() - toolsStarted;
      if (!result.ranUserTool || context.signal.aborted || step === MAX_MODEL_STEPS) break;
      request = {
        ...request,
        messages: [
          ...request.messages,
          { role: 'assistant', content: attempt.text, toolCalls: calls },
          ...result.messages,
        ],
      };
    }
    const { attempt, firstFailure } = outcome!;
    const usage = {
      modelLatencyMs: Date.now() - started - toolMs,
      modelFirstTokenMs: firstTokenAt === undefined ? undefined : firstTokenAt - started,
      ...totals,
      ...(records.length > 0 ? { toolCalls: records } : {}),
    };
    const extracted = {
      ...callerWordsExtraction(context, effects, this.#extractionContext(context)),
      ...effects.extracted,
    };
    if (attempt.error) {
      // Both models failed: keep both reasons.
      const both = firstFailure?.error && firstFailure.label !== attempt.label;
      const error = both
        ? new AppError('upstream', `${firstFailure!.error!.message}; ${attempt.error.message}`)
        : attempt.error;
      return { ...(await this.#failed(context, queue, spoken, error)), extracted, ...usage };
    }
    const reply: TurnReply = { text: spoken.trim(), extracted, model: attempt.label, ...usage };
    // The fallback answered: the turn keeps why the primary did not.
    if (attempt.label !== this.name) {
      reply.modelError = firstFailure?.error?.message ?? `${this.name}: circuit open, model skipped`;
    }
    if (effects.rejected.length > 0) reply.rejected = [...new Set(effects.rejected)];
    if (effects.end) reply.end = effects.end;
    if (effects.transferTo) reply.transferTo = effects.transferTo;
    if (!reply.text) this.#composeLine(context, reply, queue, records.length > 0);
    return reply;
  }

  /**
   * One model answer to `request`: the primary, then (on a retryable failure, if no words of this
   * step were spoken) a retry or the fallback, within the turn's budget.
   */
  async #ask(
    request: ModelRequest,
    context: TurnContext,
    started: number,
    spokenBefore: string,
    onText: (text: string) => void,
  ): Promise<Asked> {
    const totals = { ...NO_USAGE };
    let spokenThisStep = false;
    let attempt: Attempt | undefined;
    let firstFailure: Attempt | undefined;
    let model = this.#choose(undefined);
    for (let n = 1; model; n += 1) {
      const remaining = this.#options.turnBudgetMs - (Date.now() - started);
      const another = n < MAX_ATTEMPTS && this.#hasOther(model);
      attempt = await this.#attempt(model, request, context.signal, remaining, another, (text) => {
        spokenThisStep ||= text.length > 0;
        onText(text);
      });
      totals.inputTokens += attempt.inputTokens;
      totals.outputTokens += attempt.outputTokens;
      totals.cachedInputTokens += attempt.cachedInputTokens;
      totals.costMicroUsd += attempt.costMicroUsd;
      if (!attempt.error && !attempt.text.trim() && attempt.calls.length === 0 && !spokenBefore.trim()) {
        attempt.error = new AppError('upstream', `${attempt.label}: empty output`, { retryable: true });
      }
      this.#report(model, attempt.error, context.signal);
      if (!attempt.error) break;
      firstFailure ??= attempt;
      if (n >= MAX_ATTEMPTS || !attempt.error.retryable || spokenThisStep || context.signal.aborted) break;
      const next = this.#choose(model);
      if (!next) break;
      // Another model is asked at once: the failed one's Retry-After says nothing about it.
      const retryAfterSeconds = attempt.error.retryAfterSeconds;
      const delay =
        next !== model ? 0 : retryAfterSeconds !== undefined ? retryAfterSeconds * 1_000 : RETRY_DELAY_MS;
      if (this.#options.turnBudgetMs - (Date.now() - started) - delay < MIN_RETRY_BUDGET_MS) {
        this.#breakers.for(labelOf(next)).released();
        break;
      }
      await sleep(delay, context.signal);
      model = next;
    }
    return { attempt: attempt ?? this.#skipped(), firstFailure, totals };
  }

  /**
   * The model for the next attempt: the primary, then the fallback; after a failure the other one
   * first. A model whose circuit is open is skipped; undefined when every circuit is open.
   */
  #choose(failed: LanguageModel | undefined): LanguageModel | undefined {
    const order = failed ? [...this.#models.filter((m) => m !== failed), failed] : this.#models;
    return order.find((model) => this.#breakers.for(labelOf(model)).tryAcquire());
  }

  /** Whether a model other than `model` may be asked next (its circuit is not open). */
  #hasOther(model: LanguageModel): boolean {
    return this.#models.some((m) => m !== model && this.#breakers.for(labelOf(m)).state !== 'open');
  }

  /** Tells the model's circuit how the attempt went; an aborted turn proves nothing either way. */
  #report(model: LanguageModel, error: AppError | undefined, turnSignal: AbortSignal): void {
    const breaker = this.#breakers.for(labelOf(model));
    if (!error) breaker.succeeded();
    else if (turnSignal.aborted || !error.retryable) breaker.released();
    else breaker.failed();
  }

  /** Every circuit was open: no request was made, so the apology comes without any wait. */
  #skipped(): Attempt {
    const error = new AppError('unavailable', `${this.name}: circuit open, model skipped`, {
      retryable: true,
    });
    return { label: this.name, calls: [], text: '', error, ...NO_USAGE };
  }

  /** One model request; never throws. Text is handed to `onText` as it arrives. */
  async #attempt(
    model: LanguageModel,
    request: ModelRequest,
    turnSignal: AbortSignal,
    remainingMs: number,
    another: boolean,
    onText: (text: string) => void,
  ): Promise<Attempt> {
    const label = labelOf(model);
    const result: Attempt = { label, calls: [], text: '', ...NO_USAGE };
    const firstToken = new AbortController();
    // With another model to turn to, a slow first token must leave that model room in the budget.
    const room = another && remainingMs - FALLBACK_RESERVE_MS >= MIN_PRIMARY_BUDGET_MS;
    const cap = room ? remainingMs - FALLBACK_RESERVE_MS : remainingMs;
    const timeoutMs = Math.max(0, Math.min(this.#options.firstTokenTimeoutMs, cap));
    // A limit that is only the turn's remaining budget is the turn's own abort: a second timer for
    // the same moment, measured from a slightly later clock, could fire first and mislabel the turn.
    const bySignal = !room && this.#options.firstTokenTimeoutMs >= remainingMs;
    const timer = bySignal ? undefined : setTimeout(() => firstToken.abort(), timeoutMs);
    try {
      const signal = AbortSignal.any([turnSignal, firstToken.signal]);
      for await (const event of model.stream({ ...request, signal })) {
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
          result.cachedInputTokens += event.usage.cachedInputTokens ?? 0;
          result.costMicroUsd += event.usage.costMicroUsd ?? 0;
        }
      }
    } catch (error) {
      result.error = asError(label, error, turnSignal, firstToken.signal, timeoutMs);
    } finally {
      clearTimeout(timer);
    }
    return result;
  }

  /** The apology after a failed turn. The call goes on; the words already spoken stay. */
  async #failed(context: TurnContext, queue: TextQueue, spoken: string, error: unknown): Promise<TurnReply> {
    const apology = phrasesFor(context.agent.language).turnFailed();
    queue.push(spoken && !/\s$/.test(spoken) ? ` ${apology}` : apology);
    const message = error instanceof AppError ? error.message : `${this.name}: internal error`;
    return { text: spoken ? `${spoken.trim()} ${apology}` : apology, extracted: {}, modelError: message };
  }

  /**
   * The next line when the model only called tools: close, say a tool gave nothing to say, confirm
   * what it recorded, or ask.
   */
  #composeLine(context: TurnContext, reply: TurnReply, queue: TextQueue, ranUserTools: boolean): void {
    const { agent } = context;
    const phrases = phrasesFor(agent.language);
    const closing = agent.closing_line ?? phrases.closing();
    if (reply.end) {
      reply.text = closing;
    } else if (reply.transferTo) {
      reply.text = phrases.filler();
    } else if (ranUserTools) {
      reply.text = phrases.toolFailed();
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

  #extractionContext(context: TurnContext): ExtractionContext {
    return extractionContextOf(context, this.#options.region);
  }
}
