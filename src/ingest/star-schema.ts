/**
 * The raw-events ingest as a DAG of SQL models on one DuckDB database:
 *
 *   staging       stg_spend, stg_orders, stg_events, stg_controls, stg_channels, stg_holidays
 *   intermediate  int_weeks, int_customer_first_order, int_customer_acquisition
 *   marts         dim_channel, dim_week, dim_week_future, fct_spend_weekly, fct_exposures_weekly,
 *                 fct_transactions, fct_revenue_weekly, fct_controls_weekly, mmm_input
 *
 * with the plausibility checks between them. Each model is one function in
 * models/; this file only runs them in order and writes the marts.
 */
import { basename } from 'node:path';
import type { BuildResult } from '../core/artifacts.ts';
import { UsageError, ValidationError } from '../core/errors.ts';
import { sqlString, type Db } from './duckdb.ts';
import { countryHolidays, stageHolidayList } from './holidays.ts';
import type { RawContext } from './models/context.ts';
import { dimWeek, dimWeekFuture, futureHolidayGap } from './models/dim-week.ts';
import { addDays, intCompleteWeeks, intControlColumns, intCustomerAcquisition, intCustomerFirstOrder, intSpendColumns } from './models/intermediate.ts';
import { dimChannel, fctControlsWeekly, fctExposuresWeekly, fctRevenueWeekly, fctSpendWeekly, fctTransactions, mmmInput } from './models/marts.ts';
import { stgChannels, stgControls, stgEvents, stgHolidays, stgOrders, stgSpend, type DataSpan } from './models/staging.ts';
import { constantColumns, refuseConstantTarget, refuseFarFromRest, spendSpikes, spikeWarnings, weeksWithoutSpendRows } from './plausibility.ts';
import { farDetail, farTargetWeek, firstFive } from './target-weeks.ts';
import type { RawFiles } from './raw-files.ts';
import type { InputColumns } from './types.ts';
import { writeTables } from './write-tables.ts';

/** The tables the raw-events ingest writes (each `<name>.parquet`), with their grain. */
export const STAR_TABLES = {
  dim_channel: 'channel',
  dim_week: 'ISO week (Monday start)',
  dim_week_future: 'week after the data',
  fct_spend_weekly: 'week x channel',
  fct_exposures_weekly: 'week x channel x metric',
  fct_revenue_weekly: 'week',
  fct_controls_weekly: 'week',
  fct_transactions: 'order',
  mmm_input: 'week',
} as const;

/** What the raw star schema needs besides the files. */
export interface StarSchemaOptions {
  asOf: string;
  /** Country (or region) whose public holidays flag the weeks when there is no holidays file. */
  country?: string;
  futureWeeks: number;
}

/**
 * Builds the star schema from raw files into `outDir` on `db`.
 * @throws ValidationError naming file, row and column for bad or implausible input; UsageError for
 *   a holidays file together with a country, or a country without a calendar
 */
export async function buildStarSchema(db: Db, files: RawFiles, outDir: string, opts: StarSchemaOptions): Promise<BuildResult> {
  const ctx: RawContext = { db, files, warnings: [], asOf: opts.asOf };
  const timings: Record<string, number> = {};
  const t0 = performance.now();
  let t = t0;
  const lap = (name: string) => {
    timings[name] = Math.round(performance.now() - t);
    t = performance.now();
  };
  if (files.holidays && opts.country) throw new UsageError(`--country ${opts.country}: the raw folder has its own ${basename(files.holidays)}; use one of them`);

  const spend = await stgSpend(ctx);
  lap('stg_spend');
  const orders = await stgOrders(ctx);
  await refuseFarFromRest(db, spend, orders.src);
  lap('stg_orders');
  const eventCount = await stgEvents(ctx, await dataSpan(db));
  lap('stg_events');
  await stgControls(ctx);
  await stgChannels(ctx);
  const { first, last } = await intCompleteWeeks(ctx);
  const holiday = await stageRawHolidays(ctx, first, last, opts);
  lap('stg_small');

  const spendColumns = await intSpendColumns(ctx);
  await dimChannel(ctx);
  await dimWeek(db);
  await dimWeekFuture(db, last, opts.futureWeeks);
  if (files.holidays) {
    const gap = await futureHolidayGap(db, basename(files.holidays));
    if (gap) ctx.warnings.push(gap);
  }
  lap('dims');

  const controls = await buildFacts(ctx, spend.columns, spendColumns, first);
  const dropped = await constantColumns(db, 'mmm_input_candidates', [...controls.map((c) => c.col), ...(holiday ? ['holiday'] : [])]);
  for (const d of dropped)
    ctx.warnings.push(`${d.column === 'holiday' ? 'holiday flag' : `control "${d.column}"`} is constant (${d.value}) over all ${await weekCount(db)} weeks and was dropped from mmm_input`);
  const keep = (c: string) => !dropped.some((d) => d.column === c);
  const kept = controls.map((c) => c.col).filter(keep);
  await mmmInput(ctx, spendColumns, kept, holiday && keep('holiday'));
  lap('facts');

  const rows = await writeTables(db, outDir, Object.keys(STAR_TABLES), 'date');
  lap('write');

  const columns: InputColumns = {
    date: 'date',
    target: 'revenue',
    channels: [...spendColumns.keys()],
    organic: [],
    controls: kept,
    factors: [],
    holiday: holiday && keep('holiday') ? 'holiday' : null,
  };
  const metrics = await rawMetrics(ctx, {
    first,
    last,
    currency: orders.currency,
    channels: [...spendColumns.values()],
    columns,
    dropped: dropped.map((d) => d.column),
    asOf: opts.asOf,
    country: opts.country,
  });
  metrics.rowsPerSecond = Math.round((eventCount + (metrics.orders as number)) / ((performance.now() - t0) / 1000));
  return { metrics, warnings: ctx.warnings, rows, timingsMs: timings };
}

/**
 * `stg_holidays` from holidays.csv, else from the country's public holidays
 * over the data and the future weeks, else empty. Returns whether the run has
 * a holiday source (without one, mmm_input has no holiday column).
 */
async function stageRawHolidays(ctx: RawContext, first: string, last: string, opts: StarSchemaOptions): Promise<boolean> {
  if (ctx.files.holidays) {
    await stgHolidays(ctx);
    return true;
  }
  if (opts.country) {
    const years: [number, number] = [Number(first.slice(0, 4)), Number(addDays(last, 7 * opts.futureWeeks + 6).slice(0, 4))];
    await stageHolidayList(ctx.db, await countryHolidays(opts.country, ...years));
    return true;
  }
  await stgHolidays(ctx);
  ctx.warnings.push('no holidays.csv and no country (the config\'s "country", or mmm ingest --country): the weeks have no holiday flag');
  return false;
}

/**
 * Refuses a channel whose weekly spend is the same in every week (a fixed fee, say): a model cannot
 * tell what a spend that never changes brings, as it moves with the baseline. Named as spend.csv names it.
 * @throws ValidationError naming the file, its channel column and the channel
 */
async function refuseConstantSpend(db: RawContext['db'], spendFile: string): Promise<void> {
  const flat = await db.all<{ channel: string; spend: number; weeks: number }>(
    `SELECT channel, min(spend)::DOUBLE AS spend, count(*)::INTEGER AS weeks FROM fct_spend_weekly GROUP BY channel HAVING min(spend) = max(spend) AND min(spend) > 0 ORDER BY channel LIMIT 1`,
  );
  if (flat.length)
    throw new ValidationError(
      `channel "${flat[0].channel}" spends the same (${flat[0].spend}) in every one of its ${flat[0].weeks} weeks: a model cannot tell what a spend that never changes brings; leave it out of ${spendFile} (or give it weeks of other spend)`,
      { file: spendFile, column: 'channel' },
    );
}

/** The fact tables, the checks on them, and `mmm_input_candidates` (every control, for the constant-column check). */
async function buildFacts(ctx: RawContext, spendFileColumns: string[], spendColumns: Map<string, string>, first: string) {
  const { db } = ctx;
  const spendFile = basename(ctx.files.spend!);
  await fctSpendWeekly(ctx);
  await refuseConstantSpend(db, spendFile);
  await fctExposuresWeekly(ctx, spendFileColumns);
  const noSpend = await weeksWithoutSpendRows(db);
  if (noSpend.length) ctx.warnings.push(`${spendFile}: ${noSpend.length} week(s) without any spend row, taken as zero spend on every channel: ${firstFive(noSpend)} (is the export complete?)`);
  const spikes = await spendSpikes(db);
  ctx.warnings.push(
    ...spikeWarnings(
      spikes,
      (ch) => `${spendFile}: channel "${ch}"`,
      (s) => `the week of ${s.week}`,
    ),
  );
  await intCustomerFirstOrder(ctx);
  await intCustomerAcquisition(ctx);
  await fctTransactions(ctx);
  await fctRevenueWeekly(ctx);
  await refuseConstantTarget(db, 'fct_revenue_weekly', 'revenue', { file: basename(ctx.files.orders!), column: 'amount' }, 'weekly revenue');
  await refuseFarRevenueWeek(db, basename(ctx.files.orders!));
  const controls = await intControlColumns(ctx, spendColumns);
  await fctControlsWeekly(ctx, controls, first);
  await db.run(`CREATE VIEW mmm_input_candidates AS SELECT c.*, w.holiday FROM fct_controls_weekly c JOIN dim_week w USING (week_start)`);
  return controls;
}

/** Refuses a week whose revenue is {@link farTargetWeek} far above the rest, naming its largest order. */
async function refuseFarRevenueWeek(db: Db, ordersFile: string): Promise<void> {
  const weeks = await db.all<{ week: string; value: number }>(`SELECT strftime(week_start, '%Y-%m-%d') AS week, revenue AS value FROM fct_revenue_weekly ORDER BY week_start`);
  const far = farTargetWeek(weeks);
  if (!far) return;
  const [top] = await db.all<{ id: string; amount: number }>(
    `SELECT CAST(order_id AS VARCHAR) AS id, CAST(amount AS DOUBLE) AS amount FROM stg_orders WHERE CAST(date_trunc('week', ts) AS DATE) = DATE ${sqlString(far.week.week)} ORDER BY amount DESC, order_id LIMIT 1`,
  );
  throw new ValidationError(`the week of ${far.week.week} has revenue ${far.week.value}, ${farDetail(far)}; its largest order is ${top.id} (${top.amount})`, { file: ordersFile, column: 'amount' });
}

/** The first and last day of spend and orders. */
async function dataSpan(db: Db): Promise<DataSpan> {
  return (
    await db.all<DataSpan>(`SELECT strftime(min(x), '%Y-%m-%d') AS first, strftime(max(x), '%Y-%m-%d') AS last
    FROM (SELECT date AS x FROM stg_spend UNION ALL SELECT CAST(ts AS DATE) FROM stg_orders)`)
  )[0];
}

async function weekCount(db: Db): Promise<number> {
  return (await db.all<{ n: number }>(`SELECT count(*)::INTEGER AS n FROM dim_week`))[0].n;
}

async function rawMetrics(
  ctx: RawContext,
  m: { first: string; last: string; currency: string; channels: string[]; columns: InputColumns; dropped: string[]; asOf: string; country?: string },
): Promise<Record<string, unknown>> {
  const totals = await ctx.db.all<Record<string, number | string>>(`SELECT
      (SELECT CAST(sum(spend) AS DOUBLE) FROM stg_spend) AS spend,
      (SELECT CAST(sum(amount) AS DOUBLE) FROM stg_orders) AS revenue,
      (SELECT count(*)::INTEGER FROM stg_orders) AS orders,
      (SELECT count(DISTINCT customer_id)::INTEGER FROM stg_orders) AS customers,
      (SELECT count(*)::INTEGER FROM dim_week) AS weeks,
      (SELECT strftime(max(d), '%Y-%m-%d') FROM (SELECT max(date) AS d FROM stg_spend UNION ALL SELECT max(CAST(ts AS DATE)) FROM stg_orders UNION ALL SELECT max(date) FROM stg_controls)) AS "lastDate"`);
  return {
    ...totals[0],
    input: 'raw',
    firstWeek: m.first,
    lastWeek: m.last,
    currency: m.currency,
    channels: m.channels,
    controls: m.columns.controls,
    columns: m.columns,
    droppedControls: m.dropped,
    holidays: ctx.files.holidays ? { file: basename(ctx.files.holidays) } : m.country ? { country: m.country } : null,
    asOf: m.asOf,
  };
}
