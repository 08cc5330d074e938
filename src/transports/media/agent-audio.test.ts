import { expect, it } from 'vitest';
import { msOfBase64 } from './agent-audio.js';

it('counts the μ-law in a base64 payload to the byte, padding and all', () => {
  for (const bytes of [160, 161, 162, 1_600, 0])
    expect(msOfBase64(Buffer.alloc(bytes, 0xff).toString('base64'))).toBe(bytes / 8);
});
