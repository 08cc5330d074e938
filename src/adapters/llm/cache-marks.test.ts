import { createAmazonBedrock } from '@ai-sdk/amazon-bedrock';
import { createAnthropic } from '@ai-sdk/anthropic';
import { describe, expect, it } from 'vitest';
import { AiSdkLanguageModel } from './ai-sdk-language-model.js';
import { cacheMarkKind } from './cache-marks.js';
import { collectEvents, sampleModelRequest } from './test-support.js';

describe('cacheMarkKind', () => {
  it('marks Anthropic always, Bedrock only on the models it caches for, and no other provider', () => {
    expect(cacheMarkKind('anthropic', 'claude-3-5-haiku-latest')).toBe('anthropic');
    expect(cacheMarkKind('bedrock', 'us.anthropic.claude-3-7-sonnet-20250219-v1:0')).toBe('bedrock');
    expect(cacheMarkKind('bedrock', 'amazon.nova-lite-v1:0')).toBe('bedrock');
    expect(cacheMarkKind('bedrock', 'meta.llama3-1-70b-instruct-v1:0')).toBeUndefined();
    expect(cacheMarkKind('bedrock', 'anthropic.claude-3-haiku-20240307-v1:0')).toBeUndefined();
    expect(cacheMarkKind('openai', 'gpt-4o-mini')).toBeUndefined();
    expect(cacheMarkKind('openai-compatible', 'llama3.1')).toBeUndefined();
  });
});

describe('cache marks on the wire, through the real AI SDK providers', () => {
  // The providers' own request bodies, taken from their fetch; the answer is an error, which is all
  // this needs (no network, no key is checked).
  function capturing() {
    const bodies: Record<string, unknown>[] = [];
    const fetch = async (_url: RequestInfo | URL, init?: RequestInit) => {
      bodies.push(JSON.parse(String(init?.body)) as Record<string, unknown>);
      return new Response(JSON.stringify({ error: { type: 'invalid_request_error', message: 'stop' } }), {
        status: 400,
        headers: { 'content-type': 'application/json' },
      });
    };
    return { bodies, fetch };
  }
  const request = {
    ...sampleModelRequest,
    messages: sampleModelRequest.messages.map((m, i) => (i === 1 ? { ...m, cacheMark: true } : m)),
    context: '<call_state>now</call_state>',
  };
  const send = (model: AiSdkLanguageModel) => collectEvents(model.stream(request)).catch(() => []);

  it('Anthropic: cache_control after the system text and after the flagged message', async () => {
    const { bodies, fetch } = capturing();
    const model = 'claude-3-5-haiku-latest';
    await send(
      new AiSdkLanguageModel({
        provider: 'anthropic',
        model,
        languageModel: createAnthropic({ apiKey: 'test', fetch })(model),
        cacheMarks: cacheMarkKind('anthropic', model),
      }),
    );
    const body = bodies[0] as {
      system: { text: string; cache_control?: unknown }[];
      messages: { role: string; content: { text: string; cache_control?: unknown }[] }[];
    };
    expect(body.system).toEqual([
      { type: 'text', text: 'You are a test agent.', cache_control: { type: 'ephemeral' } },
    ]);
    expect(body.messages[1]!.content.at(-1)!.cache_control).toEqual({ type: 'ephemeral' });
    expect(body.messages[0]!.content[0]!.cache_control).toBeUndefined();
    expect(body.messages[2]!.content[0]).toEqual({
      type: 'text',
      text: '<call_state>now</call_state>\n\nmy name is Manas',
    });
  });

  it('Bedrock: a cachePoint after the system text and after the flagged message', async () => {
    const { bodies, fetch } = capturing();
    const model = 'us.anthropic.claude-3-5-haiku-20241022-v1:0';
    await send(
      new AiSdkLanguageModel({
        provider: 'bedrock',
        model,
        languageModel: createAmazonBedrock({
          region: 'us-east-1',
          accessKeyId: 'AKIDEXAMPLE',
          secretAccessKey: 'secret',
          fetch,
        })(model),
        cacheMarks: cacheMarkKind('bedrock', model),
      }),
    );
    const body = bodies[0] as { system: unknown[]; messages: { content: unknown[] }[] };
    expect(body.system).toEqual([{ text: 'You are a test agent.' }, { cachePoint: { type: 'default' } }]);
    expect(body.messages[1]!.content.at(-1)).toEqual({ cachePoint: { type: 'default' } });
    expect(body.messages[0]!.content).not.toContainEqual({ cachePoint: { type: 'default' } });
  });
});
