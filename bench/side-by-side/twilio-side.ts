// What Twilio sends a server, written here from Twilio's documentation rather than imported from the
// server under test: the harness must sign and read as Twilio does, not as our code believes it does,
// and must keep working whatever the server's modules are called.
//   X-Twilio-Signature = base64(HMAC-SHA1(auth token, URL + each POST parameter's name and value,
//   sorted by name)); a WebSocket handshake signs the URL alone.
import { createHmac } from 'node:crypto';

export type Form = Record<string, string>;

export function twilioSignature(authToken: string, url: string, params: Form = {}): string {
  const data =
    url +
    Object.keys(params)
      .sort()
      .map((key) => key + params[key])
      .join('');
  return createHmac('sha1', authToken).update(Buffer.from(data, 'utf8')).digest('base64');
}

export interface TwilioAccount {
  accountSid: string;
  authToken: string;
  /** The server's PUBLIC_URL: what Twilio signs. */
  publicUrl: string;
}

export interface InboundCall {
  callSid: string;
  from: string;
  to: string;
}

/** The parameters of an inbound call's voice webhook, named as Twilio names them. */
export function voiceParams(account: TwilioAccount, call: InboundCall, status: string): Form {
  return {
    AccountSid: account.accountSid,
    ApiVersion: '2010-04-01',
    CallSid: call.callSid,
    CallStatus: status,
    Called: call.to,
    CalledCountry: 'US',
    Caller: call.from,
    CallerCountry: 'US',
    Direction: 'inbound',
    From: call.from,
    FromCountry: 'US',
    To: call.to,
    ToCountry: 'US',
  };
}

/** POSTs a signed form to `publicUrl` on the server at `serverUrl`; returns the TwiML. */
export async function postSigned(
  serverUrl: string,
  account: TwilioAccount,
  publicUrl: string,
  params: Form,
  timeoutMs: number,
): Promise<string> {
  const target = new URL(publicUrl);
  const response = await fetch(`${serverUrl}${target.pathname}${target.search}`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      'x-twilio-signature': twilioSignature(account.authToken, publicUrl, params),
      'user-agent': 'TwilioProxy/1.1',
    },
    body: new URLSearchParams(params).toString(),
    signal: AbortSignal.timeout(timeoutMs),
  });
  const body = await response.text();
  if (response.status !== 200 || !body.includes('<Response')) {
    throw new Error(`HTTP ${response.status}: ${body.slice(0, 120)}`);
  }
  return body;
}

const unescapeXml = (value: string) =>
  value
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');

/** The `url` of <ConversationRelay> or the `action` of <Gather> in a TwiML answer. */
export function twimlAttribute(twiml: string, verb: 'ConversationRelay' | 'Gather', name: string) {
  const tag = new RegExp(`<${verb}\\b[^>]*>`).exec(twiml)?.[0];
  const value = tag ? new RegExp(`\\s${name}="([^"]*)"`).exec(tag)?.[1] : undefined;
  return value === undefined ? undefined : unescapeXml(value);
}

/** The <Parameter name value> pairs inside <ConversationRelay>: Twilio sends them in `setup`. */
export function twimlParameters(twiml: string): Record<string, string> {
  const parameters: Record<string, string> = {};
  for (const match of twiml.matchAll(/<Parameter\s+name="([^"]*)"\s+value="([^"]*)"/g)) {
    parameters[unescapeXml(match[1]!)] = unescapeXml(match[2]!);
  }
  return parameters;
}
