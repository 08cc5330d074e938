// The dashboard's session: after the admin key is typed once at sign-in, the browser holds an
// HMAC-signed, expiring token in an HTTP-only cookie instead of the key itself. The signing key is
// derived for sessions alone and mixes the admin key in, so changing ADMIN_API_KEY ends every
// session; signing out revokes one session in the store (its random id; see session-revocations).
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
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

/** True when the token was signed with these keys and has not expired. */
export function verifySessionToken(keys: SessionKeys, token: string | undefined, nowMs: number): boolean {
  const match = TOKEN_PATTERN.exec(token ?? '');
  if (!match) return false;
  const [, expiresAt, nonce, mac] = match as unknown as [string, string, string, string];
  const expected = Buffer.from(sign(keys, `v1.${expiresAt}.${nonce}`));
  const given = Buffer.from(mac);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return false;
  return Number(expiresAt) > nowMs;
}

/** Constant-time comparison of the key typed at sign-in with the admin key. */
export function adminKeyMatches(given: string, adminApiKey: string): boolean {
  const digest = (value: string) => createHash('sha256').update(value).digest();
  return timingSafeEqual(digest(given), digest(adminApiKey));
}

export interface CookieRequest {
  method: string;
  headers: Record<string, string | string[] | undefined>;
}

/**
 * Whether a request carries a valid session cookie (already parsed into `cookies`), and, when it
 * changes state, the CSRF header: a cross-site form cannot set a custom header.
 */
export function sessionAllows(
  keys: SessionKeys,
  request: CookieRequest,
  cookies: Record<string, string | undefined>,
  nowMs: number,
): boolean {
  if (!verifySessionToken(keys, cookies[SESSION_COOKIE], nowMs)) return false;
  if (SAFE_METHODS.has(request.method.toUpperCase())) return true;
  return request.headers[CSRF_HEADER] === CSRF_VALUE;
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
