import { describe, expect, it } from 'vitest';
import { emptyCall, exampleAgent, turn } from '../../test/fakes/turn-context.js';
import { ScriptedLanguageModel } from '../../test/fakes/scripted-language-model.js';
import type { Turn } from '../domain/call.js';
import { awaitedKeypadField, keyedEntryReply, keypadDue } from './keypad-fallback.js';
import { LlmPolicy } from './llm-policy.js';
import { keypadPhrasesFor } from './phrases-keypad.js';
import { decideTurn } from './turn-decision.js';

const sales = exampleAgent('sales-001.json');
const hindi = exampleAgent('hindi-support-001.json');
const phone = sales.data_to_fill.find((f) => f.name === 'phone')!;
const MISHEARD = 'My number is four one five, five five five, zero one.';
const extraction = { language: 'en-US', now: new Date('2025-06-01T10:00:00Z'), timezone: 'UTC' };

describe('keypadDue', () => {
  const failed = (seq: number, extra: Partial<Turn> = {}) =>
    turn(seq, 'What is your best callback number?', MISHEARD, { failed_fields: ['phone'], ...extra });
  const none = () => false;

  it('is due at the second failure of a digit field, never for other fields', () => {
    expect(keypadDue(sales, [turn(0, 'Hi')], ['phone'], none)).toBeUndefined();
    expect(keypadDue(sales, [turn(0, 'Hi'), failed(1)], ['phone'], none)).toBe(phone);
    expect(
      keypadDue(sales, [turn(0, 'Hi'), turn(1, 'x', 'y', { failed_fields: ['email'] })], ['email'], none),
    ).toBeUndefined();
    expect(
      keypadDue(sales, [turn(0, 'Hi'), failed(1)], ['phone'], (name) => name === 'phone'),
    ).toBeUndefined();
  });

  it('stops once the keypad was asked for twice (a repeat after silence is not an ask)', () => {
    const asked = [turn(0, 'Hi'), failed(1), failed(2, { keypad_field: 'phone' })];
    const silent = turn(3, 'Are you still there?', undefined, { kind: 'silence', keypad_field: 'phone' });
    expect(keypadDue(sales, [...asked, silent], ['phone'], none)).toBe(phone);
    const twice = [...asked, failed(4, { keypad_field: 'phone', kind: 'dtmf' })];
    expect(keypadDue(sales, twice, ['phone'], none)).toBeUndefined();
  });
});

describe('a keyed entry', () => {
  const history = [turn(0, 'Hi'), turn(1, 'Type it.', MISHEARD, { keypad_field: 'phone' })];

  it('is awaited only right after the ask, while the field is missing', () => {
    expect(awaitedKeypadField(sales, emptyCall(sales.agent_id), history)).toBe(phone);
    expect(
      awaitedKeypadField(sales, emptyCall(sales.agent_id, { phone: '+14155550100' }), history),
    ).toBeUndefined();
    expect(awaitedKeypadField(sales, emptyCall(sales.agent_id), [...history, turn(2, 'Ok')])).toBeUndefined();
  });

  it('is taken through the validator and the next detail is asked for', () => {
    const call = emptyCall(sales.agent_id, { name: 'Priya', email: 'p@example.com' });
    const reply = keyedEntryReply({
      agent: sales,
      call,
      history,
      field: phone,
      digits: '4155550100',
      extraction,
    });
    expect(reply?.extracted).toEqual({ phone: '+14155550100' });
    expect(reply?.text).toContain('I have your best callback number as 4 1 5, 5 5 5, 0 1 0 0.');
    expect(reply?.text).toContain('preferred callback day');
  });

  it('that fails is asked for again once, then left to the policy', () => {
    const call = emptyCall(sales.agent_id);
    const again = keyedEntryReply({ agent: sales, call, history, field: phone, digits: '4155', extraction });
    expect(again).toMatchObject({ extracted: {}, rejected: ['phone'], keypadField: 'phone' });
    const asked = [...history, turn(2, again!.text, '4155', { keypad_field: 'phone', kind: 'dtmf' })];
    expect(
      keyedEntryReply({ agent: sales, call, history: asked, field: phone, digits: '41', extraction }),
    ).toBeUndefined();
  });

  it('is asked for in Hindi for a Hindi agent', () => {
    const field = hindi.data_to_fill.find((f) => f.type === 'phone')!;
    const lines = keypadPhrasesFor('hi-IN');
    expect(lines.ask(field)).toContain('कीपैड');
    expect(lines.keyed(field, '+919876543210', 'IN')).toContain('9 8 7');
  });
});

describe('the model path', () => {
  it('counts record_field values that fail validation and appends the keypad ask to the model words', async () => {
    const model = new ScriptedLanguageModel(() => ({
      text: 'Sorry, could you say the number again?',
      toolCalls: [{ id: 'c1', name: 'record_field', arguments: { field: 'phone', value: '41555501' } }],
    }));
    const policy = new LlmPolicy(model, { turnBudgetMs: 5_000 });
    const deps = { policyFor: () => policy, turnTimeoutMs: 5_000, defaultTimezone: 'UTC' };
    const call = emptyCall(sales.agent_id);
    const request = (history: Turn[]) => ({
      call,
      agent: sales,
      history,
      seq: history.length,
      input: { kind: 'speech' as const, text: MISHEARD },
      receivedAt: new Date(call.started_at),
    });
    const first = await decideTurn(deps, request([turn(0, sales.greeting)]));
    expect(first).toMatchObject({ failedFields: ['phone'] });
    expect(first.keypadField).toBeUndefined();
    const streamed: string[] = [];
    const second = await decideTurn(deps, {
      ...request([
        turn(0, sales.greeting),
        turn(1, first.reply.text, MISHEARD, { failed_fields: ['phone'] }),
      ]),
      onText: (delta) => streamed.push(delta),
    });
    expect(second.keypadField).toBe('phone');
    expect(second.reply.text).toMatch(
      /^Sorry, could you say the number again\? Let's use the keypad instead/,
    );
    expect(streamed.join('')).toBe(second.reply.text);
  });
});
