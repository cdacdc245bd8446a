/**
 * Checks of a weekly table before it is staged: every column named in the
 * spec exists and has one role, every cell parses, rows are one week apart,
 * the window lies within the data. Errors name the file, row and column, or
 * the option.
 */
import { UsageError, ValidationError } from '../core/errors.ts';
import { isModelTermName } from '../mmm/design.ts';
import { sqlString, type Db } from './duckdb.ts';
import { unfinishedWeekMessage } from './run.ts';
import { FAR_GAP_WEEKS } from './plausibility.ts';
import { delimiterError, wrongDelimiter } from './read-error.ts';
import { checkAll, isBadDate, isBadNumber, type Check, type RawSource } from './source.ts';
import type { WeeklyTableSpec } from './types.ts';

/** The spec's columns by role, each with the option that names it (as `mmm ingest --weekly` spells it). */
export function roles(spec: WeeklyTableSpec): { option: string; column: string }[] {
  const of = (option: string, cols: string[]) => cols.map((column) => ({ option, column }));
  return [
    ...of('--date-col', [spec.dateCol]),
    ...of('--target', [spec.target]),
    ...of('--channels', spec.channels),
    ...of('--controls', spec.controls),
    ...of('--factors', spec.factors),
    ...of('--organic', spec.organic),
    ...of(
      '--exposures',
      spec.exposures.map((e) => e.column),
    ),
  ];
}

/** The config key of each option a weekly table's errors name (`mmm weekly` with the config's input block). */
const CONFIG_KEYS: Record<string, string> = {
  '--date-col': 'input.dateCol',
  '--target': 'input.target',
  '--channels': 'input.channels',
  '--controls': 'input.controls',
  '--factors': 'input.factors',
  '--organic': 'input.organic',
  '--exposures': 'input.exposures',
  '--window-start': 'input.window.start',
  '--window-end': 'input.window.end',
  '--country': 'input.holidays.country',
  '--holidays': 'input.holidays.file',
  '--week-ending': 'input.weekEnding',
};

/** An error of the weekly-table ingest with the options it names written as the config's keys; other errors as they are. */
export function withConfigKeys(e: unknown): unknown {
  const keys = (m: string) => m.replace(/--(date-col|week-ending|target|channels|controls|factors|organic|exposures|window-start|window-end|country|holidays)\b/g, (f) => CONFIG_KEYS[f]);
  if (e instanceof ValidationError) return new ValidationError(keys(e.detail), e.location);
  if (e instanceof UsageError) return new UsageError(keys(e.message));
  return e;
}

/**
 * Every column the spec names is in the file, once, in one role; each exposure's channel is a spend column;
 * `holiday` (the flag's column name, when holidays are on) is not taken.
 * @throws ValidationError naming the file, the column and the option (with the columns found)
 */
export function checkRoles(src: RawSource, spec: WeeklyTableSpec, holiday: string | null): void {
  const file = src.file;
  const delim = src.columns.length === 1 ? wrongDelimiter(src.columns[0]) : null;
  if (delim) throw delimiterError(file, delim);
  const seen = new Map<string, string>();
  for (const { option, column } of roles(spec)) {
    if (!src.columns.includes(column)) throw new ValidationError(`${option} names a column that is not in the file (found: ${src.columns.join(', ')})`, { file, column });
    const other = seen.get(column);
    if (other !== undefined) throw new ValidationError(other === option ? `${option} names this column twice` : `column given both as ${other} and as ${option}`, { file, column });
    if (['week_start', '_row'].includes(column) && column !== spec.dateCol) throw new ValidationError(`${option}: the name ${column} is reserved by the ingest; rename the column`, { file, column });
    if (isModelTermName(column) && column !== spec.dateCol && column !== spec.target)
      throw new ValidationError(`${option}: the model names one of its own terms ${column}; rename the column`, { file, column });
    seen.set(column, option);
  }
  for (const e of spec.exposures) {
    if (!spec.channels.includes(e.channel)) throw new ValidationError(`--exposures: its channel "${e.channel}" is not one of --channels (${spec.channels.join(', ')})`, { file, column: e.column });
  }
  if (holiday !== null && seen.has(holiday))
    throw new ValidationError(`${seen.get(holiday)}: the holiday flag the ingest adds is named ${holiday}; rename this column or leave out the holidays`, { file, column: holiday });
}

/**
 * Row checks of a weekly table, in one scan: dates (YYYY-MM-DD, not after `asOf`; a date that starts its
 * week, a week over by `asOf`), numbers in every numeric column, spend, organic activity and exposures >= 0.
 * @throws ValidationError naming the file, row and column of the first bad cell
 */
export async function checkWeeklyRows(db: Db, src: RawSource, spec: WeeklyTableSpec, asOf: string): Promise<void> {
  const d = spec.dateCol;
  const q = (c: string) => `"${c.replace(/"/g, '""')}"`;
  const number = (c: string): Check => ({ column: c, bad: isBadNumber(q(c)), detail: (v) => `not a number: "${v}"` });
  const nonNegative = (c: string, what: string): Check => ({ column: c, bad: `TRY_CAST(${q(c)} AS DOUBLE) < 0`, detail: (v) => `negative ${what} ${v}` });
  const checks: Check[] = [
    { column: d, bad: isBadDate(q(d)), detail: (v) => `unparseable date "${v}" (expected YYYY-MM-DD)` },
    { column: d, bad: `TRY_CAST(${q(d)} AS DATE) > DATE ${sqlString(asOf)}`, detail: (v) => `${v} is after the as-of date ${asOf} (a date in the future; pass --as-of to replay an older run)` },
    // A date that starts its week: the week must be over by the as-of date, or its figures are part of a week.
    ...(spec.weekEnding ? [] : [unfinishedWeek(q(d), d, asOf)]),
    number(spec.target),
    ...spec.channels.flatMap((c) => [number(c), nonNegative(c, 'spend')]),
    ...spec.organic.flatMap((c) => [number(c), nonNegative(c, 'organic activity')]),
    ...spec.controls.map(number),
    ...spec.exposures.flatMap((e) => [number(e.column), nonNegative(e.column, 'exposure')]),
  ];
  await checkAll(db, src, checks);
}

/** The check that a week dated by its first day ended by the as-of date (an export taken mid-week carries part of a week as if whole). */
function unfinishedWeek(sql: string, column: string, asOf: string): Check {
  const date = `TRY_CAST(${sql} AS DATE)`;
  return {
    column,
    bad: `(${date} <= DATE ${sqlString(asOf)} AND ${date} + 6 > DATE ${sqlString(asOf)})`,
    detail: (v) => unfinishedWeekMessage(v.trim(), asOf),
  };
}

interface Step {
  row: number;
  date: string;
  prevRow: number;
  prevDate: string;
  days: number;
  before: number;
  after: number;
}

/**
 * Rows (in date order) must be exactly 7 days apart: no duplicate week, no
 * missing week, no date off the weekly rhythm. A gap of {@link FAR_GAP_WEEKS}
 * weeks or more is named as a date far from the rest (the smaller side's row).
 * @throws ValidationError naming the file, row and date column
 */
export async function checkWeeklySpacing(db: Db, file: string, dateCol: string): Promise<void> {
  // A table of another rhythm (daily, fortnightly, monthly): the usual gap between distinct dates, over 4 gaps or more.
  const gaps = (
    await db.all<{ days: number | null; n: number }>(
      `SELECT median(d)::DOUBLE AS days, count(*)::INTEGER AS n FROM (SELECT datediff('day', lag(week_start) OVER (ORDER BY week_start, _row), week_start) AS d FROM stg_weekly) WHERE d > 0`,
    )
  )[0];
  if (gaps && gaps.n >= 4 && gaps.days !== null && gaps.days !== 7) {
    const kind = gaps.days === 1 ? ' (daily data?)' : gaps.days === 14 ? ' (fortnightly data?)' : gaps.days >= 28 && gaps.days <= 31 ? ' (monthly data?)' : '';
    throw new ValidationError(`the dates are usually ${gaps.days} days apart${kind}, not 7: a weekly table has one row per week; sum it to weeks first`, { file, column: dateCol });
  }
  const steps = await db.all<Step>(`
    WITH s AS (SELECT _row, week_start, lag(_row) OVER w AS prev_row, lag(week_start) OVER w AS prev, row_number() OVER w AS k, count(*) OVER () AS n
               FROM stg_weekly WINDOW w AS (ORDER BY week_start, _row))
    SELECT _row::INTEGER AS row, strftime(week_start, '%Y-%m-%d') AS date, prev_row::INTEGER AS "prevRow", strftime(prev, '%Y-%m-%d') AS "prevDate",
           datediff('day', prev, week_start)::INTEGER AS days, (k - 1)::INTEGER AS before, (n - k + 1)::INTEGER AS after
    FROM s WHERE prev IS NOT NULL AND datediff('day', prev, week_start) <> 7 ORDER BY week_start, _row LIMIT 1`);
  if (!steps.length) return;
  const s = steps[0];
  const loc = { file, row: s.row, column: dateCol };
  if (s.days === 0) throw new ValidationError(`duplicate week ${s.date} (also at row ${s.prevRow})`, loc);
  const missing = s.days / 7 - 1;
  if (s.days % 7 === 0 && missing >= FAR_GAP_WEEKS) {
    if (s.before < s.after)
      throw new ValidationError(
        `${s.prevDate} is far before the rest of the data: ${missing} missing weeks before ${s.date}, where the rest starts (a mistyped year? a gap of ${FAR_GAP_WEEKS} weeks or more is refused)`,
        { ...loc, row: s.prevRow },
      );
    throw new ValidationError(
      `${s.date} is far after the rest of the data: ${missing} missing weeks after ${s.prevDate}, where the rest ends (a mistyped year? a gap of ${FAR_GAP_WEEKS} weeks or more is refused)`,
      loc,
    );
  }
  if (s.days % 7 === 0) throw new ValidationError(`${missing} missing week(s) between ${s.prevDate} (row ${s.prevRow}) and ${s.date}`, loc);
  throw new ValidationError(`${s.date} is ${s.days} days after ${s.prevDate} (row ${s.prevRow}), not 7: rows must be one week apart`, loc);
}

/** Whether a YYYY-MM-DD string is a real calendar date (2023-13-01 and 2023-02-30 are not). */
const isCalendarDate = (v: string) => /^\d{4}-\d{2}-\d{2}$/.test(v) && Number.isFinite(Date.parse(`${v}T00:00:00Z`)) && new Date(`${v}T00:00:00Z`).toISOString().startsWith(v);

/**
 * The window's SQL condition on `week_start` and the window with both ends
 * (an end left out is the data's first or last week), after checking that it
 * lies within the data and holds a week.
 * @throws UsageError naming --window-start or --window-end
 */
export async function windowCondition(db: Db, file: string, window: WeeklyTableSpec['window']): Promise<{ condition: string; window: { start: string; end: string } | null }> {
  if (!window) return { condition: 'true', window: null };
  for (const [opt, v] of [
    ['--window-start', window.start],
    ['--window-end', window.end],
  ] as const) {
    if (v !== undefined && !isCalendarDate(v)) throw new UsageError(`${opt} "${v}" is not a date (expected YYYY-MM-DD)`);
  }
  const r = (await db.all<{ first: string; last: string }>(`SELECT strftime(min(week_start), '%Y-%m-%d') AS first, strftime(max(week_start), '%Y-%m-%d') AS last FROM stg_weekly`))[0];
  const start = window.start ?? r.first;
  const end = window.end ?? r.last;
  for (const [opt, v] of [
    ['--window-start', window.start],
    ['--window-end', window.end],
  ] as const) {
    if (v !== undefined && (v < r.first || v > r.last)) throw new UsageError(`${opt} ${v} is outside the data of ${file} (${r.first} to ${r.last})`);
  }
  if (start > end) throw new UsageError(`--window-start ${start} is after --window-end ${end}`);
  const condition = `week_start BETWEEN DATE ${sqlString(start)} AND DATE ${sqlString(end)}`;
  const { n } = (await db.all<{ n: number }>(`SELECT count(*)::INTEGER AS n FROM stg_weekly WHERE ${condition}`))[0];
  if (n === 0) throw new UsageError(`--window-start ${start} to --window-end ${end} holds no week of ${file}`);
  return { condition, window: { start, end } };
}
