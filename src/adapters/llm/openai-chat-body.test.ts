import { describe, expect, it } from 'vitest';
import { isOpenAiReasoningModel } from './openai-chat-body.js';

describe('isOpenAiReasoningModel', () => {
  it('matches @ai-sdk/openai: o-series and GPT-5 and later, except the gpt-N-chat models', () => {
    for (const model of ['o1', 'o3-mini', 'o4-mini', 'gpt-5', 'gpt-5-mini', 'gpt-5.1', 'gpt-5.1-chat-latest'])
      expect(isOpenAiReasoningModel(model), model).toBe(true);
    for (const model of [
      'gpt-4o-mini',
      'gpt-4.1',
      'gpt-5-chat-latest',
      'gpt-3.5-turbo',
      'llama3.1',
      'omni-x',
    ])
      expect(isOpenAiReasoningModel(model), model).toBe(false);
  });
});
