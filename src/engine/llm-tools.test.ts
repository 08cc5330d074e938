import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { exampleAgent } from '../../test/fakes/turn-context.js';
import type { Agent } from '../domain/agent.js';
import { applyToolCalls, buildTools, callerCorrections } from './llm-tools.js';

const support = exampleAgent('customer-support-001.json');
const withTargets: Agent = {
  ...support,
  transfer_targets: [{ id: 'billing', target: '+14155550123', description: 'Billing team' }],
};
const context = { language: 'en-US', now: new Date('2025-06-01T10:00:00Z'), timezone: 'UTC' };

describe('buildTools', () => {
  it('builds valid JSON Schemas limited to the agent’s fields and targets', () => {
    const tools = buildTools(withTargets);
    expect(tools.map((t) => t.name)).toEqual(['record_field', 'end_call', 'transfer']);
    const ajv = new Ajv({ strict: true });
    const [record, end, transfer] = tools.map((t) => ajv.compile(t.parameters));
    expect(record!({ field: 'email', value: 'a@b.co' })).toBe(true);
    expect(record!({ field: 'password', value: 'x' })).toBe(false);
    expect(end!({ reason: 'caller_done' })).toBe(true);
    expect(end!({ reason: 'bored' })).toBe(false);
    expect(transfer!({ target_id: 'billing' })).toBe(true);
    expect(transfer!({ target_id: '+19005550000' })).toBe(false);
  });

  it('offers no record_field without fields and no transfer without targets', () => {
    expect(buildTools({ ...support, data_to_fill: [] }).map((t) => t.name)).toEqual(['end_call']);
  });
});

describe('applyToolCalls', () => {
  it('keeps validated values, notes rejected fields, maps the end reason and guards transfers', () => {
    const outcome = applyToolCalls(
      [
        { name: 'record_field', arguments: { field: 'email', value: 'JOHN.SMITH@GMAIL.COM' } },
        { name: 'record_field', arguments: { field: 'name', value: "I'm not sure" } },
        { name: 'end_call', arguments: { reason: 'all_collected' } },
        { name: 'transfer', arguments: { target_id: 'elsewhere' } },
      ],
      withTargets,
      context,
    );
    expect(outcome).toEqual({
      extracted: { email: 'john.smith@gmail.com' },
      rejected: ['name'],
      proposed: true,
      end: 'system_complete',
    });
    expect(
      applyToolCalls([{ name: 'transfer', arguments: { target_id: 'billing' } }], withTargets, context),
    ).toMatchObject({
      transferTo: 'billing',
      proposed: false,
    });
  });
});

describe('record_field after a caller corrects part of a value read back', () => {
  const stored = { email: { value: 'cate.fox@gmail.com', turn: 3 } };
  const turn = (callerText: string) => ({ callerText, collected: stored });
  const record = (value: string, callerText: string) =>
    applyToolCalls(
      [{ name: 'record_field', arguments: { field: 'email', value } }],
      support,
      context,
      turn(callerText),
    ).extracted;

  it('takes the whole corrected value the model re-sends', () => {
    expect(record('kate.fox@gmail.com', "No, it's K, not C.")).toEqual({ email: 'kate.fox@gmail.com' });
  });

  it('applies the caller’s words when the model re-sends the old value or a wrong re-spelling', () => {
    expect(record('cate.fox@gmail.com', "No, it's K, not C.")).toEqual({ email: 'kate.fox@gmail.com' });
    expect(record('kate.fax@gmail.com', "No, it's K, not C.")).toEqual({ email: 'kate.fox@gmail.com' });
    expect(record('cate.fox@gmail.net', "It's dot net, not dot com.")).toEqual({
      email: 'cate.fox@gmail.net',
    });
  });

  it('applies the correction words when the model passes those as the value', () => {
    expect(record('k not c', 'No, K as in Kilo.')).toEqual({ email: 'kate.fox@gmail.com' });
    expect(record('K, not C', 'Hmm, let me think. Yes.')).toEqual({ email: 'kate.fox@gmail.com' });
  });

  it('keeps the model’s value when the caller said no correction, and rejects words that are none', () => {
    expect(record('kate.fox@gmail.com', 'Sorry, my email is kate dot fox at gmail dot com')).toEqual({
      email: 'kate.fox@gmail.com',
    });
    expect(
      applyToolCalls(
        [{ name: 'record_field', arguments: { field: 'email', value: 'something else' } }],
        support,
        context,
        turn('Yes.'),
      ),
    ).toMatchObject({ extracted: {}, rejected: ['email'] });
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
