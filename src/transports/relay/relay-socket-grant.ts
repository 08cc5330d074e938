// The relay socket URL names its call: `/twilio/relay?call_sid=CA…&reconnect=N&t=<token>` (the grant
// and its token: ../twilio/socket-grant.ts). `reconnect` is the call's relay_reconnects when the URL
// was made: the <Connect action> answer after a lost socket writes a new URL with the next number, and
// a socket carrying an older number than the call's is stale (docs/decisions/0008-relay-socket-per-call.md).
import { callbackPath } from '../../services/callback-url.js';
import { deriveKey } from '../../services/derived-keys.js';
import { readSocketGrant, socketGrantToken } from '../twilio/socket-grant.js';
import { RELAY_SOCKET_PATH } from './relay-paths.js';

export interface RelaySocketGrant {
  callSid: string;
  /** The call's relay_reconnects when the URL was handed out (0 for the first session). */
  reconnect: number;
}

/** The key for socket tokens, derived from the server's signing secret. */
export function relaySocketKey(signingSecret: string): Buffer {
  return deriveKey(signingSecret, 'relay-socket');
}

/** The socket path and query for a grant, query keys sorted (as every URL we hand Twilio). */
export function relaySocketPath(key: Buffer, grant: RelaySocketGrant): string {
  return callbackPath(RELAY_SOCKET_PATH, {
    call_sid: grant.callSid,
    reconnect: grant.reconnect,
    t: socketGrantToken(key, { callSid: grant.callSid, session: grant.reconnect }),
  });
}

/** The grant a handshake's query carries, or undefined when it is missing, malformed or not ours. */
export function readRelaySocketGrant(key: Buffer, query: unknown): RelaySocketGrant | undefined {
  if (typeof query !== 'object' || query === null) return undefined;
  const { call_sid: callSid, reconnect, t } = query as Record<string, unknown>;
  const grant = readSocketGrant(key, { callSid, session: reconnect, token: t });
  return grant && { callSid: grant.callSid, reconnect: grant.session };
}
