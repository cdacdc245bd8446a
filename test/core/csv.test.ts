import { describe, expect, it } from 'vitest';
import { dateColumn, numericColumn, parseCsv, parseDateToDay, toCsv } from '../../src/core/csv.ts';

describe('CSV', () => {
  it('parses quotes, escaped quotes, CRLF and a trailing newline, and round-trips through toCsv', () => {
    const t = parseCsv('a,b\r\n"x, y","say ""hi"""\r\n1,2\r\n', 'f.csv');
    expect(t.header).toEqual(['a', 'b']);
    expect(t.rows).toEqual([
      ['x, y', 'say "hi"'],
      ['1', '2'],
    ]);
    expect(parseCsv(toCsv(t.header, t.rows), 'g.csv').rows).toEqual(t.rows);
  });

  it('names file, row and column for bad cells', () => {
    const t = parseCsv('date,v\n2024-01-01,1\n2024-02-30,x\n', 'w.csv');
    expect(() => numericColumn(t, 'v')).toThrow('w.csv row 2 column "v": not a number: "x"');
    expect(() => dateColumn(t, 'date')).toThrow('w.csv row 2 column "date": unparseable date "2024-02-30" (expected YYYY-MM-DD)');
    expect(() => numericColumn(t, 'w')).toThrow('w.csv column "w": missing column (found: date, v)');
    expect(() => parseCsv('', 'e.csv')).toThrow('e.csv: file is empty (no header row)');
    expect(() => parseCsv('a,b\n1\n', 'r.csv')).toThrow('r.csv row 1: expected 2 fields, found 1');
  });

  it('parses calendar dates to UTC day numbers', () => {
    expect(parseDateToDay('1970-01-02')).toBe(1);
    expect(parseDateToDay('19970930')).toBe(parseDateToDay('1997-09-30'));
    expect(parseDateToDay('2024-01-03T10:11:12Z')).toBe(parseDateToDay('2024-01-03'));
    expect(parseDateToDay('2023-02-29')).toBeNaN();
  });
});
