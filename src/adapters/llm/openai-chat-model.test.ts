import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Agent } from 'undici';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startFakeOpenAiServer, type FakeOpenAiServer } from '../../../test/fakes/fake-openai-server.js';
import { AppError } from '../../domain/errors.js';
import type { ModelEvent, ModelRequest } from '../../ports/language-model.js';
import { OpenAiChatModel, type OpenAiChatModelOptions } from './openai-chat-model.js';
import { collectEvents, sampleModelRequest } from './test-support.js';

let fake: FakeOpenAiServer;
let dispatcher: Agent;
beforeAll(async () => {
  fake = await startFakeOpenAiServer();
  dispatcher = new Agent({ connections: 8 });
});
afterEach(() => fake.reset());
afterAll(async () => {
  await dispatcher.close();
  await fake.close();
});

const KEY = 'sk-test-abcdef1234567890';

function model(options: Partial<OpenAiChatModelOptions> = {}) {
  return new OpenAiChatModel({
    provider: 'openai',
    model: 'gpt-4o-mini',
    flavor: 'openai',
    baseURL: `${fake.url}/v1/`,
    apiKey: KEY,
    dispatcher,
    secrets: [KEY],
    ...options,
  });
}

const request: ModelRequest = { ...sampleModelRequest, temperature: 0.2 };
const collect = collectEvents;

async function failure(stream: AsyncIterable<ModelEvent>, seen: ModelEvent[] = []): Promise<AppError> {
  const error = await collect(stream, seen).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AppError);
  return error as AppError;
}

describe('OpenAiChatModel', () => {
  it('streams text deltas, then the finish with usage and cost, from the request the AI SDK sends', async () => {
    fake.enqueue({
      text: 'Thanks, Manas. Anything else?',
      usage: { promptTokens: 1_000, completionTokens: 20 },
    });
    const events = await collect(model().stream(request));
    expect(events).toEqual([
      { type: 'text-delta', text: 'Thanks, ' },
      { type: 'text-delta', text: 'Manas. ' },
      { type: 'text-delta', text: 'Anything ' },
      { type: 'text-delta', text: 'else?' },
      // gpt-4o-mini: 1,000 × 0.15 + 20 × 0.6 = 162 micro-USD
      { type: 'finish', usage: { inputTokens: 1_000, outputTokens: 20, costMicroUsd: 162 } },
    ]);
    const [sent] = fake.requests;
    expect(sent!.authorization).toBe(`Bearer ${KEY}`);
    expect(sent!.body).toEqual({
      model: 'gpt-4o-mini',
      max_tokens: 512,
      temperature: 0.2,
      messages: [
        { role: 'system', content: 'You are a test agent.' },
        { role: 'user', content: 'hello' },
        { role: 'assistant', content: 'hi, how can I help?' },
        { role: 'user', content: 'my name is Manas' },
      ],
      tools: [
        {
          type: 'function',
          function: {
            name: 'record_field',
            description: 'Record a field',
            parameters: request.tools[0]!.parameters,
          },
        },
      ],
      tool_choice: 'auto',
      stream: true,
      stream_options: { include_usage: true },
    });
    expect(sent!.completed).toBe(true);
  });

  it('sends the context with the latest words, no cache mark, and reads the cached tokens OpenAI reports', async () => {
    fake.enqueue({
      text: 'Got it.',
      usage: { promptTokens: 2_000, completionTokens: 2, cachedTokens: 1_792 },
    });
    const marked: ModelRequest = {
      ...request,
      messages: request.messages.map((m, i) => (i === 1 ? { ...m, cacheMark: true } : m)),
      context: '<call_state>\nIt is now noon.\n</call_state>',
    };
    const events = await collect(model().stream(marked));
    // gpt-4o-mini: 208 × 0.15 + 1,792 × 0.075 + 2 × 0.6 = 167.4
    expect(events.at(-1)).toEqual({
      type: 'finish',
      usage: { inputTokens: 2_000, outputTokens: 2, cachedInputTokens: 1_792, costMicroUsd: 167 },
    });
    expect(fake.requests[0]!.body.messages).toEqual([
      { role: 'system', content: 'You are a test agent.' },
      { role: 'user', content: 'hello' },
      { role: 'assistant', content: 'hi, how can I help?' },
      { role: 'user', content: '<call_state>\nIt is now noon.\n</call_state>\n\nmy name is Manas' },
    ]);
  });

  it('asks an OpenAI reasoning model as @ai-sdk/openai does: developer message, max_completion_tokens, no temperature', async () => {
    fake.enqueue({ text: 'Hi.' });
    await collect(model({ model: 'o4-mini' }).stream({ ...request, tools: [], maxOutputTokens: 99 }));
    expect(fake.requests[0]!.body).toMatchObject({ model: 'o4-mini', max_completion_tokens: 99 });
    expect(fake.requests[0]!.body).not.toHaveProperty('temperature');
    expect(fake.requests[0]!.body).not.toHaveProperty('tools');
    expect((fake.requests[0]!.body.messages as { role: string }[])[0]!.role).toBe('developer');
    // An OpenAI-compatible server gets what it is given, whatever the model is called.
    fake.enqueue({ text: 'Hi.' });
    await collect(model({ model: 'o4-mini', flavor: 'openai-compatible' }).stream(request));
    expect(fake.requests[1]!.body).toMatchObject({ max_tokens: 512, temperature: 0.2 });
  });

  it('assembles streamed tool calls; drops one with broken JSON or naming an unknown tool', async () => {
    fake.enqueue({
      text: 'Noted.',
      toolCalls: [
        { name: 'record_field', arguments: { field: 'name', value: 'Manas' } },
        { name: 'record_field', arguments: '{"field": "name", oops' },
        { name: 'launch_rockets', arguments: { now: true } },
      ],
    });
    const events = await collect(model().stream(request));
    expect(events.map((e) => e.type)).toEqual(['text-delta', 'tool-call', 'finish']);
    expect(events[1]).toEqual({
      type: 'tool-call',
      call: { id: 'call_0', name: 'record_field', arguments: { field: 'name', value: 'Manas' } },
    });
  });

  it('ends the HTTP request when aborted mid-stream, and throws "aborted"', async () => {
    fake.enqueue({ text: 'one two three four five six', interTokenDelayMs: 30 });
    const controller = new AbortController();
    const seen: string[] = [];
    const error = await failure(
      (async function* () {
        for await (const event of model().stream({ ...request, signal: controller.signal })) {
          if (event.type === 'text-delta') {
            seen.push(event.text);
            controller.abort();
          }
          yield event;
        }
      })(),
    );
    expect(seen).toEqual(['one ']);
    expect(error.message).toContain('aborted');
    await fake.waitUntil(() => fake.requests[0]!.aborted);
  });

  it('ends the HTTP request when the consumer stops reading early', async () => {
    fake.enqueue({ text: 'one two three four five six', interTokenDelayMs: 30 });
    for await (const event of model().stream(request)) if (event.type === 'text-delta') break;
    await fake.waitUntil(() => fake.requests[0]!.aborted);
    expect(fake.requests[0]!.completed).toBe(false);
  });

  it('ends a request to a server that never answers when the turn gives up', async () => {
    fake.enqueue({ hang: true });
    const error = await failure(model().stream({ ...request, signal: AbortSignal.timeout(100) }));
    expect(error.message).toContain('request aborted');
    await fake.waitUntil(() => fake.requests[0]!.aborted);
  });

  it('maps 429 with Retry-After to rate_limited, retryable, with no secret in the message', async () => {
    fake.enqueue({ status: 429, retryAfterSeconds: 2 });
    const error = await failure(model().stream(request));
    expect(error).toMatchObject({ code: 'rate_limited', retryable: true, retryAfterSeconds: 2 });
    expect(error.message).toBe('openai:gpt-4o-mini: HTTP 429: fake error 429');
  });

  it('maps 500 to a retryable upstream error and 400 to a final one', async () => {
    fake.enqueue({ status: 500 }, { status: 400 });
    expect(await failure(model().stream(request))).toMatchObject({ code: 'upstream', retryable: true });
    const badRequest = await failure(model().stream(request));
    expect(badRequest).toMatchObject({ code: 'upstream', retryable: false });
    expect(badRequest.message).toContain('HTTP 400');
  });

  it('throws a retryable error on a malformed SSE line, after the words it already gave', async () => {
    fake.enqueue({ text: 'Here it is.', malformed: true });
    const seen: ModelEvent[] = [];
    const error = await failure(model().stream(request), seen);
    expect(seen.map((e) => e.type)).toEqual(['text-delta', 'text-delta', 'text-delta']);
    expect(error).toMatchObject({ code: 'upstream', retryable: true });
  });

  it('throws a retryable error when the connection is reset mid-stream', async () => {
    fake.enqueue({ text: 'one two three four five', resetAfterTokens: 2 });
    const seen: ModelEvent[] = [];
    const error = await failure(model().stream(request), seen);
    expect(seen).toEqual([
      { type: 'text-delta', text: 'one ' },
      { type: 'text-delta', text: 'two ' },
    ]);
    expect(error).toMatchObject({ code: 'upstream', retryable: true });
  });

  describe('against a server that writes its own stream', () => {
    let server: Server;
    let url: string;
    let reply: string[] = [];
    beforeAll(async () => {
      server = createServer((req, res) => {
        req.resume();
        req.on('end', () => {
          res.writeHead(200, { 'content-type': 'text/event-stream' });
          for (const piece of reply) res.write(piece);
          res.end();
        });
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
    });
    afterAll(async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    });

    it('reads CRLF lines, comments, events split anywhere and a reply without usage or [DONE]', async () => {
      const stream = [
        ': keep-alive\r\n\r\n',
        'data: {"choices":[{"delta":{"content":"Hé"}}]}\r\n\r\n',
        'data: {"choices":[{"delta":{"content":"llo"}}]}\r\n',
        '\r\ndata: {"choices":[{"delta":{"tool_calls":[{"index":0,"id":"c1","function":{"name":"record_field","arguments":"{\\"field\\""}}]}}]}\n\n',
        'data: {"choices":[{"delta":{"tool_calls":[{"index":0,"function":{"arguments":":\\"name\\",\\"value\\":\\"Ana\\"}"}}]}}]}\n\n',
      ].join('');
      reply = [stream.slice(0, 37), stream.slice(37, 80), stream.slice(80)];
      const events = await collect(
        model({ baseURL: url, provider: 'openai-compatible', model: 'x' }).stream(request),
      );
      expect(events).toEqual([
        { type: 'text-delta', text: 'Hé' },
        { type: 'text-delta', text: 'llo' },
        {
          type: 'tool-call',
          call: { id: 'c1', name: 'record_field', arguments: { field: 'name', value: 'Ana' } },
        },
        { type: 'finish', usage: { inputTokens: 0, outputTokens: 0, costMicroUsd: 0 } },
      ]);
    });

    it('throws a provider’s error event as a retryable upstream error, its secrets redacted', async () => {
      reply = [
        'data: {"choices":[{"delta":{"content":"Hi"}}]}\n\n',
        `data: {"error":{"message":"overloaded for key ${KEY}"}}\n\n`,
      ];
      const error = await failure(model({ baseURL: url }).stream(request));
      expect(error).toMatchObject({ code: 'upstream', retryable: true });
      expect(error.message).toContain('overloaded');
      expect(error.message).not.toContain('abcdef1234567890');
    });
  });
});
