import { describe, expect, it } from 'vitest';
import { isScripted, personaPrompt, scriptedPersona } from './persona.js';
import type { PersonaObject } from './schema.js';

const priya: PersonaObject = {
  who: 'Priya Sharma, whose order 4412 never arrived',
  goal: 'a refund for order 4412',
  manner: 'gives her email only when asked',
  facts: { name: 'Priya Sharma', email: 'priya@example.com', order_number: '4412' },
  opening: 'My order 4412 never arrived.',
  replies: [
    { when: ['Is that right'], say: 'Yes.' },
    { when: ['email'], say: 'priya at example dot com' },
    { when: ['anything else'], say: 'No, bye.', hang_up: true },
  ],
  otherwise: 'I just want my refund.',
};

describe('personaPrompt', () => {
  it('tells the model who it is, its goal, how it behaves and what it knows', () => {
    expect(personaPrompt(priya)).toBe(
      [
        'You are Priya Sharma, whose order 4412 never arrived.',
        'Your goal on this call: a refund for order 4412',
        'How you behave: gives her email only when asked',
        'What you know, to give when the agent asks for it: name: Priya Sharma; email: priya@example.com; order number: 4412.',
      ].join('\n'),
    );
    expect(personaPrompt('Manas, whose laptop will not start.')).toBe('Manas, whose laptop will not start.');
  });
});

describe('scriptedPersona', () => {
  it('opens, answers by the first matching phrase (any case), falls back, and hangs up after a last line', async () => {
    const next = scriptedPersona(priya);
    expect(await next('Hello, how can I help?', 0)).toBe('My order 4412 never arrived.');
    expect(await next('Sorry. What is your EMAIL address?', 1)).toBe('priya at example dot com');
    // The read-back names the email too: the earlier rule wins.
    expect(await next('I have your email as P as in Papa… Is that right?', 2)).toBe('Yes.');
    expect(await next('Let me check.', 3)).toBe('I just want my refund.');
    expect(await next('Anything else I can do?', 4)).toBe('No, bye.');
    expect(await next('Goodbye!', 5)).toBeUndefined();
  });

  it('hangs up when nothing matches and no fallback is given; plays only personas with lines', async () => {
    const quiet: PersonaObject = { who: 'Sam', goal: 'nothing', replies: [{ when: ['name'], say: 'Sam.' }] };
    expect(await scriptedPersona(quiet)('Hello.', 0)).toBeUndefined();
    expect(isScripted(quiet)).toBe(true);
    expect(isScripted({ who: 'Sam', goal: 'nothing' })).toBe(false);
    expect(isScripted('Sam, who wants nothing')).toBe(false);
  });
});
