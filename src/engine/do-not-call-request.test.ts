import { describe, expect, it } from 'vitest';
import { doNotCallConfirmation, isDoNotCallRequest } from './do-not-call-request.js';

describe('isDoNotCallRequest', () => {
  it.each([
    'Stop calling me.',
    'Please take me off your list.',
    'Take my number off your calling list!',
    "Don't call me again.",
    'Do not contact me anymore, thank you.',
    'Put me on your do not call list.',
    "I don't want any more calls.",
    'Remove this number from your database please',
    'मुझे दोबारा कॉल मत करना',
    'कृपया मेरा नंबर लिस्ट से हटा दीजिए',
    'please call mat karo',
  ])('hears "%s"', (text) => {
    expect(isDoNotCallRequest(text)).toBe(true);
  });

  it.each([
    'Call me back tomorrow.',
    "Don't call me before noon, I'm busy in the mornings.",
    'I stopped calling the store because nobody answered.',
    'Can you take me off hold?',
    'Not interested right now, maybe later.',
    'मुझे कल कॉल करना',
  ])('does not hear "%s"', (text) => {
    expect(isDoNotCallRequest(text)).toBe(false);
  });

  it('confirms in the agent language', () => {
    expect(doNotCallConfirmation('en-US')).toMatch(/off our calling list/);
    expect(doNotCallConfirmation('hi-IN')).toMatch(/सूची से हटा दिया गया/);
  });
});
