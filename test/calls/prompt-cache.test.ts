// Prompts that providers can cache (issue 14, item 5): two turns of one call send the same request
// up to the previous turn's reply, byte for byte, and what changes every turn (the time, what is
// collected) comes after it. The fake OpenAI-compatible server plays OpenAI's prompt cache and
// reports cached tokens as OpenAI does; the turns and the call store them, priced lower.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { costMicroUsd } from '../../src/adapters/llm/pricing.js';
import { startFakeOpenAiServer, type FakeOpenAiServer } from '../fakes/fake-openai-server.js';
import { supportModelScript } from '../fakes/support-model-script.js';
import { PUBLIC_URL, startLiveServer, type LiveServer } from '../support/live-server.js';

interface ChatBody {
  messages: { role: string; content: string }[];
  tools: unknown[];
}

// A support agent's usual long instructions: product facts that make the stable prefix pass the
// 1,024 tokens below which OpenAI caches nothing.
const PRODUCT_FACTS = Array.from(
  { length: 60 },
  (_, i) =>
    `Fact ${i + 1}: model LX-${100 + i} laptops restart after a thirty-second press of the power button and charge to eighty percent in an hour.`,
).join('\n');

let model: FakeOpenAiServer;
let server: LiveServer;

beforeAll(async () => {
  model = await startFakeOpenAiServer({ script: supportModelScript, promptCache: true });
  server = await startLiveServer({
    LLM_PROVIDER: 'openai-compatible',
    OPENAI_COMPATIBLE_BASE_URL: `${model.url}/v1`,
    LLM_MODEL: 'gpt-4o-mini',
  });
  const agent = await server.app.inject({
    method: 'GET',
    url: '/agents/customer-support-001',
    headers: server.auth,
  });
  const patched = await server.app.inject({
    method: 'PATCH',
    url: '/agents/customer-support-001',
    headers: server.auth,
    payload: { prompt: `${(agent.json() as { prompt: string }).prompt}\n\n${PRODUCT_FACTS}` },
  });
  expect(patched.statusCode, patched.body).toBe(200);
});
afterAll(async () => {
  await server.close();
  await model.close();
});

describe('a call whose requests a provider can cache', () => {
  let bodies: ChatBody[];
  let detail: {
    transcript: {
      seq: number;
      input_tokens?: number;
      output_tokens?: number;
      cached_input_tokens?: number;
      cost_micro_usd?: number;
    }[];
    totals: { input_tokens: number; cached_input_tokens: number; cost_micro_usd: number };
  };

  beforeAll(async () => {
    const call = await server.simulator.startCall({
      direction: 'outbound',
      from: '+14155550100',
      to: '+14155550123',
      voiceUrl: `${PUBLIC_URL}/twilio/voice?agent_id=customer-support-001`,
    });
    for (const line of ['Hi, my laptop will not start', 'I tried that', 'My name is Manas']) {
      await call.say(line, { confidence: 0.9 });
    }
    bodies = model.requests.map((r) => r.body as unknown as ChatBody);
    const response = await server.app.inject({
      method: 'GET',
      url: `/calls/${call.callSid}`,
      headers: server.auth,
    });
    detail = response.json();
  });

  it('sends two turns of one call byte-identical up to the previous reply: system text, tools, messages', () => {
    expect(bodies).toHaveLength(3);
    for (let i = 1; i < bodies.length; i += 1) {
      const [before, after] = [bodies[i - 1]!, bodies[i]!];
      expect(JSON.stringify(after.tools)).toBe(JSON.stringify(before.tools));
      expect(after.messages[0]!.role).toBe('system');
      expect(after.messages[0]!.content).toBe(before.messages[0]!.content);
      // Everything the earlier request sent before the caller's latest words opens the later one.
      const repeated = before.messages.slice(0, -1);
      expect(JSON.stringify(after.messages.slice(0, repeated.length))).toBe(JSON.stringify(repeated));
      // The earlier request's last message held the volatile context; the later one keeps only the words.
      const words = before.messages.at(-1)!.content.replace(/^<call_state>[\s\S]*?<\/call_state>\n\n/, '');
      expect(before.messages.at(-1)!.content).toMatch(/^<call_state>\nIt is now /);
      expect(after.messages[repeated.length]).toEqual({ role: 'user', content: words });
      // The later request then adds the reply and the new words, and nothing else.
      expect(after.messages).toHaveLength(before.messages.length + 2);
    }
    expect(bodies[0]!.messages[0]!.content).toContain('Fact 60:');
    expect(bodies[0]!.messages[0]!.content).not.toMatch(/It is now|Still missing/);
  });

  it('stores the cached tokens the provider reports on each turn, and their sum on the call, priced lower', () => {
    const replies = detail.transcript.filter((t) => t.input_tokens !== undefined);
    expect(replies).toHaveLength(3);
    expect(replies[0]!.cached_input_tokens).toBeUndefined();
    for (const turn of replies.slice(1)) {
      expect(turn.cached_input_tokens).toBeGreaterThanOrEqual(1_024);
      expect(turn.cached_input_tokens).toBeLessThan(turn.input_tokens!);
      expect(turn.cost_micro_usd).toBe(
        costMicroUsd('gpt-4o-mini', turn.input_tokens!, turn.output_tokens!, {
          cachedInputTokens: turn.cached_input_tokens,
        }),
      );
      expect(turn.cost_micro_usd).toBeLessThan(
        costMicroUsd('gpt-4o-mini', turn.input_tokens!, turn.output_tokens!),
      );
    }
    const cached = replies.reduce((sum, t) => sum + (t.cached_input_tokens ?? 0), 0);
    expect(detail.totals.cached_input_tokens).toBe(cached);
    expect(detail.totals.input_tokens).toBe(replies.reduce((sum, t) => sum + t.input_tokens!, 0));
  });
});
