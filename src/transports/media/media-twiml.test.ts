import { describe, expect, it } from 'vitest';
import { verifyWebSocketSignature, signTwilioRequest } from '../../adapters/twilio/signature.js';
import { childElements, parseXml } from '../../simulator/xml-reader.js';
import { mediaSocketKey, readMediaSocketGrant } from './media-socket-grant.js';
import { mediaConnectTwiml } from './media-twiml.js';

const socketKey = mediaSocketKey('test-signing-secret');
const CALL = `CA${'c'.repeat(32)}`;

describe('mediaConnectTwiml', () => {
  it('streams the call to a wss URL signed for it, names the call, and goes on at the media action', () => {
    const twiml = mediaConnectTwiml({
      agent: { agent_id: 'customer-support-001' },
      callSid: CALL,
      publicUrl: 'https://voice.example.com/',
      socketKey,
      session: 0,
    });
    const root = parseXml(twiml);
    const connect = childElements(root).find((child) => child.name === 'Connect')!;
    expect(connect.attributes.action).toBe('https://voice.example.com/twilio/media-action');
    const stream = childElements(connect)[0]!;
    const url = new URL(stream.attributes.url!);
    expect(url.protocol).toBe('wss:');
    expect(url.search).toBe('');
    const [, , , callSid, session, t] = url.pathname.split('/');
    expect(readMediaSocketGrant(socketKey, { call_sid: callSid, session, t })).toEqual({
      callSid: CALL,
      session: 0,
    });
    expect(childElements(stream).map((child) => child.attributes)).toEqual([
      { name: 'agent_id', value: 'customer-support-001' },
      { name: 'call_sid', value: CALL },
    ]);
    // Twilio signs the handshake over the URL as written, and we can check that signature.
    const signature = signTwilioRequest('auth-token', stream.attributes.url!, {});
    expect(
      verifyWebSocketSignature({ authTokens: ['auth-token'], url: stream.attributes.url!, signature }).valid,
    ).toBe(true);
  });
});
