import { describe, expect, it } from 'vitest';
import { csvCell, formatCsv, parseCsv } from './csv.js';

describe('csv', () => {
  it('parses quoted fields, doubled quotes, CRLF and a byte-order mark', () => {
    const text = '\uFEFFnumber,name,note\r\n+14155550123,"Rao, Asha","said ""hi"""\r\n\r\n+12015550123,Bo,\n';
    expect(parseCsv(text)).toEqual([
      ['number', 'name', 'note'],
      ['+14155550123', 'Rao, Asha', 'said "hi"'],
      ['+12015550123', 'Bo', ''],
    ]);
  });

  it('writes cells a spreadsheet will not run as formulas, numbers left alone', () => {
    expect(csvCell('=HYPERLINK("x")')).toBe(`"'=HYPERLINK(""x"")"`);
    expect(csvCell('+14155550123')).toBe('+14155550123');
    expect(csvCell('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(formatCsv(['a', 'b'], [[1, 'x,y']])).toBe('a,b\r\n1,"x,y"\r\n');
  });
});
