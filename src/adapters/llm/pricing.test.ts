import { describe, expect, it } from 'vitest';
import { costMicroUsd, finishEvent, priceOf, realtimeCostMicroUsd } from './pricing.js';

describe('pricing', () => {
  it('prices well-known models in integer micro-USD', () => {
    // 1M input tokens of gpt-4o-mini cost 0.15 USD = 150,000 micro-USD.
    expect(costMicroUsd('gpt-4o-mini', 1_000_000, 0)).toBe(150_000);
    expect(costMicroUsd('gpt-4o', 1_000, 100)).toBe(2_500 + 1_000);
    expect(costMicroUsd('claude-3-5-sonnet-latest', 10, 10)).toBe(180);
    expect(Number.isInteger(costMicroUsd('gpt-4o-mini', 7, 3))).toBe(true);
  });

  it('matches dated and Bedrock ids to the longest family name', () => {
    expect(priceOf('gpt-4o-mini-2024-07-18')).toEqual(priceOf('gpt-4o-mini'));
    expect(priceOf('gpt-4o-mini')).not.toEqual(priceOf('gpt-4o'));
    expect(priceOf('us.anthropic.claude-3-5-haiku-20241022-v1:0')).toEqual(priceOf('claude-3-5-haiku'));
  });

  it('costs 0 for an unknown model', () => {
    expect(costMicroUsd('llama3.1', 1_000, 1_000)).toBe(0);
  });
});

describe('pricing of prompt-cache reads and writes', () => {
  it('bills cached input at the cached price (OpenAI: half for gpt-4o-mini, a quarter for gpt-4.1)', () => {
    // 1M input of which 600k cached: 400k × 0.15 + 600k × 0.075 = 60,000 + 45,000.
    expect(costMicroUsd('gpt-4o-mini', 1_000_000, 0, { cachedInputTokens: 600_000 })).toBe(105_000);
    expect(costMicroUsd('gpt-4.1', 1_000_000, 0, { cachedInputTokens: 1_000_000 })).toBe(500_000);
  });

  it('bills Anthropic cache reads at a tenth and cache writes at 1.25× the input price', () => {
    // claude-3-5-haiku input 0.8: 100k plain + 800k read + 100k written.
    const cost = costMicroUsd('claude-3-5-haiku-latest', 1_000_000, 0, {
      cachedInputTokens: 800_000,
      cacheWriteTokens: 100_000,
    });
    expect(cost).toBe(80_000 + 64_000 + 100_000);
  });

  it('bills cached tokens at the input price for a model without a cache price', () => {
    expect(costMicroUsd('gpt-3.5-turbo', 1_000, 0, { cachedInputTokens: 1_000 })).toBe(
      costMicroUsd('gpt-3.5-turbo', 1_000, 0),
    );
  });

  it('never counts more cached tokens than input tokens', () => {
    expect(costMicroUsd('gpt-4o-mini', 100, 0, { cachedInputTokens: 10_000 })).toBe(8);
  });

  it('puts the cached count on the finish event only when there is one', () => {
    // 976 × 0.15 + 1,024 × 0.075 + 10 × 0.6 = 229.2
    expect(finishEvent('gpt-4o-mini', 2_000, 10, { cachedInputTokens: 1_024 })).toEqual({
      type: 'finish',
      usage: { inputTokens: 2_000, outputTokens: 10, cachedInputTokens: 1_024, costMicroUsd: 229 },
    });
    expect(finishEvent('gpt-4o-mini', 2_000, 10)).toEqual({
      type: 'finish',
      usage: { inputTokens: 2_000, outputTokens: 10, costMicroUsd: 306 },
    });
  });
});

describe('realtimeCostMicroUsd', () => {
  const usage = {
    inputTextTokens: 1_000,
    inputAudioTokens: 2_000,
    cachedInputTokens: 0,
    outputTextTokens: 100,
    outputAudioTokens: 500,
  };

  it('prices text and audio tokens at their own rates (gpt-realtime: 4/16 text, 32/64 audio per million)', () => {
    // 1000×4 + 2000×32 + 100×16 + 500×64 = 101,600 micro-USD.
    expect(realtimeCostMicroUsd('gpt-realtime-2025-08-28', usage)).toBe(101_600);
  });

  it('takes cached tokens off the audio first, each at its cached rate (mini: audio 0.30, text 0.06)', () => {
    const cached = { ...usage, cachedInputTokens: 2_500 };
    // audio: 0 uncached + 2000×0.30; text: 500×0.6 + 500×0.06; out: 100×2.4 + 500×20.
    expect(realtimeCostMicroUsd('gpt-realtime-mini', cached)).toBe(Math.round(600 + 300 + 30 + 240 + 10_000));
  });

  it('costs nothing for a model it has no price for', () => {
    expect(realtimeCostMicroUsd('some-other-realtime', usage)).toBe(0);
  });
});
