import { describe, expect, it } from 'vitest';
import { costMicroUsd, priceOf } from './pricing.js';

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
