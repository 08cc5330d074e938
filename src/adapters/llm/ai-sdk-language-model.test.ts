import { createAnthropic } from '@ai-sdk/anthropic';
import { APICallError, simulateReadableStream } from 'ai';
import type { LanguageModelV3StreamPart } from '@ai-sdk/provider';
import { MockLanguageModelV3 } from 'ai/test';
import { describe, expect, it } from 'vitest';
import { AppError } from '../../domain/errors.js';
import type { ModelEvent } from '../../ports/language-model.js';
import { AiSdkLanguageModel } from './ai-sdk-language-model.js';
import { collectEvents, sampleModelRequest } from './test-support.js';

const usage = (input: number, output: number) => ({
  inputTokens: { total: input, noCache: input, cacheRead: undefined, cacheWrite: undefined },
  outputTokens: { total: output, text: output, reasoning: undefined },
});

function mockStreaming(chunks: LanguageModelV3StreamPart[]) {
  return new MockLanguageModelV3({
    modelId: 'gpt-4o-mini',
    doStream: async () => ({ stream: simulateReadableStream({ chunks, chunkDelayInMs: null }) }),
  });
}

const request = sampleModelRequest;
const collect = (stream: AsyncIterable<ModelEvent>) => collectEvents(stream);

describe('AiSdkLanguageModel', () => {
  it('maps text deltas, tool calls and usage (with the cost) to our events', async () => {
    const mock = mockStreaming([
      { type: 'text-start', id: 't' },
      { type: 'text-delta', id: 't', delta: 'Thanks, ' },
      { type: 'text-delta', id: 't', delta: 'Manas.' },
      { type: 'text-end', id: 't' },
      {
        type: 'tool-call',
        toolCallId: 'c1',
        toolName: 'record_field',
        input: '{"field":"name","value":"Manas"}',
      },
      { type: 'finish', finishReason: { unified: 'tool-calls', raw: 'tool_calls' }, usage: usage(1_000, 20) },
    ]);
    const model = new AiSdkLanguageModel({ provider: 'openai', model: 'gpt-4o-mini', languageModel: mock });
    const events = await collect(model.stream(request));
    expect(events).toEqual([
      { type: 'text-delta', text: 'Thanks, ' },
      { type: 'text-delta', text: 'Manas.' },
      {
        type: 'tool-call',
        call: { id: 'c1', name: 'record_field', arguments: { field: 'name', value: 'Manas' } },
      },
      // gpt-4o-mini: 1,000 × 0.15 + 20 × 0.6 = 162 micro-USD
      { type: 'finish', usage: { inputTokens: 1_000, outputTokens: 20, costMicroUsd: 162 } },
    ]);
  });

  it('sends the system text, messages, tools without execute, settings and the abort signal', async () => {
    const mock = mockStreaming([
      { type: 'finish', finishReason: { unified: 'stop', raw: 'stop' }, usage: usage(1, 1) },
    ]);
    const model = new AiSdkLanguageModel({ provider: 'openai', model: 'gpt-4o-mini', languageModel: mock });
    const controller = new AbortController();
    await collect(
      model.stream({ ...request, temperature: 0.2, maxOutputTokens: 123, signal: controller.signal }),
    );
    const call = mock.doStreamCalls[0]!;
    expect(call.prompt[0]).toEqual({ role: 'system', content: 'You are a test agent.' });
    expect(call.prompt.slice(1).map((m) => m.role)).toEqual(['user', 'assistant', 'user']);
    expect(call.temperature).toBe(0.2);
    expect(call.maxOutputTokens).toBe(123);
    expect(call.tools).toEqual([
      expect.objectContaining({
        type: 'function',
        name: 'record_field',
        inputSchema: request.tools[0]!.parameters,
      }),
    ]);
    expect(call.abortSignal).toBeDefined();
    controller.abort();
    expect(call.abortSignal!.aborted).toBe(true);
  });

  it('sends tool calls and their results as the provider’s own messages (the real Anthropic provider)', async () => {
    let sent: { messages: unknown[] } | undefined;
    const anthropic = createAnthropic({
      apiKey: 'test-key',
      fetch: async (_url, init) => {
        sent = JSON.parse(String(init?.body)) as { messages: unknown[] };
        return new Response(
          JSON.stringify({ type: 'error', error: { type: 'invalid_request_error', message: 'stop' } }),
          {
            status: 400,
            headers: { 'content-type': 'application/json' },
          },
        );
      },
    });
    const model = new AiSdkLanguageModel({
      provider: 'anthropic',
      model: 'claude-3-5-haiku-latest',
      languageModel: anthropic('claude-3-5-haiku-latest'),
      cacheMarks: 'anthropic',
    });
    const messages = [
      ...request.messages,
      {
        role: 'assistant' as const,
        content: 'Let me check.',
        toolCalls: [{ id: 'toolu_1', name: 'record_field', arguments: { field: 'name', value: 'Ana' } }],
      },
      // A mark on a tool result reaches the provider too.
      {
        role: 'tool' as const,
        toolCallId: 'toolu_1',
        toolName: 'record_field',
        content: 'Recorded.',
        cacheMark: true,
      },
    ];
    await expect(collect(model.stream({ ...request, messages }))).rejects.toThrow(AppError);
    expect(sent?.messages.slice(-2)).toMatchObject([
      {
        role: 'assistant',
        content: [
          { type: 'text', text: 'Let me check.' },
          { type: 'tool_use', id: 'toolu_1', name: 'record_field', input: { field: 'name', value: 'Ana' } },
        ],
      },
      {
        role: 'user',
        content: [{ type: 'tool_result', tool_use_id: 'toolu_1', cache_control: { type: 'ephemeral' } }],
      },
    ]);
  });

  it('marks the system text and the flagged message for a provider that caches only at marks', async () => {
    const finish = {
      type: 'finish' as const,
      finishReason: { unified: 'stop' as const, raw: 'stop' },
      usage: {
        inputTokens: { total: 10_000, noCache: 1_000, cacheRead: 8_000, cacheWrite: 1_000 },
        outputTokens: { total: 10, text: 10, reasoning: undefined },
      },
    };
    const marked = {
      ...request,
      messages: request.messages.map((m, i) => (i === 1 ? { ...m, cacheMark: true } : m)),
      context: '<call_state>now</call_state>',
    };
    const mark = { anthropic: { cacheControl: { type: 'ephemeral' } } };
    const anthropic = mockStreaming([finish]);
    const events = await collect(
      new AiSdkLanguageModel({
        provider: 'anthropic',
        model: 'claude-3-5-haiku-latest',
        languageModel: anthropic,
        cacheMarks: 'anthropic',
      }).stream(marked),
    );
    const prompt = anthropic.doStreamCalls[0]!.prompt;
    expect(prompt[0]).toEqual({ role: 'system', content: 'You are a test agent.', providerOptions: mark });
    expect(prompt[1]).not.toHaveProperty('providerOptions');
    expect(prompt[2]).toMatchObject({ role: 'assistant', providerOptions: mark });
    expect(prompt[3]).toEqual({
      role: 'user',
      content: [{ type: 'text', text: '<call_state>now</call_state>\n\nmy name is Manas' }],
    });
    // claude-3-5-haiku: 1,000 × 0.8 + 8,000 × 0.08 + 1,000 × 1.0 + 10 × 4 = 2,480
    expect(events).toEqual([
      {
        type: 'finish',
        usage: { inputTokens: 10_000, outputTokens: 10, cachedInputTokens: 8_000, costMicroUsd: 2_480 },
      },
    ]);

    const bedrock = mockStreaming([finish]);
    await collect(
      new AiSdkLanguageModel({
        provider: 'bedrock',
        model: 'us.anthropic.claude-3-5-haiku-20241022-v1:0',
        languageModel: bedrock,
        cacheMarks: 'bedrock',
      }).stream(marked),
    );
    expect(bedrock.doStreamCalls[0]!.prompt[0]).toMatchObject({
      providerOptions: { bedrock: { cachePoint: { type: 'default' } } },
    });
    // A provider that caches on its own gets no mark.
    const plain = mockStreaming([finish]);
    await collect(
      new AiSdkLanguageModel({ provider: 'openai', model: 'gpt-4o-mini', languageModel: plain }).stream(
        marked,
      ),
    );
    expect(plain.doStreamCalls[0]!.prompt.some((m) => 'providerOptions' in m)).toBe(false);
  });

  it('drops a tool call whose arguments are not JSON', async () => {
    const mock = mockStreaming([
      { type: 'tool-call', toolCallId: 'c1', toolName: 'record_field', input: '{"field": oops' },
      { type: 'finish', finishReason: { unified: 'tool-calls', raw: 'tool_calls' }, usage: usage(1, 1) },
    ]);
    const model = new AiSdkLanguageModel({ provider: 'openai', model: 'x', languageModel: mock });
    const events = await collect(model.stream(request));
    expect(events.map((e) => e.type)).toEqual(['finish']);
  });

  it('drops a call to a tool the request did not offer, and finishes a stream that ends without finish', async () => {
    const mock = mockStreaming([
      { type: 'tool-call', toolCallId: 'c1', toolName: 'launch_rockets', input: '{}' },
      { type: 'tool-call', toolCallId: 'c2', toolName: 'record_field', input: '' },
    ]);
    const model = new AiSdkLanguageModel({ provider: 'openai', model: 'x', languageModel: mock });
    expect(await collect(model.stream(request))).toEqual([
      { type: 'tool-call', call: { id: 'c2', name: 'record_field', arguments: {} } },
      { type: 'finish', usage: { inputTokens: 0, outputTokens: 0, costMicroUsd: 0 } },
    ]);
  });

  it('cancels the provider request when the consumer stops reading early', async () => {
    const mock = mockStreaming([
      { type: 'text-delta', id: 't', delta: 'one ' },
      { type: 'text-delta', id: 't', delta: 'two ' },
      { type: 'finish', finishReason: { unified: 'stop', raw: 'stop' }, usage: usage(1, 1) },
    ]);
    const model = new AiSdkLanguageModel({ provider: 'openai', model: 'x', languageModel: mock });
    for await (const event of model.stream(request)) if (event.type === 'text-delta') break;
    expect(mock.doStreamCalls[0]!.abortSignal!.aborted).toBe(true);
  });

  it('throws a provider error once (no SDK retries) with its status, retry hint and no secret', async () => {
    let calls = 0;
    const mock = new MockLanguageModelV3({
      doStream: async () => {
        calls += 1;
        throw new APICallError({
          message: 'Rate limit reached for key sk-live-abcdef1234567890',
          url: 'http://x/v1/chat/completions',
          requestBodyValues: {},
          statusCode: 429,
          responseHeaders: { 'retry-after': '2' },
          isRetryable: true,
        });
      },
    });
    const model = new AiSdkLanguageModel({
      provider: 'openai',
      model: 'gpt-4o',
      languageModel: mock,
      secrets: ['sk-live-abcdef1234567890'],
    });
    const error = await collect(model.stream(request)).catch((e: unknown) => e);
    expect(calls).toBe(1);
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe('rate_limited');
    expect((error as AppError).retryable).toBe(true);
    expect((error as AppError).retryAfterSeconds).toBe(2);
    expect((error as AppError).message).toContain('HTTP 429');
    expect((error as AppError).message).not.toContain('abcdef1234567890');
  });

  it('throws a stream error part as a retryable AppError', async () => {
    const mock = mockStreaming([
      { type: 'text-start', id: 't' },
      { type: 'text-delta', id: 't', delta: 'Hel' },
      { type: 'error', error: new Error('socket hang up') },
    ]);
    const model = new AiSdkLanguageModel({ provider: 'openai', model: 'x', languageModel: mock });
    const seen: ModelEvent[] = [];
    const error = await (async () => {
      for await (const event of model.stream(request)) seen.push(event);
    })().catch((e: unknown) => e);
    expect(seen).toEqual([{ type: 'text-delta', text: 'Hel' }]);
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).retryable).toBe(true);
    expect((error as AppError).message).toContain('socket hang up');
  });

  it('throws when aborted mid-stream', async () => {
    const controller = new AbortController();
    const mock = new MockLanguageModelV3({
      doStream: async () => ({
        stream: simulateReadableStream<LanguageModelV3StreamPart>({
          chunks: [
            { type: 'text-start', id: 't' },
            { type: 'text-delta', id: 't', delta: 'one ' },
            { type: 'text-delta', id: 't', delta: 'two ' },
            { type: 'finish', finishReason: { unified: 'stop', raw: 'stop' }, usage: usage(1, 1) },
          ],
          chunkDelayInMs: 50,
        }),
      }),
    });
    const model = new AiSdkLanguageModel({ provider: 'openai', model: 'x', languageModel: mock });
    const seen: string[] = [];
    const error = await (async () => {
      for await (const event of model.stream({ ...request, signal: controller.signal })) {
        if (event.type === 'text-delta') {
          seen.push(event.text);
          controller.abort();
        }
      }
    })().catch((e: unknown) => e);
    expect(seen).toEqual(['one ']);
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).message).toContain('aborted');
  });
});
