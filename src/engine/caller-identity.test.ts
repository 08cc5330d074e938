import { describe, expect, it } from 'vitest';
import { callerIdentity, FULL_ATTESTATION, isIdentifiableNumber } from './caller-identity.js';

// What Twilio puts in `From` when there is no number to show, and numbers that are not numbers.
const WITHHELD = [
  '',
  'anonymous',
  'Anonymous',
  'restricted',
  'Restricted',
  'unknown',
  'private',
  'UNAVAILABLE',
  'sip:anonymous@anonymous.invalid',
  'sip:+14155550142@pbx.example.com',
  'client:alice',
  '+266696687',
  '+86282452253',
  '+7378742833',
  '+2562533',
  '+8656696',
  '14155550142',
  '+1415555014',
  ' +14155550142',
];

describe('isIdentifiableNumber', () => {
  it.each(WITHHELD)('refuses %j', (from) => {
    expect(isIdentifiableNumber(from)).toBe(false);
  });

  it('accepts valid E.164 numbers', () => {
    for (const number of ['+14155550142', '+919876543210', '+442071838750']) {
      expect(isIdentifiableNumber(number)).toBe(true);
    }
  });
});

describe('callerIdentity', () => {
  it('trusts a number we dialled, and an inbound one only with full attestation verified by Twilio', () => {
    expect(callerIdentity('outbound', '+14155550142', undefined)).toBe('outbound');
    expect(callerIdentity('inbound', '+14155550142', FULL_ATTESTATION)).toBe('attested');
    for (const verstat of [
      undefined,
      '',
      'TN-Validation-Passed-B',
      'TN-Validation-Passed-C',
      'TN-Validation-Failed-A',
      'TN-Validation-Failed',
      'No-TN-Validation',
      'TN-Validation-Passed-A-Diverted',
      'TN-Validation-Passed-A-Passthrough',
      'tn-validation-passed-a',
      ' TN-Validation-Passed-A',
    ]) {
      expect(callerIdentity('inbound', '+14155550142', verstat)).toBe('unattested');
    }
  });

  it('calls a withheld or placeholder number withheld, whatever the direction or attestation', () => {
    expect(callerIdentity('inbound', 'Anonymous', FULL_ATTESTATION)).toBe('withheld');
    expect(callerIdentity('inbound', '+266696687', FULL_ATTESTATION)).toBe('withheld');
    expect(callerIdentity('outbound', 'client:alice', undefined)).toBe('withheld');
    expect(callerIdentity('web', 'web', undefined)).toBe('withheld');
  });
});
