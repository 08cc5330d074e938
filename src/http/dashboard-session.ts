// The dashboard's session: after the admin key is typed once at sign-in, the browser holds an
// HMAC-signed, expiring token in an HTTP-only cookie instead of the key itself. The signing key is
// derived for sessions alone and mixes the admin key in, so changing ADMIN_API_KEY ends every
// session; signing out revokes one session in the store (its random id; see session-revocations).
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { deriveKey } from '../services/derived-keys.js';

export const SESSION_COOKIE = 'va_session';
export const SESSION_TTL_MS = 12 * 60 * 60 * 1_000;
/** State-changing requests authenticated by the cookie must carry this header (CSRF guard). */
export const CSRF_HEADER = 'x-requested-with';
export const CSRF_VALUE = 'voice-agent';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
const TOKEN_PATTERN = /^v1\.(\d{13})\.([A-Za-z0-9_-]{16})\.([A-Za-z0-9_-]{43})$/;

export interface SessionKeys {
  signingSecret: string;
  adminApiKey: string;
}

function sessionKey(keys: SessionKeys): Buffer {
  return createHmac('sha256', deriveKey(keys.signingSecret, 'dashboard-session'))
    .update(keys.adminApiKey)
    .digest();
}

const sign = (keys: SessionKeys, payload: string) =>
  createHmac('sha256', sessionKey(keys)).update(payload).digest('base64url');

/** `v1.<expiresAtMs>.<nonce>.<hmac>`. */
export function createSessionToken(keys: SessionKeys, nowMs: number, ttlMs = SESSION_TTL_MS): string {
  const payload = `v1.${nowMs + ttlMs}.${randomBytes(12).toString('base64url')}`;
  return `${payload}.${sign(keys, payload)}`;
}

export interface SessionToken {
  /** The random nonce: what sign-out revokes. */
  id: string;
  expiresAtMs: number;
}

/** The session a token holds, when it was signed with these keys and has not expired. */
export function readSessionToken(
  keys: SessionKeys,
  token: string | undefined,
  nowMs: number,
): SessionToken | undefined {
  const match = TOKEN_PATTERN.exec(token ?? '');
  if (!match) return undefined;
  const [, expiresAt, nonce, mac] = match as unknown as [string, string, string, string];
  const expected = Buffer.from(sign(keys, `v1.${expiresAt}.${nonce}`));
  const given = Buffer.from(mac);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return undefined;
  const expiresAtMs = Number(expiresAt);
  return expiresAtMs > nowMs ? { id: nonce, expiresAtMs } : undefined;
}

/** True when the token was signed with these keys and has not expired. */
export function verifySessionToken(keys: SessionKeys, token: string | undefined, nowMs: number): boolean {
  return readSessionToken(keys, token, nowMs) !== undefined;
}

export interface CookieRequest {
  method: string;
  headers: Record<string, string | string[] | undefined>;
}

/**
 * The session of a request's cookie (already parsed into `cookies`) when it is valid and, when the
 * request changes state, it carries the CSRF header: a cross-site form cannot set a custom header.
 * Whether the session was signed out is the store's to say (see routes/dashboard.ts).
 */
export function sessionAllows(
  keys: SessionKeys,
  request: CookieRequest,
  cookies: Record<string, string | undefined>,
  nowMs: number,
): SessionToken | undefined {
  const session = readSessionToken(keys, cookies[SESSION_COOKIE], nowMs);
  if (!session) return undefined;
  if (SAFE_METHODS.has(request.method.toUpperCase())) return session;
  return request.headers[CSRF_HEADER] === CSRF_VALUE ? session : undefined;
}

export interface SessionCookieOptions {
  httpOnly: true;
  sameSite: 'strict';
  secure: boolean;
  path: '/';
  maxAge?: number;
}

/** Cookie attributes; Secure whenever the public URL is https. `maxAge` is in seconds. */
export function sessionCookieOptions(publicUrl: string, ttlMs = SESSION_TTL_MS): SessionCookieOptions {
  return {
    httpOnly: true,
    sameSite: 'strict',
    secure: publicUrl.startsWith('https:'),
    path: '/',
    maxAge: Math.floor(ttlMs / 1_000),
  };
}
