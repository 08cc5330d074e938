import { AppError } from '../../src/domain/errors.js';
import type { LanguageModel, ModelEvent, ModelRequest, ToolCall } from '../../src/ports/language-model.js';

/** What the scripted model does for one request. */
export interface ModelStep {
  /** Streamed in word-sized deltas. */
  text?: string;
  toolCalls?: ToolCall[];
  /** Thrown before any event, or after `errorAfterWords` words. */
  error?: AppError;
  errorAfterWords?: number;
  /** Waits this long before the first event (abortable). */
  delayMs?: number;
  /** Never produces anything; only the request's signal ends it. */
  hang?: boolean;
  usage?: { inputTokens: number; outputTokens: number; costMicroUsd?: number };
}

const wait = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => {
      clearTimeout(timer);
      reject(new AppError('unavailable', 'aborted'));
    });
  });

/**
 * A LanguageModel (our port) driven by a script: a list of steps, or a function of the request.
 * Records every request, like the AI SDK's mock models.
 */
export class ScriptedLanguageModel implements LanguageModel {
  readonly provider = 'scripted-test';
  readonly model: string;
  readonly requests: ModelRequest[] = [];
  readonly #next: (request: ModelRequest, index: number) => ModelStep;

  constructor(
    script: ModelStep[] | ((request: ModelRequest, index: number) => ModelStep),
    model = 'test-model',
  ) {
    this.model = model;
    this.#next = Array.isArray(script) ? (_r, i) => script[i] ?? { text: 'OK.' } : script;
  }

  async *stream(request: ModelRequest): AsyncIterable<ModelEvent> {
    const step = this.#next(request, this.requests.length);
    this.requests.push(request);
    if (step.hang) await wait(60_000, request.signal);
    if (step.delayMs) await wait(step.delayMs, request.signal);
    if (step.error && step.errorAfterWords === undefined) throw step.error;
    const words = step.text?.match(/\S+\s*/g) ?? [];
    for (const [i, word] of words.entries()) {
      if (step.error && i === step.errorAfterWords) throw step.error;
      if (request.signal?.aborted) throw new AppError('unavailable', 'aborted');
      yield { type: 'text-delta', text: word };
      await new Promise((resolve) => setImmediate(resolve));
    }
    for (const call of step.toolCalls ?? []) yield { type: 'tool-call', call };
    yield {
      type: 'finish',
      usage: step.usage ?? { inputTokens: 100, outputTokens: words.length, costMicroUsd: 7 },
    };
  }
}
