import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { tableRows, valueOf } from './extraction.rows.js';
import { recognizerRows } from './recognizer.rows.js';
import { recognized, transformsFor, type Transform } from './recognizer.variants.js';

const rows = [...tableRows, ...recognizerRows].filter((row) => transformsFor(row).length > 0);
const types = [...new Set(rows.map((row) => row.type))];

// Every row of the tables, in variants drawn from the 72 ways a recognizer may write it
// (recognizer.variants.ts); `npm run bench -- extraction` runs all 72.
describe('every table row survives what a recognizer does to it', () => {
  it.each(types)('%s', (type) => {
    for (const row of rows.filter((r) => r.type === type)) {
      fc.assert(
        fc.property(fc.constantFrom(...transformsFor(row)), (t) => {
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
