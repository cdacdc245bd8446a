/**
 * `mmm ingest --weekly`: the weekly table most MMM users already have (a date,
 * revenue, spend per channel, controls, factors, organic activity; Robyn's
 * and PyMC-Marketing's input) -> the star-schema folder the raw-events ingest
 * writes (without fct_transactions), so later stages need not know which
 * input a run had.
 *
 * Rules: rows dated on any weekday are kept whole and the user's dates are the
 * week labels (each the first of its 7 days, as Robyn reads them); rows must
 * be 7 days apart; column names stay exactly as written in every output.
 */
import { basename } from 'node:path';
import { recordInputs, writeArtifact, type BuildResult } from '../core/artifacts.ts';
import { UsageError, ValidationError } from '../core/errors.ts';
import { idleMediaMessage } from '../mmm/design.ts';
import { describeError } from '../core/schema.ts';
import { sqlIdent, type Db } from './duckdb.ts';
import { checkCountry, countryHolidays, stageHolidayList } from './holidays.ts';
import { DEFAULT_FUTURE_WEEKS, checkSkippedAsOf, resolveAsOf, withScratchDb } from './run.ts';
import { dimWeek, dimWeekFuture, futureHolidayGap, weekCoverOffset } from './models/dim-week.ts';
import { addDays } from './models/intermediate.ts';
import { dimChannelFromTable, fctControlsFromTable, fctExposuresFromTable, fctRevenueFromTable, fctSpendFromTable, intWeeksFromTable, mmmInputFromTable, stgWeekly } from './models/weekly.ts';
import { constantColumns, refuseConstantTarget, spendSpikes, spikeWarnings } from './plausibility.ts';
import { firstFive, targetWeekWarnings } from './target-weeks.ts';
import { checkAll, isBadDate, isEmpty, loadRaw, opt, req } from './source.ts';
import { WeeklyTableSpecSchema, type InputColumns, type IngestResult, type RunOptions, type WeeklyTableSpec, type WeeklyTableSpecInput } from './types.ts';
import { checkRoles, checkWeeklyRows, checkWeeklySpacing, roles, windowCondition } from './weekly-checks.ts';
import { writeTables } from './write-tables.ts';

/** Code version of the weekly-table ingest (part of its data version). */
export const WEEKLY_INGEST_VERSION = 'ingest-weekly@1';

/** The tables the weekly-table ingest writes (each `<name>.parquet`), with their grain. */
export const WEEKLY_TABLES = {
  dim_channel: 'channel',
  dim_week: "week (labelled by the user's date, its first day)",
  dim_week_future: 'week after the data',
  fct_spend_weekly: 'week x channel',
  fct_exposures_weekly: 'week x channel x metric',
  fct_revenue_weekly: 'week',
  fct_controls_weekly: 'week',
  mmm_input: 'week',
} as const;

/** Name of the holiday flag column the ingest adds to mmm_input. */
export const HOLIDAY_COLUMN = 'holiday';

/**
 * Checks a weekly-table spec and fills its defaults.
 * @throws UsageError naming the key and what is wrong
 */
export function parseWeeklySpec(input: unknown): WeeklyTableSpec {
  const r = WeeklyTableSpecSchema.safeParse(input);
  if (r.success) return r.data;
  throw new UsageError(`weekly table spec: ${describeError(r.error, WeeklyTableSpecSchema, input)}`);
}

/** The files a weekly-table ingest reads (for the manifest's input hashes), with their labels. */
export function weeklyTableInputs(spec: WeeklyTableSpec): { path: string; label: string }[] {
  return [{ path: spec.file, label: basename(spec.file) }, ...(spec.holidays && 'file' in spec.holidays ? [{ path: spec.holidays.file, label: basename(spec.holidays.file) }] : [])];
}

/** The parameters of a weekly-table ingest that change its outputs (file bytes are hashed as inputs; asOf only accepts or refuses). */
export function weeklyTableParams(spec: WeeklyTableSpec, futureWeeks = DEFAULT_FUTURE_WEEKS): Record<string, unknown> {
  const { file: _file, holidays, ...roles } = spec;
  return { ...roles, holidays: holidays === null ? null : 'country' in holidays ? { country: holidays.country } : { file: basename(holidays.file) }, futureWeeks };
}

/** Runs the weekly-table ingest into the artifact folder `opts.out` (the `mmm ingest --weekly` command). */
export async function ingestWeeklyTable(input: WeeklyTableSpecInput, opts: RunOptions): Promise<IngestResult> {
  const spec = parseWeeklySpec(input);
  const asOf = resolveAsOf(opts.asOf);
  if (spec.holidays && 'country' in spec.holidays) await checkCountry(spec.holidays.country);
  const futureWeeks = opts.futureWeeks ?? DEFAULT_FUTURE_WEEKS;
  const { manifest, skipped } = await writeArtifact({
    dir: opts.out,
    stage: 'ingest',
    codeVersion: WEEKLY_INGEST_VERSION,
    params: weeklyTableParams(spec, futureWeeks),
    inputs: await recordInputs(weeklyTableInputs(spec)),
    runId: opts.runId,
    build: (tmp) => buildWeeklyTable(spec, tmp, { ...opts, asOf, futureWeeks }),
  });
  if (skipped) checkSkippedAsOf(manifest, asOf);
  return { dir: opts.out, manifest, skipped };
}

/**
 * Builds the star schema of a weekly table into `dir` (a temporary artifact folder).
 * @throws ValidationError naming file, row and column (or the option) for bad or implausible input;
 *   UsageError for a window outside the data or a country without a calendar
 */
export async function buildWeeklyTable(spec: WeeklyTableSpec, dir: string, opts: { asOf?: string; futureWeeks?: number; threads?: number; memoryLimit?: string } = {}): Promise<BuildResult> {
  const asOf = resolveAsOf(opts.asOf);
  const futureWeeks = opts.futureWeeks ?? DEFAULT_FUTURE_WEEKS;
  return withScratchDb(dir, opts, (db) => weeklyStarSchema(db, spec, dir, asOf, futureWeeks));
}

async function weeklyStarSchema(db: Db, spec: WeeklyTableSpec, outDir: string, asOf: string, futureWeeks: number): Promise<BuildResult> {
  const warnings: string[] = [];
  const file = basename(spec.file);
  const holiday = spec.holidays ? HOLIDAY_COLUMN : null;
  const src = await loadRaw(db, { name: 'weekly', required: true, columns: roles(spec).map((r) => opt(r.column)) }, spec.file);
  checkRoles(src, spec, holiday);
  await checkWeeklyRows(db, src, spec, asOf);
  await stgWeekly(db, spec);
  await checkWeeklySpacing(db, file, spec.dateCol);
  const { condition: inWindow, window } = await windowCondition(db, file, spec.window);
  await refuseConstantTarget(db, 'stg_weekly', spec.target, { file, column: spec.target }, 'the target', inWindow);
  await refuseIdleMedia(db, spec, file, window ? inWindow : null);

  await intWeeksFromTable(db);
  const { first, last } = (await db.all<{ first: string; last: string }>(`SELECT strftime(min(week_start), '%Y-%m-%d') AS first, strftime(max(week_start), '%Y-%m-%d') AS last FROM int_weeks`))[0];
  const offset = weekCoverOffset(spec.weekEnding);
  await stageWeeklyHolidays(db, spec, addDays(first, offset), addDays(last, 7 * futureWeeks + 6));
  await dimWeek(db, offset);
  await dimWeekFuture(db, last, futureWeeks, offset);
  if (spec.holidays && 'file' in spec.holidays) {
    const gap = await futureHolidayGap(db, basename(spec.holidays.file));
    if (gap) warnings.push(gap);
  }
  await dimChannelFromTable(db, spec);
  await fctSpendFromTable(db, spec);
  await fctExposuresFromTable(db, spec);
  await fctRevenueFromTable(db, spec);
  await fctControlsFromTable(db, spec);
  warnings.push(...(await spendWarnings(db, file)), ...(await targetWarnings(db, file, spec.target, inWindow)));

  const candidates = [...spec.controls, ...spec.factors, ...(holiday ? [holiday] : [])];
  await db.run(`CREATE VIEW weekly_candidates AS SELECT * FROM stg_weekly${holiday ? ` JOIN (SELECT week_start, holiday AS ${sqlIdent(holiday)} FROM dim_week) USING (week_start)` : ''}`);
  const dropped = await constantColumns(db, 'weekly_candidates', candidates, inWindow);
  const span = window ? `the window ${window.start} to ${window.end}` : `all weeks (${first} to ${last})`;
  for (const d of dropped) warnings.push(`${d.column === holiday ? 'holiday flag' : `${file} column "${d.column}"`} is constant (${d.value}) over ${span} and was dropped from mmm_input`);
  const keep = (c: string) => !dropped.some((d) => d.column === c);
  const kept = { controls: spec.controls.filter(keep), factors: spec.factors.filter(keep) };
  const holidayCol = holiday && keep(holiday) ? holiday : null;
  await mmmInputFromTable(db, spec, kept, holidayCol);

  const rows = await writeTables(db, outDir, Object.keys(WEEKLY_TABLES), spec.dateCol);
  const columns: InputColumns = { date: spec.dateCol, target: spec.target, channels: spec.channels, organic: spec.organic, controls: kept.controls, factors: kept.factors, holiday: holidayCol };
  const metrics = await weeklyMetrics(db, spec, { first, last, columns, dropped: dropped.map((d) => d.column), asOf, window });
  return { metrics, warnings, rows };
}

/**
 * A channel with no spend in any week of the window, or the same spend every week (an organic variable:
 * activity), cannot be fitted: refused here, as the fit refuses it (idleMediaMessage), before any stage
 * after the ingest runs. `inWindow` is the window's SQL condition, null for all weeks.
 */
async function refuseIdleMedia(db: Db, spec: WeeklyTableSpec, file: string, inWindow: string | null): Promise<void> {
  const media = [...spec.channels.map((name) => ({ name, spend: true })), ...spec.organic.map((name) => ({ name, spend: false }))];
  const range = media.map((m, i) => `min(${sqlIdent(m.name)})::DOUBLE AS lo${i}, max(${sqlIdent(m.name)})::DOUBLE AS hi${i}`).join(', ');
  const r = (await db.all<Record<string, number>>(`SELECT ${range} FROM stg_weekly WHERE ${inWindow ?? 'true'}`))[0];
  media.forEach((m, i) => {
    const idle = idleMediaMessage(m.spend ? 'spend' : 'activity', r[`lo${i}`], r[`hi${i}`], inWindow !== null);
    if (idle) throw new ValidationError(idle, { file, column: m.name });
  });
}

/**
 * `stg_holidays` from the spec's holiday file (`date,name`; future dates
 * allowed), from the country's public holidays over [from, to], or empty.
 */
async function stageWeeklyHolidays(db: Db, spec: WeeklyTableSpec, from: string, to: string): Promise<void> {
  const h = spec.holidays;
  if (h && 'country' in h) return stageHolidayList(db, await countryHolidays(h.country, Number(from.slice(0, 4)), Number(to.slice(0, 4))));
  if (!h) return stageHolidayList(db, []);
  const src = await loadRaw(db, { name: 'holidays', required: true, columns: [req('date'), req('name')] }, h.file);
  await checkAll(db, src, [
    { column: 'date', bad: isBadDate('date'), detail: (v) => `unparseable date "${v}" (expected YYYY-MM-DD)` },
    { column: 'name', bad: isEmpty('name'), detail: () => 'empty holiday name' },
  ]);
  await db.run(`CREATE TABLE stg_holidays AS SELECT DISTINCT CAST(date AS DATE) AS date, name FROM v_holidays ORDER BY 1, 2`);
}

/** Warnings about spend: weeks with no spend on any channel, and spikes (10x a channel's usual week), naming rows. */
async function spendWarnings(db: Db, file: string): Promise<string[]> {
  const out: string[] = [];
  const zero = await db.all<{ w: string; r: number }>(`SELECT strftime(s.week_start, '%Y-%m-%d') AS w, min(t._row)::INTEGER AS r FROM fct_spend_weekly s JOIN stg_weekly t USING (week_start)
      GROUP BY s.week_start HAVING sum(s.spend) = 0 ORDER BY s.week_start`);
  if (zero.length) out.push(`${file}: ${zero.length} week(s) with no spend on any channel: ${firstFive(zero.map((z) => `row ${z.r} (${z.w})`))} (is the export complete?)`);
  const rowOf = new Map((await db.all<{ w: string; r: number }>(`SELECT strftime(week_start, '%Y-%m-%d') AS w, _row::INTEGER AS r FROM stg_weekly`)).map((x) => [x.w, x.r]));
  out.push(
    ...spikeWarnings(
      await spendSpikes(db),
      (ch) => `${file} column "${ch}"`,
      (s) => `row ${rowOf.get(s.week)} (${s.week})`,
    ),
  );
  return out;
}

/** The target's implausible weeks in the modelling window (`inWindow`, an SQL condition), as {@link targetWeekWarnings} words them (a week far above the rest is refused). */
async function targetWarnings(db: Db, file: string, target: string, inWindow: string): Promise<string[]> {
  const weeks = await db.all<{ row: number; week: string; value: number }>(
    `SELECT _row::INTEGER AS row, strftime(week_start, '%Y-%m-%d') AS week, TRY_CAST(${sqlIdent(target)} AS DOUBLE) AS value FROM stg_weekly WHERE ${inWindow} ORDER BY week_start`,
  );
  return targetWeekWarnings(file, target, weeks);
}

async function weeklyMetrics(
  db: Db,
  spec: WeeklyTableSpec,
  m: { first: string; last: string; columns: InputColumns; dropped: string[]; asOf: string; window: { start: string; end: string } | null },
): Promise<Record<string, unknown>> {
  const totals = (
    await db.all<{ revenue: number; spend: number; weeks: number }>(`SELECT (SELECT sum(revenue)::DOUBLE FROM fct_revenue_weekly) AS revenue,
      (SELECT coalesce(sum(spend), 0)::DOUBLE FROM fct_spend_weekly) AS spend, (SELECT count(*)::INTEGER FROM int_weeks) AS weeks`)
  )[0];
  return {
    input: 'weekly',
    weeks: totals.weeks,
    firstWeek: m.first,
    lastWeek: m.last,
    lastDate: m.last,
    weekEnding: spec.weekEnding,
    revenue: totals.revenue,
    spend: totals.spend,
    currency: null,
    orders: null,
    customers: null,
    channels: spec.channels,
    controls: m.columns.controls,
    columns: m.columns,
    exposures: spec.exposures,
    droppedControls: m.dropped,
    holidays: spec.holidays === null ? null : 'country' in spec.holidays ? { country: spec.holidays.country } : { file: basename(spec.holidays.file) },
    window: m.window,
    asOf: m.asOf,
  };
}

/**
 * Exposure columns as the command line gives them: `COLUMN=CHANNEL`, or
 * `COLUMN` alone when the text before its first `_` names exactly one spend
 * column the same way (`facebook_I` -> `facebook_S`, `search_clicks_P` -> `search_S`).
 * @throws UsageError naming --exposures when a column's channel cannot be told
 */
export function parseExposureList(items: string[], channels: string[]): { column: string; channel: string }[] {
  const stem = (s: string) => s.split('_', 1)[0].toLowerCase();
  return items.map((item) => {
    const eq = item.indexOf('=');
    if (eq >= 0) return { column: item.slice(0, eq).trim(), channel: item.slice(eq + 1).trim() };
    const match = channels.filter((c) => stem(c) === stem(item));
    if (match.length !== 1) throw new UsageError(`--exposures ${item}: cannot tell which channel it belongs to${match.length ? ` (${match.join(' or ')})` : ''}; write ${item}=CHANNEL`);
    return { column: item, channel: match[0] };
  });
}
