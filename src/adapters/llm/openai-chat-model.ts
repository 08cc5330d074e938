// A streamed chat-completions reply read straight off a pooled undici connection: the AI SDK's
// streamText over its OpenAI providers costs about 3× the CPU per reply for the same events
// (docs/decisions/0009-openai-chat-stream-client.md). Requests, events and errors are the ones
// AiSdkLanguageModel gives for these providers.
import type { Dispatcher } from 'undici';
import { AppError } from '../../domain/errors.js';
import type { LanguageModel, ModelEvent, ModelRequest } from '../../ports/language-model.js';
import { DEFAULT_MAX_OUTPUT_TOKENS } from './ai-sdk-language-model.js';
import { httpModelError, isRetryableStatus, toModelError } from './model-error.js';
import { chatCompletionsBody, type ChatFlavor } from './openai-chat-body.js';
import { finishEvent } from './pricing.js';
import { sseData } from './sse-events.js';
import { ToolCallAssembler, type ToolCallDelta } from './tool-call-assembler.js';

export interface OpenAiChatModelOptions {
  /** The name in labels and breakers ('openai', 'openai-compatible@host'). */
  provider: string;
  model: string;
  flavor: ChatFlavor;
  /** e.g. https://api.openai.com/v1; /chat/completions is appended. */
  baseURL: string;
  apiKey?: string;
  dispatcher: Dispatcher;
  /** Values that must never appear in an error message (API keys). */
  secrets?: readonly string[];
}

interface Chunk {
  error?: { message?: string };
  choices?: { delta?: { content?: string | null; refusal?: string | null; tool_calls?: ToolCallDelta[] } }[];
  usage?: {
    prompt_tokens?: number;
    completion_tokens?: number;
    /** The part of prompt_tokens served from OpenAI's prompt cache (absent on most other servers). */
    prompt_tokens_details?: { cached_tokens?: number | null } | null;
  } | null;
}

// An error body is read for its message only; a proxy's page can be long.
const MAX_ERROR_BODY_CHARS = 4_096;

export class OpenAiChatModel implements LanguageModel {
  readonly provider: string;
  readonly model: string;
  readonly #options: OpenAiChatModelOptions;
  readonly #url: URL;
  readonly #headers: Record<string, string>;

  constructor(options: OpenAiChatModelOptions) {
    this.provider = options.provider;
    this.model = options.model;
    this.#options = options;
    this.#url = new URL(`${options.baseURL.replace(/\/+$/, '')}/chat/completions`);
    this.#headers = {
      'content-type': 'application/json',
      ...(options.apiKey ? { authorization: `Bearer ${options.apiKey}` } : {}),
    };
  }

  async *stream(request: ModelRequest): AsyncIterable<ModelEvent> {
    const label = `${this.provider}:${this.model}`;
    const secrets = this.#options.secrets ?? [];
    // Our own controller also ends the HTTP request when the consumer stops iterating early.
    const local = new AbortController();
    const signal = request.signal ? AbortSignal.any([request.signal, local.signal]) : local.signal;
    const aborted = () => new AppError('unavailable', `${label}: request aborted`, { cause: signal.reason });
    let finished = false;
    let response: Dispatcher.ResponseData | undefined;
    try {
      const body = chatCompletionsBody(
        this.#options.flavor,
        this.model,
        request,
        request.maxOutputTokens ?? DEFAULT_MAX_OUTPUT_TOKENS,
      );
      response = await this.#options.dispatcher.request({
        origin: this.#url.origin,
        path: this.#url.pathname + this.#url.search,
        method: 'POST',
        headers: this.#headers,
        body: JSON.stringify(body),
        signal,
      });
      if (response.statusCode !== 200) throw await this.#answerError(response, label, secrets);
      const tools = new ToolCallAssembler();
      let usage: Chunk['usage'];
      // Read to the end, past [DONE] (which ends the reply just before the body), as the AI SDK does:
      // leaving early would cost the pooled connection when the body's last bytes are still coming.
      for await (const data of sseData(response.body)) {
        if (data === '[DONE]') continue;
        const chunk = JSON.parse(data) as Chunk;
        if (chunk.error) throw new Error(`stream error: ${chunk.error.message ?? 'unknown'}`);
        if (chunk.usage) usage = chunk.usage;
        const delta = chunk.choices?.[0]?.delta;
        if (!delta) continue;
        if (delta.content) yield { type: 'text-delta', text: delta.content };
        if (delta.refusal) yield { type: 'text-delta', text: delta.refusal };
        if (delta.tool_calls) for (const part of delta.tool_calls) tools.add(part);
      }
      if (signal.aborted) throw aborted();
      const known = new Set(request.tools.map((tool) => tool.name));
      for (const call of tools.finish(known)) yield { type: 'tool-call', call };
      finished = true;
      yield finishEvent(this.model, usage?.prompt_tokens ?? 0, usage?.completion_tokens ?? 0, {
        cachedInputTokens: usage?.prompt_tokens_details?.cached_tokens ?? 0,
      });
    } catch (error) {
      if (signal.aborted && !(error instanceof AppError)) throw aborted();
      throw toModelError(error, label, secrets);
    } finally {
      if (!finished) {
        local.abort();
        response?.body.destroy();
      }
    }
  }

  async #answerError(response: Dispatcher.ResponseData, label: string, secrets: readonly string[]) {
    const text = (await response.body.text()).slice(0, MAX_ERROR_BODY_CHARS);
    let message = text.trim();
    try {
      const parsed = JSON.parse(text) as { error?: { message?: unknown } | string };
      const inner = typeof parsed.error === 'string' ? parsed.error : parsed.error?.message;
      if (typeof inner === 'string') message = inner;
    } catch {
      // Not JSON (a proxy's page): its first line stands.
    }
    const retryAfter = response.headers['retry-after'];
    return httpModelError(label, secrets, {
      status: response.statusCode,
      message,
      retryable: isRetryableStatus(response.statusCode),
      retryAfter: Array.isArray(retryAfter) ? retryAfter[0] : retryAfter,
    });
  }
}
