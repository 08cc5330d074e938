import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { readMediaFrame } from './media-frame.js';
import {
  MEDIA_STREAM_LIMITS,
  decodeMediaStreamJson,
  decodeMediaStreamMessage,
} from './media-stream-codec.js';

const MAX = MEDIA_STREAM_LIMITS.maxInboundPayloadChars;
const STREAM = 'MZ18ad3ab5a668481ce02b83e7395059f0';

/** A `media` message as Twilio writes it: compact, its fields in the documented order. */
function twilioMedia(payload: string, chunk: number, track = 'inbound'): string {
  return JSON.stringify({
    event: 'media',
    sequenceNumber: String(chunk + 1),
    media: { track, chunk: String(chunk), timestamp: String((chunk - 1) * 20), payload },
    streamSid: STREAM,
  });
}

describe('readMediaFrame', () => {
  it('reads what Twilio sends as the full parse does, from strings and from Buffers', () => {
    for (let chunk = 1; chunk <= 300; chunk += 1) {
      // 20 ms of audio, and now and then a frame whose base64 ends in one or two "=".
      const payload = randomBytes(chunk % 3 === 0 ? 160 : 159 + (chunk % 3)).toString('base64');
      const text = twilioMedia(payload, chunk, chunk % 7 === 0 ? 'outbound' : 'inbound');
      for (const raw of [text, Buffer.from(text)]) {
        const fast = readMediaFrame(raw, MAX);
        expect(fast).toBeDefined();
        expect({ ok: true, event: fast }).toEqual(decodeMediaStreamJson(raw));
        expect(decodeMediaStreamMessage(raw)).toEqual(decodeMediaStreamJson(raw));
      }
    }
  });

  const payload = randomBytes(160).toString('base64');
  const documented = JSON.parse(twilioMedia(payload, 5)) as Record<string, unknown> & {
    media: Record<string, unknown>;
  };
  const others: [string, string | Buffer][] = [
    ['spaces between fields', JSON.stringify(documented, null, 1)],
    ['another order of fields', JSON.stringify({ streamSid: STREAM, ...documented })],
    ['numbers as JSON numbers', JSON.stringify({ ...documented, media: { ...documented.media, chunk: 5 } })],
    ['a track Twilio does not send on <Connect>', twilioMedia(payload, 5, 'both_tracks')],
    ['an escaped "/" in the payload', twilioMedia(payload, 5).replaceAll('/', '\\/')],
    ['a payload that is not base64', twilioMedia('not base64!', 5)],
    ['a payload over the limit', twilioMedia('A'.repeat(MAX + 4), 5)],
    ['an empty payload', twilioMedia('', 5)],
    ['a field Twilio may add one day', JSON.stringify({ ...documented, extra: 1 })],
    ['no streamSid', JSON.stringify({ ...documented, streamSid: undefined })],
    ['bytes that are not ASCII', Buffer.from(twilioMedia(payload, 5).replace(STREAM, 'MZé'))],
    ['a mark', JSON.stringify({ event: 'mark', streamSid: STREAM, mark: { name: 'm1' } })],
    ['a truncated frame', twilioMedia(payload, 5).slice(0, -1)],
    ['something short', '{"event":"me'],
  ];

  it.each(others)('leaves %s to the full parse, which decides', (_name, raw) => {
    expect(readMediaFrame(raw, MAX)).toBeUndefined();
    expect(decodeMediaStreamMessage(raw)).toEqual(decodeMediaStreamJson(raw));
  });
});
