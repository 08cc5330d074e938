// A socket URL we hand Twilio names its call: the Call SID, the call's socket session number and our
// token, an HMAC of both under a key derived for that transport alone. Twilio's handshake signature
// covers the whole URL and the token shows that we wrote it, so a socket is opened only for the call
// and the session it was handed out for (docs/decisions/0008-relay-socket-per-call.md). Where the
// three go is the transport's: the relay URL carries them in its query; a Media Streams URL, which
// Twilio takes without a query, in its path.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { isCallSid } from './params.js';

export interface SocketGrant {
  callSid: string;
  /** Which socket session of the call the URL is for (the relay's relay_reconnects; 0 for the first). */
  session: number;
}

const MAX_SESSION = 1_000;

function token(key: Buffer, grant: SocketGrant): Buffer {
  return createHmac('sha256', key).update(`${grant.callSid}\0${grant.session}`).digest();
}

/** The token for a grant, base64url (URL-safe in a query and in a path segment). */
export function socketGrantToken(key: Buffer, grant: SocketGrant): string {
  return token(key, grant).toString('base64url');
}

/** The grant a handshake's URL carries, or undefined when a part is missing, malformed or not ours. */
export function readSocketGrant(
  key: Buffer,
  parts: { callSid: unknown; session: unknown; token: unknown },
): SocketGrant | undefined {
  const { callSid, session, token: given } = parts;
  if (!isCallSid(callSid)) return undefined;
  if (typeof session !== 'string' || !/^\d{1,4}$/.test(session) || typeof given !== 'string')
    return undefined;
  const grant = { callSid, session: Number(session) };
  if (grant.session > MAX_SESSION) return undefined;
  const received = Buffer.from(given, 'base64url');
  const expected = token(key, grant);
  return received.length === expected.length && timingSafeEqual(received, expected) ? grant : undefined;
}
