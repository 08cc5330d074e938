// The committed μ-law speech under test/fixtures/audio/ (made by scripts/make-audio-fixtures.sh).
import { readFileSync } from 'node:fs';

const DIR = new URL('../fixtures/audio/', import.meta.url);

const { lines } = JSON.parse(readFileSync(new URL('lines.json', DIR), 'utf8')) as {
  lines: Record<string, string>;
};

export type AudioLine =
  'caller-laptop' | 'caller-name' | 'caller-email' | 'caller-bye' | 'agent-greeting' | 'agent-goodbye';

/** What a fixture says, as written in lines.json. */
export function lineText(name: AudioLine): string {
  const text = lines[name];
  if (text === undefined) throw new Error(`no text for audio fixture ${name}`);
  return text;
}

/** A fixture's raw μ-law bytes (8 kHz, mono). */
export function lineAudio(name: AudioLine): Buffer {
  return readFileSync(new URL(`${name}.ulaw`, DIR));
}
