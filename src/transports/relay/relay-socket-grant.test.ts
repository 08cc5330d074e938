import { describe, expect, it } from 'vitest';
import { readRelaySocketGrant, relaySocketKey, relaySocketPath } from './relay-socket-grant.js';

const key = relaySocketKey('the-signing-secret');
const CALL = `CA${'a'.repeat(32)}`;
const OTHER = `CA${'b'.repeat(32)}`;

/** The query of a socket path, as Fastify parses it. */
function queryOf(path: string): Record<string, string> {
  return Object.fromEntries(new URL(path, 'https://x.example').searchParams);
}

describe('relay socket grants', () => {
  it('reads back the call and session number it was made for', () => {
    const path = relaySocketPath(key, { callSid: CALL, reconnect: 3 });
    expect(path).toMatch(/^\/twilio\/relay\?call_sid=CA[a]{32}&reconnect=3&t=[\w-]{43}$/);
    expect(readRelaySocketGrant(key, queryOf(path))).toEqual({ callSid: CALL, reconnect: 3 });
  });

  it("refuses another call's token, another session number, another key, and anything malformed", () => {
    const query = queryOf(relaySocketPath(key, { callSid: CALL, reconnect: 0 }));
    const other = queryOf(relaySocketPath(key, { callSid: OTHER, reconnect: 0 }));
    expect(readRelaySocketGrant(key, { ...query, call_sid: OTHER })).toBeUndefined();
    expect(readRelaySocketGrant(key, { ...query, t: other.t })).toBeUndefined();
    expect(readRelaySocketGrant(key, { ...query, reconnect: '1' })).toBeUndefined();
    expect(readRelaySocketGrant(relaySocketKey('another-secret'), query)).toBeUndefined();
    expect(readRelaySocketGrant(key, {})).toBeUndefined();
    expect(readRelaySocketGrant(key, { ...query, t: '' })).toBeUndefined();
    expect(readRelaySocketGrant(key, { ...query, t: query.t!.slice(0, 20) })).toBeUndefined();
    expect(readRelaySocketGrant(key, { ...query, reconnect: '-1' })).toBeUndefined();
    expect(readRelaySocketGrant(key, { ...query, call_sid: [CALL, CALL] })).toBeUndefined();
    expect(readRelaySocketGrant(key, undefined)).toBeUndefined();
  });

  it('derives a key of its own from the signing secret', () => {
    expect(relaySocketKey('the-signing-secret').equals(key)).toBe(true);
    expect(key.toString('hex')).not.toContain(Buffer.from('the-signing-secret').toString('hex'));
    expect(relaySocketKey('another-secret').equals(key)).toBe(false);
  });
});
