/**
 * A file DuckDB could not read, turned into the input error it is: one line
 * naming the file and, where it can be found, the data row and column.
 */
import { createReadStream } from 'node:fs';
import { isUtf8 } from 'node:buffer';
import { readFile } from 'node:fs/promises';
import { createGunzip } from 'node:zlib';
import { parseCsv, type CsvTable } from '../core/csv.ts';
import { ValidationError } from '../core/errors.ts';
import type { Db } from './duckdb.ts';

/**
 * A DuckDB failure to read a raw file as the input error it is, in one line
 * naming the file and, for CSV, the data row: the file is read again with
 * DuckDB's reject store, which records the first malformed line even where
 * the dialect sniffer gave up (DuckDB counts the header as line 1), e.g.
 * `orders.csv row 9: cannot be read as CSV: expected 5 columns, found 6`.
 * Text that is not UTF-8 is located by {@link firstNonUtf8} (DuckDB's own
 * line number for it is unreliable).
 */
export async function readError(db: Db, e: unknown, file: string, path: string): Promise<Error> {
  const message = (e as Error).message;
  const first = message.split('\n')[0];
  // Anything but a failure to read the input (e.g. running out of memory) stays what it is.
  if (!/^(Invalid Input Error|IO Error|Conversion Error|Invalid Error)/.test(first)) return e as Error;
  if (path.endsWith('.parquet')) return new ValidationError(`cannot be read as Parquet: ${first}`, { file });
  // Bytes that are not UTF-8 (Latin-1 text, or no text at all: an image, a spreadsheet) fail DuckDB's reader or its
  // sniffer; only then is the file scanned (a large file failing for another reason is not read twice). A file the
  // scan cannot read either (a truncated .gz) falls through to the CSV error below.
  if (/Invalid unicode|not utf-8 encoded|sniffing/i.test(message)) {
    const at = await firstNonUtf8(path).catch(() => null);
    if (at) return utf8Error(file, at);
    if (!/sniffing/i.test(message)) return new ValidationError('not UTF-8 text; save the file as UTF-8', { file });
  }
  const delim = wrongDelimiter(await firstLine(path));
  if (delim) return delimiterError(file, delim);
  const table = 'csv_rejects'; // one per database: the first read error ends the ingest
  try {
    await db.run(
      `SELECT count(*) FROM read_csv('${path.replace(/'/g, "''")}', header = true, all_varchar = true, delim = ',', quote = '"', escape = '"', null_padding = false, strict_mode = true, buffer_size = 4194304, store_rejects = true, rejects_table = '${table}', rejects_scan = '${table}_scan')`,
    );
    const bad = await db.all<{ line: number; message: string }>(`SELECT line::DOUBLE AS line, error_message AS message FROM ${table} ORDER BY line LIMIT 1`);
    if (bad.length) {
      const cols = /^Expected Number of Columns: (\d+) Found: (\d+)/.exec(bad[0].message);
      const reason = cols ? `expected ${cols[1]} columns, found ${cols[2]}` : bad[0].message.split('\n')[0];
      return new ValidationError(`cannot be read as CSV: ${reason}`, { file, row: bad[0].line - 1 });
    }
  } catch {
    // Not even readable with rejects stored: report DuckDB's own first line.
  }
  return new ValidationError(`cannot be read as CSV: ${first}`, { file });
}

/** The error for the first byte of a file that is not UTF-8 ({@link firstNonUtf8}). */
function utf8Error(file: string, at: Utf8Fault): ValidationError {
  const byte = at.byte.toString(16).toUpperCase().padStart(2, '0');
  return new ValidationError(`not UTF-8 text (byte 0x${byte}); save the file as UTF-8`, { file, row: at.row > 0 ? at.row : undefined, column: at.column });
}

/** UTF-16 (Excel's "Unicode text") puts a zero byte beside every ASCII character of the header. */
export function refuseUtf16(header: string, file: string): void {
  if (header.includes('\u0000')) throw new ValidationError('UTF-16 text, not UTF-8; save the file as UTF-8 CSV', { file });
}

/**
 * A CSV header that names a column twice is an error: a reader would take
 * one of the two silently. Columns without a name (a spreadsheet's empty
 * trailing columns) are never read, so several of them are no error.
 */
export function refuseRepeatedHeader(names: string[], file: string): void {
  const twice = names.find((c, i) => c.trim() !== '' && names.indexOf(c) !== i);
  if (twice !== undefined) throw new ValidationError('the header names this column twice', { file, column: twice });
}

/**
 * Reads a CSV file a user gave (a weekly table, lift studies, a plan) as the
 * ingest would refuse it: empty, UTF-16, not UTF-8 (naming the row and
 * column), separated by something other than commas, or a header naming a
 * column twice; then parsed by {@link parseCsv} (ragged rows, quoting).
 */
export async function readUserCsv(path: string): Promise<CsvTable> {
  const bytes = await readFile(path);
  if (bytes.length === 0) throw new ValidationError('file is empty', { file: path });
  const text = bytes.toString('utf8');
  const header = text.split(/\r?\n/, 1)[0];
  refuseUtf16(header, path);
  // The file is read again only to locate a byte that is not UTF-8.
  if (!isUtf8(bytes)) {
    const at = await firstNonUtf8(path);
    throw at ? utf8Error(path, at) : new ValidationError('not UTF-8 text; save the file as UTF-8', { file: path });
  }
  const delim = wrongDelimiter(header);
  if (delim) throw delimiterError(path, delim);
  const table = parseCsv(text, path);
  refuseRepeatedHeader(table.header, path);
  return table;
}

/** The error for a CSV written with another separator (`delim` as {@link wrongDelimiter} names it). */
export function delimiterError(file: string, delim: string): ValidationError {
  return new ValidationError(`columns are separated by ${delim}, not commas; save the file as comma-separated CSV`, { file });
}

/** The first line of a CSV or CSV.gz file (at most 64 KiB of it; '' when it cannot be read). */
export async function firstLine(path: string): Promise<string> {
  const stream = path.endsWith('.gz') ? createReadStream(path).pipe(createGunzip()) : createReadStream(path, { end: 65535 });
  let text = '';
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      text += chunk.toString('utf8');
      if (text.includes('\n') || text.length > 65536) break;
    }
  } catch {
    return '';
  } finally {
    (stream as NodeJS.ReadableStream & { destroy?: () => void }).destroy?.();
  }
  return text.split(/\r?\n/, 1)[0];
}

/**
 * The separator a CSV header without a comma was really written with, quoted for
 * a message (`";"`, `tabs`, `"|"`), or null when it holds none of them.
 * @example wrongDelimiter('date;channel;spend'); // => '";"'
 */
export function wrongDelimiter(header: string): string | null {
  if (header.includes(',')) return null;
  if (header.includes(';')) return '";"';
  if (header.includes('\t')) return 'tabs';
  if (header.includes('|')) return '"|"';
  return null;
}

/** Where the first byte that is not valid UTF-8 is: data row (0 = the header line), column name, the byte. */
export interface Utf8Fault {
  row: number;
  column?: string;
  byte: number;
}

/**
 * Scans a CSV (or CSV.gz) file for its first byte that is not valid UTF-8
 * (RFC 3629: no overlong forms, no surrogates, nothing above U+10FFFF) and
 * returns its physical line (0 = header) and the header name of its field
 * (fields counted by commas; a quoted field holding a newline or comma shifts
 * the count). Returns null when the whole file is valid.
 */
export async function firstNonUtf8(path: string): Promise<Utf8Fault | null> {
  const stream = path.endsWith('.gz') ? createReadStream(path).pipe(createGunzip()) : createReadStream(path);
  const v = new Utf8Validator();
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      const fault = v.push(chunk);
      if (fault) return fault;
    }
  } finally {
    (stream as NodeJS.ReadableStream & { destroy?: () => void }).destroy?.();
  }
  return null;
}

/** Incremental UTF-8 validator that tracks lines and comma-separated fields. */
class Utf8Validator {
  private need = 0;
  private lead = 0;
  private lo = 0x80;
  private hi = 0xbf;
  private line = 0;
  private field = 0;
  private header: number[] = [];

  push(chunk: Buffer): Utf8Fault | null {
    for (let i = 0; i < chunk.length; i++) {
      const b = chunk[i];
      if (this.need > 0) {
        if (b < this.lo || b > this.hi) return this.fault(this.lead);
        this.need--;
        this.lo = 0x80;
        this.hi = 0xbf;
        continue;
      }
      if (b < 0x80) {
        if (this.line === 0 && this.header.length < 65536) this.header.push(b);
        if (b === 0x0a) {
          this.line++;
          this.field = 0;
        } else if (b === 0x2c) this.field++;
        continue;
      }
      if (this.line === 0 && this.header.length < 65536) this.header.push(b);
      this.lead = b;
      if (b >= 0xc2 && b <= 0xdf) this.need = 1;
      else if (b >= 0xe0 && b <= 0xef) {
        this.need = 2;
        if (b === 0xe0) this.lo = 0xa0; // no overlong three-byte forms
        if (b === 0xed) this.hi = 0x9f; // no surrogates
      } else if (b >= 0xf0 && b <= 0xf4) {
        this.need = 3;
        if (b === 0xf0) this.lo = 0x90; // no overlong four-byte forms
        if (b === 0xf4) this.hi = 0x8f; // nothing above U+10FFFF
      } else return this.fault(b);
    }
    return null;
  }

  private fault(byte: number): Utf8Fault {
    const names =
      this.line > 0
        ? Buffer.from(this.header)
            .toString('utf8')
            .replace(/\r?\n$/, '')
            .split(',')
        : [];
    const column = names[this.field]?.trim().replace(/^"|"$/g, '');
    return { row: this.line, column: column || undefined, byte };
  }
}
