import { describe, expect, it } from 'vitest';
import { mediaOriginsFor, originAllowed, TWILIO_MEDIA_ORIGINS } from './media-origin.js';

const TWILIO = [...TWILIO_MEDIA_ORIGINS];

describe('originAllowed', () => {
  it.each([
    ['https://api.twilio.com', true],
    ['https://api.dublin.ie1.twilio.com', true],
    ['https://api.sydney.au1.twilio.com', true],
    ['https://api.ie1.twilio.com', true],
    ['http://api.dublin.ie1.twilio.com', false],
    ['https://api.twilio.com.evil.example', false],
    ['https://api.evil.example', false],
    ['https://evil.example/api.x.twilio.com', false],
    ['https://api.x.twilio.com:8443', false],
    ['https://apix.twilio.com', false],
  ])('%s -> %s', (url, expected) => {
    expect(originAllowed(TWILIO, new URL(url).origin)).toBe(expected);
  });

  it('matches an exact entry by origin', () => {
    expect(originAllowed(['http://127.0.0.1:4010/any/path'], 'http://127.0.0.1:4010')).toBe(true);
    expect(originAllowed(['http://127.0.0.1:4010'], 'http://127.0.0.1:4011')).toBe(false);
  });
});

describe('mediaOriginsFor', () => {
  it("is Twilio's hosts, plus TWILIO_API_URL's origin when set", () => {
    expect(mediaOriginsFor(undefined)).toEqual(['https://api.twilio.com', 'https://api.*.twilio.com']);
    const local = mediaOriginsFor('http://127.0.0.1:4010/base');
    expect(originAllowed(local, 'http://127.0.0.1:4010')).toBe(true);
    expect(originAllowed(local, 'http://127.0.0.1:4011')).toBe(false);
    expect(originAllowed(mediaOriginsFor(undefined), 'http://127.0.0.1:4010')).toBe(false);
  });
});
