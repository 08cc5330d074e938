// The Media Streams socket URL names its call in its path, `/twilio/media/CA…/<session>/<token>`:
// Twilio's <Stream url> takes no query string (twilio.com/docs/voice/twiml/stream, "Custom
// Parameters"). The grant and its token are the relay's (transports/twilio/socket-grant.ts) under a key of
// their own, so a relay URL never opens a media socket nor the reverse.
import { deriveKey } from '../../services/derived-keys.js';
import { readSocketGrant, socketGrantToken, type SocketGrant } from '../twilio/socket-grant.js';
import { MEDIA_SOCKET_PATH } from './media-paths.js';

export type MediaSocketGrant = SocketGrant;

/** The key for media socket tokens, derived from the server's signing secret. */
export function mediaSocketKey(signingSecret: string): Buffer {
  return deriveKey(signingSecret, 'media-socket');
}

/** The socket path for a grant (every part is URL-safe: hex, digits, base64url). */
export function mediaSocketPath(key: Buffer, grant: MediaSocketGrant): string {
  return `${MEDIA_SOCKET_PATH}/${grant.callSid}/${grant.session}/${socketGrantToken(key, grant)}`;
}

/** The grant a handshake's path parameters (MEDIA_SOCKET_ROUTE) carry, or undefined when not ours. */
export function readMediaSocketGrant(key: Buffer, params: unknown): MediaSocketGrant | undefined {
  if (typeof params !== 'object' || params === null) return undefined;
  const { call_sid: callSid, session, t } = params as Record<string, unknown>;
  return readSocketGrant(key, { callSid, session, token: t });
}
