// What a <Connect><ConversationRelay> gives the relay client: where to connect (mapped to the
// server under test), the signed handshake header, and the fields Twilio puts in `setup`.
import type { ConnectVerb } from './twiml-parser.js';
import { newSid, type CallIdentity } from './twilio-params.js';
import type { WebhookSender } from './webhook-sender.js';

export interface RelaySetupFields {
  sessionId: string;
  accountSid: string;
  callSid: string;
  parentCallSid: string;
  from: string;
  to: string;
  forwardedFrom: string;
  callerName: string;
  /** Twilio's Direction values. */
  direction: 'inbound' | 'outbound-api';
  callType: 'PSTN';
  callStatus: 'RINGING' | 'IN-PROGRESS';
  customParameters: Record<string, string>;
}

export interface RelaySession {
  sessionId: string;
  /** The wss:// URL exactly as in the TwiML: the one the handshake signature covers. */
  url: string;
  /** Where to open the socket: the same path on the server under test (ws://127.0.0.1:port/…). */
  serverUrl: string;
  /** Handshake headers Twilio sends, X-Twilio-Signature over `url` with no parameters. */
  headers: Record<string, string>;
  /** All <ConversationRelay> attributes (welcomeGreeting, language, voice, interruptible, …). */
  attributes: Record<string, string>;
  languages: Record<string, string>[];
  /** <Parameter name value> pairs: Twilio sends them as setup.customParameters. */
  parameters: Record<string, string>;
  actionUrl?: string;
  actionMethod: string;
  setup: RelaySetupFields;
  startedAt: number;
}

export function relaySessionFor(
  verb: ConnectVerb,
  call: CallIdentity,
  sender: WebhookSender,
  startedAt: number,
): RelaySession | undefined {
  const relay = verb.relay;
  if (!relay) return undefined;
  const sessionId = newSid('VX');
  return {
    sessionId,
    url: relay.url,
    serverUrl: sender.toServerUrl(relay.url),
    headers: { 'x-twilio-signature': sender.sign(relay.url, {}), 'user-agent': 'TwilioProxy/1.1' },
    attributes: relay.attributes,
    languages: relay.languages,
    parameters: relay.parameters,
    actionUrl: verb.action,
    actionMethod: verb.method,
    startedAt,
    setup: {
      sessionId,
      accountSid: call.accountSid,
      callSid: call.callSid,
      parentCallSid: '',
      from: call.from,
      to: call.to,
      forwardedFrom: '',
      callerName: '',
      direction: call.direction === 'inbound' ? 'inbound' : 'outbound-api',
      callType: 'PSTN',
      callStatus: call.direction === 'inbound' ? 'RINGING' : 'IN-PROGRESS',
      customParameters: { ...relay.parameters },
    },
  };
}
