import { APICallError } from 'ai';
import type { LanguageModelV3GenerateResult } from '@ai-sdk/provider';
import { MockLanguageModelV3 } from 'ai/test';
import { describe, expect, it } from 'vitest';
import { sampleAgent } from '../../../test/contracts/agent-store.contract.js';
import { sampleCall, sampleTurn } from '../../../test/contracts/call-store.contract.js';
import type { Agent } from '../../domain/agent.js';
import type { Turn } from '../../domain/call.js';
import { AppError } from '../../domain/errors.js';
import type { Summarizer } from '../../ports/summarizer.js';
import { ModelSummarizer } from './model-summarizer.js';

const KEY = 'sk-test-summary-key-0123456789';
const agent: Agent = { ...sampleAgent('agent-1'), llm: undefined };
const call = sampleCall(`CA${'a'.repeat(32)}`, {
  status: 'completed',
  ended_by: 'user',
  duration_seconds: 75,
  data_collected: { confirmed: { value: false, turn: 2 } },
});
const turns: Turn[] = [
  sampleTurn(call.call_sid, 0, { agent_text: 'Hello, this is the clinic.' }),
  sampleTurn(call.call_sid, 1, {
    caller_text: 'I cannot come on Tuesday, my email is ana@example.com',
    agent_text: 'Thanks. Shall I move it?',
  }),
  sampleTurn(call.call_sid, 2, { caller_text: 'No, please call me back next week', agent_text: 'Will do.' }),
];

const usage = {
  inputTokens: { total: 300, noCache: 300, cacheRead: undefined, cacheWrite: undefined },
  outputTokens: { total: 40, text: 40, reasoning: undefined },
};
const answer = (text: string): LanguageModelV3GenerateResult => ({
  content: [{ type: 'text', text }],
  finishReason: { unified: 'stop', raw: 'stop' },
  usage,
  warnings: [],
});

const fallback: Summarizer = {
  summarize: async () => ({ summary: 'Deterministic.', outcome: 'follow_up_needed' }),
};

function summarizerFor(mock: MockLanguageModelV3 | undefined, timeoutMs?: number, provider = 'openai') {
  return new ModelSummarizer({
    modelFor: (a: Agent | undefined) =>
      mock && a?.llm?.provider !== 'scripted'
        ? { provider, model: 'gpt-4o-mini', languageModel: mock, secrets: [KEY] }
        : undefined,
    fallback,
    ...(timeoutMs ? { timeoutMs } : {}),
  });
}

const failure = (promise: Promise<unknown>) => promise.then(() => undefined).catch((e: unknown) => e);

describe('ModelSummarizer', () => {
  it("stores the model's summary, outcome and token usage, asked for as JSON with this call's data only", async () => {
    const mock = new MockLanguageModelV3({
      doGenerate: answer(
        '{"summary": "The caller declined the Tuesday visit and asked for a call back next week.", "outcome": "follow_up_needed"}',
      ),
    });
    const result = await summarizerFor(mock).summarize(call, turns, agent);
    expect(result).toEqual({
      summary: 'The caller declined the Tuesday visit and asked for a call back next week.',
      outcome: 'follow_up_needed',
      // What the summary cost, for the call's totals: 300 × $0.15 + 40 × $0.60 per million tokens.
      usage: { input_tokens: 300, output_tokens: 40, cost_micro_usd: 69 },
    });
    const sent = mock.doGenerateCalls[0]!;
    expect(sent.responseFormat).toMatchObject({
      type: 'json',
      name: 'call_summary',
      schema: { properties: { outcome: { enum: expect.arrayContaining(['resolved', 'voicemail']) } } },
    });
    const [system, user] = sent.prompt;
    expect(system).toMatchObject({ role: 'system', content: expect.stringContaining('one to three') });
    const text = JSON.stringify(user);
    expect(text).toContain('Caller: No, please call me back next week');
    expect(text).toContain('confirmed (required) = false');
    expect(text).toContain('ended by user');
    expect(text).not.toContain(KEY);
  });

  it('asks OpenAI-compatible servers for plain JSON mode and still checks the outcome', async () => {
    const good = new MockLanguageModelV3({
      doGenerate: answer('{"summary": "The caller asked for a call back.", "outcome": "follow_up_needed"}'),
    });
    const summarizer = summarizerFor(good, undefined, 'openai-compatible');
    expect(await summarizer.summarize(call, turns, agent)).toMatchObject({ outcome: 'follow_up_needed' });
    expect(good.doGenerateCalls[0]!.responseFormat).toEqual({ type: 'json', name: 'call_summary' });
    const bad = new MockLanguageModelV3({ doGenerate: answer('{"summary": "Fine.", "outcome": "great"}') });
    const error = await failure(
      summarizerFor(bad, undefined, 'openai-compatible').summarize(call, turns, agent),
    );
    expect((error as AppError).message).toMatch(/summary rejected \(outcome: /);
  });

  it('uses the fallback without a model request when the agent has no model or nobody spoke', async () => {
    const mock = new MockLanguageModelV3({ doGenerate: answer('{}') });
    const scripted = { ...agent, llm: { provider: 'scripted' as const } };
    expect(await summarizerFor(mock).summarize(call, turns, scripted)).toEqual({
      summary: 'Deterministic.',
      outcome: 'follow_up_needed',
    });
    const silent = turns.map((t) => ({ ...t, caller_text: undefined }));
    expect((await summarizerFor(mock).summarize(call, silent, agent)).summary).toBe('Deterministic.');
    expect(mock.doGenerateCalls).toHaveLength(0);
  });

  it.each([
    ['text that is not JSON', 'Sure! The caller ana@example.com wants a call back.'],
    ['an outcome outside the list', '{"summary": "The caller ana@example.com called.", "outcome": "happy"}'],
    ['an empty summary', '{"summary": "  ", "outcome": "resolved"}'],
    [
      'more than three sentences',
      '{"summary": "One. Two for ana@example.com. Three. Four.", "outcome": "resolved"}',
    ],
  ])('throws on %s, without the model text in the message', async (_case, text) => {
    const mock = new MockLanguageModelV3({ doGenerate: answer(text) });
    const error = await failure(summarizerFor(mock).summarize(call, turns, agent));
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).message).toMatch(/^openai:gpt-4o-mini: summary/);
    expect((error as AppError).message).not.toContain('ana@example.com');
  });

  it('gives up after its time bound', async () => {
    const mock = new MockLanguageModelV3({
      doGenerate: ({ abortSignal }) =>
        new Promise((_, reject) => abortSignal?.addEventListener('abort', () => reject(abortSignal.reason))),
    });
    const error = await failure(summarizerFor(mock, 50).summarize(call, turns, agent));
    expect(error).toMatchObject({
      code: 'unavailable',
      message: 'openai:gpt-4o-mini: no summary within 50 ms',
    });
  });

  it('throws a provider error without the key', async () => {
    const mock = new MockLanguageModelV3({
      doGenerate: async () => {
        throw new APICallError({
          message: `Incorrect API key provided: ${KEY}`,
          url: 'http://model/v1/chat/completions',
          requestBodyValues: {},
          statusCode: 401,
          isRetryable: false,
        });
      },
    });
    const error = await failure(summarizerFor(mock).summarize(call, turns, agent));
    expect(error).toMatchObject({ code: 'upstream' });
    expect((error as AppError).message).toContain('HTTP 401');
    expect((error as AppError).message).not.toContain(KEY);
  });

  it('does not ask a model whose circuit is open: the fallback summary comes at once', async () => {
    const mock = new MockLanguageModelV3({ doGenerate: async () => answer('{}') });
    const open = new ModelSummarizer({
      modelFor: () => ({ provider: 'openai', model: 'gpt-4o-mini', languageModel: mock, secrets: [KEY] }),
      fallback,
      isUnavailable: (label) => label === 'openai:gpt-4o-mini',
    });
    expect(await open.summarize(call, turns, agent)).toEqual({
      summary: 'Deterministic.',
      outcome: 'follow_up_needed',
    });
    expect(mock.doGenerateCalls).toHaveLength(0);
  });
});
