import { describe, expect, it } from 'vitest';
import { chatCompletionsBody, isOpenAiReasoningModel } from './openai-chat-body.js';

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

describe('chatCompletionsBody with tools', () => {
  it('sends an assistant’s tool calls with their ids and arguments as JSON text, and results by id', () => {
    const body = chatCompletionsBody(
      'openai',
      'gpt-4o-mini',
      {
        system: 'S',
        // The call state stays with the caller's words, before the tool call and its result.
        context: '<call_state>\nIt is now noon.\n</call_state>',
        tools: [],
        messages: [
          { role: 'user', content: 'Where is order 4412?' },
          {
            role: 'assistant',
            content: '',
            toolCalls: [{ id: 'call_1', name: 'lookup_order', arguments: { order_id: '4412' } }],
          },
          { role: 'tool', toolCallId: 'call_1', toolName: 'lookup_order', content: '{"status":"shipped"}' },
        ],
      },
      100,
    );
    expect((body.messages as unknown[]).slice(1)).toEqual([
      { role: 'user', content: '<call_state>\nIt is now noon.\n</call_state>\n\nWhere is order 4412?' },
      {
        role: 'assistant',
        content: null,
        tool_calls: [
          {
            id: 'call_1',
            type: 'function',
            function: { name: 'lookup_order', arguments: '{"order_id":"4412"}' },
          },
        ],
      },
      { role: 'tool', tool_call_id: 'call_1', content: '{"status":"shipped"}' },
    ]);
  });
});
