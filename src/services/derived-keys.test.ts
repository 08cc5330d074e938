import { hkdfSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { deriveKey, KEY_PURPOSES } from './derived-keys.js';

const SECRET = 'whsec-0123456789abcdef0123456789abcdef';

describe('deriveKey', () => {
  it('gives each purpose its own 32-byte key, none of them the secret', () => {
    const keys = KEY_PURPOSES.map((purpose) => deriveKey(SECRET, purpose).toString('hex'));
    expect(new Set(keys).size).toBe(KEY_PURPOSES.length);
    for (const key of keys) {
      expect(key).toHaveLength(64);
      expect(key).not.toContain(Buffer.from(SECRET).toString('hex'));
    }
  });

  it('is stable for one secret (every instance derives the same key) and changes with the secret', () => {
    expect(deriveKey(SECRET, 'cursor')).toEqual(deriveKey(SECRET, 'cursor'));
    expect(deriveKey(`${SECRET}x`, 'cursor')).not.toEqual(deriveKey(SECRET, 'cursor'));
  });

  it('is RFC 5869 HKDF-SHA256, so another implementation can derive the same key', () => {
    const expected = Buffer.from(hkdfSync('sha256', SECRET, '', 'voice-agent relay-socket v1', 32));
    expect(deriveKey(SECRET, 'relay-socket')).toEqual(expected);
  });
});
