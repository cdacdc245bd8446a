/**
 * A user's file as the ingest reads it: a DuckDB view of trimmed varchar
 * columns whose `_row` is the file's data-row number (data rows counted from 1;
 * the header is not a row), and the checks ("source tests", in dbt's words)
 * that run over it before anything is cast. Every check failure is a
 * ValidationError naming the file, the row and the column.
 */
import { stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { ValidationError } from '../core/errors.ts';
import { sqlIdent, sqlString, type Db } from './duckdb.ts';
import { delimiterError, firstLine, readError, refuseRepeatedHeader, refuseUtf16, wrongDelimiter } from './read-error.ts';
import { parseCsv } from '../core/csv.ts';

/** A column a source must (or may) have. */
export interface ColumnSpec {
  name: string;
  required: boolean;
}

/** A source: its table id (`raw_<name>`, `v_<name>`) and its columns. */
export interface SourceSpec {
  name: string;
  required: boolean;
  columns: ColumnSpec[];
}

/** A required column. */
export const req = (name: string): ColumnSpec => ({ name, required: true });
/** An optional column (NULL when the file lacks it). */
export const opt = (name: string): ColumnSpec => ({ name, required: false });

/**
 * A raw file exposed as the view `v_<name>` of trimmed varchar columns.
 * Small files are loaded into a table whose row order is the file's, so `_row`
 * is the data-row number. A streamed file (the large event stream) is read
 * through a view, scanned without being stored; its row numbers are computed
 * only when an error or a duplicate id needs them ({@link numberedRelation}).
 */
export interface RawSource {
  spec: SourceSpec;
  file: string;
  path: string;
  reader: string;
  select: string;
  /** The file's column names, trimmed, in file order. */
  columns: string[];
  streamed: boolean;
}

/**
 * Loads a CSV, CSV.gz or Parquet file as a {@link RawSource}.
 * @throws ValidationError for an empty file, a file DuckDB cannot read (naming the row where it can),
 *   a header separated by something other than commas, or a missing required column
 */
export async function loadRaw(db: Db, spec: SourceSpec, path: string, opts: { stream?: boolean } = {}): Promise<RawSource> {
  const st = await stat(path);
  const file = basename(path);
  if (st.size === 0) throw new ValidationError('file is empty', { file });
  const reader = path.endsWith('.parquet') ? `read_parquet(${sqlString(path)})` : csvReader(path);
  const streamed = opts.stream === true;
  const header = path.endsWith('.parquet') ? null : await firstLine(path);
  if (header) refuseUtf16(header, file);
  try {
    await db.run(`CREATE ${streamed ? 'VIEW' : 'TABLE'} raw_${spec.name} AS SELECT * FROM ${reader}`);
  } catch (e) {
    throw await readError(db, e, file, path);
  }
  const cols = (await db.all<{ column_name: string }>(`SELECT column_name FROM (DESCRIBE raw_${spec.name})`)).map((r) => r.column_name);
  if (header) {
    const names = parseCsv(`${header}\n`, file).header;
    refuseRepeatedHeader(names, file);
    await refuseValuesUnnamed(db, spec.name, cols, names, { file, streamed });
  }
  const trimmed = cols.map((c) => c.trim());
  for (const c of spec.columns) {
    if (c.required && !trimmed.includes(c.name)) {
      const delim = cols.length === 1 ? wrongDelimiter(cols[0]) : null;
      if (delim) throw delimiterError(file, delim);
      throw new ValidationError(`missing column (found: ${trimmed.join(', ')})`, { file, column: c.name });
    }
  }
  // Re-expose the columns as trimmed varchar so checks are uniform for CSV and Parquet.
  const select = spec.columns
    .map((c) => {
      const j = trimmed.indexOf(c.name);
      return j >= 0 ? `trim(CAST(${sqlIdent(cols[j])} AS VARCHAR)) AS ${sqlIdent(c.name)}` : `NULL::VARCHAR AS ${sqlIdent(c.name)}`;
    })
    .join(', ');
  if (streamed) {
    await db.run(`CREATE VIEW v_${spec.name} AS SELECT ${select} FROM raw_${spec.name}`);
  } else {
    const n = await db.all<{ n: number }>(`SELECT count(*)::INTEGER AS n FROM raw_${spec.name}`);
    if (n[0].n === 0) throw new ValidationError('file is empty (a header but no data rows)', { file });
    await db.run(`CREATE VIEW v_${spec.name} AS SELECT rowid + 1 AS _row, ${select} FROM raw_${spec.name}`);
  }
  return { spec, file, path, reader, select, columns: trimmed, streamed };
}

/**
 * A column without a name after the last named one (a spreadsheet's empty trailing column) must stay
 * empty: a value there is most often a row shifted by a separator inside an unquoted value (`22,358`),
 * which would move every later value of the row into the wrong column. An unnamed column before a
 * named one (pandas' index) is an ordinary column that no role reads.
 * @param cols DuckDB's names of the columns, in file order (it names an unnamed one `columnN`); `names`, the header's
 */
async function refuseValuesUnnamed(db: Db, table: string, cols: string[], names: string[], f: { file: string; streamed: boolean }): Promise<void> {
  const { file } = f;
  const lastNamed = names.reduce((last, n, j) => (n.trim() !== '' ? j : last), -1);
  const unnamed = cols.filter((_, j) => j > lastNamed && names[j] !== undefined && names[j].trim() === '');
  if (!unnamed.length) return;
  const filled = unnamed.map((c) => `coalesce(trim(${sqlIdent(c)}), '') <> ''`).join(' OR ');
  // Rows numbered in file order: a table's rowid, or one single-threaded scan of a streamed file.
  const numbered = f.streamed ? `(SELECT row_number() OVER () AS n, * FROM raw_${table})` : `(SELECT rowid + 1 AS n, * FROM raw_${table})`;
  if (f.streamed) await db.run('SET threads = 1');
  let bad: { r: number | null }[];
  try {
    bad = await db.all<{ r: number | null }>(`SELECT min(n)::INTEGER AS r FROM ${numbered} WHERE ${filled}`);
  } finally {
    if (f.streamed) await db.run(`SET threads = ${db.threads}`);
  }
  if (bad[0]?.r != null)
    throw new ValidationError('a value in a column the header does not name: is a separator inside an unquoted value (write "22,358" or 22358)? every later value of the row would move', {
      file,
      row: bad[0].r,
    });
}

/**
 * DuckDB's CSV reader as the ingest uses it: every column as text (types are
 * checked row by row), RFC 4180 quoting, strict about the field count. 4 MB
 * buffers (DuckDB's default is 32 MB per thread): the same speed here, and
 * the largest fixed part of the ingest's memory. `extra` adds options.
 */
export function csvReader(path: string, extra = ''): string {
  return `read_csv(${sqlString(path)}, header = true, all_varchar = true, delim = ',', quote = '"', escape = '"', null_padding = false, strict_mode = true, buffer_size = 4194304${extra ? `, ${extra}` : ''})`;
}

/**
 * The source with data-row numbers `_row`, as a relation. For a streamed file
 * the rows are numbered as one single-threaded scan reads them (so the order is
 * the file's); nothing is stored. Run queries over it with {@link inFileOrder}.
 */
export function numberedRelation(src: RawSource): string {
  return src.streamed ? `(SELECT row_number() OVER () AS _row, ${src.select} FROM ${src.reader})` : `v_${src.spec.name}`;
}

/** Runs `fn` single-threaded when `src` is streamed, so its row numbers follow the file. */
export async function inFileOrder<T>(db: Db, src: RawSource, fn: () => Promise<T>): Promise<T> {
  if (!src.streamed) return fn();
  await db.run('SET threads = 1');
  try {
    return await fn();
  } finally {
    await db.run(`SET threads = ${db.threads}`);
  }
}

/** One row-level check of a source. */
export interface Check {
  column: string;
  /** SQL condition that is true on a bad row (it must not fail on any text: use TRY_CAST). */
  bad: string;
  detail: (value: string) => string;
}

/**
 * Runs several checks in one scan (and, for a streamed source, the empty-file
 * check) and throws a ValidationError for the first failing check (in the
 * order given) at its first row in file order. Returns the row count.
 */
export async function checkAll(db: Db, src: RawSource, checks: Check[]): Promise<number> {
  const flags = checks.map((c, i) => `bool_or(${c.bad}) AS c${i}`).join(', ');
  // A streamed file is read whole for the first time here: a malformed row past DuckDB's sniffing sample fails now.
  let res: Record<string, number | boolean | null>;
  try {
    res = (await db.all<Record<string, number | boolean | null>>(`SELECT count(*)::DOUBLE AS n${flags ? `, ${flags}` : ''} FROM v_${src.spec.name}`))[0];
  } catch (e) {
    throw await readError(db, e, src.file, src.path);
  }
  if (res.n === 0) throw new ValidationError('file is empty (a header but no data rows)', { file: src.file });
  const failing = checks.findIndex((_, i) => res[`c${i}`] === true);
  if (failing < 0) return res.n as number;
  const c = checks[failing];
  const bad = await inFileOrder(db, src, () =>
    db.all<{ _row: number; v: string | null }>(`SELECT _row::INTEGER AS _row, ${sqlIdent(c.column)} AS v FROM ${numberedRelation(src)} WHERE ${c.bad} ORDER BY _row LIMIT 1`),
  );
  throw new ValidationError(c.detail(bad[0]?.v ?? ''), { file: src.file, row: bad[0]?._row, column: c.column });
}

const DATE_RE = `'^\\d{4}-\\d{2}-\\d{2}$'`;
/** SQL: true when `c` is not a `YYYY-MM-DD` calendar date. */
export const isBadDate = (c: string) => `(${c} IS NULL OR NOT regexp_full_match(${c}, ${DATE_RE}) OR TRY_CAST(${c} AS DATE) IS NULL)`;
/** SQL: true when `c` is not an ISO 8601 timestamp (a date alone is one). */
export const isBadTimestamp = (c: string) => `(${c} IS NULL OR ${c} = '' OR NOT regexp_matches(${c}, '^\\d{4}-\\d{2}-\\d{2}') OR TRY_CAST(${c} AS TIMESTAMPTZ) IS NULL)`;
/** SQL: true when `c` is empty, not a number or not finite. */
export const isBadNumber = (c: string) => `(${c} IS NULL OR ${c} = '' OR NOT isfinite(TRY_CAST(${c} AS DOUBLE)) OR TRY_CAST(${c} AS DOUBLE) IS NULL)`;
/** Money beyond this does not fit the exact decimal (18 digits, 6 after the point). */
export const MONEY_MAX = 1e12;
/** SQL: true when the money value `c` is too large for the exact decimal. */
export const isBadMoneyRange = (c: string) => `abs(TRY_CAST(${c} AS DOUBLE)) >= ${MONEY_MAX}`;
/** SQL: money parsed as a double (fast) and kept as an exact decimal with 6 places, so sums are exact. */
export const money = (c: string) => `CAST(CAST(${c} AS DOUBLE) AS DECIMAL(18,6))`;
/** SQL: true when `c` is NULL or the empty string. */
export const isEmpty = (c: string) => `(${c} IS NULL OR ${c} = '')`;
/** SQL regular expression of a channel or control name. */
export const NAME_RE = `'^[A-Za-z][A-Za-z0-9_ .-]{0,62}$'`;
/** SQL: the UTC calendar date of a checked timestamp or date text `c` (NULL when it does not parse). */
export const utcDate = (c: string) => `CAST(TRY_CAST(${c} AS TIMESTAMPTZ) AS DATE)`;
