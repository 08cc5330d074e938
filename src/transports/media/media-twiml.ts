// The <Connect><Stream> answer for a call of a realtime agent: its socket URL signed for this call and
// session, the action URL the call goes on at when the stream ends, and <Parameter>s naming the call.
import { publicSocketUrl } from '../../adapters/twilio/signature.js';
import { streamTwiml, type RecordingStart } from '../../adapters/twilio/twiml.js';
import type { Agent } from '../../domain/agent.js';
import { callbackUrl } from '../../services/callback-url.js';
import { MEDIA_ACTION_PATH } from './media-paths.js';
import { mediaSocketPath } from './media-socket-grant.js';

export function mediaConnectTwiml(options: {
  agent: Pick<Agent, 'agent_id'>;
  callSid: string;
  publicUrl: string;
  /** Signs the socket URL for this call (mediaSocketKey). */
  socketKey: Buffer;
  /** Which media session of the call this is (0 for the first). */
  session: number;
  /** The answer of an inbound call starts its recording. */
  startRecording?: RecordingStart;
}): string {
  const { agent, callSid, publicUrl } = options;
  return streamTwiml({
    url: publicSocketUrl(
      publicUrl,
      mediaSocketPath(options.socketKey, { callSid, session: options.session }),
    ),
    actionUrl: callbackUrl(publicUrl, MEDIA_ACTION_PATH),
    parameters: { agent_id: agent.agent_id, call_sid: callSid },
    ...(options.startRecording ? { startRecording: options.startRecording } : {}),
  });
}
