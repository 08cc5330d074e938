// One signing secret (WEBHOOK_SECRET, or the one generated under DATA_DIR), one key per purpose.
// The webhook signature uses the secret as it is, because receivers verify with it; everything
// else this server signs for itself (pagination cursors, dashboard sessions, the relay and Media
// Streams sockets' per-call tokens) uses a key derived for that purpose alone, so a value signed for
// one purpose is never valid for another and the secret itself signs nothing but webhooks. A receiver holding the
// secret could derive these keys too, so none of them may be the only guard: cursors are read only
// on admin-authenticated requests, a session key also depends on the admin key, and the socket
// tokens travel inside URLs that Twilio's own signature covers.
import { hkdfSync } from 'node:crypto';

export const KEY_PURPOSES = ['cursor', 'dashboard-session', 'relay-socket', 'media-socket'] as const;
export type KeyPurpose = (typeof KEY_PURPOSES)[number];

const KEY_BYTES = 32;

/** HKDF-SHA256 of `secret` for `purpose` (RFC 5869; no salt: the secret is already random). */
export function deriveKey(secret: string, purpose: KeyPurpose): Buffer {
  return Buffer.from(hkdfSync('sha256', secret, Buffer.alloc(0), `voice-agent ${purpose} v1`, KEY_BYTES));
}
