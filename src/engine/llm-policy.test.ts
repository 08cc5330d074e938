import { describe, expect, it } from 'vitest';
import { ScriptedLanguageModel, type ModelStep } from '../../test/fakes/scripted-language-model.js';
import { exampleAgent, turn, turnContext } from '../../test/fakes/turn-context.js';
import type { Agent } from '../domain/agent.js';
import { AppError } from '../domain/errors.js';
import type { TurnStream } from '../ports/reply-policy.js';
import { LlmPolicy } from './llm-policy.js';
import { phrasesFor } from './phrases.js';

const support = exampleAgent('customer-support-001.json');
const withTargets: Agent = {
  ...support,
  transfer_targets: [{ id: 'billing', target: '+14155550123', description: 'Billing team' }],
};
const apology = phrasesFor('en-US').turnFailed();
const serverError = () => new AppError('upstream', 'test: HTTP 500', { retryable: true });

async function drain(stream: TurnStream) {
  const pieces: string[] = [];
  for await (const piece of stream.textStream) pieces.push(piece);
  return { pieces, reply: await stream.reply };
}

function policyWith(steps: ModelStep[], options = {}) {
  const model = new ScriptedLanguageModel(steps);
  return { model, policy: new LlmPolicy(model, { turnBudgetMs: 5_000, ...options }) };
}

describe('LlmPolicy', () => {
  it('is named after its model and streams the text as it arrives', async () => {
    const { policy, model } = policyWith([
      { text: 'Is the charger light on?', usage: { inputTokens: 50, outputTokens: 6, costMicroUsd: 12 } },
    ]);
    expect(policy.name).toBe('scripted-test:test-model');
    const { pieces, reply } = await drain(policy.respond(turnContext(support, 'My laptop will not turn on')));
    expect(pieces.length).toBeGreaterThan(1);
    expect(pieces.join('')).toBe('Is the charger light on?');
    expect(reply).toMatchObject({
      text: 'Is the charger light on?',
      inputTokens: 50,
      outputTokens: 6,
      costMicroUsd: 12,
    });
    expect(reply.modelLatencyMs).toBeGreaterThanOrEqual(0);
    expect(reply.modelFirstTokenMs).toBeLessThanOrEqual(reply.modelLatencyMs!);
    expect(reply.end).toBeUndefined();
    expect(model.requests[0]!.tools.map((t) => t.name)).toEqual(['record_field', 'end_call']);
    expect(model.requests[0]!.system).toContain(support.prompt);
  });

  it('offers transfer only with targets, limited to their ids', async () => {
    const { policy, model } = policyWith([{ text: 'Sure.' }]);
    await drain(policy.respond(turnContext(withTargets, 'billing please')));
    const transfer = model.requests[0]!.tools.find((t) => t.name === 'transfer');
    expect(transfer?.parameters).toMatchObject({ properties: { target_id: { enum: ['billing'] } } });
  });

  it('keeps only validated field values', async () => {
    const { policy } = policyWith([
      {
        text: 'Thanks, Manas.',
        toolCalls: [
          {
            name: 'record_field',
            arguments: { field: 'name', value: 'My name is Manas. Do you need my email?' },
          },
          { name: 'record_field', arguments: { field: 'email', value: 'not an email' } },
          { name: 'record_field', arguments: { field: 'favourite_colour', value: 'blue' } },
        ],
      },
    ]);
    const { reply } = await drain(
      policy.respond(turnContext(support, 'My name is Manas. Do you need my email?')),
    );
    expect(reply.extracted).toEqual({ name: 'Manas' });
  });

  it('ends the call on end_call, saying the closing line when the model said nothing', async () => {
    const { policy } = policyWith([
      { toolCalls: [{ name: 'end_call', arguments: { reason: 'caller_done' } }] },
    ]);
    const { pieces, reply } = await drain(policy.respond(turnContext(support, 'that is all, bye')));
    expect(reply).toMatchObject({ text: support.closing_line, end: 'user' });
    expect(pieces.join('')).toBe(support.closing_line);
  });

  it('keeps the model’s own closing line and maps all_collected to system_complete', async () => {
    const { policy } = policyWith([
      {
        text: 'Thanks, we will be in touch. Goodbye!',
        toolCalls: [{ name: 'end_call', arguments: { reason: 'all_collected' } }],
      },
    ]);
    const { reply } = await drain(policy.respond(turnContext(support, 'no that is everything')));
    expect(reply).toMatchObject({ text: 'Thanks, we will be in touch. Goodbye!', end: 'system_complete' });
  });

  it('transfers only to one of the agent’s own targets', async () => {
    const listed = policyWith([
      { text: 'Connecting you.', toolCalls: [{ name: 'transfer', arguments: { target_id: 'billing' } }] },
    ]);
    expect((await drain(listed.policy.respond(turnContext(withTargets, 'billing')))).reply.transferTo).toBe(
      'billing',
    );
    const unlisted = policyWith([
      {
        text: 'Connecting you.',
        toolCalls: [{ name: 'transfer', arguments: { target_id: '+19005550000' } }],
      },
    ]);
    const { reply } = await drain(
      unlisted.policy.respond(turnContext(withTargets, 'transfer me to +1 900 555 0000')),
    );
    expect(reply.transferTo).toBeUndefined();
    expect(reply.end).toBeUndefined();
  });

  it('composes the next line when the model only called tools: read-back, then the next question', async () => {
    const { policy } = policyWith([
      { toolCalls: [{ name: 'record_field', arguments: { field: 'email', value: 'john.smith@gmail.com' } }] },
      { toolCalls: [{ name: 'record_field', arguments: { field: 'name', value: 'John' } }] },
    ]);
    const first = await drain(policy.respond(turnContext(support, 'john dot smith at gmail dot com')));
    expect(first.reply.text).toBe(
      phrasesFor('en-US').readBack(support.data_to_fill[1]!, 'john.smith@gmail.com'),
    );
    expect(first.reply.text).toContain('J as in Juliett, O H, N as in November, dot, S as in Sierra');
    const second = await drain(policy.respond(turnContext(support, 'John')));
    expect(second.reply.text).toBe(phrasesFor('en-US').askField(support.data_to_fill[1]!));
  });

  it('applies the caller’s correction of a value read back, whatever the model records or not', async () => {
    const history = [
      turn(0, support.greeting),
      turn(
        1,
        'I have your email as cate dot fox at gmail dot com. Is that right?',
        'cate dot fox at gmail dot com',
      ),
    ];
    const context = () =>
      turnContext(support, "No, it's K, not C.", { history, collected: { email: 'cate.fox@gmail.com' } });
    // The model re-sends the old value with its own read-back.
    const stale = policyWith([
      {
        text: 'Sorry. Kate, with a K.',
        toolCalls: [{ name: 'record_field', arguments: { field: 'email', value: 'cate.fox@gmail.com' } }],
      },
    ]);
    expect((await drain(stale.policy.respond(context()))).reply.extracted).toEqual({
      email: 'kate.fox@gmail.com',
    });
    // The model records nothing and only answers.
    const silent = policyWith([{ text: 'Thanks, I have fixed that.' }]);
    expect((await drain(silent.policy.respond(context()))).reply.extracted).toEqual({
      email: 'kate.fox@gmail.com',
    });
    // The model calls only the tool: the engine reads the corrected value back.
    const toolOnly = policyWith([
      { toolCalls: [{ name: 'record_field', arguments: { field: 'email', value: 'K not C' } }] },
    ]);
    const { reply } = await drain(toolOnly.policy.respond(context()));
    expect(reply.extracted).toEqual({ email: 'kate.fox@gmail.com' });
    expect(reply.text).toBe(phrasesFor('en-US').readBack(support.data_to_fill[1]!, 'kate.fox@gmail.com'));
  });

  it('extracts the answer to the question just asked when the model proposes nothing', async () => {
    const history = [
      turn(0, support.greeting),
      turn(1, 'Could you tell me your email address?', 'It is broken'),
    ];
    const { policy } = policyWith([{ text: 'Thank you.' }]);
    const { reply } = await drain(
      policy.respond(turnContext(support, "it's john dot smith at gmail dot com", { history })),
    );
    expect(reply.extracted).toEqual({ email: 'john.smith@gmail.com' });
  });

  it('strips markdown and emoji from what it speaks', async () => {
    const { policy } = policyWith([{ text: '**First**, hold the # button 😀 down.' }]);
    const { pieces, reply } = await drain(policy.respond(turnContext(support, 'hi')));
    expect(reply.text).toBe('First, hold the  button  down.');
    expect(pieces.join('')).toBe(reply.text);
  });

  describe('failures', () => {
    it('retries once after a retryable error, adding up the usage', async () => {
      const { policy, model } = policyWith([{ error: serverError() }, { text: 'Hello again.' }]);
      const { reply } = await drain(policy.respond(turnContext(support, 'hi')));
      expect(model.requests).toHaveLength(2);
      expect(reply.text).toBe('Hello again.');
      expect(reply.modelError).toBeUndefined();
    });

    it('apologises after two failures, keeps the call going and records the error', async () => {
      const { policy, model } = policyWith([
        { error: serverError() },
        { error: serverError() },
        { text: 'never' },
      ]);
      const { pieces, reply } = await drain(policy.respond(turnContext(support, 'hi')));
      expect(model.requests).toHaveLength(2);
      expect(reply).toMatchObject({ text: apology, modelError: 'test: HTTP 500' });
      expect(reply.end).toBeUndefined();
      expect(pieces.join('')).toBe(apology);
    });

    it('does not retry an error that will not go away', async () => {
      const { policy, model } = policyWith([{ error: new AppError('upstream', 'test: HTTP 401') }]);
      const { reply } = await drain(policy.respond(turnContext(support, 'hi')));
      expect(model.requests).toHaveLength(1);
      expect(reply.modelError).toBe('test: HTTP 401');
    });

    it('does not retry once words were spoken: it finishes with an apology', async () => {
      const { policy, model } = policyWith([
        { text: 'Please hold the power button', error: serverError(), errorAfterWords: 2 },
      ]);
      const { pieces, reply } = await drain(policy.respond(turnContext(support, 'hi')));
      expect(model.requests).toHaveLength(1);
      expect(reply.text).toBe(`Please hold ${apology}`);
      expect(pieces.join('')).toBe(`Please hold ${apology}`);
    });

    it('retries empty output once, then apologises', async () => {
      const { policy, model } = policyWith([{}, {}]);
      const { reply } = await drain(policy.respond(turnContext(support, 'hi')));
      expect(model.requests).toHaveLength(2);
      expect(reply).toMatchObject({ text: apology, modelError: expect.stringContaining('empty output') });
    });

    it('gives up on a slow first token after LLM_TIMEOUT_MS and retries within the budget', async () => {
      const { policy, model } = policyWith([{ hang: true }, { text: 'Sorry for the wait.' }], {
        firstTokenTimeoutMs: 100,
        turnBudgetMs: 3_000,
      });
      const { reply } = await drain(policy.respond(turnContext(support, 'hi')));
      expect(model.requests).toHaveLength(2);
      expect(model.requests[0]!.signal!.aborted).toBe(true);
      expect(reply.text).toBe('Sorry for the wait.');
    });

    it('skips the retry when the turn budget cannot fit one', async () => {
      const { policy, model } = policyWith([{ hang: true }, { text: 'too late' }], {
        firstTokenTimeoutMs: 200,
        turnBudgetMs: 1_000,
      });
      const { reply } = await drain(policy.respond(turnContext(support, 'hi')));
      expect(model.requests).toHaveLength(1);
      expect(reply.text).toBe(apology);
      expect(reply.modelError).toMatch(/no first token within 200 ms/);
    });

    it('stops at once when the caller aborts the turn, without retrying', async () => {
      const controller = new AbortController();
      const { policy, model } = policyWith([{ hang: true }, { text: 'x' }]);
      const stream = policy.respond(turnContext(support, 'hi', { signal: controller.signal }));
      setTimeout(() => controller.abort(), 50);
      const { reply } = await drain(stream);
      expect(model.requests).toHaveLength(1);
      expect(model.requests[0]!.signal!.aborted).toBe(true);
      expect(reply).toMatchObject({ text: apology, modelError: expect.stringContaining('aborted') });
    });

    it('apologises in the agent’s language', async () => {
      const hindi = exampleAgent('hindi-support-001.json');
      const { policy } = policyWith([{ error: serverError() }, { error: serverError() }]);
      const { reply } = await drain(policy.respond(turnContext(hindi, 'नमस्ते')));
      expect(reply.text).toBe(phrasesFor('hi-IN').turnFailed());
    });
  });
});
