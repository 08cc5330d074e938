import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { readSocketGrant, socketGrantToken } from './socket-grant.js';

const key = Buffer.alloc(32, 7);
const CALL = `CA${'a'.repeat(32)}`;

describe('socket grants', () => {
  it('signs the call and its session number with HMAC-SHA256, base64url', () => {
    const expected = createHmac('sha256', key).update(`${CALL}\0${3}`).digest('base64url');
    expect(socketGrantToken(key, { callSid: CALL, session: 3 })).toBe(expected);
  });

  it('reads back only what it signed', () => {
    const token = socketGrantToken(key, { callSid: CALL, session: 2 });
    expect(readSocketGrant(key, { callSid: CALL, session: '2', token })).toEqual({
      callSid: CALL,
      session: 2,
    });
    expect(readSocketGrant(key, { callSid: CALL, session: '3', token })).toBeUndefined();
    expect(readSocketGrant(Buffer.alloc(32, 8), { callSid: CALL, session: '2', token })).toBeUndefined();
    expect(readSocketGrant(key, { callSid: `CA${'b'.repeat(32)}`, session: '2', token })).toBeUndefined();
  });

  it('refuses malformed parts before any HMAC', () => {
    const token = socketGrantToken(key, { callSid: CALL, session: 0 });
    for (const parts of [
      { callSid: 'CA1', session: '0', token },
      { callSid: CALL, session: '1001', token },
      { callSid: CALL, session: '00001', token },
      { callSid: CALL, session: 0, token },
      { callSid: CALL, session: '0', token: undefined },
      { callSid: CALL, session: '0', token: token.slice(1) },
      { callSid: [CALL], session: '0', token },
    ])
      expect(readSocketGrant(key, parts)).toBeUndefined();
  });
});
