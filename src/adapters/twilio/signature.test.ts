import { describe, expect, it } from 'vitest';
import twilio from 'twilio';
import {
  publicRequestUrl,
  publicSocketUrl,
  signTwilioRequest,
  verifyTwilioSignature,
  verifyWebSocketSignature,
} from './signature.js';

const token = '12345678901234567890123456789012';
const otherToken = 'abcdefabcdefabcdefabcdefabcdefab';
const publicUrl = 'https://agent.example.com';
const path = '/twilio/gather?seq=3';
const params = {
  CallSid: 'CA0123456789abcdef0123456789abcdef',
  AccountSid: 'AC0123456789abcdef0123456789abcdef',
  From: '+14155550100',
  To: '+14155550199',
  SpeechResult: 'Yes, book it for Tuesday.',
  Confidence: '0.91',
};

function check(overrides: Partial<Parameters<typeof verifyTwilioSignature>[0]> = {}) {
  return verifyTwilioSignature({
    authTokens: [token],
    publicUrl,
    pathAndQuery: path,
    params,
    signature: signTwilioRequest(token, `${publicUrl}${path}`, params),
    ...overrides,
  });
}

describe('signTwilioRequest', () => {
  it("matches Twilio's documented example", () => {
    // The worked example on Twilio's webhook security page (auth token "12345").
    const url = 'https://mycompany.com/myapp.php?foo=1&bar=2';
    const docParams = {
      CallSid: 'CA1234567890ABCDE',
      Caller: '+14158675310',
      Digits: '1234',
      From: '+14158675310',
      To: '+18005551212',
    };
    expect(signTwilioRequest('12345', url, docParams)).toBe('GvWf1cFY/Q7PnoempGyD5oXAezc=');
    expect(twilio.validateRequest('12345', 'GvWf1cFY/Q7PnoempGyD5oXAezc=', url, docParams)).toBe(true);
  });

  it('agrees with the SDK on repeated keys and non-ASCII values', () => {
    const tricky = {
      StatusCallbackEvent: ['ringing', 'answered', 'initiated', 'ringing'],
      SpeechResult: 'मेरा नाम राहुल है 😀',
    };
    const url = 'https://agent.example.com/x';
    expect(signTwilioRequest(token, url, tricky)).toBe(twilio.getExpectedTwilioSignature(token, url, tricky));
  });
});

describe('verifyTwilioSignature', () => {
  it('accepts a valid signature', () => {
    expect(check()).toEqual({ valid: true });
  });

  it('accepts the second token during a rotation', () => {
    const signature = signTwilioRequest(otherToken, `${publicUrl}${path}`, params);
    expect(check({ authTokens: [token, otherToken], signature })).toEqual({ valid: true });
  });

  it('rejects a parameter changed after signing', () => {
    expect(check({ params: { ...params, SpeechResult: 'No.' } })).toEqual({
      valid: false,
      reason: 'mismatch',
    });
  });

  it('rejects an added parameter', () => {
    expect(check({ params: { ...params, Extra: '1' } })).toMatchObject({ valid: false });
  });

  it('rejects a signature made with another token', () => {
    const signature = signTwilioRequest(otherToken, `${publicUrl}${path}`, params);
    expect(check({ signature })).toEqual({ valid: false, reason: 'mismatch' });
  });

  it('rejects a replay to another path or query', () => {
    expect(check({ pathAndQuery: '/twilio/status' })).toMatchObject({ valid: false });
    expect(check({ pathAndQuery: '/twilio/gather?seq=4' })).toMatchObject({ valid: false });
  });

  it('rejects when the public URL differs (the Host header never counts)', () => {
    expect(check({ publicUrl: 'http://agent.example.com' })).toMatchObject({ valid: false });
    expect(check({ publicUrl: 'https://evil.example.com' })).toMatchObject({ valid: false });
  });

  it('reports a missing header and a missing token distinctly', () => {
    expect(check({ signature: undefined })).toEqual({ valid: false, reason: 'missing_signature' });
    expect(check({ signature: '' })).toEqual({ valid: false, reason: 'missing_signature' });
    expect(check({ authTokens: [] })).toEqual({ valid: false, reason: 'no_auth_token' });
    expect(check({ authTokens: [''] })).toEqual({ valid: false, reason: 'no_auth_token' });
  });

  it('accepts non-ASCII values (HMAC over UTF-8)', () => {
    const hindi = { ...params, SpeechResult: 'मेरा नाम राहुल है, ईमेल rahul@example.com 😀', CallerName: 'Zoë' };
    const signature = signTwilioRequest(token, `${publicUrl}${path}`, hindi);
    expect(check({ params: hindi, signature })).toEqual({ valid: true });
  });

  it('accepts repeated keys in any order', () => {
    const repeated = { ...params, StatusCallbackEvent: ['ringing', 'initiated'] };
    const signature = signTwilioRequest(token, `${publicUrl}${path}`, {
      ...params,
      StatusCallbackEvent: ['initiated', 'ringing'],
    });
    expect(check({ params: repeated, signature })).toEqual({ valid: true });
  });

  it('accepts signatures computed with or without :443', () => {
    const withPort = signTwilioRequest(token, `https://agent.example.com:443${path}`, params);
    expect(check({ signature: withPort })).toEqual({ valid: true });
    const withoutPort = signTwilioRequest(token, `${publicUrl}${path}`, params);
    expect(check({ publicUrl: 'https://agent.example.com:443', signature: withoutPort })).toEqual({
      valid: true,
    });
  });

  it('keeps a path prefix in the public URL and ignores trailing slashes', () => {
    const base = 'https://example.com/voice/';
    const signature = signTwilioRequest(token, `https://example.com/voice${path}`, params);
    expect(check({ publicUrl: base, signature })).toEqual({ valid: true });
    expect(publicRequestUrl(base, path)).toBe('https://example.com/voice/twilio/gather?seq=3');
  });
});

describe('verifyWebSocketSignature', () => {
  const url = 'wss://agent.example.com/twilio/relay?agent=a1';

  it('accepts a signature over the exact wss:// URL with no parameters', () => {
    const signature = signTwilioRequest(token, url, {});
    expect(verifyWebSocketSignature({ authTokens: [token], url, signature })).toEqual({ valid: true });
  });

  it('rejects a signature over another URL, another token, or none', () => {
    const otherUrl = signTwilioRequest(token, 'wss://agent.example.com/twilio/relay', {});
    expect(verifyWebSocketSignature({ authTokens: [token], url, signature: otherUrl })).toMatchObject({
      valid: false,
    });
    const otherKey = signTwilioRequest(otherToken, url, {});
    expect(verifyWebSocketSignature({ authTokens: [token], url, signature: otherKey })).toMatchObject({
      valid: false,
    });
    expect(verifyWebSocketSignature({ authTokens: [token], url, signature: undefined })).toEqual({
      valid: false,
      reason: 'missing_signature',
    });
  });

  it('pins the scheme convention: an https:// signature does not pass for the wss:// URL', () => {
    const httpsSignature = signTwilioRequest(token, url.replace('wss://', 'https://'), {});
    expect(verifyWebSocketSignature({ authTokens: [token], url, signature: httpsSignature })).toMatchObject({
      valid: false,
    });
  });

  it('derives the socket URL from the public URL', () => {
    expect(publicSocketUrl('https://a.example.com/', '/twilio/relay')).toBe(
      'wss://a.example.com/twilio/relay',
    );
    expect(publicSocketUrl('http://localhost:3000', '/twilio/relay?x=1')).toBe(
      'ws://localhost:3000/twilio/relay?x=1',
    );
  });
});
