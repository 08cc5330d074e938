import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { AppError } from '../../domain/errors.js';
import {
  MEDIA_STREAM_LIMITS,
  decodeMediaStreamMessage,
  encodeClearMessage,
  encodeMarkMessage,
  encodeMediaMessage,
  isTelephonyAudio,
  mediaStreamOutboundSchema,
} from './media-stream-codec.js';

interface InboundFixture {
  name: string;
  message: Record<string, unknown>;
  expected?: Record<string, unknown>;
  reason?: string;
}
interface JunkFixture {
  name: string;
  raw: string;
  reason: string;
  unknown?: boolean;
}
interface OutboundFixture {
  name: string;
  message: Record<string, unknown>;
  valid: boolean;
}
const fixtures = JSON.parse(
  readFileSync(new URL('./fixtures/media-stream-messages.json', import.meta.url), 'utf8'),
) as { inbound: InboundFixture[]; junk: JunkFixture[]; outbound: OutboundFixture[] };

const STREAM = 'MZ18ad3ab5a668481ce02b83e7395059f0';
// 20 ms of μ-law silence (0xFF), as base64.
const SILENCE = Buffer.alloc(160, 0xff).toString('base64');

describe('decodeMediaStreamMessage', () => {
  it.each(fixtures.inbound.map((fixture) => [fixture.name, fixture] as const))('%s', (_name, fixture) => {
    const result = decodeMediaStreamMessage(JSON.stringify(fixture.message));
    if (fixture.expected) expect(result).toEqual({ ok: true, event: fixture.expected });
    else expect(result).toEqual({ ok: false, reason: fixture.reason });
  });

  it.each(fixtures.junk.map((fixture) => [fixture.name, fixture] as const))(
    'refuses %s with a reason and without throwing',
    (_name, fixture) => {
      expect(decodeMediaStreamMessage(fixture.raw)).toEqual({
        ok: false,
        reason: fixture.reason,
        ...(fixture.unknown ? { unknown: true } : {}),
      });
    },
  );

  it('reads Buffers as Twilio frames arrive from ws', () => {
    const raw = Buffer.from(JSON.stringify({ event: 'media', media: { payload: SILENCE } }));
    expect(decodeMediaStreamMessage(raw)).toEqual({
      ok: true,
      event: { type: 'caller-audio', track: 'inbound', payload: SILENCE },
    });
  });

  it('bounds the frame, the payload, the parameters and the mark name', () => {
    expect(decodeMediaStreamMessage('x'.repeat(MEDIA_STREAM_LIMITS.maxMessageChars + 1))).toEqual({
      ok: false,
      reason: 'message too long',
    });
    const long = 'A'.repeat(MEDIA_STREAM_LIMITS.maxInboundPayloadChars + 4);
    expect(decodeMediaStreamMessage(JSON.stringify({ event: 'media', media: { payload: long } }))).toEqual({
      ok: false,
      reason: 'invalid media: media.payload too long',
    });
    const start = (customParameters: Record<string, string>) =>
      JSON.stringify({
        event: 'start',
        start: {
          streamSid: STREAM,
          accountSid: `AC${'0'.repeat(32)}`,
          callSid: `CA${'0'.repeat(32)}`,
          tracks: ['inbound'],
          mediaFormat: { encoding: 'audio/x-mulaw', sampleRate: 8000, channels: 1 },
          customParameters,
        },
      });
    const many = Object.fromEntries(
      Array.from({ length: MEDIA_STREAM_LIMITS.maxCustomParameters + 1 }, (_, i) => [`p${i}`, 'v']),
    );
    expect(decodeMediaStreamMessage(start(many))).toMatchObject({ ok: false });
    expect(
      decodeMediaStreamMessage(start({ p: 'v'.repeat(MEDIA_STREAM_LIMITS.maxParameterChars + 1) })),
    ).toMatchObject({ ok: false });
    const mark = JSON.stringify({
      event: 'mark',
      mark: { name: 'm'.repeat(MEDIA_STREAM_LIMITS.maxMarkNameChars + 1) },
    });
    expect(decodeMediaStreamMessage(mark)).toMatchObject({ ok: false });
  });

  it('never lets a hostile parameter replace the prototype', () => {
    const raw = `{"event":"start","start":{"streamSid":"${STREAM}","accountSid":"AC1","callSid":"CA1","tracks":["inbound"],"mediaFormat":{"encoding":"audio/x-mulaw","sampleRate":8000,"channels":1},"customParameters":{"__proto__":{"polluted":"yes"},"agent_id":"a"}}}`;
    const result = decodeMediaStreamMessage(raw);
    expect(result.ok).toBe(true);
    const event = result.ok && result.event.type === 'stream-start' ? result.event : undefined;
    expect(event?.customParameters).toEqual({ agent_id: 'a' });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('names fields, never the values, in its reasons', () => {
    const raw = JSON.stringify({
      event: 'start',
      start: { streamSid: STREAM, accountSid: 'AC1', callSid: '+14155550142', tracks: [] },
    });
    const result = decodeMediaStreamMessage(raw);
    expect(result.ok).toBe(false);
    expect(JSON.stringify(result)).not.toContain('4155550142');
  });
});

describe('isTelephonyAudio', () => {
  it('accepts only μ-law at 8 kHz, mono', () => {
    expect(isTelephonyAudio({ encoding: 'audio/x-mulaw', sampleRate: 8000, channels: 1 })).toBe(true);
    expect(isTelephonyAudio({ encoding: 'audio/x-mulaw', sampleRate: 16000, channels: 1 })).toBe(false);
    expect(isTelephonyAudio({ encoding: 'audio/x-alaw', sampleRate: 8000, channels: 1 })).toBe(false);
    expect(isTelephonyAudio({ encoding: 'audio/x-mulaw', sampleRate: 8000, channels: 2 })).toBe(false);
  });
});

describe('encoding our messages', () => {
  it('writes media, mark and clear as Twilio documents them', () => {
    expect(JSON.parse(encodeMediaMessage(STREAM, SILENCE))).toEqual({
      event: 'media',
      streamSid: STREAM,
      media: { payload: SILENCE },
    });
    expect(JSON.parse(encodeMarkMessage(STREAM, 'agent-3'))).toEqual({
      event: 'mark',
      streamSid: STREAM,
      mark: { name: 'agent-3' },
    });
    expect(JSON.parse(encodeClearMessage(STREAM))).toEqual({ event: 'clear', streamSid: STREAM });
    for (const encoded of [
      encodeMediaMessage(STREAM, SILENCE),
      encodeMarkMessage(STREAM, 'a "quoted" name'),
      encodeClearMessage(STREAM),
    ])
      expect(mediaStreamOutboundSchema.safeParse(JSON.parse(encoded)).success).toBe(true);
  });

  it('refuses what Twilio could not read, as our bug', () => {
    const attempts = [
      () => encodeMediaMessage(STREAM, ''),
      () => encodeMediaMessage(STREAM, 'AAAA","x":"'),
      () => encodeMediaMessage(STREAM, 'A'.repeat(MEDIA_STREAM_LIMITS.maxOutboundPayloadChars + 4)),
      () => encodeMediaMessage('MZ"1', SILENCE),
      () => encodeMarkMessage(STREAM, ''),
      () => encodeMarkMessage(STREAM, 'm'.repeat(MEDIA_STREAM_LIMITS.maxMarkNameChars + 1)),
      () => encodeClearMessage(''),
    ];
    for (const attempt of attempts) {
      expect(attempt).toThrow(AppError);
      try {
        attempt();
      } catch (error) {
        expect((error as AppError).code).toBe('internal');
      }
    }
  });

  it.each(fixtures.outbound.map((fixture) => [fixture.name, fixture] as const))(
    "checks %s with the simulator's schema",
    (_name, fixture) => {
      expect(mediaStreamOutboundSchema.safeParse(fixture.message).success).toBe(fixture.valid);
    },
  );
});
