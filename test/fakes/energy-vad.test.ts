import { describe, expect, it } from 'vitest';
import { lineAudio, type AudioLine } from '../support/audio-fixtures.js';
import { EnergyVad } from '../../src/simulator/fake-realtime/energy-vad.js';

const SILENCE = Buffer.alloc(160 * 40, 0xff); // 800 ms

describe('EnergyVad over the committed speech fixtures', () => {
  it.each<AudioLine>(['caller-laptop', 'caller-name', 'caller-email', 'caller-bye', 'agent-greeting'])(
    'hears %s as one utterance',
    (line) => {
      const vad = new EnergyVad({ silenceMs: 600 });
      const events = [...vad.push(SILENCE), ...vad.push(lineAudio(line)), ...vad.push(SILENCE)];
      expect(events.map((event) => event.type)).toEqual(['start', 'stop']);
      const [start, stop] = events;
      expect(start!.atMs).toBeLessThan(800);
      expect(stop!.atMs).toBeGreaterThan(800 + lineAudio(line).length / 8);
    },
  );

  it('hears nothing in silence, whatever the chunk sizes', () => {
    const vad = new EnergyVad();
    for (let i = 0; i < 100; i += 1) expect(vad.push(Buffer.alloc(37, 0xff))).toEqual([]);
    expect(vad.positionMs).toBe(460);
  });
});
