import { describe, expect, it } from 'vitest';
import { ENGLISH_DIGIT_WORDS } from './digit-words.js';
import { phoneticKey } from './phonetic-key.js';
import { fromRecognizer, trimPunctuation } from './recognizer-text.js';
import { defaultRegion } from './region.js';
import { spokenDigits } from './spoken-digits.js';

describe('fromRecognizer', () => {
  it.each([
    ['Four one five, five five five.', 'Four one five, five five five.'],
    ['415, 555, 2671', '415 555 2671'],
    ['25,000 people', '25,000 people'],
    ['Twenty-five', 'Twenty five'],
    ['J-O-H-N at gmail', 'J O H N at gmail'],
    ['J-O-H-N S-M-I-T-H.', 'J O H N, S M I T H.'],
    ['Mary-Jane and e-mail', 'Mary-Jane and e-mail'],
    ['it’s ९८७६५', "it's 98765"],
  ])('%s -> %s', (said, plain) => {
    expect(fromRecognizer(said)).toBe(plain);
  });

  it('reads a nukta typed either way the same', () => {
    expect(fromRecognizer('हज\u093Cार')).toBe(fromRecognizer('ह\u095Bार'));
  });
});

describe('trimPunctuation', () => {
  it.each([
    ['zero.', 'zero'],
    ['(415)', '415'],
    ['है।', 'है'],
    ['"yes?!"', 'yes'],
    ['gmail.com.', 'gmail.com'],
    ['...', ''],
  ])('%s -> %s', (token, trimmed) => {
    expect(trimPunctuation(token)).toBe(trimmed);
  });
});

describe('spokenDigits', () => {
  const phone = (said: string) =>
    spokenDigits(said.split(' '), { digits: ENGLISH_DIGIT_WORDS, zeroLetters: true });
  const email = (said: string) =>
    spokenDigits(said.split(' '), { digits: ENGLISH_DIGIT_WORDS, zeroLetters: false });

  it('reads digits, oh, double, triple, teens, tens and appended zeros', () => {
    expect(phone('four oh five triple five double oh').join(' ')).toBe('4 0 5 555 00');
    expect(phone('four fifteen five fifty five twenty six seventy one').join('')).toBe('4155552671');
    expect(phone('twenty one hundred').join(' ')).toBe('2100');
    expect(phone('oh one hundred').join('')).toBe('0100');
    expect(phone('five five five one thousand').join('')).toBe('5551000');
    expect(phone('oh my number').join(' ')).toBe('oh my number');
  });

  it('keeps o a letter in an email, where double repeats letters', () => {
    expect(email('double o seven').join('')).toBe('oo7');
    expect(email('john nineteen ninety').join(' ')).toBe('john 19 90');
  });
});

describe('phoneticKey', () => {
  it.each([
    ['billing', 'बिलिंग'],
    ['technical', 'टेक्निकल'],
    ['phone', 'फ़ोन'],
    ['message', 'मैसेज'],
  ])('%s sounds like %s', (english, hindi) => {
    expect(phoneticKey(english)).toBe(phoneticKey(hindi));
  });

  it('tells different words apart', () => {
    expect(phoneticKey('sales')).not.toBe(phoneticKey('billing'));
  });
});

describe('defaultRegion', () => {
  it.each([
    [{ language: 'en-US' }, 'US'],
    [{ language: 'en-GB' }, 'GB'],
    [{ language: 'hi-IN' }, 'IN'],
    [{ language: 'hi' }, 'IN'],
    [{ language: 'en' }, 'US'],
    [{ language: 'en-US', region: 'gb' }, 'GB'],
  ])('%j -> %s', (context, region) => {
    expect(defaultRegion(context)).toBe(region);
  });
});
