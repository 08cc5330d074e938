// A phone number the recognizer mishears twice is recovered on the keypad, end to end: a real server
// (embedded DynamoDB, the Twilio webhooks, the relay socket), Twilio played by the simulator with the
// parameters and messages Twilio sends (Digits on <Gather>, one `dtmf` message per key on the socket).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRelayHarness, type RelayHarness } from '../relay/relay-harness.js';

// As Twilio's recognizer writes a number said in groups and cut short: too few digits to validate.
const MISHEARD = 'My number is four one five, five five five, zero one.';
const OPENING = 'Hi, I need someone to call me back.';
const PHONE_FIELD = { name: 'phone', type: 'phone', required: true, description: 'best callback number' };

describe('keypad fallback for a misheard phone number', () => {
  let h: RelayHarness;
  beforeAll(async () => {
    h = await startRelayHarness();
    for (const transport of ['gather', 'relay'] as const) {
      await h.createAgent(`keypad-${transport}`, {
        transport,
        greeting: 'Hi, this is the callback line. How can I help?',
        data_to_fill: [PHONE_FIELD],
      });
    }
  }, 30_000);
  afterAll(() => h?.close());

  it('on <Gather>: asks for keys after two failures and takes the Digits Twilio posts', async () => {
    const call = await h.placeCall('keypad-gather');
    await call.say(OPENING);
    await call.say(MISHEARD);
    expect(call.pendingGather?.input).toEqual(['speech']);
    await call.say(MISHEARD);
    expect(call.hear()).toContain('please type your best callback number');
    expect(call.pendingGather?.input).toEqual(['dtmf', 'speech']);
    expect(call.pendingGather?.attributes).toMatchObject({ finishOnKey: '#', numDigits: '15' });

    await call.press('4155550100#');
    const posted = call.exchanges.at(-1)!.request.params;
    expect(posted).toMatchObject({ Digits: '4155550100', FinishedOnKey: '#' });
    expect(posted).not.toHaveProperty('SpeechResult');
    expect(call.hear()).toContain('I have your best callback number as 4 1 5, 5 5 5, 0 1 0 0.');

    const turns = await h.container.callStore.listTurns(call.callSid);
    expect(turns.map((t) => [t.kind, t.failed_fields, t.keypad_field])).toEqual([
      ['greeting', undefined, undefined],
      ['speech', undefined, undefined],
      ['speech', ['phone'], undefined],
      ['speech', ['phone'], 'phone'],
      ['dtmf', undefined, undefined],
    ]);
    expect(turns[4]).toMatchObject({ caller_text: '4155550100', extracted: { phone: '+14155550100' } });
    const stored = await h.container.callStore.get(call.callSid);
    expect(stored?.data_collected.phone).toEqual({ value: '+14155550100', turn: 4 });
  });

  it('on <Gather>: a keyed entry that does not validate is asked for once more, then by voice', async () => {
    const call = await h.placeCall('keypad-gather');
    for (const line of [OPENING, MISHEARD, MISHEARD]) await call.say(line);
    await call.press('4155#');
    expect(call.hear()).toContain('Please type it again, then press the pound key.');
    expect(call.pendingGather?.input).toEqual(['dtmf', 'speech']);
    await call.press('12#');
    // The keypad asks are used up: the field is asked for by voice, and no keypad Gather follows.
    expect(call.hear()).toContain("Sorry, I didn't catch that.");
    expect(call.hear()).toContain('best callback number');
    expect(call.pendingGather?.input).toEqual(['speech']);
    await call.say(MISHEARD);
    expect(call.pendingGather?.input).toEqual(['speech']);
    const stored = await h.container.callStore.get(call.callSid);
    expect(stored?.data_collected.phone).toBeUndefined();
  });

  it('on ConversationRelay: the keys up to # are one turn', async () => {
    const result = await h.call({
      agentId: 'keypad-relay',
      lines: [OPENING, MISHEARD, MISHEARD],
      dtmf: { 3: '4155550100#' },
    });
    expect(result.replies.at(-2)?.text).toContain('please type your best callback number');
    expect(result.replies.at(-1)?.text).toContain(
      'I have your best callback number as 4 1 5, 5 5 5, 0 1 0 0.',
    );
    const turns = await h.container.callStore.listTurns(result.callSid);
    expect(turns).toHaveLength(5);
    expect(turns[3]).toMatchObject({ keypad_field: 'phone', failed_fields: ['phone'] });
    expect(turns[4]).toMatchObject({
      kind: 'dtmf',
      caller_text: '4155550100',
      extracted: { phone: '+14155550100' },
    });
    const stored = await h.container.callStore.get(result.callSid);
    expect(stored?.data_collected.phone?.value).toBe('+14155550100');
  });
});
