// The recording status callback Twilio sends once a call recording is processed (or found absent).
import type { FormParams } from '../adapters/twilio/signature.js';
import type { RecordingRequest } from './call-types.js';
import { newSid, rfc2822, type CallIdentity } from './twilio-params.js';

export interface RecordingCallbackOptions {
  /** Our recording callback URL (public); default: the one the call's recording asked for. */
  url?: string;
  recordingSid?: string;
  status?: 'completed' | 'absent' | 'failed';
  /** Where the media can be fetched (no extension); defaults to Twilio's URL shape. */
  recordingUrl?: string;
  durationSeconds?: number;
  errorCode?: number;
}

/**
 * The parameters of one recording status callback. Source, channels and track come from the
 * recording the call asked for; without one, from the direction (REST Record for outbound calls).
 */
export function recordingCallbackParams(
  call: CallIdentity,
  options: RecordingCallbackOptions,
  startedAt: Date,
  request?: RecordingRequest,
): FormParams {
  const recordingSid = options.recordingSid ?? newSid('RE');
  const status = options.status ?? 'completed';
  return {
    AccountSid: call.accountSid,
    CallSid: call.callSid,
    RecordingSid: recordingSid,
    RecordingUrl:
      options.recordingUrl ??
      `https://api.twilio.com/2010-04-01/Accounts/${call.accountSid}/Recordings/${recordingSid}`,
    RecordingStatus: status,
    RecordingDuration: String(status === 'completed' ? (options.durationSeconds ?? 12) : 0),
    RecordingChannels: String(request?.channels ?? 1),
    RecordingStartTime: rfc2822(startedAt),
    RecordingSource:
      request?.source ?? (call.direction === 'outbound' ? 'OutboundAPI' : 'StartCallRecordingAPI'),
    RecordingTrack: request?.track ?? 'both',
    // 16102: the recording was silent, Twilio's usual reason for 'absent'.
    ErrorCode: String(options.errorCode ?? (status === 'absent' ? 16102 : 0)),
  };
}
