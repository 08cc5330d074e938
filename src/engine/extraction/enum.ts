import { editDistance, plainWords } from './text-utils.js';

/** Edits tolerated: 1 for options of up to 3 letters, 2 up to 10, then a fifth of the length. */
function tolerance(option: string): number {
  if (option.length <= 3) return 1;
  if (option.length <= 10) return 2;
  return Math.floor(option.length / 5);
}

const key = (s: string) => plainWords(s).join(' ');

/** The option `text` names: exact, contained in the text, or within a small edit distance; else null. */
export function normalizeEnum(text: string, options: readonly string[]): string | null {
  const said = key(text);
  if (!said) return null;
  const exact = options.find((o) => key(o) === said);
  if (exact !== undefined) return exact;
  const padded = ` ${said} `;
  const contained = options.filter((o) => key(o) && padded.includes(` ${key(o)} `));
  if (contained.length > 0) {
    // "premium plus" contains "premium": the longest wins only when it covers all the others.
    const longest = contained.reduce((a, b) => (key(b).length > key(a).length ? b : a));
    return contained.every((o) => ` ${key(longest)} `.includes(` ${key(o)} `)) ? longest : null;
  }
  const words = said.split(' ');
  let best: { option: string; distance: number } | null = null;
  let tie = false;
  for (const option of options) {
    const target = key(option);
    const width = target.split(' ').length;
    for (let i = 0; i + width <= words.length; i += 1) {
      const distance = editDistance(words.slice(i, i + width).join(' '), target);
      if (distance > tolerance(target)) continue;
      if (!best || distance < best.distance) {
        best = { option, distance };
        tie = false;
      } else if (distance === best.distance && best.option !== option) {
        tie = true;
      }
    }
  }
  return best && !tie ? best.option : null;
}
