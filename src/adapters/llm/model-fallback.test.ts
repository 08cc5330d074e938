// The fallback model and the circuit breaker, with the AI SDK's MockLanguageModelV3 behind the real
// AiSdkLanguageModel adapter: what LlmPolicy does when the primary provider fails.
import type { LanguageModelV3StreamPart } from '@ai-sdk/provider';
import { APICallError, simulateReadableStream } from 'ai';
import { MockLanguageModelV3 } from 'ai/test';
import { describe, expect, it } from 'vitest';
import { exampleAgent, turnContext } from '../../../test/fakes/turn-context.js';
import { CircuitBreakers } from '../../engine/circuit-breaker.js';
import { LlmPolicy, type LlmPolicyOptions } from '../../engine/llm-policy.js';
import { phrasesFor } from '../../engine/phrases.js';
import type { TurnStream } from '../../ports/reply-policy.js';
import { AiSdkLanguageModel } from './ai-sdk-language-model.js';

const support = exampleAgent('customer-support-001.json');
const apology = phrasesFor('en-US').turnFailed();

function answering(text: string) {
  const chunks: LanguageModelV3StreamPart[] = [
    { type: 'text-start', id: 't' },
    { type: 'text-delta', id: 't', delta: text },
    { type: 'text-end', id: 't' },
    {
      type: 'finish',
      finishReason: { unified: 'stop', raw: 'stop' },
      usage: {
        inputTokens: { total: 40, noCache: 40, cacheRead: undefined, cacheWrite: undefined },
        outputTokens: { total: 5, text: 5, reasoning: undefined },
      },
    },
  ];
  return new MockLanguageModelV3({
    modelId: 'backup-model',
    doStream: async () => ({ stream: simulateReadableStream({ chunks, chunkDelayInMs: null }) }),
  });
}

const failing = (statusCode: number, responseHeaders?: Record<string, string>) =>
  new MockLanguageModelV3({
    modelId: 'main-model',
    doStream: async () => {
      throw new APICallError({
        message: `fake ${statusCode}`,
        url: 'http://127.0.0.1/v1/chat/completions',
        requestBodyValues: {},
        statusCode,
        responseHeaders,
        isRetryable: statusCode >= 500 || statusCode === 429,
      });
    },
  });

// Answers nothing until the request is aborted, like a provider that never sends headers.
const hanging = () =>
  new MockLanguageModelV3({
    modelId: 'main-model',
    doStream: (options) =>
      new Promise((_resolve, reject) => {
        options.abortSignal?.addEventListener('abort', () => reject(options.abortSignal?.reason));
      }),
  });

const adapter = (provider: string, languageModel: MockLanguageModelV3) =>
  new AiSdkLanguageModel({ provider, model: languageModel.modelId, languageModel });

function policyOf(
  primary: MockLanguageModelV3,
  fallback?: MockLanguageModelV3,
  options: LlmPolicyOptions = {},
) {
  return new LlmPolicy(adapter('main', primary), {
    turnBudgetMs: 5_000,
    ...(fallback ? { fallback: adapter('backup', fallback) } : {}),
    ...options,
  });
}

async function replyOf(stream: TurnStream) {
  let heard = '';
  for await (const piece of stream.textStream) heard += piece;
  return { heard, reply: await stream.reply };
}

describe('fallback model (MockLanguageModelV3)', () => {
  it('answers the same turn from the fallback when the primary fails with a 5xx', async () => {
    const primary = failing(503);
    const fallback = answering('Let us try a restart.');
    const { heard, reply } = await replyOf(policyOf(primary, fallback).respond(turnContext(support, 'hi')));
    expect(heard).toBe('Let us try a restart.');
    expect(primary.doStreamCalls).toHaveLength(1);
    expect(fallback.doStreamCalls).toHaveLength(1);
    expect(reply).toMatchObject({
      text: 'Let us try a restart.',
      model: 'backup:backup-model',
      modelError: 'main:main-model: HTTP 503: fake 503',
      inputTokens: 40,
      outputTokens: 5,
    });
  });

  it('asks the fallback within the budget when the primary hangs', async () => {
    const primary = hanging();
    const fallback = answering('Here I am.');
    const policy = policyOf(primary, fallback, { firstTokenTimeoutMs: 6_000, turnBudgetMs: 2_500 });
    const { reply } = await replyOf(policy.respond(turnContext(support, 'hi')));
    expect(primary.doStreamCalls[0]!.abortSignal!.aborted).toBe(true);
    expect(reply.text).toBe('Here I am.');
    expect(reply.model).toBe('backup:backup-model');
    expect(reply.modelError).toMatch(/^main:main-model: no first token within \d+ ms/);
  });

  it('turns to the fallback at once on a 429, whatever its Retry-After says', async () => {
    const primary = failing(429, { 'retry-after': '30' });
    const { reply } = await replyOf(
      policyOf(primary, answering('Hello.')).respond(turnContext(support, 'hi')),
    );
    expect(reply).toMatchObject({ text: 'Hello.', model: 'backup:backup-model' });
  });

  it('does not fall back on an error that will not go away (401)', async () => {
    const fallback = answering('never');
    const { reply } = await replyOf(policyOf(failing(401), fallback).respond(turnContext(support, 'hi')));
    expect(fallback.doStreamCalls).toHaveLength(0);
    expect(reply.text).toBe(apology);
  });

  it('apologises with both reasons when the fallback fails too', async () => {
    const { reply } = await replyOf(policyOf(failing(500), failing(502)).respond(turnContext(support, 'hi')));
    expect(reply.text).toBe(apology);
    expect(reply.model).toBeUndefined();
    expect(reply.modelError).toBe(
      'main:main-model: HTTP 500: fake 500; backup:main-model: HTTP 502: fake 502',
    );
  });

  it('skips an open primary: turns go straight to the fallback until a probe succeeds', async () => {
    let now = 0;
    const breakers = new CircuitBreakers({ failureThreshold: 2, coolDownMs: 10_000, now: () => now });
    let primaryUp = false;
    const primary = new MockLanguageModelV3({
      modelId: 'main-model',
      doStream: async (options) =>
        primaryUp ? answering('Primary again.').doStream(options) : failing(500).doStream(options),
    });
    const fallback = answering('Fallback here.');
    const policy = policyOf(primary, fallback, { breakers });
    const turn = () => replyOf(policy.respond(turnContext(support, 'hi')));

    for (let i = 0; i < 2; i += 1) expect((await turn()).reply.model).toBe('backup:backup-model');
    expect(breakers.for('main:main-model').state).toBe('open');
    for (let i = 0; i < 3; i += 1) {
      const { reply } = await turn();
      expect(reply).toMatchObject({
        model: 'backup:backup-model',
        modelError: expect.stringMatching(/circuit open/),
      });
    }
    expect(primary.doStreamCalls).toHaveLength(2);

    now += 10_000;
    primaryUp = true;
    expect((await turn()).reply.model).toBe('main:main-model');
    expect(breakers.for('main:main-model').state).toBe('closed');
    expect(primary.doStreamCalls).toHaveLength(3);
    expect(fallback.doStreamCalls).toHaveLength(5);
  });

  it('with no fallback, an open circuit means the apology at once: no request, no waiting', async () => {
    const breakers = new CircuitBreakers({ failureThreshold: 1, coolDownMs: 60_000 });
    const primary = hanging();
    const policy = policyOf(primary, undefined, { breakers, firstTokenTimeoutMs: 300, turnBudgetMs: 5_000 });
    const first = await replyOf(policy.respond(turnContext(support, 'hi')));
    expect(first.reply.text).toBe(apology);
    expect(primary.doStreamCalls).toHaveLength(1);

    const { reply } = await replyOf(policy.respond(turnContext(support, 'hi')));
    expect(primary.doStreamCalls).toHaveLength(1);
    expect(reply.text).toBe(apology);
    expect(reply.modelError).toBe('main:main-model: circuit open, model skipped');
  });
});
