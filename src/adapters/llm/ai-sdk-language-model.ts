import { jsonSchema, streamText, tool, type LanguageModel as AiModel, type ToolSet } from 'ai';
import { AppError } from '../../domain/errors.js';
import type { LanguageModel, ModelEvent, ModelRequest } from '../../ports/language-model.js';
import { toModelError } from './model-error.js';
import { costMicroUsd } from './pricing.js';

// Anthropic requires max_tokens and warns on unknown model ids without it; spoken replies are short.
export const DEFAULT_MAX_OUTPUT_TOKENS = 512;

export interface AiSdkLanguageModelOptions {
  provider: string;
  model: string;
  languageModel: AiModel;
  /** Values that must never appear in an error message (API keys). */
  secrets?: readonly string[];
}

function toolSet(request: ModelRequest): ToolSet | undefined {
  if (request.tools.length === 0) return undefined;
  // No execute: the SDK returns tool calls to us instead of running them, and stops after one step.
  return Object.fromEntries(
    request.tools.map((spec) => [
      spec.name,
      tool({ description: spec.description, inputSchema: jsonSchema(spec.parameters) }),
    ]),
  );
}

/** A LanguageModel backed by the Vercel AI SDK's streamText. */
export class AiSdkLanguageModel implements LanguageModel {
  readonly provider: string;
  readonly model: string;
  readonly #languageModel: AiModel;
  readonly #secrets: readonly string[];

  constructor(options: AiSdkLanguageModelOptions) {
    this.provider = options.provider;
    this.model = options.model;
    this.#languageModel = options.languageModel;
    this.#secrets = options.secrets ?? [];
  }

  async *stream(request: ModelRequest): AsyncIterable<ModelEvent> {
    const label = `${this.provider}:${this.model}`;
    // Our own controller also cancels the HTTP request when the consumer stops iterating early.
    const local = new AbortController();
    const signal = request.signal ? AbortSignal.any([request.signal, local.signal]) : local.signal;
    let finished = false;
    try {
      const result = streamText({
        model: this.#languageModel,
        system: request.system,
        messages: request.messages.map((m) => ({ role: m.role, content: m.content })),
        tools: toolSet(request),
        temperature: request.temperature,
        maxOutputTokens: request.maxOutputTokens ?? DEFAULT_MAX_OUTPUT_TOKENS,
        abortSignal: signal,
        maxRetries: 0, // retries are the policy's, bounded by the turn's time budget
        onError: () => {}, // errors arrive as 'error' parts below; the default handler prints them
      });
      for await (const part of result.fullStream) {
        switch (part.type) {
          case 'text-delta':
            if (part.text) yield { type: 'text-delta', text: part.text };
            break;
          case 'tool-call':
            // An invalid call (bad JSON) carries no usable arguments; the policy validates the rest.
            if (!part.invalid && part.input && typeof part.input === 'object') {
              yield {
                type: 'tool-call',
                call: { name: part.toolName, arguments: part.input as Record<string, unknown> },
              };
            }
            break;
          case 'error':
            throw toModelError(part.error, label, this.#secrets);
          case 'abort':
            throw new AppError('unavailable', `${label}: request aborted`, { cause: signal.reason });
          case 'finish': {
            const inputTokens = part.totalUsage.inputTokens ?? 0;
            const outputTokens = part.totalUsage.outputTokens ?? 0;
            finished = true;
            yield {
              type: 'finish',
              usage: {
                inputTokens,
                outputTokens,
                costMicroUsd: costMicroUsd(this.model, inputTokens, outputTokens),
              },
            };
            break;
          }
          default:
            break;
        }
      }
      if (signal.aborted && !finished) {
        throw new AppError('unavailable', `${label}: request aborted`, { cause: signal.reason });
      }
    } catch (error) {
      if (signal.aborted && !(error instanceof AppError)) {
        throw new AppError('unavailable', `${label}: request aborted`, { cause: signal.reason });
      }
      throw toModelError(error, label, this.#secrets);
    } finally {
      if (!finished) local.abort();
    }
  }
}
