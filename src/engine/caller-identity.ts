// How far the person's number on a call can be trusted as an identity. Caller ID is whatever the
// calling network (or a caller's SIP client) puts there, so an inbound number proves nothing unless
// the originating carrier vouched for it with full STIR/SHAKEN attestation and Twilio verified that.
import { parsePhoneNumberFromString } from 'libphonenumber-js/max';
import type { CallDirection, CallerIdentity } from '../domain/call.js';

// Twilio's StirVerstat for a PASSporT with attestation A that it verified: "the caller is known and
// has the right to use the phone number as the caller ID" (twilio.com/docs/voice/trusted-calling-
// with-shakenstir). B ("the customer is known, it is unknown if they have the right to use the
// caller ID"), C, the -Failed-* values, No-TN-Validation, and the -Diverted/-Passthrough variants
// (signed by a diverting provider, not the originator) do not identify the caller. The parameter
// is absent when the call carried no PASSporT. Matched exactly: Twilio writes it in this case.
export const FULL_ATTESTATION = 'TN-Validation-Passed-A';

// Twilio's voice request `From`: "If a caller ID is withheld or otherwise unavailable, you may
// receive a string that contains anonymous, unknown, or other descriptions"
// (twilio.com/docs/voice/twiml#request-parameters). It also sends keypad spellings as numbers
// (help.twilio.com/articles/223179988, "Why am I getting calls from these strange numbers?"):
// ANONYMOUS, UNAVAILABLE, RESTRICTED, BLOCKED, UNKNOWN. None of them is a valid number today, but
// numbering plans change, so they are refused by name too.
const PLACEHOLDER_NUMBERS = new Set(['+266696687', '+86282452253', '+7378742833', '+2562533', '+8656696']);

/**
 * Whether `number` can stand for a person at all: a valid E.164 phone number, not a withheld or
 * placeholder value ("anonymous", "Restricted", "+266696687", "sip:anonymous@…", "client:…", "").
 */
export function isIdentifiableNumber(number: string): boolean {
  if (!/^\+[1-9]\d{6,14}$/.test(number) || PLACEHOLDER_NUMBERS.has(number)) return false;
  return parsePhoneNumberFromString(number)?.isValid() === true;
}

/**
 * The identity of a call's person: `outbound` when we placed the call (we chose the number and the
 * network connected it), `attested` for an inbound call Twilio verified with full attestation,
 * `unattested` for any other valid number, `withheld` for anything that is not a valid number.
 */
export function callerIdentity(
  direction: CallDirection,
  number: string,
  stirVerstat: string | undefined,
): CallerIdentity {
  if (!isIdentifiableNumber(number)) return 'withheld';
  if (direction === 'outbound') return 'outbound';
  if (direction === 'inbound' && stirVerstat === FULL_ATTESTATION) return 'attested';
  return 'unattested';
}
