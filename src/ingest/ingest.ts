/**
 * `mmm ingest`: raw exports -> staging (rename, cast, dedupe on ids) -> the
 * weekly star schema of ARCHITECTURE.md, written as Parquet by DuckDB.
 *
 * Every check runs in SQL over a varchar staging table whose `rowid` is the
 * file's data-row order, so a bad value is reported with its file, row (data
 * rows counted from 1; the header is not a row) and column. Nothing downstream
 * runs on bad data: the artifact folder appears only when every table is written.
 */
import { existsSync } from 'node:fs';
import { mkdir, rm, stat } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { ValidationError, UsageError } from '../core/errors.ts';
import { recordInputs, writeArtifact, type BuildResult, type Manifest } from '../core/artifacts.ts';
import { openDb, sqlIdent, sqlString, type Db } from './duckdb.ts';

export const INGEST_VERSION = 'ingest@2';

/** The star-schema tables the ingest writes (each `<name>.parquet`), with their grain. */
export const STAR_TABLES = {
  dim_channel: 'channel',
  dim_week: 'ISO week (Monday start)',
  fct_spend_weekly: 'week x channel',
  fct_revenue_weekly: 'week',
  fct_controls_weekly: 'week',
  fct_transactions: 'order',
  mmm_input: 'week',
} as const;

interface ColumnSpec {
  name: string;
  required: boolean;
}
interface SourceSpec {
  name: 'spend' | 'events' | 'orders' | 'controls' | 'holidays' | 'channels';
  required: boolean;
  columns: ColumnSpec[];
}

const req = (name: string): ColumnSpec => ({ name, required: true });
const opt = (name: string): ColumnSpec => ({ name, required: false });

/** The raw-input format (README: "Bring your own data"). */
export const RAW_SOURCES: SourceSpec[] = [
  { name: 'spend', required: true, columns: [req('date'), req('channel'), opt('campaign'), req('spend'), opt('impressions'), opt('clicks')] },
  { name: 'events', required: false, columns: [req('event_id'), req('timestamp'), req('customer_id'), req('channel'), req('type')] },
  { name: 'orders', required: true, columns: [req('order_id'), req('customer_id'), req('timestamp'), req('amount'), req('currency')] },
  { name: 'controls', required: false, columns: [req('date'), req('name'), req('value')] },
  { name: 'holidays', required: false, columns: [req('date'), req('name')] },
  { name: 'channels', required: false, columns: [req('channel'), req('kind'), opt('group')] },
];

const EXTENSIONS = ['.csv', '.csv.gz', '.parquet'];

/** Finds `<dir>/<name>.csv|.csv.gz|.parquet`; two of them at once is ambiguous and an error. */
export function findRawFile(dir: string, name: string): string | null {
  const found = EXTENSIONS.map((e) => join(dir, name + e)).filter((p) => existsSync(p));
  if (found.length > 1) throw new ValidationError(`more than one file for "${name}": ${found.map((f) => basename(f)).join(', ')}`, { file: dir });
  return found[0] ?? null;
}

export interface IngestOptions {
  raw: string;
  out: string;
  threads?: number;
  memoryLimit?: string;
  runId?: string;
}

export interface IngestResult {
  dir: string;
  manifest: Manifest;
  skipped: boolean;
}

/** The raw files present in a folder, by source name; a required file that is missing is an error. */
export function rawInputFiles(raw: string): RawFiles {
  if (!existsSync(raw)) throw new UsageError(`raw input folder not found: ${raw}`);
  const files: RawFiles = {};
  for (const src of RAW_SOURCES) {
    const f = findRawFile(raw, src.name);
    if (f) files[src.name] = f;
    else if (src.required) throw new ValidationError(`required file missing (expected ${src.name}.csv, ${src.name}.csv.gz or ${src.name}.parquet)`, { file: join(raw, src.name + '.csv') });
  }
  return files;
}

export type RawFiles = Partial<Record<SourceSpec['name'], string>>;

/** Runs the ingest from `opts.raw` into the artifact folder `opts.out` (the `mmm ingest` command). */
export async function ingest(opts: IngestOptions): Promise<IngestResult> {
  const files = rawInputFiles(opts.raw);
  const inputs = await recordInputs(Object.values(files).map((p) => ({ path: p, label: basename(p) })));
  const { manifest, skipped } = await writeArtifact({
    dir: opts.out,
    stage: 'ingest',
    codeVersion: INGEST_VERSION,
    params: {},
    inputs,
    runId: opts.runId,
    build: (tmp) => buildIngest(files, tmp, opts),
  });
  return { dir: opts.out, manifest, skipped };
}

/** Builds the star schema from raw files into `dir` (a temporary artifact folder). */
export async function buildIngest(files: RawFiles, dir: string, opts: { threads?: number; memoryLimit?: string } = {}): Promise<BuildResult> {
  const db = await openDb(join(dirname(resolve(dir)), `.${basename(dir)}.duckdb`), { threads: opts.threads, memoryLimit: opts.memoryLimit });
  try {
    return await buildStarSchema(db, files, dir);
  } finally {
    await db.close();
  }
}

/**
 * A raw file exposed as the view `v_<name>` of trimmed varchar columns.
 * Small files are loaded into a table whose row order is the file's, so `_row`
 * is the data-row number. A streamed file (the large event stream) is read
 * through a view, scanned without being stored; its row numbers are computed
 * only when an error or a duplicate id needs them ({@link numberedRelation}).
 */
interface RawSource {
  spec: SourceSpec;
  file: string;
  path: string;
  reader: string;
  select: string;
  columns: string[];
  streamed: boolean;
}

async function loadRaw(db: Db, spec: SourceSpec, path: string, opts: { stream?: boolean } = {}): Promise<RawSource> {
  const st = await stat(path);
  const file = basename(path);
  if (st.size === 0) throw new ValidationError('file is empty', { file });
  const reader = path.endsWith('.parquet') ? `read_parquet(${sqlString(path)})` : csvReader(path);
  const streamed = opts.stream === true;
  try {
    await db.run(`CREATE ${streamed ? 'VIEW' : 'TABLE'} raw_${spec.name} AS SELECT * FROM ${reader}`);
  } catch (e) {
    throw await readError(db, e, file, path);
  }
  const cols = (await db.all<{ column_name: string }>(`SELECT column_name FROM (DESCRIBE raw_${spec.name})`)).map((r) => r.column_name);
  const trimmed = cols.map((c) => c.trim());
  for (const c of spec.columns) {
    if (c.required && !trimmed.includes(c.name)) {
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
 * DuckDB's CSV reader as the ingest uses it: every column as text (types are
 * checked row by row), RFC 4180 quoting, strict about the field count. 4 MB
 * buffers (DuckDB's default is 32 MB per thread): the same speed here, and
 * the largest fixed part of the ingest's memory. `extra` adds options.
 */
function csvReader(path: string, extra = ''): string {
  return `read_csv(${sqlString(path)}, header = true, all_varchar = true, delim = ',', quote = '"', escape = '"', null_padding = false, strict_mode = true, buffer_size = 4194304${extra ? ', ' + extra : ''})`;
}

/**
 * A DuckDB failure to read a raw file as the input error it is, in one line
 * naming the file and, for CSV, the data row: the file is read again with
 * DuckDB's reject store, which records the first malformed line even where
 * the dialect sniffer gave up (DuckDB counts the header as line 1), e.g.
 * `orders.csv row 9: cannot be read as CSV: expected 5 columns, found 6`.
 */
async function readError(db: Db, e: unknown, file: string, path: string): Promise<Error> {
  const first = (e as Error).message.split('\n')[0];
  // Anything but a failure to read the input (e.g. running out of memory) stays what it is.
  if (!/^(Invalid Input Error|IO Error|Conversion Error|Invalid Error)/.test(first)) return e as Error;
  if (path.endsWith('.parquet')) return new ValidationError(`cannot be read as Parquet: ${first}`, { file });
  const table = 'csv_rejects'; // one per database: the first read error ends the ingest
  try {
    await db.run(`SELECT count(*) FROM ${csvReader(path, `store_rejects = true, rejects_table = '${table}', rejects_scan = '${table}_scan'`)}`);
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

/**
 * The source with data-row numbers `_row`, as a relation. For a streamed file
 * the rows are numbered as one single-threaded scan reads them (so the order is
 * the file's); nothing is stored. Run queries over it with {@link inFileOrder}.
 */
function numberedRelation(src: RawSource): string {
  return src.streamed ? `(SELECT row_number() OVER () AS _row, ${src.select} FROM ${src.reader})` : `v_${src.spec.name}`;
}

/** Runs `fn` single-threaded when `src` is streamed, so its row numbers follow the file. */
async function inFileOrder<T>(db: Db, src: RawSource, fn: () => Promise<T>): Promise<T> {
  if (!src.streamed) return fn();
  await db.run('SET threads = 1');
  try {
    return await fn();
  } finally {
    await db.run(`SET threads = ${db.threads}`);
  }
}

interface Check {
  column: string;
  /** SQL condition that is true on a bad row. */
  bad: string;
  detail: (value: string) => string;
}

/**
 * Runs several checks in one scan (and, for a streamed source, the empty-file
 * check) and throws a ValidationError for the first failing check (in the
 * order given) at its first row in file order.
 */
async function checkAll(db: Db, src: RawSource, checks: Check[]): Promise<number> {
  const flags = checks.map((c, i) => `bool_or(${c.bad}) AS c${i}`).join(', ');
  // A streamed file is read whole for the first time here: a malformed row past DuckDB's sniffing sample fails now.
  let res: Record<string, number | boolean | null>;
  try {
    res = (await db.all<Record<string, number | boolean | null>>(`SELECT count(*)::DOUBLE AS n${flags ? ', ' + flags : ''} FROM v_${src.spec.name}`))[0];
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
const isBadDate = (c: string) => `(${c} IS NULL OR NOT regexp_full_match(${c}, ${DATE_RE}) OR TRY_CAST(${c} AS DATE) IS NULL)`;
const isBadTimestamp = (c: string) => `(${c} IS NULL OR ${c} = '' OR NOT regexp_matches(${c}, '^\\d{4}-\\d{2}-\\d{2}') OR TRY_CAST(${c} AS TIMESTAMPTZ) IS NULL)`;
const isBadNumber = (c: string) => `(${c} IS NULL OR ${c} = '' OR NOT isfinite(TRY_CAST(${c} AS DOUBLE)) OR TRY_CAST(${c} AS DOUBLE) IS NULL)`;
/** Money beyond this does not fit the exact decimal (18 digits, 6 after the point). */
const MONEY_MAX = 1e12;
const isBadMoneyRange = (c: string) => `abs(TRY_CAST(${c} AS DOUBLE)) >= ${MONEY_MAX}`;
/** Money: parsed as a double (fast) and kept as an exact decimal with 6 places, so sums are exact. */
const money = (c: string) => `CAST(CAST(${c} AS DOUBLE) AS DECIMAL(18,6))`;
const isEmpty = (c: string) => `(${c} IS NULL OR ${c} = '')`;
const NAME_RE = `'^[A-Za-z][A-Za-z0-9_ .-]{0,62}$'`;

/** Ids per hash partition in the duplicate-id check (see {@link dedupeOnId}). */
const IDS_PER_PARTITION = 1_000_000;

/**
 * Checks ids: exact copies of a row (same id, same values) are dropped with a
 * warning; an id reused for different content is an error. Returns the
 * relation to stage from: `v_<name>` when there are no duplicates.
 *
 * Out of core: one scan writes each row's 64-bit id hash to Parquet files, one
 * per hash partition of about {@link IDS_PER_PARTITION} rows, and each
 * partition is grouped on its own, so memory does not grow with the file.
 * Hashes seen more than once are a superset of the duplicated ids (equal ids
 * hash equal); only the rows with those hashes are then numbered and compared.
 */
async function dedupeOnId(db: Db, src: RawSource, idCol: string, otherCols: string[], rowCount: number, warnings: string[]): Promise<string> {
  const view = `v_${src.spec.name}`;
  const id = sqlIdent(idCol);
  const parts = Math.max(1, Math.ceil(rowCount / IDS_PER_PARTITION));
  const dir = join(db.scratchDir, src.spec.name);
  const dupHashes = `dup_hash_${src.spec.name}`;
  await mkdir(db.scratchDir, { recursive: true });
  await db.run(`COPY (SELECT hash(${id}) AS h, hash(${id}) % ${parts} AS p FROM ${view}) TO ${sqlString(dir)} (FORMAT parquet, PARTITION_BY (p))`);
  const hashes = `read_parquet(${sqlString(join(dir, '**', '*.parquet'))}, hive_partitioning = true)`;
  const written = (await db.all<{ n: number }>(`SELECT count(*)::DOUBLE AS n FROM ${hashes}`))[0].n;
  if (written !== rowCount) throw new Error(`duplicate-id check: ${written} id hashes written for ${rowCount} rows of ${src.file}`);
  await db.run(`CREATE TABLE ${dupHashes} (h UBIGINT)`);
  for (let p = 0; p < parts; p++) {
    await db.run(`INSERT INTO ${dupHashes} SELECT h FROM ${hashes} WHERE p = ${p} GROUP BY h HAVING count(*) > 1`);
  }
  await rm(dir, { recursive: true, force: true });
  if ((await db.all<{ n: number }>(`SELECT count(*)::INTEGER AS n FROM ${dupHashes}`))[0].n === 0) return view;

  const candidates = `dup_rows_${src.spec.name}`;
  await inFileOrder(db, src, () =>
    db.run(`CREATE TABLE ${candidates} AS SELECT * FROM ${numberedRelation(src)} WHERE hash(${id}) IN (SELECT h FROM ${dupHashes})`),
  );
  const payload = otherCols.map((c) => `coalesce(${sqlIdent(c)}, '')`).join(` || chr(31) || `);
  const conflict = await db.all<{ _row: number; id: string; first: number }>(`
    WITH f AS (SELECT _row, ${id} AS id, ${payload} AS payload, min(_row) OVER (PARTITION BY ${id}) AS first_row,
                      first_value(${payload}) OVER (PARTITION BY ${id} ORDER BY _row) AS first_payload FROM ${candidates})
    SELECT _row::INTEGER AS _row, id, first_row::INTEGER AS first FROM f WHERE payload <> first_payload ORDER BY _row LIMIT 1`);
  if (conflict.length) {
    const c = conflict[0];
    throw new ValidationError(`duplicate id "${c.id}" (first seen at row ${c.first}) with different values`, { file: src.file, row: c._row, column: idCol });
  }
  const dropped = (await db.all<{ n: number }>(`SELECT (count(*) - count(DISTINCT ${id}))::INTEGER AS n FROM ${candidates}`))[0].n;
  if (dropped === 0) return view; // only hash collisions
  warnings.push(`${src.file}: dropped ${dropped} exact duplicate row(s) (same ${idCol} and values)`);
  const cols = [idCol, ...otherCols].map(sqlIdent).join(', ');
  return `(SELECT ${cols} FROM ${view} ANTI JOIN ${dupHashes} d ON hash(${view}.${id}) = d.h
           UNION ALL
           SELECT ${cols} FROM ${candidates} QUALIFY row_number() OVER (PARTITION BY ${id} ORDER BY _row) = 1)`;
}

/** `YYYY-MM-DD` plus `days` days. */
function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * 86400000).toISOString().slice(0, 10);
}

/** Lower-case identifier for a wide-table column: `Paid Social` -> `paid_social`. */
export function columnName(name: string): string {
  return name.trim().toLowerCase().replace(/[^a-z0-9]+/g, '_').replace(/^_+|_+$/g, '');
}

async function buildStarSchema(db: Db, files: RawFiles, outDir: string): Promise<BuildResult> {
  const warnings: string[] = [];
  const rows: Record<string, number> = {};
  const t0 = performance.now();
  const timings: Record<string, number> = {};
  const lap = (name: string, since: number) => (timings[name] = Math.round(performance.now() - since));
  const name = (k: SourceSpec['name']) => basename(files[k]!);

  // ---- staging: spend ----
  let t = performance.now();
  const spendSrc = await loadRaw(db, RAW_SOURCES[0], files.spend!);
  const spendCols = spendSrc.columns;
  const sf = name('spend');
  await checkAll(db, spendSrc, [
    { column: 'date', bad: isBadDate('date'), detail: (v) => `unparseable date "${v}" (expected YYYY-MM-DD)` },
    { column: 'channel', bad: `${isEmpty('channel')} OR NOT regexp_full_match(channel, ${NAME_RE})`, detail: (v) => `invalid channel name "${v}" (letters, digits, space, _ . -; starting with a letter)` },
    { column: 'spend', bad: isBadNumber('spend'), detail: (v) => `not a number: "${v}"` },
    { column: 'spend', bad: `TRY_CAST(spend AS DOUBLE) < 0`, detail: (v) => `negative spend ${v}` },
    { column: 'spend', bad: isBadMoneyRange('spend'), detail: (v) => `spend ${v} is too large (at most ${MONEY_MAX})` },
  ]);
  for (const c of ['impressions', 'clicks']) {
    if (!spendCols.includes(c)) continue;
    await checkAll(db, spendSrc, [
      { column: c, bad: `${c} <> '' AND TRY_CAST(${c} AS DOUBLE) IS NULL`, detail: (v) => `not a number: "${v}"` },
      { column: c, bad: `${c} <> '' AND TRY_CAST(${c} AS DOUBLE) < 0`, detail: (v) => `negative ${c} ${v}` },
    ]);
  }
  await db.run(`CREATE TABLE stg_spend AS SELECT CAST(date AS DATE) AS date, channel, coalesce(campaign, '') AS campaign,
      ${money('spend')} AS spend, coalesce(TRY_CAST(NULLIF(impressions, '') AS DOUBLE), 0) AS impressions,
      coalesce(TRY_CAST(NULLIF(clicks, '') AS DOUBLE), 0) AS clicks FROM v_spend`);
  lap('stg_spend', t);

  // ---- staging: orders ----
  t = performance.now();
  const ordersSrc = await loadRaw(db, RAW_SOURCES[2], files.orders!, { stream: true });
  const of = name('orders');
  const orderCount = await checkAll(db, ordersSrc, [
    { column: 'order_id', bad: isEmpty('order_id'), detail: () => 'empty order id' },
    { column: 'customer_id', bad: isEmpty('customer_id'), detail: () => 'empty customer id' },
    { column: 'timestamp', bad: isBadTimestamp('timestamp'), detail: (v) => `unparseable timestamp "${v}" (expected ISO 8601)` },
    { column: 'amount', bad: isBadNumber('amount'), detail: (v) => `not a number: "${v}"` },
    { column: 'amount', bad: `TRY_CAST(amount AS DOUBLE) < 0`, detail: (v) => `negative amount ${v} (refunds are not supported; net them out before ingest)` },
    { column: 'amount', bad: isBadMoneyRange('amount'), detail: (v) => `amount ${v} is too large (at most ${MONEY_MAX})` },
    { column: 'currency', bad: isEmpty('currency'), detail: () => 'empty currency' },
  ]);
  const firstCurrency = (await inFileOrder(db, ordersSrc, () => db.all<{ c: string }>(`SELECT upper(currency) AS c FROM ${numberedRelation(ordersSrc)} LIMIT 1`)))[0].c;
  await checkAll(db, ordersSrc, [
    { column: 'currency', bad: `upper(currency) <> ${sqlString(firstCurrency)}`, detail: (v) => `mixed currencies: "${v}" but earlier rows are "${firstCurrency}" (one currency per run; convert first)` },
  ]);
  const ordersRel = await dedupeOnId(db, ordersSrc, 'order_id', ['customer_id', 'timestamp', 'amount', 'currency'], orderCount, warnings);
  await db.run(`CREATE TABLE stg_orders AS SELECT order_id, customer_id, CAST(CAST(timestamp AS TIMESTAMPTZ) AS TIMESTAMP) AS ts,
      ${money('amount')} AS amount, upper(currency) AS currency FROM ${ordersRel}`);
  lap('stg_orders', t);

  // ---- staging: events (optional) ----
  t = performance.now();
  if (files.events) {
    const eventsSrc = await loadRaw(db, RAW_SOURCES[1], files.events, { stream: true });
    const eventCount = await checkAll(db, eventsSrc, [
      { column: 'event_id', bad: isEmpty('event_id'), detail: () => 'empty event id' },
      { column: 'timestamp', bad: isBadTimestamp('timestamp'), detail: (v) => `unparseable timestamp "${v}" (expected ISO 8601)` },
      { column: 'channel', bad: `${isEmpty('channel')} OR NOT regexp_full_match(channel, ${NAME_RE})`, detail: (v) => `invalid channel name "${v}"` },
      { column: 'type', bad: `type IS NULL OR type NOT IN ('impression', 'click', 'session')`, detail: (v) => `unknown event type "${v}" (expected impression, click or session)` },
    ]);
    const eventsRel = await dedupeOnId(db, eventsSrc, 'event_id', ['timestamp', 'customer_id', 'channel', 'type'], eventCount, warnings);
    // Only touches with a known customer matter downstream (acquisition channel); anonymous ones are counted, not kept.
    await db.run(`CREATE TABLE stg_events AS SELECT event_id, CAST(CAST(timestamp AS TIMESTAMPTZ) AS TIMESTAMP) AS ts,
        customer_id, channel, type FROM ${eventsRel} WHERE customer_id IS NOT NULL AND customer_id <> ''`);
    rows['events (raw)'] = eventCount;
  } else {
    warnings.push('no events file: every customer\'s acquisition channel is "none"');
    await db.run(`CREATE TABLE stg_events (event_id VARCHAR, ts TIMESTAMP, customer_id VARCHAR, channel VARCHAR, type VARCHAR)`);
  }
  lap('stg_events', t);

  // ---- staging: controls, holidays, channels (optional) ----
  t = performance.now();
  if (files.controls) {
    const cf = name('controls');
    await checkAll(db, await loadRaw(db, RAW_SOURCES[3], files.controls), [
      { column: 'date', bad: isBadDate('date'), detail: (v) => `unparseable date "${v}" (expected YYYY-MM-DD)` },
      { column: 'name', bad: `${isEmpty('name')} OR NOT regexp_full_match(name, ${NAME_RE})`, detail: (v) => `invalid control name "${v}"` },
      { column: 'value', bad: isBadNumber('value'), detail: (v) => `not a number: "${v}"` },
    ]);
    await db.run(`CREATE TABLE stg_controls AS SELECT CAST(date AS DATE) AS date, name, CAST(value AS DOUBLE) AS value FROM v_controls`);
  } else await db.run(`CREATE TABLE stg_controls (date DATE, name VARCHAR, value DOUBLE)`);
  if (files.holidays) {
    await checkAll(db, await loadRaw(db, RAW_SOURCES[4], files.holidays), [
      { column: 'date', bad: isBadDate('date'), detail: (v) => `unparseable date "${v}" (expected YYYY-MM-DD)` },
      { column: 'name', bad: isEmpty('name'), detail: () => 'empty holiday name' },
    ]);
    await db.run(`CREATE TABLE stg_holidays AS SELECT DISTINCT CAST(date AS DATE) AS date, name FROM v_holidays`);
  } else await db.run(`CREATE TABLE stg_holidays (date DATE, name VARCHAR)`);
  if (files.channels) {
    const chSrc = await loadRaw(db, RAW_SOURCES[5], files.channels);
    const channelCount = await checkAll(db, chSrc, [
      { column: 'channel', bad: `${isEmpty('channel')} OR NOT regexp_full_match(channel, ${NAME_RE})`, detail: (v) => `invalid channel name "${v}"` },
    ]);
    const channelsRel = await dedupeOnId(db, chSrc, 'channel', ['kind', 'group'], channelCount, warnings);
    await db.run(`CREATE TABLE stg_channels AS SELECT channel, lower(kind) AS kind, coalesce(NULLIF("group", ''), 'ungrouped') AS "group" FROM ${channelsRel}`);
  } else await db.run(`CREATE TABLE stg_channels (channel VARCHAR, kind VARCHAR, "group" VARCHAR)`);
  lap('stg_small', t);

  // ---- dimensions ----
  t = performance.now();
  const paid = (await db.all<{ channel: string }>(`SELECT DISTINCT channel FROM stg_spend ORDER BY channel`)).map((r) => r.channel);
  const cols = new Map<string, string>();
  for (const ch of paid) {
    const col = `${columnName(ch)}_spend`;
    if (cols.has(col)) throw new ValidationError(`channels "${cols.get(col)}" and "${ch}" map to the same column ${col}`, { file: sf, column: 'channel' });
    cols.set(col, ch);
  }
  const missingKind = (await db.all<{ channel: string }>(`SELECT DISTINCT s.channel FROM stg_spend s ANTI JOIN stg_channels c USING (channel) ORDER BY 1`)).map((r) => r.channel);
  if (files.channels && missingKind.length) warnings.push(`${name('channels')}: no row for spend channel(s) ${missingKind.join(', ')}; treated as paid, ungrouped`);
  await db.run(`CREATE TABLE dim_channel AS
    WITH names AS (SELECT channel FROM stg_spend UNION SELECT channel FROM stg_events UNION SELECT channel FROM stg_channels)
    SELECT n.channel,
           CASE WHEN n.channel IN (SELECT channel FROM stg_spend) THEN lower(regexp_replace(regexp_replace(n.channel, '[^A-Za-z0-9]+', '_', 'g'), '^_+|_+$', '', 'g')) || '_spend' END AS spend_column,
           coalesce(c.kind, CASE WHEN n.channel IN (SELECT channel FROM stg_spend) THEN 'paid' ELSE 'unknown' END) AS kind,
           coalesce(c."group", 'ungrouped') AS "group",
           n.channel IN (SELECT channel FROM stg_spend) AS has_spend
    FROM names n LEFT JOIN stg_channels c USING (channel) ORDER BY n.channel`);
  // Weeks are complete ISO weeks: a first week the data start after Monday, or a last week they end
  // before Sunday, is left out of the weekly tables (with a warning) until it is complete.
  const range = await db.all<{ d0: string; d1: string; first: string; last: string }>(`
    WITH d AS (SELECT min(x) AS d0, max(x) AS d1 FROM (SELECT date AS x FROM stg_spend UNION ALL SELECT CAST(ts AS DATE) FROM stg_orders))
    SELECT strftime(d0, '%Y-%m-%d') AS d0, strftime(d1, '%Y-%m-%d') AS d1,
           strftime(CASE WHEN isodow(d0) = 1 THEN d0 ELSE date_trunc('week', d0) + INTERVAL 7 DAY END, '%Y-%m-%d') AS first,
           strftime(CASE WHEN isodow(d1) = 7 THEN date_trunc('week', d1) ELSE date_trunc('week', d1) - INTERVAL 7 DAY END, '%Y-%m-%d') AS last
    FROM d`);
  const { d0, d1, first, last } = range[0];
  if (first > last) throw new ValidationError(`the data (${d0} to ${d1}) hold no complete ISO week (Monday to Sunday)`, { file: sf });
  if (first !== d0) warnings.push(`the data start on ${d0}, not a Monday: that partial week is left out of the weekly tables`);
  if (d1 !== addDays(last, 6)) warnings.push(`the data end on ${d1}, not a Sunday: the partial week from ${addDays(last, 7)} is left out of the weekly tables until it is complete`);
  await db.run(`CREATE TABLE dim_week AS
    WITH weeks AS (SELECT CAST(w AS DATE) AS week_start FROM generate_series(TIMESTAMP '${first}', TIMESTAMP '${last}', INTERVAL 7 DAY) g(w)),
         hol AS (SELECT CAST(date_trunc('week', date) AS DATE) AS week_start, string_agg(name, '; ' ORDER BY date, name) AS names FROM stg_holidays GROUP BY 1)
    SELECT w.week_start, CAST(w.week_start + INTERVAL 6 DAY AS DATE) AS week_end,
           CAST(isoyear(w.week_start) AS INTEGER) AS iso_year, CAST(weekofyear(w.week_start) AS INTEGER) AS iso_week,
           CAST(h.names IS NOT NULL AS INTEGER) AS holiday, coalesce(h.names, '') AS holiday_names
    FROM weeks w LEFT JOIN hol h USING (week_start) ORDER BY w.week_start`);
  lap('dims', t);

  // ---- facts ----
  t = performance.now();
  await db.run(`CREATE TABLE fct_spend_weekly AS
    WITH agg AS (SELECT CAST(date_trunc('week', date) AS DATE) AS week_start, channel, sum(spend) AS spend, sum(impressions) AS impressions, sum(clicks) AS clicks
                 FROM stg_spend GROUP BY 1, 2)
    SELECT w.week_start, c.channel, CAST(coalesce(a.spend, 0) AS DOUBLE) AS spend,
           coalesce(a.impressions, 0) AS impressions, coalesce(a.clicks, 0) AS clicks
    FROM dim_week w CROSS JOIN (SELECT channel FROM dim_channel WHERE has_spend) c
    LEFT JOIN agg a ON a.week_start = w.week_start AND a.channel = c.channel
    ORDER BY w.week_start, c.channel`);
  // Acquisition channel: the customer's first touch at or before the first order (ties broken by event id),
  // as grouped minima rather than a window, so it spills like any aggregate.
  await db.run(`CREATE TABLE first_order AS SELECT customer_id, min(ts) AS first_ts FROM stg_orders GROUP BY 1`);
  await db.run(`CREATE TABLE customer_first AS
    WITH acq AS (SELECT e.customer_id, min({'ts': e.ts, 'id': e.event_id, 'channel': e.channel}).channel AS channel
                 FROM stg_events e JOIN first_order f ON e.customer_id = f.customer_id AND e.ts <= f.first_ts GROUP BY 1)
    SELECT f.customer_id, f.first_ts, coalesce(a.channel, 'none') AS channel FROM first_order f LEFT JOIN acq a USING (customer_id)`);
  await db.run(`CREATE TABLE fct_transactions AS
    SELECT o.order_id, o.customer_id, o.ts AS "timestamp", CAST(o.ts AS DATE) AS date, CAST(date_trunc('week', o.ts) AS DATE) AS week_start,
           CAST(o.amount AS DOUBLE) AS amount, o.currency, c.channel AS acquisition_channel, o.ts = c.first_ts AS is_first_order
    FROM stg_orders o JOIN customer_first c USING (customer_id)
    ORDER BY o.ts, o.order_id`);
  await db.run(`CREATE TABLE fct_revenue_weekly AS
    WITH agg AS (SELECT CAST(date_trunc('week', o.ts) AS DATE) AS week_start, sum(o.amount) AS revenue, count(*) AS orders,
                        count(DISTINCT o.customer_id) FILTER (WHERE o.ts = f.first_ts) AS new_customers
                 FROM stg_orders o JOIN first_order f USING (customer_id) GROUP BY 1)
    SELECT w.week_start, CAST(coalesce(a.revenue, 0) AS DOUBLE) AS revenue, CAST(coalesce(a.orders, 0) AS INTEGER) AS orders,
           CAST(coalesce(a.new_customers, 0) AS INTEGER) AS new_customers
    FROM dim_week w LEFT JOIN agg a USING (week_start) ORDER BY w.week_start`);
  const emptyWeeks = await db.all<{ w: string }>(`SELECT strftime(week_start, '%Y-%m-%d') AS w FROM fct_revenue_weekly WHERE orders = 0 ORDER BY 1`);
  if (emptyWeeks.length) warnings.push(`${emptyWeeks.length} week(s) without any order: ${emptyWeeks.slice(0, 5).map((r) => r.w).join(', ')}${emptyWeeks.length > 5 ? ', ...' : ''}`);

  const controlNames = (await db.all<{ name: string }>(`SELECT DISTINCT name FROM stg_controls ORDER BY name`)).map((r) => r.name);
  const controlCols = controlNames.map((n) => ({ name: n, col: columnName(n) }));
  const seenControl = new Map<string, string>();
  for (const c of controlCols) {
    const other = seenControl.get(c.col);
    if (other !== undefined || cols.has(c.col) || ['date', 'week_start', 'revenue', 'orders', 'new_customers', 'holiday'].includes(c.col)) {
      throw new ValidationError(`control "${c.name}" would collide with the column ${c.col}${other !== undefined ? ` of control "${other}"` : ''}`, { file: name('controls'), column: 'name' });
    }
    seenControl.set(c.col, c.name);
  }
  const ctrlSelect = controlCols.length
    ? controlCols
        .map((c) => `last_value(avg(CASE WHEN s.name = ${sqlString(c.name)} THEN s.value END) IGNORE NULLS) OVER (ORDER BY w.week_start ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS ${sqlIdent(c.col)}`)
        .join(', ')
    : '';
  await db.run(`CREATE TABLE fct_controls_weekly AS
    SELECT w.week_start${ctrlSelect ? ', ' + ctrlSelect : ''}
    FROM dim_week w LEFT JOIN stg_controls s ON CAST(date_trunc('week', s.date) AS DATE) = w.week_start
    GROUP BY w.week_start ORDER BY w.week_start`);
  for (const c of controlCols) {
    const gaps = await db.all<{ n: number }>(`SELECT count(*)::INTEGER AS n FROM fct_controls_weekly WHERE ${sqlIdent(c.col)} IS NULL`);
    if (gaps[0].n > 0) throw new ValidationError(`control "${c.name}" has no value before week ${first}; give a value for the first week`, { file: name('controls'), column: 'value' });
    const carried = await db.all<{ n: number }>(`SELECT count(*)::INTEGER AS n FROM dim_week w ANTI JOIN (SELECT DISTINCT CAST(date_trunc('week', date) AS DATE) AS week_start FROM stg_controls WHERE name = ${sqlString(c.name)}) s USING (week_start)`);
    if (carried[0].n > 0) warnings.push(`control "${c.name}": ${carried[0].n} week(s) without a value carried the previous week's value forward`);
  }

  const spendPivot = [...cols.entries()].map(([col, ch]) => `sum(CASE WHEN s.channel = ${sqlString(ch)} THEN s.spend END) AS ${sqlIdent(col)}`).join(', ');
  await db.run(`CREATE TABLE mmm_input AS
    WITH sp AS (SELECT s.week_start, ${spendPivot} FROM fct_spend_weekly s GROUP BY 1)
    SELECT w.week_start AS date, r.revenue, r.orders, r.new_customers, ${[...cols.keys()].map((c) => `sp.${sqlIdent(c)}`).join(', ')}
           ${controlCols.map((c) => `, c.${sqlIdent(c.col)}`).join('')}, w.holiday
    FROM dim_week w JOIN fct_revenue_weekly r USING (week_start) JOIN sp USING (week_start) JOIN fct_controls_weekly c USING (week_start)
    ORDER BY w.week_start`);
  lap('facts', t);

  // ---- write Parquet (and the wide table as CSV for users who start at the model) ----
  t = performance.now();
  for (const table of Object.keys(STAR_TABLES)) {
    const path = join(outDir, `${table}.parquet`);
    await db.run(`COPY (SELECT * FROM ${table}) TO ${sqlString(path)} (FORMAT parquet, COMPRESSION zstd)`);
    rows[`${table}.parquet`] = (await db.all<{ n: number }>(`SELECT count(*)::INTEGER AS n FROM ${table}`))[0].n;
  }
  await db.run(`COPY (SELECT strftime(date, '%Y-%m-%d') AS date, * EXCLUDE (date) FROM mmm_input ORDER BY date) TO ${sqlString(join(outDir, 'mmm_input.csv'))} (FORMAT csv, HEADER true)`);
  rows['mmm_input.csv'] = rows['mmm_input.parquet'];
  lap('write', t);

  const totals = await db.all<Record<string, number>>(`SELECT
      (SELECT CAST(sum(spend) AS DOUBLE) FROM stg_spend) AS spend,
      (SELECT CAST(sum(amount) AS DOUBLE) FROM stg_orders) AS revenue,
      (SELECT count(*)::INTEGER FROM stg_orders) AS orders,
      (SELECT count(DISTINCT customer_id)::INTEGER FROM stg_orders) AS customers,
      (SELECT count(*)::INTEGER FROM dim_week) AS weeks`);
  const metrics = {
    ...totals[0],
    firstWeek: first,
    lastWeek: last,
    currency: firstCurrency,
    channels: paid,
    controls: controlCols.map((c) => c.col),
    rowsPerSecond: Math.round(((rows['events (raw)'] ?? 0) + totals[0].orders) / ((performance.now() - t0) / 1000)),
  };
  delete rows['events (raw)'];
  return { metrics, warnings, rows, timingsMs: timings };
}
