import type { ModelEvent } from '../../ports/language-model.js';
// List prices in USD per million tokens (provider price pages, 2025). A model id matches the longest
// key it contains, so dated ids ("gpt-4o-mini-2024-07-18") and Bedrock ids
// ("us.anthropic.claude-3-5-haiku-20241022-v1:0") find their family. Unknown models cost 0.
export interface ModelPrice {
  inputUsdPerMillion: number;
  outputUsdPerMillion: number;
}

const PRICES: Readonly<Record<string, ModelPrice>> = {
  'gpt-4o-mini': { inputUsdPerMillion: 0.15, outputUsdPerMillion: 0.6 },
  'gpt-4o': { inputUsdPerMillion: 2.5, outputUsdPerMillion: 10 },
  'gpt-4.1-nano': { inputUsdPerMillion: 0.1, outputUsdPerMillion: 0.4 },
  'gpt-4.1-mini': { inputUsdPerMillion: 0.4, outputUsdPerMillion: 1.6 },
  'gpt-4.1': { inputUsdPerMillion: 2, outputUsdPerMillion: 8 },
  'gpt-3.5-turbo': { inputUsdPerMillion: 0.5, outputUsdPerMillion: 1.5 },
  'claude-3-haiku': { inputUsdPerMillion: 0.25, outputUsdPerMillion: 1.25 },
  'claude-3-5-haiku': { inputUsdPerMillion: 0.8, outputUsdPerMillion: 4 },
  'claude-haiku-4-5': { inputUsdPerMillion: 1, outputUsdPerMillion: 5 },
  'claude-3-5-sonnet': { inputUsdPerMillion: 3, outputUsdPerMillion: 15 },
  'claude-3-7-sonnet': { inputUsdPerMillion: 3, outputUsdPerMillion: 15 },
  'claude-sonnet-4': { inputUsdPerMillion: 3, outputUsdPerMillion: 15 },
};

/** The price of a model, or undefined when it is not in the table. */
export function priceOf(modelId: string): ModelPrice | undefined {
  const id = modelId.toLowerCase();
  let best: string | undefined;
  for (const key of Object.keys(PRICES)) {
    if (id.includes(key) && (!best || key.length > best.length)) best = key;
  }
  return best ? PRICES[best] : undefined;
}

/**
 * Cost of one request in integer micro-USD (DynamoDB stores integers exactly; floats drift).
 * USD per million tokens times tokens is already micro-USD.
 */
export function costMicroUsd(modelId: string, inputTokens: number, outputTokens: number): number {
  const price = priceOf(modelId);
  if (!price) return 0;
  return Math.round(inputTokens * price.inputUsdPerMillion + outputTokens * price.outputUsdPerMillion);
}

/** The finish event of a reply: its token counts and what they cost. */
export function finishEvent(modelId: string, inputTokens: number, outputTokens: number): ModelEvent {
  return {
    type: 'finish',
    usage: { inputTokens, outputTokens, costMicroUsd: costMicroUsd(modelId, inputTokens, outputTokens) },
  };
}
