import { describe, expect, it } from 'vitest';
import { exampleAgent } from '../../test/fakes/turn-context.js';
import { extractAnswer, fieldAskedFor } from './asked-field.js';

const support = exampleAgent('customer-support-001.json');
const hindi = exampleAgent('hindi-support-001.json');
const context = { language: 'en-US', now: new Date('2025-06-01T10:00:00Z'), timezone: 'UTC' };

describe('fieldAskedFor', () => {
  it('finds the missing field the last line asked about', () => {
    expect(fieldAskedFor(support, 'Could you tell me your email address?', {})?.name).toBe('email');
    expect(fieldAskedFor(support, "What's your name, please?", {})?.name).toBe('name');
    expect(fieldAskedFor(hindi, 'कृपया अपना फ़ोन नंबर बताइए।', {})?.name).toBe('phone');
  });

  it('ignores fields already collected and lines that ask nothing', () => {
    expect(
      fieldAskedFor(support, 'Could you tell me your email address?', { email: 'a@b.co' }),
    ).toBeUndefined();
    expect(fieldAskedFor(support, 'Please hold the power button.', {})).toBeUndefined();
  });
});

describe('extractAnswer', () => {
  it('validates the caller’s answer with the normalizers', () => {
    expect(extractAnswer(support, 'And your email?', 'john dot smith at gmail dot com', {}, context)).toEqual(
      {
        email: 'john.smith@gmail.com',
      },
    );
    expect(extractAnswer(support, 'And your email?', "I'm not sure", {}, context)).toEqual({});
    expect(extractAnswer(support, 'Did that help?', 'john dot smith at gmail dot com', {}, context)).toEqual(
      {},
    );
  });
});
