import type { LanguageModelV3StreamPart } from '@ai-sdk/provider';
import { simulateReadableStream } from 'ai';
import { MockLanguageModelV3 } from 'ai/test';
import { describe, expect, it } from 'vitest';
import { AiSdkLanguageModel } from '../../src/adapters/llm/ai-sdk-language-model.js';
import { LlmPolicy } from '../../src/engine/llm-policy.js';
import { exampleAgent, turnContext } from '../fakes/turn-context.js';

// The policy over the AI SDK's own mock model, through our adapter.
const agent = exampleAgent('customer-support-001.json');
const finish: LanguageModelV3StreamPart = {
  type: 'finish',
  finishReason: { unified: 'tool-calls', raw: 'tool_calls' },
  usage: {
    inputTokens: { total: 400, noCache: 400, cacheRead: undefined, cacheWrite: undefined },
    outputTokens: { total: 10, text: 10, reasoning: undefined },
  },
};

describe('LlmPolicy over MockLanguageModelV3', () => {
  it('speaks the text, validates record_field, and honours end_call', async () => {
    const mock = new MockLanguageModelV3({
      modelId: 'gpt-4o-mini',
      doStream: async () => ({
        stream: simulateReadableStream<LanguageModelV3StreamPart>({
          chunks: [
            { type: 'text-start', id: 't' },
            { type: 'text-delta', id: 't', delta: 'Thanks, Manas. ' },
            { type: 'text-delta', id: 't', delta: 'Goodbye!' },
            { type: 'text-end', id: 't' },
            {
              type: 'tool-call',
              toolCallId: 'a',
              toolName: 'record_field',
              input: '{"field":"name","value":"this is Manas"}',
            },
            {
              type: 'tool-call',
              toolCallId: 'b',
              toolName: 'record_field',
              input: '{"field":"email","value":"manas at"}',
            },
            { type: 'tool-call', toolCallId: 'c', toolName: 'end_call', input: '{"reason":"caller_done"}' },
            finish,
          ],
          chunkDelayInMs: null,
        }),
      }),
    });
    const policy = new LlmPolicy(
      new AiSdkLanguageModel({ provider: 'openai', model: 'gpt-4o-mini', languageModel: mock }),
    );
    const stream = policy.respond(turnContext(agent, 'this is Manas, bye'));
    let spoken = '';
    for await (const piece of stream.textStream) spoken += piece;
    const reply = await stream.reply;
    expect(spoken).toBe('Thanks, Manas. Goodbye!');
    expect(reply).toMatchObject({
      text: 'Thanks, Manas. Goodbye!',
      extracted: { name: 'Manas' },
      end: 'user',
      inputTokens: 400,
      outputTokens: 10,
      costMicroUsd: 66, // 400 × 0.15 + 10 × 0.6
    });
    expect(mock.doStreamCalls).toHaveLength(1);
    expect(mock.doStreamCalls[0]!.tools?.map((t) => t.name)).toEqual(['record_field', 'end_call']);
  });

  it('retries after an error part, then answers', async () => {
    let calls = 0;
    const mock = new MockLanguageModelV3({
      doStream: async () => {
        calls += 1;
        const chunks: LanguageModelV3StreamPart[] =
          calls === 1
            ? [{ type: 'error', error: new Error('upstream reset') }]
            : [
                { type: 'text-start', id: 't' },
                { type: 'text-delta', id: 't', delta: 'Hello.' },
                { type: 'text-end', id: 't' },
                finish,
              ];
        return { stream: simulateReadableStream({ chunks, chunkDelayInMs: null }) };
      },
    });
    const policy = new LlmPolicy(
      new AiSdkLanguageModel({ provider: 'openai', model: 'x', languageModel: mock }),
    );
    const reply = await policy.respond(turnContext(agent, 'hello')).reply;
    expect(calls).toBe(2);
    expect(reply.text).toBe('Hello.');
  });
});
