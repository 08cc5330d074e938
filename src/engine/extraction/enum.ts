import { ENGLISH_DIGIT_WORDS, TEEN_WORDS, TENS_WORDS } from './digit-words.js';
import { phoneticKey } from './phonetic-key.js';
import { fromRecognizer } from './recognizer-text.js';
import { editDistance, hasDevanagari, plainWords } from './text-utils.js';

/** Edits tolerated: 1 for options of up to 5 letters ("card" is not "cash"), 2 up to 10, then a fifth of the length. */
function tolerance(option: string): number {
  if (option.length <= 5) return 1;
  if (option.length <= 10) return 2;
  return Math.floor(option.length / 5);
}

const NUMBER_WORDS: Readonly<Record<string, number>> = {
  ...ENGLISH_DIGIT_WORDS,
  ...TEEN_WORDS,
  ...TENS_WORDS,
};
/** Lower-case words, number words as digits: "Two Bedroom" and "2 bedroom" are one key. */
const words = (s: string) => plainWords(s).map((w) => String(NUMBER_WORDS[w] ?? w));
const key = (s: string) => words(s).join(' ');

// A negation before an option in the same clause rules it out: "not blue, red". Hindi puts it after.
const NEGATION_BEFORE = new Set(['not', 'no', "don't", 'dont', 'never', 'except', 'without']);
const NEGATION_AFTER = new Set(['नहीं', 'नही', 'nahi', 'nahin']);
// Words too common to name an option alone ("the card" is not "credit card").
// prettier-ignore
const GENERIC = new Set([
  'the', 'a', 'an', 'of', 'for', 'and', 'or', 'to', 'my', 'one', 'plan', 'option', 'package', 'service',
  'type', 'account', 'number', 'please',
]);

/** Options said right after a negation ("not blue"), clause by clause. */
function negatedOptions(text: string, options: readonly string[]): Set<string> {
  const negated = new Set<string>();
  for (const clause of text.split(/[.,;!?।]+/)) {
    const said = words(clause);
    for (const option of options) {
      const target = words(option);
      for (let i = 0; i + target.length <= said.length; i += 1) {
        if (!target.every((w, k) => said[i + k] === w)) continue;
        const before = said[i - 1];
        const after = said[i + target.length];
        if ((before && NEGATION_BEFORE.has(before)) || (after && NEGATION_AFTER.has(after)))
          negated.add(option);
      }
    }
  }
  return negated;
}

/** The single option `pick` finds, or null when none or several do. */
function only(options: readonly string[], pick: (option: string) => boolean): string | null {
  const found = options.filter(pick);
  return found.length === 1 ? (found[0] as string) : null;
}

/** A word of a multi-word option said alone, or shortened: "tech support", "debit" for "debit card". */
function partOfOption(said: string[], options: readonly string[]): string | null {
  const multi = options.filter((o) => words(o).length > 1);
  const shortened = only(multi, (option) => {
    const target = words(option);
    for (let i = 0; i + target.length <= said.length; i += 1) {
      const match = target.every((w, k) => {
        const s = said[i + k] as string;
        return s === w || (s.length >= 3 && w.startsWith(s)) || (s.length >= 5 && editDistance(s, w) <= 1);
      });
      if (match) return true;
    }
    return false;
  });
  if (shortened) return shortened;
  const distinctive = said.filter(
    (w) => !GENERIC.has(w) && w.length >= 3 && options.filter((o) => words(o).includes(w)).length === 1,
  );
  const named = new Set(distinctive.flatMap((w) => multi.filter((o) => words(o).includes(w))));
  return named.size === 1 ? (named.values().next().value as string) : null;
}

/** The option within a few edits of some words said ("grean" for "green"), if only one is. */
function closeOption(said: string[], options: readonly string[]): string | null {
  let best: { option: string; distance: number } | null = null;
  let tie = false;
  for (const option of options) {
    const target = key(option);
    const width = target.split(' ').length;
    for (let i = 0; i + width <= said.length; i += 1) {
      const distance = editDistance(said.slice(i, i + width).join(' '), target);
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

/** An English option a Hindi recognizer wrote in Devanagari: "बिलिंग" for "billing". */
function soundsLikeOption(said: string[], options: readonly string[]): string | null {
  const spoken = said.map(phoneticKey);
  return only(options, (option) => {
    const target = words(option).map(phoneticKey);
    if (target.join('').length < 2) return false;
    for (let i = 0; i + target.length <= spoken.length; i += 1) {
      if (target.every((k, j) => spoken[i + j] === k)) return true;
    }
    return false;
  });
}

/**
 * The option `text` names: exact, contained in the text (less any said after "not"), a word or a
 * shortening of a longer option, within a small edit distance, or (Devanagari) by sound; else null.
 */
export function normalizeEnum(text: string, options: readonly string[]): string | null {
  const plain = fromRecognizer(text);
  const said = key(plain);
  if (!said) return null;
  const exact = options.find((o) => key(o) === said);
  if (exact !== undefined) return exact;
  const negated = negatedOptions(plain, options);
  const open = options.filter((o) => !negated.has(o));
  const padded = ` ${said} `;
  const contained = open.filter((o) => key(o) && padded.includes(` ${key(o)} `));
  if (contained.length > 0) {
    // "premium plus" contains "premium": the longest wins only when it covers all the others.
    const longest = contained.reduce((a, b) => (key(b).length > key(a).length ? b : a));
    return contained.every((o) => ` ${key(longest)} `.includes(` ${key(o)} `)) ? longest : null;
  }
  const saidWords = said.split(' ');
  return (
    partOfOption(saidWords, open) ??
    closeOption(saidWords, open) ??
    (hasDevanagari(plain) ? soundsLikeOption(saidWords, open) : null)
  );
}
