import { describe, expect, it } from 'vitest';
import { callbackPath, callbackUrl } from './callback-url.js';

describe('callbackUrl', () => {
  it('puts the query keys in sorted order, whatever order they are given in', () => {
    expect(callbackUrl('https://voice.example.test', '/twilio/gather', { seq: 3, retry: 1 })).toBe(
      'https://voice.example.test/twilio/gather?retry=1&seq=3',
    );
    expect(callbackPath('/twilio/relay', { t: 'x', reconnect: 0, call_sid: 'CA1' })).toBe(
      '/twilio/relay?call_sid=CA1&reconnect=0&t=x',
    );
  });

  it('sorts by code unit, as Twilio sorts the parameters it signs', () => {
    expect(callbackPath('/p', { b: 1, B: 2, a_b: 3, aa: 4 })).toBe('/p?B=2&a_b=3&aa=4&b=1');
  });

  it('drops a trailing slash of the public URL, undefined values, and an empty query', () => {
    expect(callbackUrl('https://voice.example.test/base/', '/twilio/status')).toBe(
      'https://voice.example.test/base/twilio/status',
    );
    expect(callbackUrl('https://a.example', '/twilio/voice', { transport: undefined })).toBe(
      'https://a.example/twilio/voice',
    );
  });

  it('encodes keys and values', () => {
    expect(callbackPath('/twilio/voice', { agent_id: 'a b&c=d' })).toBe(
      '/twilio/voice?agent_id=a%20b%26c%3Dd',
    );
  });
});
