import { describe, expect, it } from 'vitest';
import {
  createSessionToken,
  CSRF_HEADER,
  CSRF_VALUE,
  readSessionToken,
  SESSION_COOKIE,
  sessionAllows,
  sessionCookieOptions,
  verifySessionToken,
} from './dashboard-session.js';

const keys = { signingSecret: 'signing-secret-0123456789', adminApiKey: 'admin-key-0123456789abcdef' };
const NOW = Date.parse('2030-01-01T00:00:00Z');

describe('dashboard session tokens', () => {
  it('accepts its own token until it expires, and reads its id (what sign-out revokes)', () => {
    const token = createSessionToken(keys, NOW, 60_000);
    expect(verifySessionToken(keys, token, NOW + 59_999)).toBe(true);
    expect(verifySessionToken(keys, token, NOW + 60_000)).toBe(false);
    const session = readSessionToken(keys, token, NOW);
    expect(session).toEqual({ id: token.split('.')[2], expiresAtMs: NOW + 60_000 });
    expect(readSessionToken(keys, createSessionToken(keys, NOW), NOW)?.id).not.toBe(session?.id);
  });

  it('refuses a token signed with another key, a changed admin key, or a tampered expiry', () => {
    const token = createSessionToken(keys, NOW);
    expect(verifySessionToken({ ...keys, signingSecret: 'other-secret-0123456789' }, token, NOW)).toBe(false);
    expect(verifySessionToken({ ...keys, adminApiKey: 'rotated-admin-key-0123456' }, token, NOW)).toBe(false);
    const [version, expiry, nonce, mac] = token.split('.') as [string, string, string, string];
    const later = `${version}.${Number(expiry) + 1_000_000}.${nonce}.${mac}`;
    expect(verifySessionToken(keys, later, NOW)).toBe(false);
    expect(verifySessionToken(keys, undefined, NOW)).toBe(false);
    expect(verifySessionToken(keys, 'garbage', NOW)).toBe(false);
  });

  it('needs the CSRF header only on requests that change state', () => {
    const cookies = { [SESSION_COOKIE]: createSessionToken(keys, NOW) };
    const allows = (method: string, headers: Record<string, string> = {}) =>
      sessionAllows(keys, { method, headers }, cookies, NOW) !== undefined;
    expect(allows('GET')).toBe(true);
    expect(allows('HEAD')).toBe(true);
    expect(allows('POST')).toBe(false);
    expect(allows('DELETE', { [CSRF_HEADER]: 'XMLHttpRequest' })).toBe(false);
    expect(allows('POST', { [CSRF_HEADER]: CSRF_VALUE })).toBe(true);
    expect(sessionAllows(keys, { method: 'GET', headers: {} }, {}, NOW)).toBeUndefined();
  });

  it('sets Secure only behind an https public URL', () => {
    expect(sessionCookieOptions('https://voice.example.com')).toMatchObject({
      httpOnly: true,
      sameSite: 'strict',
      secure: true,
      path: '/',
      maxAge: 12 * 3_600,
    });
    expect(sessionCookieOptions('http://localhost:3000').secure).toBe(false);
  });
});
