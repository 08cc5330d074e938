import { describe, expect, it } from 'vitest';
import type { DataField } from '../domain/agent.js';
import { correctValue } from './correction.js';

const email: DataField = { name: 'email', type: 'email', required: true, description: '' };
const phone: DataField = { name: 'phone', type: 'phone', required: true, description: '' };
const en = { language: 'en-US', now: new Date('2025-06-01T10:00:00Z'), timezone: 'UTC' };
const hi = { language: 'hi-IN', now: new Date('2025-06-01T10:00:00Z'), timezone: 'Asia/Kolkata' };

describe('correctValue on an email read back', () => {
  // What the caller's words look like after Twilio's recognizers: capitals, commas, a final stop.
  it.each([
    ["No, it's K, not C.", 'kate.cox@gmail.com'],
    ['Not C, K.', 'kate.cox@gmail.com'],
    ['K, not C.', 'kate.cox@gmail.com'],
    ['No, not C but K.', 'kate.cox@gmail.com'],
    ['No, K as in kilo, not C as in Charlie.', 'kate.cox@gmail.com'],
    ['It should be K, not C.', 'kate.cox@gmail.com'],
    ['K instead of C.', 'kate.cox@gmail.com'],
    ['C should be K.', 'kate.cox@gmail.com'],
    ['Change C to K.', 'kate.cox@gmail.com'],
    ['C नहीं, K है।', 'kate.cox@gmail.com'],
    ['K है, C नहीं।', 'kate.cox@gmail.com'],
    ['c nahi k', 'kate.cox@gmail.com'],
  ])('%s', (said, expected) => {
    expect(
      correctValue(email, 'cate.cox@gmail.com'.replace('cox', 'kox').replace('kox', 'box'), said, en),
    ).toBe(expected.replace('cox', 'box'));
  });

  it('changes the ending of the domain, or one of its names', () => {
    expect(correctValue(email, 'priya@acme.com', "It's dot net, not dot com.", en)).toBe('priya@acme.net');
    expect(correctValue(email, 'priya@acme.com', 'No, dot net.', en)).toBeNull();
    expect(correctValue(email, 'priya@gmail.com', "It's Yahoo, not Gmail.", en)).toBe('priya@yahoo.com');
    expect(correctValue(email, 'priya@yahoo.co.in', 'dot in, not dot co dot in', en)).toBe('priya@yahoo.in');
  });

  it('puts a lone spelled letter in place of the one letter it sounds like', () => {
    // "Cate" was heard; only one letter of the local part sounds like or stands for K.
    expect(correctValue(email, 'cate@gmail.com', 'No, kay as in kilo.', en)).toBe('kate@gmail.com');
    expect(correctValue(email, 'nina.m@outlook.com', 'No, M as in Mike.', en)).toBeNull();
    expect(correctValue(email, 'dan@gmail.com', 'B as in Bravo.', en)).toBe('ban@gmail.com');
  });

  it('changes a longer part, spelled or said as a word', () => {
    expect(correctValue(email, 'jon.smith@gmail.com', "It's J O H N, not J O N.", en)).toBe(
      'john.smith@gmail.com',
    );
    expect(correctValue(email, 'smyth@gmail.com', 'smith not smyth', en)).toBe('smith@gmail.com');
  });

  it('takes a whole new address said as the correction', () => {
    expect(correctValue(email, 'cate@gmail.com', "No, it's kate at gmail dot com, not cate.", en)).toBe(
      'kate@gmail.com',
    );
  });

  it('changes nothing when the part is not there, is there twice, or the words are no correction', () => {
    expect(correctValue(email, 'cate.cox@gmail.com', "No, it's K, not C.", en)).toBeNull();
    expect(correctValue(email, 'anna@gmail.com', "No, it's Z, not X.", en)).toBeNull();
    expect(correctValue(email, 'anna@gmail.com', 'Yes.', en)).toBeNull();
    expect(correctValue(email, 'anna@gmail.com', "No, that's not right.", en)).toBeNull();
    expect(correctValue(email, 'anna@gmail.com', 'No.', en)).toBeNull();
  });
});

describe('correctValue on a phone number read back', () => {
  it.each([
    ['The last digit is 7.', '+14155550107'],
    ['The last digit is seven.', '+14155550107'],
    ['No, the last digit should be 7.', '+14155550107'],
    ['The last two digits are four two.', '+14155550142'],
    ['It ends in 0142.', '+14155550142'],
    ['No, it ends with one four two.', '+14155550142'],
    ['The area code is 628.', '+16285550100'],
    ["It's 0142, not 0100.", '+14155550142'],
    ['No, 415, 555, 0147.', '+14155550147'],
  ])('%s', (said, expected) => {
    expect(correctValue(phone, '+14155550100', said, en)).toBe(expected);
  });

  it('reads Hindi and Indian numbers', () => {
    expect(correctValue(phone, '+919876543210', 'आखिरी अंक 5 है', hi)).toBe('+919876543215');
    expect(correctValue(phone, '+919876543210', '3210 नहीं, 3211', hi)).toBe('+919876543211');
  });

  it('changes nothing when the digits are ambiguous or the result is no valid number', () => {
    expect(correctValue(phone, '+14155550155', 'Not 5, 6.', en)).toBeNull();
    expect(correctValue(phone, '+14155550100', 'The area code is 000.', en)).toBeNull();
    expect(correctValue(phone, '+14155550100', 'Yes, that is right.', en)).toBeNull();
  });
});
