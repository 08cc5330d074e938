import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createLanguageModelFactory,
  type ManagedLanguageModelFactory,
} from '../../src/adapters/llm/provider-factory.js';
import type { Call, Turn } from '../../src/domain/call.js';
import { LlmPolicy } from '../../src/engine/llm-policy.js';
import type { TurnReply } from '../../src/ports/reply-policy.js';
import { startFakeOpenAiServer, type FakeOpenAiServer } from '../fakes/fake-openai-server.js';
import { supportModelScript } from '../fakes/support-model-script.js';
import { emptyCall, exampleAgent, turn } from '../fakes/turn-context.js';

// A whole support call through the real provider adapter and a scripted model, with this test
// playing the engine's part: it stores each turn and the validated values, as the turn handler does.
const agent = exampleAgent('customer-support-001.json');

describe('a support call with a scripted model', () => {
  let fake: FakeOpenAiServer;
  let factory: ManagedLanguageModelFactory;

  beforeAll(async () => {
    fake = await startFakeOpenAiServer({ script: supportModelScript });
    factory = await createLanguageModelFactory({
      LLM_PROVIDER: 'openai-compatible',
      LLM_MODEL: 'llama3.1',
      OPENAI_COMPATIBLE_BASE_URL: `${fake.url}/v1`,
      OPENAI_COMPATIBLE_API_KEY: undefined,
      OPENAI_API_KEY: undefined,
      OPENAI_BASE_URL: undefined,
      ANTHROPIC_API_KEY: undefined,
      AWS_REGION: undefined,
    });
  });
  afterAll(async () => {
    await factory.close();
    await fake.close();
  });

  it('helps before collecting, reads the email back, and ends on goodbye with end_call', async () => {
    const policy = new LlmPolicy(factory.forAgent(undefined)!);
    const call: Call = emptyCall(agent.agent_id);
    const history: Turn[] = [turn(0, agent.greeting)];
    const replies: TurnReply[] = [];
    const callerLines = [
      "My laptop won't turn on.",
      'Oh, it works now, thank you!',
      'My name is Manas.',
      "It's manas dot k at gmail dot com.",
      "Yes, that's right.",
      "No, that's all. Bye!",
    ];
    for (const callerText of callerLines) {
      const seq = history.length;
      const reply = await policy.respond({
        agent,
        call,
        history: [...history],
        pastCalls: [],
        callerText,
        seq,
        now: new Date('2025-06-01T10:05:00.000Z'),
        timezone: 'UTC',
        signal: new AbortController().signal,
      }).reply;
      replies.push(reply);
      for (const [name, value] of Object.entries(reply.extracted))
        call.data_collected[name] = { value, turn: seq };
      history.push(turn(seq, reply.text, callerText, { extracted: reply.extracted, ends_call: reply.end }));
      if (reply.end) break;
    }

    const texts = replies.map((r) => r.text);
    // Help first: concrete steps for the laptop, and no request for details yet.
    expect(texts[0]).toMatch(/charger/);
    expect(texts[0]).toMatch(/power button/);
    expect(texts[0]).not.toMatch(/name|email/i);
    const firstAskForEmail = texts.findIndex((t) => /email/i.test(t));
    expect(firstAskForEmail).toBeGreaterThan(0);
    // Collected through record_field, validated by the normalizers.
    expect(replies[2]!.extracted).toEqual({ name: 'Manas' });
    expect(replies[3]!.extracted).toEqual({ email: 'manas.k@gmail.com' });
    expect(call.data_collected).toEqual({
      name: { value: 'Manas', turn: 3 },
      email: { value: 'manas.k@gmail.com', turn: 4 },
    });
    // The email is read back for confirmation before moving on.
    expect(texts[3]).toBe('I have your email as manas dot k at gmail dot com. Is that right?');
    // The model saw what was collected: after confirming, it asks for nothing more.
    expect(texts[4]).toMatch(/anything else/);
    // Goodbye: a closing line, then end_call.
    const last = replies.at(-1)!;
    expect(replies).toHaveLength(6);
    expect(last.end).toBe('user');
    expect(last.text).toMatch(/Goodbye!$/);
    // Every turn was a real model request that cost tokens.
    expect(fake.requests).toHaveLength(6);
    expect(replies.every((r) => (r.inputTokens ?? 0) > 0 && r.modelError === undefined)).toBe(true);
  });
});
