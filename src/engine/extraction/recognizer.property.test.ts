import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DIGIT_WORDS } from './digit-words.js';
import { tableRows, valueOf, type Row } from './extraction.rows.js';
import { recognizerRows } from './recognizer.rows.js';

// What a recognizer may do to any answer (sources in recognizer.rows.ts): capitalize it, end it
// with a full stop or a question mark, put a comma between digit groups ("415, 555, 2671"), group
// ten spelled digits 3-3-4 with commas ("four one five, five five five, …"), write it in another
// case. None of it changes what was said, so none of it may change the value.
interface Transform {
  letterCase: 'as said' | 'lower' | 'upper';
  groupSpelled: boolean;
  digitCommas: boolean;
  capitalize: boolean;
  ending: '' | '.' | '?';
}

const transform: fc.Arbitrary<Transform> = fc.record({
  letterCase: fc.constantFrom('as said', 'lower', 'upper'),
  groupSpelled: fc.boolean(),
  digitCommas: fc.boolean(),
  capitalize: fc.boolean(),
  ending: fc.constantFrom('', '.', '?'),
});

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

/** A name whose value keeps the case it was said in ("McDonald") cannot change case. */
const caseMatters = (row: Row) =>
  row.type === 'name' && typeof row.expected === 'string' && /\p{Ll}\p{Lu}/u.test(row.expected);

// Free text keeps what was said, punctuation included.
const rows = [...tableRows, ...recognizerRows].filter((row) => row.type !== 'text');
const types = [...new Set(rows.map((row) => row.type))];

describe('every table row survives what a recognizer does to it', () => {
  it.each(types)('%s', (type) => {
    for (const row of rows.filter((r) => r.type === type)) {
      const variants = caseMatters(row) ? transform.filter((t) => t.letterCase === 'as said') : transform;
      fc.assert(
        fc.property(variants, (t) => {
          const said = recognized(row.input, t);
          expect(valueOf(row, said), `"${row.input}" heard as "${said}"`).toEqual(row.expected);
        }),
        { numRuns: 12 },
      );
    }
  });

  it('transforms as a recognizer writes', () => {
    const all: Transform = {
      letterCase: 'as said',
      groupSpelled: true,
      digitCommas: true,
      capitalize: true,
      ending: '.',
    };
    expect(recognized('my number is nine eight seven six five four three two one zero', all)).toBe(
      'My number is nine eight seven, six five four, three two one zero.',
    );
    expect(recognized('it is 415 555 2671?', all)).toBe('It is 415, 555, 2671.');
    expect(recognized('yes', { ...all, letterCase: 'upper', ending: '?' })).toBe('YES?');
  });
});
