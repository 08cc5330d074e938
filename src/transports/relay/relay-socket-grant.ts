// The relay socket URL names its call: `/twilio/relay?call_sid=CA…&reconnect=N&t=<token>`. Twilio's
// handshake signature covers the whole URL, and the token (an HMAC of the call and its session number
// under a server key) shows that we wrote it, so a socket is opened only for the call and the session
// it was handed out for. `reconnect` is the call's relay_reconnects when the URL was made: the
// <Connect action> answer after a lost socket writes a new URL with the next number, and a socket
// carrying an older number than the call's is stale (docs/decisions/0008-relay-socket-per-call.md).
import { createHmac, timingSafeEqual } from 'node:crypto';
import { callbackPath } from '../../services/callback-url.js';
import { deriveKey } from '../../services/derived-keys.js';
import { isCallSid } from '../twilio/params.js';
import { RELAY_SOCKET_PATH } from './relay-paths.js';

export interface RelaySocketGrant {
  callSid: string;
  /** The call's relay_reconnects when the URL was handed out (0 for the first session). */
  reconnect: number;
}

const MAX_RECONNECT = 1_000;

/** The key for socket tokens, derived from the server's signing secret. */
export function relaySocketKey(signingSecret: string): Buffer {
  return deriveKey(signingSecret, 'relay-socket');
}

function token(key: Buffer, grant: RelaySocketGrant): Buffer {
  return createHmac('sha256', key).update(`${grant.callSid}\0${grant.reconnect}`).digest();
}

/** The socket path and query for a grant, query keys sorted (as every URL we hand Twilio). */
export function relaySocketPath(key: Buffer, grant: RelaySocketGrant): string {
  return callbackPath(RELAY_SOCKET_PATH, {
    call_sid: grant.callSid,
    reconnect: grant.reconnect,
    t: token(key, grant).toString('base64url'),
  });
}

/** The grant a handshake's query carries, or undefined when it is missing, malformed or not ours. */
export function readRelaySocketGrant(key: Buffer, query: unknown): RelaySocketGrant | undefined {
  if (typeof query !== 'object' || query === null) return undefined;
  const { call_sid: callSid, reconnect, t } = query as Record<string, unknown>;
  if (!isCallSid(callSid)) return undefined;
  if (typeof reconnect !== 'string' || !/^\d{1,4}$/.test(reconnect) || typeof t !== 'string')
    return undefined;
  const grant = { callSid, reconnect: Number(reconnect) };
  if (grant.reconnect > MAX_RECONNECT) return undefined;
  const given = Buffer.from(t, 'base64url');
  const expected = token(key, grant);
  return given.length === expected.length && timingSafeEqual(given, expected) ? grant : undefined;
}
