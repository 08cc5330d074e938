import { describe, expect, it } from 'vitest';
import { emptyCall, exampleAgent } from '../../../test/fakes/turn-context.js';
import type { CollectedValue } from '../../domain/call.js';
import { callerCorrections } from './record-field.js';
import { runToolCalls } from './run-tool-calls.js';
import { ToolCatalog } from './tool-catalog.js';
import { noEffects } from './tool.js';

const support = exampleAgent('customer-support-001.json');
const context = { language: 'en-US', now: new Date('2025-06-01T10:00:00Z'), timezone: 'UTC' };
const signal = new AbortController().signal;

/** One record_field call of `value` for the email, in a turn where the caller said `callerText`. */
async function recordEmail(value: string, callerText: string, collected: Record<string, CollectedValue>) {
  const tools = await new ToolCatalog().forAgent(support, signal);
  const effects = noEffects();
  const step = await runToolCalls(
    [{ id: 'call_0', name: 'record_field', arguments: { field: 'email', value } }],
    tools,
    {
      agent: support,
      call: { ...emptyCall(support.agent_id), data_collected: collected },
      callerText,
      extraction: context,
      effects,
      records: [],
      timeLeftMs: 5_000,
      signal,
    },
  );
  return { effects, result: step.messages[0]?.content };
}

describe('record_field after a caller corrects part of a value read back', () => {
  const stored = { email: { value: 'cate.fox@gmail.com', turn: 3 } };
  const record = async (value: string, callerText: string) =>
    (await recordEmail(value, callerText, stored)).effects.extracted;

  it('takes the whole corrected value the model re-sends', async () => {
    expect(await record('kate.fox@gmail.com', "No, it's K, not C.")).toEqual({ email: 'kate.fox@gmail.com' });
  });

  it('applies the caller’s words when the model re-sends the old value or a wrong re-spelling', async () => {
    expect(await record('cate.fox@gmail.com', "No, it's K, not C.")).toEqual({ email: 'kate.fox@gmail.com' });
    expect(await record('kate.fax@gmail.com', "No, it's K, not C.")).toEqual({ email: 'kate.fox@gmail.com' });
    expect(await record('cate.fox@gmail.net', "It's dot net, not dot com.")).toEqual({
      email: 'cate.fox@gmail.net',
    });
  });

  it('applies the correction words when the model passes those as the value', async () => {
    expect(await record('k not c', 'No, K as in Kilo.')).toEqual({ email: 'kate.fox@gmail.com' });
    expect(await record('K, not C', 'Hmm, let me think. Yes.')).toEqual({ email: 'kate.fox@gmail.com' });
  });

  it('keeps the model’s value when the caller said no correction, and rejects words that are none', async () => {
    expect(await record('kate.fox@gmail.com', 'Sorry, my email is kate dot fox at gmail dot com')).toEqual({
      email: 'kate.fox@gmail.com',
    });
    const refused = await recordEmail('something else', 'Yes.', stored);
    expect(refused.effects).toMatchObject({ extracted: {}, rejected: ['email'] });
    expect(refused.result).toContain('Not recorded');
  });

  it('treats the value as new when the call holds none (the caller’s words correct nothing)', async () => {
    const { effects } = await recordEmail('kate.fox@gmail.com', "No, it's K, not C.", {});
    expect(effects.extracted).toEqual({ email: 'kate.fox@gmail.com' });
  });
});

describe('callerCorrections', () => {
  it('corrects a value recorded on the previous turn from the caller’s words, and nothing older', () => {
    const collected = {
      email: { value: 'cate.fox@gmail.com', turn: 3 },
      name: { value: 'Kate', turn: 1 },
    };
    expect(callerCorrections(support, { callerText: "No, it's K, not C.", collected }, 3, context)).toEqual({
      email: 'kate.fox@gmail.com',
    });
    expect(callerCorrections(support, { callerText: "No, it's K, not C.", collected }, 4, context)).toEqual(
      {},
    );
    expect(callerCorrections(support, { callerText: 'Yes, thanks.', collected }, 3, context)).toEqual({});
  });
});
