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

// A negation before an option in the same clause rules it out: "not blue, red". Hindi puts it after.
const NEGATION_BEFORE = new Set(['not', 'no', "don't", 'dont', 'never', 'except', 'without']);
const NEGATION_AFTER = new Set(['नहीं', 'नही', 'nahi', 'nahin']);
// Words too common to name an option alone ("the card" is not "credit card").
// prettier-ignore
const GENERIC = new Set([
  'the', 'a', 'an', 'of', 'for', 'and', 'or', 'to', 'my', 'one', 'plan', 'option', 'package', 'service',
  'type', 'account', 'number', 'please',
]);

/** An option with its words and key, computed once per call. */
interface Target {
  option: string;
  words: string[];
  key: string;
}

/** The index of each place `target` is said in `said`. */
function* placesOf(said: string[], target: string[], same: (s: string, t: string) => boolean) {
  for (let i = 0; i + target.length <= said.length; i += 1) {
    if (target.every((w, k) => same(said[i + k] as string, w))) yield i;
  }
}
const equal = (s: string, t: string) => s === t;

/** Options said right after a negation ("not blue"), clause by clause. */
function negatedOptions(text: string, targets: Target[]): Set<string> {
  const negated = new Set<string>();
  for (const clause of text.split(/[.,;!?।]+/)) {
    const said = words(clause);
    for (const target of targets) {
      for (const i of placesOf(said, target.words, equal)) {
        const before = said[i - 1];
        const after = said[i + target.words.length];
        if ((before && NEGATION_BEFORE.has(before)) || (after && NEGATION_AFTER.has(after)))
          negated.add(target.option);
      }
    }
  }
  return negated;
}

/** The single option `pick` finds, or null when none or several do. */
function only(targets: Target[], pick: (target: Target) => boolean): string | null {
  const found = targets.filter(pick);
  return found.length === 1 ? (found[0] as Target).option : null;
}

/** A shortened word of an option: "tech" for "technical", "suport" for "support". */
const shortFor = (s: string, w: string) =>
  s === w || (s.length >= 3 && w.startsWith(s)) || (s.length >= 5 && editDistance(s, w) <= 1);

/** A word of a multi-word option said alone, or shortened: "tech support", "debit" for "debit card". */
function partOfOption(said: string[], targets: Target[]): string | null {
  const multi = targets.filter((t) => t.words.length > 1);
  const shortened = only(multi, (t) => !placesOf(said, t.words, shortFor).next().done);
  if (shortened) return shortened;
  const named = new Set<string>();
  for (const w of new Set(said)) {
    if (GENERIC.has(w) || w.length < 3) continue;
    const having = targets.filter((t) => t.words.includes(w));
    if (having.length === 1 && (having[0] as Target).words.length > 1)
      named.add((having[0] as Target).option);
  }
  return named.size === 1 ? (named.values().next().value as string) : null;
}

/** The option within a few edits of some words said ("grean" for "green"), if only one is. */
function closeOption(said: string[], targets: Target[]): string | null {
  let best: { option: string; distance: number } | null = null;
  let tie = false;
  for (const { option, key, words: width } of targets) {
    for (let i = 0; i + width.length <= said.length; i += 1) {
      const distance = editDistance(said.slice(i, i + width.length).join(' '), key);
      if (distance > tolerance(key)) continue;
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
function soundsLikeOption(said: string[], targets: Target[]): string | null {
  const spoken = said.map(phoneticKey);
  return only(targets, (t) => {
    const sounds = t.words.map(phoneticKey);
    return sounds.join('').length >= 2 && !placesOf(spoken, sounds, equal).next().done;
  });
}

/**
 * The option `text` names: exact, contained in the text (less any said after "not"), a word or a
 * shortening of a longer option, within a small edit distance, or (Devanagari) by sound; else null.
 */
export function normalizeEnum(text: string, options: readonly string[]): string | null {
  const plain = fromRecognizer(text);
  const saidWords = words(plain);
  const said = saidWords.join(' ');
  if (!said) return null;
  const targets = options.map((option): Target => {
    const optionWords = words(option);
    return { option, words: optionWords, key: optionWords.join(' ') };
  });
  const exact = targets.find((t) => t.key === said);
  if (exact !== undefined) return exact.option;
  const negated = negatedOptions(plain, targets);
  const open = targets.filter((t) => !negated.has(t.option));
  const padded = ` ${said} `;
  const contained = open.filter((t) => t.key && padded.includes(` ${t.key} `));
  if (contained.length > 0) {
    // "premium plus" contains "premium": the longest wins only when it covers all the others.
    const longest = contained.reduce((a, b) => (b.key.length > a.key.length ? b : a));
    return contained.every((t) => ` ${longest.key} `.includes(` ${t.key} `)) ? longest.option : null;
  }
  return (
    partOfOption(saidWords, open) ??
    closeOption(saidWords, open) ??
    (hasDevanagari(plain) ? soundsLikeOption(saidWords, open) : null)
  );
}
