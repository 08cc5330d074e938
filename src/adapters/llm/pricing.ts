import type { ModelEvent } from '../../ports/language-model.js';
// List prices in USD per million tokens (provider price pages, 2025). A model id matches the longest
// key it contains, so dated ids ("gpt-4o-mini-2024-07-18") and Bedrock ids
// ("us.anthropic.claude-3-5-haiku-20241022-v1:0") find their family. Unknown models cost 0.
//
// Prompt caching: OpenAI bills cached input at half the input price for the GPT-4o family and a
// quarter for GPT-4.1, and caches on its own (no write premium). Anthropic (direct and on Bedrock)
// bills a cache read at a tenth of the input price and a cache write (5-minute lifetime) at 1.25×.
export interface ModelPrice {
  inputUsdPerMillion: number;
  outputUsdPerMillion: number;
  /** Input read from the provider's prompt cache; the input price when the model has no cache. */
  cachedInputUsdPerMillion?: number;
  /** Input written to the prompt cache (Anthropic); the input price when absent. */
  cacheWriteUsdPerMillion?: number;
}

const anthropic = (input: number, output: number): ModelPrice => ({
  inputUsdPerMillion: input,
  outputUsdPerMillion: output,
  cachedInputUsdPerMillion: input * 0.1,
  cacheWriteUsdPerMillion: input * 1.25,
});

const PRICES: Readonly<Record<string, ModelPrice>> = {
  'gpt-4o-mini': { inputUsdPerMillion: 0.15, outputUsdPerMillion: 0.6, cachedInputUsdPerMillion: 0.075 },
  'gpt-4o': { inputUsdPerMillion: 2.5, outputUsdPerMillion: 10, cachedInputUsdPerMillion: 1.25 },
  'gpt-4.1-nano': { inputUsdPerMillion: 0.1, outputUsdPerMillion: 0.4, cachedInputUsdPerMillion: 0.025 },
  'gpt-4.1-mini': { inputUsdPerMillion: 0.4, outputUsdPerMillion: 1.6, cachedInputUsdPerMillion: 0.1 },
  'gpt-4.1': { inputUsdPerMillion: 2, outputUsdPerMillion: 8, cachedInputUsdPerMillion: 0.5 },
  'gpt-3.5-turbo': { inputUsdPerMillion: 0.5, outputUsdPerMillion: 1.5 },
  'claude-3-haiku': anthropic(0.25, 1.25),
  'claude-3-5-haiku': anthropic(0.8, 4),
  'claude-haiku-4-5': anthropic(1, 5),
  'claude-3-5-sonnet': anthropic(3, 15),
  'claude-3-7-sonnet': anthropic(3, 15),
  'claude-sonnet-4': anthropic(3, 15),
};

/**
 * The Realtime API bills text and audio tokens at their own rates, USD per million (OpenAI's pricing
 * page and model pages: developers.openai.com/api/docs/models/gpt-realtime-*), cached text and
 * cached audio each at its own rate.
 */
const REALTIME_PRICES: Readonly<
  Record<
    string,
    Record<'textIn' | 'textOut' | 'audioIn' | 'audioOut' | 'cachedTextIn' | 'cachedAudioIn', number>
  >
> = {
  'gpt-realtime-mini': {
    textIn: 0.6,
    textOut: 2.4,
    audioIn: 10,
    audioOut: 20,
    cachedTextIn: 0.06,
    cachedAudioIn: 0.3,
  },
  'gpt-realtime': {
    textIn: 4,
    textOut: 16,
    audioIn: 32,
    audioOut: 64,
    cachedTextIn: 0.4,
    cachedAudioIn: 0.4,
  },
};

/** One realtime response's cost in integer micro-USD; unknown models cost 0. */
export function realtimeCostMicroUsd(
  modelId: string,
  usage: {
    inputTextTokens: number;
    inputAudioTokens: number;
    cachedInputTokens: number;
    outputTextTokens: number;
    outputAudioTokens: number;
  },
): number {
  const id = modelId.toLowerCase();
  const key = Object.keys(REALTIME_PRICES)
    .filter((name) => id.includes(name))
    .sort((a, b) => b.length - a.length)[0];
  const price = key ? REALTIME_PRICES[key] : undefined;
  if (!price) return 0;
  // Cached tokens are part of the input; they are taken off the audio first (the bulk of a call's input).
  const cached = Math.min(usage.cachedInputTokens, usage.inputTextTokens + usage.inputAudioTokens);
  const cachedAudio = Math.min(cached, usage.inputAudioTokens);
  return Math.round(
    (usage.inputAudioTokens - cachedAudio) * price.audioIn +
      (usage.inputTextTokens - (cached - cachedAudio)) * price.textIn +
      cachedAudio * price.cachedAudioIn +
      (cached - cachedAudio) * price.cachedTextIn +
      usage.outputTextTokens * price.textOut +
      usage.outputAudioTokens * price.audioOut,
  );
}

/** The price of a model, or undefined when it is not in the table. */
export function priceOf(modelId: string): ModelPrice | undefined {
  const id = modelId.toLowerCase();
  let best: string | undefined;
  for (const key of Object.keys(PRICES)) {
    if (id.includes(key) && (!best || key.length > best.length)) best = key;
  }
  return best ? PRICES[best] : undefined;
}

/** How a request's input tokens split by what the provider's prompt cache did with them. */
export interface CacheUsage {
  /** Input tokens read from the cache (part of the input tokens). */
  cachedInputTokens?: number;
  /** Input tokens written to the cache (part of the input tokens). */
  cacheWriteTokens?: number;
}

/**
 * Cost of one request in integer micro-USD (DynamoDB stores integers exactly; floats drift).
 * USD per million tokens times tokens is already micro-USD. `inputTokens` counts every input token,
 * cached ones included.
 */
export function costMicroUsd(
  modelId: string,
  inputTokens: number,
  outputTokens: number,
  cache: CacheUsage = {},
): number {
  const price = priceOf(modelId);
  if (!price) return 0;
  const read = Math.min(cache.cachedInputTokens ?? 0, inputTokens);
  const written = Math.min(cache.cacheWriteTokens ?? 0, inputTokens - read);
  const plain = inputTokens - read - written;
  return Math.round(
    plain * price.inputUsdPerMillion +
      read * (price.cachedInputUsdPerMillion ?? price.inputUsdPerMillion) +
      written * (price.cacheWriteUsdPerMillion ?? price.inputUsdPerMillion) +
      outputTokens * price.outputUsdPerMillion,
  );
}

/** The finish event of a reply: its token counts, what the cache served and what they cost. */
export function finishEvent(
  modelId: string,
  inputTokens: number,
  outputTokens: number,
  cache: CacheUsage = {},
): ModelEvent {
  const cached = cache.cachedInputTokens ?? 0;
  return {
    type: 'finish',
    usage: {
      inputTokens,
      outputTokens,
      ...(cached > 0 ? { cachedInputTokens: cached } : {}),
      costMicroUsd: costMicroUsd(modelId, inputTokens, outputTokens, cache),
    },
  };
}
