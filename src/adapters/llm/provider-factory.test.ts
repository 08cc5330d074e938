import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeOpenAiServer, type FakeOpenAiServer } from '../../../test/fakes/fake-openai-server.js';
import type { ModelEvent } from '../../ports/language-model.js';
import {
  createLanguageModelFactory,
  SCRIPTED_MODE_DESCRIPTION,
  usableProviders,
  type LlmConfig,
} from './provider-factory.js';

const none: LlmConfig = {
  LLM_PROVIDER: 'none',
  LLM_MODEL: undefined,
  OPENAI_API_KEY: undefined,
  OPENAI_BASE_URL: undefined,
  ANTHROPIC_API_KEY: undefined,
  OPENAI_COMPATIBLE_BASE_URL: undefined,
  OPENAI_COMPATIBLE_API_KEY: undefined,
  AWS_REGION: undefined,
};

async function text(stream: AsyncIterable<ModelEvent>): Promise<string> {
  let out = '';
  for await (const event of stream) if (event.type === 'text-delta') out += event.text;
  return out;
}

const request = { system: 's', messages: [{ role: 'user' as const, content: 'hi' }], tools: [] };

describe('createLanguageModelFactory', () => {
  let fake: FakeOpenAiServer;
  beforeAll(async () => {
    fake = await startFakeOpenAiServer();
  });
  afterAll(async () => {
    await fake.close();
  });

  it('is scripted with no provider, and says which setting to change', async () => {
    const factory = await createLanguageModelFactory(none);
    expect(factory.forAgent(undefined)).toBeUndefined();
    expect(factory.forAgent({ model: 'gpt-4o' })).toBeUndefined();
    expect(factory.describe()).toBe(SCRIPTED_MODE_DESCRIPTION);
    expect(factory.describe()).toContain('LLM_PROVIDER');
    await factory.close();
  });

  it('hands out the AI SDK model behind a choice, with the keys to keep out of messages', async () => {
    expect((await createLanguageModelFactory(none)).aiModelFor(undefined)).toBeUndefined();
    const factory = await createLanguageModelFactory({ ...none, ANTHROPIC_API_KEY: 'ak-test-key' });
    const chosen = factory.aiModelFor({ provider: 'anthropic' });
    expect(chosen).toMatchObject({
      provider: 'anthropic',
      model: 'claude-3-5-haiku-latest',
      secrets: ['ak-test-key'],
    });
    expect(chosen!.languageModel).toBe(factory.aiModelFor({ provider: 'anthropic' })!.languageModel);
    expect(factory.aiModelFor({ provider: 'scripted' })).toBeUndefined();
    await factory.close();
  });

  it('lets an agent pick a provider whose credentials are configured, and no other', async () => {
    const factory = await createLanguageModelFactory({ ...none, ANTHROPIC_API_KEY: 'ak-test' });
    expect(factory.forAgent({ provider: 'openai', model: 'gpt-4o' })).toBeUndefined();
    const model = factory.forAgent({ provider: 'anthropic' });
    expect(model).toMatchObject({ provider: 'anthropic', model: 'claude-3-5-haiku-latest' });
    expect(factory.describe()).toBe(SCRIPTED_MODE_DESCRIPTION);
    await factory.close();
  });

  it('describes the configured model, caches models, and honours a per-agent model or scripted choice', async () => {
    const factory = await createLanguageModelFactory({
      ...none,
      LLM_PROVIDER: 'openai-compatible',
      LLM_MODEL: 'llama3.1',
      OPENAI_COMPATIBLE_BASE_URL: `${fake.url}/v1`,
    });
    expect(factory.describe()).toBe('openai-compatible:llama3.1');
    expect(factory.forAgent(undefined)).toBe(factory.forAgent({}));
    expect(factory.forAgent({ model: 'qwen2.5' })).toMatchObject({
      provider: 'openai-compatible',
      model: 'qwen2.5',
    });
    expect(factory.forAgent({ provider: 'scripted' })).toBeUndefined();
    await factory.close();
  });

  it('streams from an OpenAI-compatible server through the pooled fetch', async () => {
    const factory = await createLanguageModelFactory({
      ...none,
      LLM_PROVIDER: 'openai-compatible',
      LLM_MODEL: 'llama3.1',
      OPENAI_COMPATIBLE_BASE_URL: `${fake.url}/v1`,
      OPENAI_COMPATIBLE_API_KEY: 'compat-key',
    });
    fake.enqueue({ text: 'Hello there, how can I help?' });
    const before = fake.requests.length;
    expect(await text(factory.forAgent(undefined)!.stream(request))).toBe('Hello there, how can I help?');
    const sent = fake.requests[before]!;
    expect(sent.body).toMatchObject({ model: 'llama3.1', stream: true });
    expect(sent.authorization).toBe('Bearer compat-key');
    await factory.close();
  });

  it('uses chat completions (not the Responses API) for openai with a base URL', async () => {
    const factory = await createLanguageModelFactory({
      ...none,
      LLM_PROVIDER: 'openai',
      LLM_MODEL: 'gpt-4o-mini',
      OPENAI_API_KEY: 'sk-test-key',
      OPENAI_BASE_URL: `${fake.url}/v1`,
    });
    fake.enqueue({ text: 'Hi.' });
    const before = fake.requests.length;
    expect(await text(factory.forAgent(undefined)!.stream(request))).toBe('Hi.');
    expect(fake.requests[before]!.body).toMatchObject({ model: 'gpt-4o-mini', messages: expect.any(Array) });
    expect(fake.requests[before]!.authorization).toBe('Bearer sk-test-key');
    await factory.close();
  });

  it('builds the fallback from LLM_FALLBACK_* (its own base URL and key), or the agent’s own', async () => {
    const factory = await createLanguageModelFactory({
      ...none,
      LLM_PROVIDER: 'openai-compatible',
      LLM_MODEL: 'llama3.1',
      OPENAI_COMPATIBLE_BASE_URL: 'http://127.0.0.1:9/v1',
      ANTHROPIC_API_KEY: 'ak-test',
      LLM_FALLBACK_PROVIDER: 'openai-compatible',
      LLM_FALLBACK_MODEL: 'backup-model',
      LLM_FALLBACK_BASE_URL: `${fake.url}/v1`,
      LLM_FALLBACK_API_KEY: 'fallback-key',
    });
    const host = new URL(fake.url).host;
    expect(factory.describe()).toBe(
      `openai-compatible:llama3.1, fallback openai-compatible@${host}:backup-model`,
    );
    const fallback = factory.fallbackFor!(undefined)!;
    expect(fallback).toMatchObject({ provider: `openai-compatible@${host}`, model: 'backup-model' });
    expect(factory.fallbackFor!({})).toBe(fallback);
    fake.enqueue({ text: 'Backup here.' });
    const before = fake.requests.length;
    expect(await text(fallback.stream(request))).toBe('Backup here.');
    expect(fake.requests[before]!.body).toMatchObject({ model: 'backup-model' });
    expect(fake.requests[before]!.authorization).toBe('Bearer fallback-key');

    expect(factory.fallbackFor!({ fallback: { provider: 'anthropic' } })).toMatchObject({
      provider: 'anthropic',
      model: 'claude-3-5-haiku-latest',
    });
    expect(factory.fallbackFor!({ fallback: { provider: 'scripted' } })).toBeUndefined();
    expect(factory.fallbackFor!({ fallback: { provider: 'openai' } })).toBeUndefined();
    expect(factory.fallbackFor!({ provider: 'scripted' })).toBeUndefined();
    await factory.close();
  });

  it('has no fallback unless one is configured, nor one that is the primary itself', async () => {
    const base = {
      ...none,
      LLM_PROVIDER: 'anthropic' as const,
      LLM_MODEL: 'claude-x',
      ANTHROPIC_API_KEY: 'ak',
    };
    const without = await createLanguageModelFactory(base);
    expect(without.fallbackFor!(undefined)).toBeUndefined();
    expect(without.describe()).toBe('anthropic:claude-x');
    const same = await createLanguageModelFactory({
      ...base,
      LLM_FALLBACK_PROVIDER: 'anthropic',
      LLM_FALLBACK_MODEL: 'claude-x',
    });
    expect(same.fallbackFor!(undefined)).toBeUndefined();
    expect(same.fallbackFor!({ model: 'claude-y' })).toMatchObject({
      provider: 'anthropic',
      model: 'claude-x',
    });
    await without.close();
    await same.close();
  });

  it('builds a Bedrock model from the region alone', async () => {
    const factory = await createLanguageModelFactory({
      ...none,
      LLM_PROVIDER: 'bedrock',
      LLM_MODEL: 'anthropic.claude-3-5-haiku-20241022-v1:0',
      AWS_REGION: 'us-east-1',
    });
    expect(factory.forAgent(undefined)).toMatchObject({ provider: 'bedrock' });
    await factory.close();
  });

  it('reaches a fallback provider through LLM_FALLBACK_API_KEY alone (its package is loaded for it)', async () => {
    const factory = await createLanguageModelFactory({
      ...none,
      LLM_PROVIDER: 'openai-compatible',
      LLM_MODEL: 'llama3.1',
      OPENAI_COMPATIBLE_BASE_URL: `${fake.url}/v1`,
      LLM_FALLBACK_PROVIDER: 'anthropic',
      LLM_FALLBACK_MODEL: 'claude-x',
      LLM_FALLBACK_API_KEY: 'ak-fallback',
    });
    expect(factory.fallbackFor!(undefined)).toMatchObject({ provider: 'anthropic', model: 'claude-x' });
    // The key is the fallback's own: an agent choosing Anthropic as its primary has none.
    expect(factory.forAgent({ provider: 'anthropic' })).toBeUndefined();
    await factory.close();
  });
});

describe('usableProviders', () => {
  const compatible: LlmConfig = {
    ...none,
    LLM_PROVIDER: 'openai-compatible',
    LLM_MODEL: 'llama3.1',
    OPENAI_COMPATIBLE_BASE_URL: 'http://127.0.0.1:11434/v1',
  };

  it('is the providers with credentials and the configured primary and fallback, no other', () => {
    expect(usableProviders(none)).toEqual([]);
    expect(usableProviders(compatible)).toEqual(['openai-compatible']);
    expect(usableProviders({ ...compatible, ANTHROPIC_API_KEY: 'ak', AWS_REGION: 'eu-west-1' })).toEqual([
      'anthropic',
      'openai-compatible',
      'bedrock',
    ]);
    expect(
      usableProviders({
        ...compatible,
        LLM_FALLBACK_PROVIDER: 'openai',
        LLM_FALLBACK_API_KEY: 'sk-fallback',
      }),
    ).toEqual(['openai', 'openai-compatible']);
    expect(usableProviders({ ...none, LLM_PROVIDER: 'bedrock' })).toEqual(['bedrock']);
  });
});
