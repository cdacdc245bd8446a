/**
 * A small RFC 4180 CSV reader and writer for the user-facing files that are
 * read whole (weekly wide tables, transaction logs, plans). Raw event files go
 * through DuckDB in `src/ingest` instead.
 */
import { ValidationError } from './errors.ts';

/** A parsed CSV: header names and rows of raw strings. Row i of `rows` is data row i + 1. */
export interface CsvTable {
  file: string;
  header: string[];
  rows: string[][];
}

/**
 * Parses CSV text (comma separated, `"` quoting, CRLF or LF). A trailing empty line is ignored.
 * @throws ValidationError on an empty file, an unterminated quote, or a row whose field count differs from the header.
 */
export function parseCsv(text: string, file: string): CsvTable {
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const records: string[][] = [];
  let field = '';
  let record: string[] = [];
  let i = 0;
  const n = text.length;
  let inQuotes = false;
  while (i < n) {
    const ch = text[i];
    if (inQuotes) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i += 2;
          continue;
        }
        inQuotes = false;
        i++;
        continue;
      }
      field += ch;
      i++;
      continue;
    }
    if (ch === '"' && field === '') {
      inQuotes = true;
      i++;
    } else if (ch === ',') {
      record.push(field);
      field = '';
      i++;
    } else if (ch === '\n' || ch === '\r') {
      record.push(field);
      records.push(record);
      record = [];
      field = '';
      i += ch === '\r' && text[i + 1] === '\n' ? 2 : 1;
    } else {
      field += ch;
      i++;
    }
  }
  if (inQuotes) throw new ValidationError('unterminated quoted field', { file, row: Math.max(records.length, 1) - 1 + 1 });
  if (field !== '' || record.length > 0) {
    record.push(field);
    records.push(record);
  }
  while (records.length > 0 && records[records.length - 1].length === 1 && records[records.length - 1][0] === '') records.pop();
  if (records.length === 0) throw new ValidationError('file is empty (no header row)', { file });
  const header = records[0].map((h) => h.trim());
  const rows = records.slice(1);
  for (let r = 0; r < rows.length; r++) {
    if (rows[r].length !== header.length) {
      throw new ValidationError(`expected ${header.length} fields, found ${rows[r].length}`, { file, row: r + 1 });
    }
  }
  return { file, header, rows };
}

/** Index of a column; throws a ValidationError naming the file and the missing column. */
export function requireColumn(table: CsvTable, name: string): number {
  const j = table.header.indexOf(name);
  if (j < 0) {
    throw new ValidationError(`missing column (found: ${table.header.join(', ')})`, { file: table.file, column: name });
  }
  return j;
}

/** Reads a column as finite numbers; empty or non-numeric cells are errors naming row and column. */
export function numericColumn(table: CsvTable, name: string, opts: { nonNegative?: boolean } = {}): Float64Array {
  const j = requireColumn(table, name);
  const out = new Float64Array(table.rows.length);
  for (let r = 0; r < table.rows.length; r++) {
    const raw = table.rows[r][j].trim();
    const v = raw === '' ? NaN : Number(raw);
    if (!Number.isFinite(v)) {
      throw new ValidationError(`not a number: "${raw}"`, { file: table.file, row: r + 1, column: name });
    }
    if (opts.nonNegative && v < 0) {
      throw new ValidationError(`negative value ${raw}`, { file: table.file, row: r + 1, column: name });
    }
    out[r] = v;
  }
  return out;
}

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/**
 * Parses `YYYY-MM-DD` (or `YYYYMMDD`) to days since 1970-01-01 (UTC).
 * @returns NaN when the text is not a real calendar date.
 */
export function parseDateToDay(text: string): number {
  let m = ISO_DATE.exec(text);
  if (!m) {
    const c = /^(\d{4})(\d{2})(\d{2})$/.exec(text);
    if (!c) {
      // Accept an ISO timestamp and keep its date part.
      const t = /^(\d{4})-(\d{2})-(\d{2})[T ]/.exec(text);
      if (!t) return NaN;
      m = t;
    } else m = c;
  }
  const y = Number(m[1]);
  const mo = Number(m[2]);
  const d = Number(m[3]);
  const ms = Date.UTC(y, mo - 1, d);
  const back = new Date(ms);
  if (back.getUTCFullYear() !== y || back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d) return NaN;
  return ms / 86400000;
}

/** Days since epoch to `YYYY-MM-DD`. */
export function dayToIso(day: number): string {
  return new Date(day * 86400000).toISOString().slice(0, 10);
}

/** Reads a date column to days since epoch; unparseable dates are errors naming row and column. */
export function dateColumn(table: CsvTable, name: string): Int32Array {
  const j = requireColumn(table, name);
  const out = new Int32Array(table.rows.length);
  for (let r = 0; r < table.rows.length; r++) {
    const raw = table.rows[r][j].trim();
    const d = parseDateToDay(raw);
    if (Number.isNaN(d)) {
      throw new ValidationError(`unparseable date "${raw}" (expected YYYY-MM-DD)`, { file: table.file, row: r + 1, column: name });
    }
    out[r] = d;
  }
  return out;
}

/** Quotes a CSV field when it needs it. */
export function csvField(v: string | number): string {
  const s = typeof v === 'number' ? formatNumber(v) : v;
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** Shortest round-trip text of a finite number (integers without a decimal point). */
export function formatNumber(v: number): string {
  if (!Number.isFinite(v)) throw new Error(`cannot write non-finite number ${v}`);
  return Object.is(v, -0) ? '0' : String(v);
}

/** Writes a header and rows as CSV text with LF line ends. */
export function toCsv(header: string[], rows: (string | number)[][]): string {
  const lines = [header.map(csvField).join(',')];
  for (const r of rows) lines.push(r.map(csvField).join(','));
  return `${lines.join('\n')}\n`;
}
