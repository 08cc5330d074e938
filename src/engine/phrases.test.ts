import { describe, expect, it } from 'vitest';
import type { DataField } from '../domain/agent.js';
import { phrasesFor, spokenEmail, spokenPhone } from './phrases.js';

const field = (overrides: Partial<DataField>): DataField => ({
  name: 'field',
  type: 'text',
  required: true,
  description: '',
  ...overrides,
});

describe('phrases', () => {
  const en = phrasesFor('en-US');
  const hi = phrasesFor('hi-IN');

  it('chooses the language family by prefix, English by default', () => {
    expect(phrasesFor('en-GB').closing()).toBe('Thanks for calling. Goodbye!');
    expect(phrasesFor('es-ES').closing()).toBe('Thanks for calling. Goodbye!');
    expect(hi.closing()).toBe('कॉल करने के लिए धन्यवाद। नमस्ते!');
  });

  it('asks for a field by type, description or name, with varied wording', () => {
    expect(en.askField(field({ type: 'email' }))).toBe('Could you tell me your email address?');
    expect(en.askField(field({ type: 'email' }), 1)).toBe('What is your email address?');
    expect(en.askField(field({ description: "The caller's preferred appointment date." }))).toBe(
      'Could you tell me your preferred appointment date?',
    );
    expect(en.askField(field({ name: 'order_number', type: 'number' }))).toBe(
      'Could you tell me your order number?',
    );
    expect(en.askField(field({ type: 'boolean', description: 'Are you an existing customer?' }))).toBe(
      'Are you an existing customer? Yes or no is fine.',
    );
    expect(
      en.askField(
        field({ type: 'enum', options: ['sales', 'support', 'billing'], description: 'department' }),
      ),
    ).toBe('Could you tell me your department? The options are sales, support, or billing.');
    expect(hi.askField(field({ type: 'name' }))).toBe('कृपया अपना नाम बताइए।');
    expect(hi.askField(field({ type: 'phone' }), 1)).toBe('आपका फ़ोन नंबर क्या है?');
  });

  it('spells emails and groups phone digits the way a person says them', () => {
    expect(spokenEmail('john.smith@gmail.com')).toBe('john dot smith at gmail dot com');
    expect(spokenEmail('a_b-c+d@x.co.in')).toBe('a underscore b dash c plus d at x dot co dot in');
    expect(spokenPhone('+14155552671', 'US')).toBe('4 1 5, 5 5 5, 2 6 7 1');
    expect(spokenPhone('+442079460958', 'US')).toBe('plus 4 4, 2 0, 7 9 4 6, 0 9 5 8');
    expect(spokenPhone('+919876543210', 'IN')).toBe('9 8 7 6 5, 4 3 2 1 0');
  });

  it('reads an email back spelled in small groups, with a word for letters a phone line blurs', () => {
    expect(en.readBack(field({ type: 'email' }), 'priya.sharma@gmail.com')).toBe(
      'I have your email address as P as in Papa, R I, Y A, dot, S as in Sierra, H A R, M as in Mike, A, at gmail dot com. Is that right?',
    );
    expect(hi.readBack(field({ type: 'email' }), 'manas.k@gmail.com')).toBe(
      'मेरे पास आपका ईमेल पता M जैसे Mike, A, N जैसे November, A, S जैसे Sierra, डॉट, K जैसे Kilo, एट द रेट gmail डॉट com है। क्या यह सही है?',
    );
    expect(en.readBack(field({ type: 'phone' }), '+14155550100')).toBe(
      'I have your phone number as 4 1 5, 5 5 5, 0 1 0 0. Is that right?',
    );
    // A recap says a confirmed address the short way.
    expect(en.spokenValue(field({ type: 'email' }), 'priya.sharma@gmail.com')).toBe(
      'priya dot sharma at gmail dot com',
    );
  });

  it('finds the value its own read-back asks about, in both languages, and nothing else', () => {
    for (const phrases of [en, hi]) {
      for (const value of ['rahul_k.99@mail.co.in', 'priya.sharma@gmail.com', 'jo@acme-corp.io']) {
        const line = `Thanks. ${phrases.readBack(field({ type: 'email' }), value)}`;
        expect(phrases.readBackOf(field({ type: 'email' }), line)).toBe(value);
      }
    }
    expect(
      en.readBackOf(field({ type: 'phone' }), en.readBack(field({ type: 'phone' }), '+14155552671')),
    ).toBe('+14155552671');
    expect(
      hi.readBackOf(
        field({ type: 'phone' }),
        hi.readBack(field({ type: 'phone' }), '+919876543210', 'IN'),
        'IN',
      ),
    ).toBe('+919876543210');
    expect(en.readBackOf(field({ type: 'email' }), 'What is your email address?')).toBeNull();
    expect(
      en.readBackOf(field({ type: 'phone' }), en.readBack(field({ type: 'email' }), 'a@b.co')),
    ).toBeNull();
  });

  it('has the fixed lines in both languages', () => {
    for (const phrases of [en, hi]) {
      for (const line of [
        phrases.sorryRepeat(),
        phrases.notCaught(),
        phrases.stillThere(),
        phrases.silenceGoodbye(),
        phrases.turnFailed(),
        phrases.scriptedNotice(),
        phrases.filler(),
        phrases.yesOrNo(),
        phrases.correction(),
      ]) {
        expect(line.trim().length).toBeGreaterThan(3);
      }
    }
    expect(en.sorryRepeat()).toBe("Sorry, I didn't catch that. Could you say that again?");
    expect(en.turnFailed()).toBe("Sorry, I'm having trouble right now. Could you repeat that?");
    expect(en.stillThere()).toBe('Are you still there?');
    expect(hi.stillThere()).toMatch(/[\u0900-\u097F]/);
    expect(hi.turnFailed()).toMatch(/[\u0900-\u097F]/);
  });

  it('acknowledges a problem with sympathy and anything else with thanks', () => {
    expect(en.acknowledgeNeed("my printer won't print")).toBe("I'm sorry to hear that.");
    expect(en.acknowledgeNeed('I want to book a visit')).toBe('Thank you.');
    expect(hi.acknowledgeNeed('इंटरनेट में दिक्कत है')).toBe('यह सुनकर खेद है।');
  });

  it('recaps collected values with dates in words', () => {
    const text = en.recap([
      { field: field({ type: 'name' }), value: 'Ann' },
      { field: field({ type: 'date', description: 'Appointment date' }), value: '2026-03-10' },
    ]);
    expect(text).toBe(
      'I have your name as Ann and your appointment date as March 10, 2026. Our team will follow up soon.',
    );
  });
});
