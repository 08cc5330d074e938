import { describe, expect, it } from 'vitest';
import { tableRows, valueOf } from './extraction.rows.js';
import { recognizerRows } from './recognizer.rows.js';

describe('normalizeValue table', () => {
  it('has at least 150 rows in our spelling and 300 as recognizers write them', () => {
    expect(tableRows.length).toBeGreaterThanOrEqual(150);
    expect(recognizerRows.length).toBeGreaterThanOrEqual(300);
  });

  it.each(tableRows)('$type: "$input" -> $expected', (row) => {
    expect(valueOf(row)).toEqual(row.expected);
  });

  it.each(recognizerRows)('recognizer $type: "$input" -> $expected', (row) => {
    expect(valueOf(row)).toEqual(row.expected);
  });
});
