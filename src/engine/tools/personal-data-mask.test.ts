import { describe, expect, it } from 'vitest';
import { maskArguments, maskText, maskValue } from './personal-data-mask.js';

describe('personal data masks', () => {
  it('masks emails and runs of seven or more digits however they are spaced, and keeps short numbers', () => {
    expect(maskText('mail asha.rao@example.com or call +1 (415) 555-0142')).toBe(
      'mail [email] or call [number]',
    );
    expect(maskText('card 4111 1111 1111 1111, order 4412, 3 items')).toBe(
      'card [number], order 4412, 3 items',
    );
  });

  it('masks the arguments a tool names at any depth, and long numbers given as numbers', () => {
    expect(
      maskArguments(
        { order_id: '4412', customer: { date_of_birth: '1990-01-02', phone: 4155550142 }, notes: ['hi'] },
        ['date_of_birth'],
      ),
    ).toEqual({
      order_id: '4412',
      customer: { date_of_birth: '[masked]', phone: '[number]' },
      notes: ['hi'],
    });
    expect(maskValue(null)).toBeNull();
  });
});
