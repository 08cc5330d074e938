import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeOpenAiServer, type FakeOpenAiServer } from './fake-openai-server.js';

describe('fake OpenAI server', () => {
  let fake: FakeOpenAiServer;
  beforeAll(async () => {
    fake = await startFakeOpenAiServer({ script: () => ({ text: 'from the function' }) });
  });
  afterAll(async () => {
    await fake.close();
  });

  const post = (body: unknown) =>
    fetch(`${fake.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });

  it('answers a non-streaming request with a completion, tool calls and usage', async () => {
    fake.enqueue({
      text: 'Hi there',
      toolCalls: [{ name: 'end_call', arguments: { reason: 'caller_done' } }],
    });
    const json = (await (await post({ model: 'm', messages: [] })).json()) as {
      choices: { message: unknown; finish_reason: string }[];
      usage: { completion_tokens: number };
    };
    expect(json.choices[0]!.message).toMatchObject({
      role: 'assistant',
      content: 'Hi there',
      tool_calls: [
        { type: 'function', function: { name: 'end_call', arguments: '{"reason":"caller_done"}' } },
      ],
    });
    expect(json.choices[0]!.finish_reason).toBe('tool_calls');
    expect(json.usage.completion_tokens).toBeGreaterThan(0);
  });

  it('streams SSE chunks ending in [DONE], then falls back to the script function', async () => {
    const text = await (await post({ model: 'm', messages: [], stream: true })).text();
    expect(text).toContain('"content":"from "');
    expect(text.trim().endsWith('data: [DONE]')).toBe(true);
    expect(fake.requests.at(-1)!.completed).toBe(true);
  });

  it('answers scripted errors with Retry-After, and 404 elsewhere', async () => {
    fake.enqueue({ status: 429, retryAfterSeconds: 2 });
    const limited = await post({ model: 'm', messages: [] });
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('2');
    expect((await fetch(`${fake.url}/v1/models`)).status).toBe(404);
  });
});
