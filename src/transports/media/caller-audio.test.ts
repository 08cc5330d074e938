import { describe, expect, it } from 'vitest';
import { CallerAudio, CHUNK_MS } from './caller-audio.js';

// 20 ms of μ-law as Twilio sends it: 160 bytes, 216 base64 characters ending in "==".
const frame = (fill: number) => Buffer.alloc(160, fill).toString('base64');

describe('CallerAudio', () => {
  it('sends two 20 ms frames as one 40 ms chunk, bytes in order', () => {
    const audio = new CallerAudio();
    expect(CHUNK_MS).toBe(40);
    expect(frame(1).endsWith('==')).toBe(true);
    expect(audio.push(frame(1))).toBeUndefined();
    const chunk = audio.push(frame(2));
    const bytes = Buffer.from(chunk!, 'base64');
    expect(bytes).toEqual(Buffer.concat([Buffer.alloc(160, 1), Buffer.alloc(160, 2)]));
    expect(audio.push(frame(3))).toBeUndefined();
  });

  it('flushes what it holds, once', () => {
    const audio = new CallerAudio();
    audio.push(frame(7));
    expect(Buffer.from(audio.flush()!, 'base64')).toEqual(Buffer.alloc(160, 7));
    expect(audio.flush()).toBeUndefined();
  });

  it('drops what it holds on reset', () => {
    const audio = new CallerAudio();
    audio.push(frame(7));
    audio.reset();
    expect(audio.flush()).toBeUndefined();
    expect(audio.push(frame(8))).toBeUndefined();
    expect(Buffer.from(audio.push(frame(9))!, 'base64')).toEqual(
      Buffer.concat([Buffer.alloc(160, 8), Buffer.alloc(160, 9)]),
    );
  });

  it('sends a payload larger than its room after what it holds, as one chunk in order', () => {
    const audio = new CallerAudio();
    audio.push(frame(1));
    const big = Buffer.alloc(4_000, 5);
    const chunk = audio.push(big.toString('base64'));
    expect(Buffer.from(chunk!, 'base64')).toEqual(Buffer.concat([Buffer.alloc(160, 1), big]));
    expect(audio.flush()).toBeUndefined();
  });

  it('takes frames of other sizes and unpadded payloads', () => {
    const audio = new CallerAudio();
    const odd = Buffer.alloc(240, 3); // 30 ms, a multiple of 3 bytes: no padding
    expect(odd.toString('base64').endsWith('=')).toBe(false);
    expect(audio.push(odd.toString('base64'))).toBeUndefined();
    const chunk = audio.push(odd.toString('base64'));
    expect(Buffer.from(chunk!, 'base64')).toEqual(Buffer.concat([odd, odd]));
  });
});
