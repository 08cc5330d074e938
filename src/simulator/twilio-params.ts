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

function countryOf(number: string): string | undefined {
  return number.startsWith('+') ? parsePhoneNumberFromString(number)?.country : undefined;
}

export interface CallIdentity {
  callSid: string;
  accountSid: string;
  direction: SimulatedDirection;
  /** The caller's number (inbound) or our Twilio number (outbound). */
  from: string;
  to: string;
}

/** Parameters on every voice request for this call. */
export function voiceParams(call: CallIdentity, callStatus: string): FormParams {
  const params: FormParams = {
    AccountSid: call.accountSid,
    ApiVersion: '2010-04-01',
    CallSid: call.callSid,
    CallStatus: callStatus,
    Called: call.to,
    Caller: call.from,
    Direction: call.direction === 'inbound' ? 'inbound' : 'outbound-api',
    From: call.from,
    To: call.to,
  };
  // Geo fields appear when Twilio can place the number; only the country is simulated.
  const fromCountry = countryOf(call.from);
  const toCountry = countryOf(call.to);
  if (fromCountry) Object.assign(params, { FromCountry: fromCountry, CallerCountry: fromCountry });
  if (toCountry) Object.assign(params, { ToCountry: toCountry, CalledCountry: toCountry });
  return params;
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
