// What a <Connect><Stream> gives the Media Streams client: where to connect (mapped to the server under
// test), the signed handshake header, and the fields Twilio puts in `start`.
import { TELEPHONY_AUDIO, type StreamStartEvent } from '../adapters/twilio/media-stream-codec.js';
import type { ConnectVerb } from './twiml-parser.js';
import { newSid, type CallIdentity } from './twilio-params.js';
import type { WebhookSender } from './webhook-sender.js';

/** What Twilio puts in `start` (the fields the codec reads back as a StreamStartEvent). */
export type MediaStreamStartFields = Omit<StreamStartEvent, 'type'>;

export interface MediaStreamSession {
  /** The wss:// URL exactly as in the TwiML: the one the handshake signature covers. */
  url: string;
  /** Where to open the socket: the same path on the server under test (ws://127.0.0.1:port/…). */
  serverUrl: string;
  /** Handshake headers Twilio sends, X-Twilio-Signature over `url` with no parameters. */
  headers: Record<string, string>;
  actionUrl?: string;
  actionMethod: string;
  start: MediaStreamStartFields;
}

export function mediaStreamFor(
  verb: ConnectVerb,
  call: Pick<CallIdentity, 'accountSid' | 'callSid'>,
  sender: Pick<WebhookSender, 'toServerUrl' | 'sign'>,
): MediaStreamSession | undefined {
  const stream = verb.stream;
  if (!stream) return undefined;
  return {
    url: stream.url,
    serverUrl: sender.toServerUrl(stream.url),
    headers: { 'x-twilio-signature': sender.sign(stream.url, {}), 'user-agent': 'TwilioProxy/1.1' },
    ...(verb.action ? { actionUrl: verb.action } : {}),
    actionMethod: verb.method,
    start: {
      streamSid: newSid('MZ'),
      accountSid: call.accountSid,
      callSid: call.callSid,
      // <Connect><Stream> streams the caller's audio to us; ours goes back on the same socket.
      tracks: ['inbound'],
      mediaFormat: { ...TELEPHONY_AUDIO },
      customParameters: { ...stream.parameters },
    },
  };
}
