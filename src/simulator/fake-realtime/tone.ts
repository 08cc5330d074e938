// Speech-like μ-law audio for offline runs without recorded fixtures: a warbling tone as long as the
// words would take to say (about 70 ms a character), loud enough for the fake's energy VAD.
const BYTES_PER_MS = 8;

// G.711 μ-law from 16-bit linear (ITU-T G.711, with the usual bias and clip).
function linearToMulaw(sample: number): number {
  const sign = sample < 0 ? 0x80 : 0;
  let magnitude = Math.min(Math.abs(sample), 32_635) + 0x84;
  let exponent = 7;
  for (let mask = 0x4000; (magnitude & mask) === 0 && exponent > 0; mask >>= 1) exponent -= 1;
  const mantissa = (magnitude >> (exponent + 3)) & 0x0f;
  magnitude = 0;
  return ~(sign | (exponent << 4) | mantissa) & 0xff;
}

/** μ-law audio standing for `text` said aloud. */
export function toneFor(text: string, msPerChar = 70): Buffer {
  const ms = Math.min(8_000, Math.max(400, text.length * msPerChar));
  const audio = Buffer.alloc(ms * BYTES_PER_MS);
  for (let i = 0; i < audio.length; i += 1) {
    const t = i / 8_000;
    const sample = 6_000 * Math.sin(2 * Math.PI * 220 * t) * (0.6 + 0.4 * Math.sin(2 * Math.PI * 3 * t));
    audio[i] = linearToMulaw(sample);
  }
  return audio;
}
