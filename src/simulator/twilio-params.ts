// The form parameters Twilio puts on voice webhooks, status and recording callbacks, with
// Twilio's real names (twilio.com/docs/usage/webhooks/voice-webhooks).
import { randomBytes } from 'node:crypto';
import { parsePhoneNumberFromString } from 'libphonenumber-js';
import type { FormParams } from '../adapters/twilio/signature.js';

export type SimulatedDirection = 'inbound' | 'outbound';

/** A Twilio SID: two-letter prefix and 32 lower-case hex digits (CA… calls, RE… recordings, VX… relay sessions). */
export function newSid(prefix: string): string {
  return `${prefix}${randomBytes(16).toString('hex')}`;
}

/** RFC 2822 date as Twilio writes it: "Tue, 31 Aug 2010 20:36:28 +0000". */
export function rfc2822(date: Date): string {
  return date.toUTCString().replace(/GMT$/, '+0000');
}

/** The country Twilio reports for a number: its ISO code, or '' when the number cannot be placed. */
function countryOf(number: string): string {
  const parsed = number.startsWith('+') ? parsePhoneNumberFromString(number) : undefined;
  return parsed?.isValid() ? (parsed.country ?? '') : '';
}

export interface CallIdentity {
  callSid: string;
  accountSid: string;
  direction: SimulatedDirection;
  /** The caller's number (inbound) or our Twilio number (outbound). */
  from: string;
  to: string;
  /** Inbound: Twilio's SHAKEN/STIR verdict on `from`, sent as StirVerstat; absent when unset. */
  stirVerstat?: string;
}

/** Geo lookups: Twilio sends all four for each side, empty when it cannot place the number. */
function geo(prefix: string, number: string): FormParams {
  return {
    [`${prefix}City`]: '',
    [`${prefix}Country`]: countryOf(number),
    [`${prefix}State`]: '',
    [`${prefix}Zip`]: '',
  };
}

/**
 * Parameters on every voice request for this call, named as in a captured inbound request
 * (fixtures/twilio-voice-webhooks.json). Only the country of each geo lookup is simulated.
 */
export function voiceParams(call: CallIdentity, callStatus: string): FormParams {
  return {
    AccountSid: call.accountSid,
    ApiVersion: '2010-04-01',
    CallSid: call.callSid,
    CallStatus: callStatus,
    Called: call.to,
    ...geo('Called', call.to),
    Caller: call.from,
    ...geo('Caller', call.from),
    Direction: call.direction === 'inbound' ? 'inbound' : 'outbound-api',
    From: call.from,
    ...geo('From', call.from),
    To: call.to,
    ...geo('To', call.to),
  };
}

/**
 * What only the first request of an inbound call carries: CallToken (which lets a forwarded leg keep
 * the caller's attestation) and, when the carrier sent SHAKEN/STIR, StirVerstat.
 */
export function inboundAnswerParams(call: CallIdentity): FormParams {
  const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const token = `${part({ alg: 'ES256', typ: 'JWT' })}.${part({ callSid: call.callSid })}.${randomBytes(48).toString('base64url')}`;
  return {
    CallToken: JSON.stringify({ parentCallInfoToken: token, identityHeaderTokens: [] }),
    ...(call.stirVerstat ? { StirVerstat: call.stirVerstat } : {}),
  };
}

export type StatusEvent = 'initiated' | 'ringing' | 'answered' | 'completed';

/** CallStatus carried by each status-callback event ('completed' carries the final status). */
export const STATUS_OF_EVENT: Record<Exclude<StatusEvent, 'completed'>, string> = {
  initiated: 'initiated',
  ringing: 'ringing',
  answered: 'in-progress',
};

export function statusCallbackParams(
  call: CallIdentity,
  callStatus: string,
  sequenceNumber: number,
  at: Date,
  extra: FormParams = {},
): FormParams {
  return {
    ...voiceParams(call, callStatus),
    CallbackSource: 'call-progress-events',
    SequenceNumber: String(sequenceNumber),
    Timestamp: rfc2822(at),
    ...extra,
  };
}
