// Test data: what a speech recognizer may do to an answer, for the property test and the benchmark.
import { DIGIT_WORDS } from './digit-words.js';
import type { Row } from './extraction.rows.js';

// What a recognizer may do to any answer (sources in recognizer.rows.ts): capitalize it, end it
// with a full stop or a question mark, put a comma between digit groups ("415, 555, 2671"), group
// ten spelled digits 3-3-4 with commas ("four one five, five five five, …"), write it in another
// case. None of it changes what was said, so none of it may change the value.
export interface Transform {
  letterCase: 'as said' | 'lower' | 'upper';
  groupSpelled: boolean;
  digitCommas: boolean;
  capitalize: boolean;
  ending: '' | '.' | '?';
}

const CASES: Transform['letterCase'][] = ['as said', 'lower', 'upper'];
const ENDINGS: Transform['ending'][] = ['', '.', '?'];
const BOTH = [false, true];

/** Every combination: 3 cases × spelled grouping × digit commas × capital × 3 endings = 72. */
export const RECOGNIZER_TRANSFORMS: Transform[] = CASES.flatMap((letterCase) =>
  BOTH.flatMap((groupSpelled) =>
    BOTH.flatMap((digitCommas) =>
      BOTH.flatMap((capitalize) =>
        ENDINGS.map((ending) => ({ letterCase, groupSpelled, digitCommas, capitalize, ending })),
      ),
    ),
  ),
);

const isDigitWord = (word: string) => word.toLowerCase() in DIGIT_WORDS;

/** "four one five five five five two six seven one" -> "four one five, five five five, two six seven one". */
function groupSpelledDigits(text: string): string {
  const words = text.split(' ');
  for (let start = 0; start + 10 <= words.length; start += 1) {
    const run = words.slice(start, start + 10);
    const bounded = !isDigitWord(words[start - 1] ?? '') && !isDigitWord(words[start + 10] ?? '');
    if (bounded && run.every(isDigitWord)) {
      words[start + 2] += ',';
      words[start + 5] += ',';
    }
  }
  return words.join(' ');
}

export function recognized(input: string, t: Transform): string {
  let said =
    t.letterCase === 'lower' ? input.toLowerCase() : t.letterCase === 'upper' ? input.toUpperCase() : input;
  if (t.groupSpelled) said = groupSpelledDigits(said);
  if (t.digitCommas) said = said.replace(/(\d) (?=\d)/g, '$1, ');
  if (t.capitalize) said = said.charAt(0).toUpperCase() + said.slice(1);
  if (t.ending) said = said.trimEnd().replace(/[.?!।]+$/, '') + t.ending;
  return said;
}

/**
 * The transforms that must leave `row`'s value as it is: none for free text, which keeps what was
 * said, punctuation included; no change of case for a name kept as written ("McDonald").
 */
export function transformsFor(row: Row): Transform[] {
  if (row.type === 'text') return [];
  const keepsCase =
    row.type === 'name' && typeof row.expected === 'string' && /\p{Ll}\p{Lu}/u.test(row.expected);
  return keepsCase ? RECOGNIZER_TRANSFORMS.filter((t) => t.letterCase === 'as said') : RECOGNIZER_TRANSFORMS;
}
