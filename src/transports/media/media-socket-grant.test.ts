import { describe, expect, it } from 'vitest';
import { relaySocketKey, relaySocketPath } from '../relay/relay-socket-grant.js';
import { mediaSocketKey, mediaSocketPath, readMediaSocketGrant } from './media-socket-grant.js';

const key = mediaSocketKey('the-signing-secret');
const CALL = `CA${'a'.repeat(32)}`;

/** The path parameters of MEDIA_SOCKET_ROUTE, as Fastify parses them. */
function paramsOf(path: string): Record<string, string> {
  const [, , , callSid = '', session = '', t = ''] = path.split('/');
  return { call_sid: callSid, session, t };
}

describe('media socket grants', () => {
  it('puts the call, its session and the token in the path, never a query', () => {
    const path = mediaSocketPath(key, { callSid: CALL, session: 1 });
    expect(path).toMatch(/^\/twilio\/media\/CA[a]{32}\/1\/[\w-]{43}$/);
    expect(readMediaSocketGrant(key, paramsOf(path))).toEqual({ callSid: CALL, session: 1 });
  });

  it("refuses another session, another call's token, a relay token and no parameters", () => {
    const params = paramsOf(mediaSocketPath(key, { callSid: CALL, session: 0 }));
    expect(readMediaSocketGrant(key, { ...params, session: '1' })).toBeUndefined();
    expect(readMediaSocketGrant(key, { ...params, call_sid: `CA${'b'.repeat(32)}` })).toBeUndefined();
    const relay = new URL(
      relaySocketPath(relaySocketKey('the-signing-secret'), { callSid: CALL, reconnect: 0 }),
      'https://x',
    );
    expect(readMediaSocketGrant(key, { ...params, t: relay.searchParams.get('t') })).toBeUndefined();
    expect(readMediaSocketGrant(key, undefined)).toBeUndefined();
    expect(readMediaSocketGrant(mediaSocketKey('another-secret'), params)).toBeUndefined();
  });
});
