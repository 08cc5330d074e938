import type { LanguageModel as AiModel } from 'ai';
import { AppError } from '../../domain/errors.js';
import type { ChatMessage, LanguageModel, ModelEvent, ModelRequest } from '../../ports/language-model.js';
import { cacheMarkOptions, type CacheMarkKind } from './cache-marks.js';
import { toModelError } from './model-error.js';
import { finishEvent } from './pricing.js';
import { messagesWithContext } from './request-context.js';

// Anthropic requires max_tokens and warns on unknown model ids without it; spoken replies are short.
export const DEFAULT_MAX_OUTPUT_TOKENS = 512;

/** A provider's model as the AI SDK 6 providers build it (specification v3). */
export type ProviderModel = Extract<AiModel, { specificationVersion: 'v3' }>;
type CallOptions = Parameters<ProviderModel['doStream']>[0];
type PromptMessage = CallOptions['prompt'][number];
type StreamPart =
  Awaited<ReturnType<ProviderModel['doStream']>>['stream'] extends ReadableStream<infer P> ? P : never;

export interface AiSdkLanguageModelOptions {
  provider: string;
  model: string;
  languageModel: ProviderModel;
  /** Values that must never appear in an error message (API keys). */
  secrets?: readonly string[];
  /** The prompt-cache marks the provider needs (cache-marks.ts); none when it caches on its own. */
  cacheMarks?: CacheMarkKind;
}

/** A message as the providers' prompt (specification v3) takes it; tool calls keep their ids. */
function promptContent(message: ChatMessage): PromptMessage {
  if (message.role === 'tool') {
    return {
      role: 'tool',
      content: [
        {
          type: 'tool-result',
          toolCallId: message.toolCallId,
          toolName: message.toolName,
          output: { type: 'text', value: message.content },
        },
      ],
    };
  }
  if (message.role === 'assistant') {
    return {
      role: 'assistant',
      content: [
        ...(message.content ? [{ type: 'text' as const, text: message.content }] : []),
        ...(message.toolCalls ?? []).map((call) => ({
          type: 'tool-call' as const,
          toolCallId: call.id ?? call.name,
          toolName: call.name,
          input: call.arguments,
        })),
      ],
    };
  }
  return { role: 'user', content: [{ type: 'text', text: message.content }] };
}

/** The message with the provider's cache mark when it is flagged cacheMark and the provider needs one. */
function promptMessage(message: ChatMessage, marks?: CacheMarkKind): PromptMessage {
  const prompt = promptContent(message);
  return message.cacheMark && marks ? { ...prompt, providerOptions: cacheMarkOptions(marks) } : prompt;
}

function callOptions(request: ModelRequest, abortSignal: AbortSignal, marks?: CacheMarkKind): CallOptions {
  // The system text is stable for the whole call, and the message flagged cacheMark ends the part of
  // the conversation the next request repeats: both end a cached prefix.
  const mark = marks ? { providerOptions: cacheMarkOptions(marks) } : {};
  return {
    prompt: [
      { role: 'system', content: request.system, ...mark },
      ...messagesWithContext(request).map((m) => promptMessage(m, marks)),
    ],
    // No execute, as streamText's tools without one: the calls come back to us, one step.
    ...(request.tools.length > 0
      ? {
          tools: request.tools.map((spec) => ({
            type: 'function' as const,
            name: spec.name,
            description: spec.description,
            inputSchema: spec.parameters,
          })),
          toolChoice: { type: 'auto' as const },
        }
      : {}),
    temperature: request.temperature,
    maxOutputTokens: request.maxOutputTokens ?? DEFAULT_MAX_OUTPUT_TOKENS,
    abortSignal,
  };
}

/** The input of a tool call the request offered, as an object; undefined where streamText marks it invalid. */
function toolInput(part: Extract<StreamPart, { type: 'tool-call' }>, request: ModelRequest) {
  if (!request.tools.some((spec) => spec.name === part.toolName)) return undefined;
  try {
    const input: unknown = part.input.trim() === '' ? {} : JSON.parse(part.input);
    return input !== null && typeof input === 'object' && !Array.isArray(input)
      ? (input as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

/**
 * A LanguageModel over an AI SDK provider's own stream (doStream). streamText on top of it costs about
 * 3 ms more CPU per reply and adds nothing we use: no retries (the policy's), no tool execution
 * (the engine's), no multi-step (docs/decisions/0009-openai-chat-stream-client.md).
 */
export class AiSdkLanguageModel implements LanguageModel {
  readonly provider: string;
  readonly model: string;
  readonly #languageModel: ProviderModel;
  readonly #secrets: readonly string[];
  readonly #cacheMarks: CacheMarkKind | undefined;

  constructor(options: AiSdkLanguageModelOptions) {
    this.provider = options.provider;
    this.model = options.model;
    this.#languageModel = options.languageModel;
    this.#secrets = options.secrets ?? [];
    this.#cacheMarks = options.cacheMarks;
  }

  async *stream(request: ModelRequest): AsyncIterable<ModelEvent> {
    const label = `${this.provider}:${this.model}`;
    // Our own controller also cancels the HTTP request when the consumer stops iterating early.
    const local = new AbortController();
    const signal = request.signal ? AbortSignal.any([request.signal, local.signal]) : local.signal;
    const aborted = () => new AppError('unavailable', `${label}: request aborted`, { cause: signal.reason });
    let finished = false;
    let reader: ReadableStreamDefaultReader<StreamPart> | undefined;
    try {
      const { stream } = await this.#languageModel.doStream(callOptions(request, signal, this.#cacheMarks));
      reader = stream.getReader();
      for (let next = await reader.read(); !next.done; next = await reader.read()) {
        if (signal.aborted) throw aborted();
        const part = next.value;
        switch (part.type) {
          case 'text-delta':
            if (part.delta) yield { type: 'text-delta', text: part.delta };
            break;
          case 'tool-call': {
            const input = toolInput(part, request);
            if (input)
              yield {
                type: 'tool-call',
                call: { id: part.toolCallId, name: part.toolName, arguments: input },
              };
            break;
          }
          case 'error':
            throw toModelError(part.error, label, this.#secrets);
          case 'finish':
            finished = true;
            yield finishEvent(
              this.model,
              part.usage.inputTokens.total ?? 0,
              part.usage.outputTokens.total ?? 0,
              {
                cachedInputTokens: part.usage.inputTokens.cacheRead ?? 0,
                cacheWriteTokens: part.usage.inputTokens.cacheWrite ?? 0,
              },
            );
            break;
          default:
            break;
        }
      }
      if (signal.aborted && !finished) throw aborted();
      if (!finished) {
        // A stream that ended without its finish part: streamText still finishes, without usage.
        finished = true;
        yield finishEvent(this.model, 0, 0);
      }
    } catch (error) {
      if (signal.aborted && !(error instanceof AppError)) throw aborted();
      throw toModelError(error, label, this.#secrets);
    } finally {
      if (!finished) {
        local.abort();
        void reader?.cancel().catch(() => {});
      }
    }
  }
}
