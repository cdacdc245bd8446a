/**
 * Staging models of the raw-events ingest, one per source file (dbt style):
 * each loads its file, runs the source's row checks, then only renames, casts
 * and dedupes into `stg_<source>`. Optional sources that are absent become
 * empty tables of the same shape, so the models after them need no branches.
 */
import { sqlString } from '../duckdb.ts';
import { FAR_GAP_WEEKS } from '../plausibility.ts';
import { dedupeOnId } from '../dedupe-on-id.ts';
import { RAW_SOURCES } from '../raw-files.ts';
import {
  checkAll,
  inFileOrder,
  isBadDate,
  isBadMoneyRange,
  isBadNumber,
  isBadTimestamp,
  isEmpty,
  loadRaw,
  money,
  MONEY_MAX,
  NAME_RE,
  numberedRelation,
  utcDate,
  type Check,
  type RawSource,
} from '../source.ts';
import type { RawContext } from './context.ts';

/** A check that refuses dates after the run's as-of date (a date that has not happened is an error in the file). */
function notAfterAsOf(column: string, asOf: string, dateOf: (c: string) => string): Check {
  return { column, bad: `${dateOf(column)} > DATE ${sqlString(asOf)}`, detail: (v) => `${v} is after the as-of date ${asOf} (a date in the future; pass --as-of to replay an older run)` };
}
const asDate = (c: string) => `TRY_CAST(${c} AS DATE)`;

/** The first and last day of spend and orders (YYYY-MM-DD). */
export interface DataSpan {
  first: string;
  last: string;
}

/**
 * Checks that refuse a touch {@link FAR_GAP_WEEKS} weeks or more before the first or after the last day of spend
 * and orders: a placeholder date (1970-01-01) would otherwise become a customer's first touch, so their acquisition channel.
 */
function farFromSpan(column: string, span: DataSpan): Check[] {
  const days = 7 * FAR_GAP_WEEKS;
  return [
    {
      column,
      bad: `${utcDate(column)} <= DATE ${sqlString(span.first)} - INTERVAL ${days} DAY`,
      detail: (v) => `${v} is far before the rest of the data (${FAR_GAP_WEEKS} weeks or more before the first spend or order, ${span.first}): a placeholder date?`,
    },
    {
      column,
      bad: `${utcDate(column)} >= DATE ${sqlString(span.last)} + INTERVAL ${days} DAY`,
      detail: (v) => `${v} is far after the rest of the data (${FAR_GAP_WEEKS} weeks or more after the last spend or order, ${span.last}): a placeholder date?`,
    },
  ];
}

/** `stg_spend` [spend row]: date, channel, campaign, spend (exact decimal), impressions, clicks. */
export async function stgSpend(ctx: RawContext): Promise<RawSource> {
  const { db } = ctx;
  const src = await loadRaw(db, RAW_SOURCES.spend, ctx.files.spend!);
  await checkAll(db, src, [
    { column: 'date', bad: isBadDate('date'), detail: (v) => `unparseable date "${v}" (expected YYYY-MM-DD)` },
    notAfterAsOf('date', ctx.asOf, asDate),
    {
      column: 'channel',
      bad: `${isEmpty('channel')} OR NOT regexp_full_match(channel, ${NAME_RE})`,
      detail: (v) => `invalid channel name "${v}" (letters, digits, space, _ . -; starting with a letter)`,
    },
    { column: 'spend', bad: isBadNumber('spend'), detail: (v) => `not a number: "${v}"` },
    { column: 'spend', bad: `TRY_CAST(spend AS DOUBLE) < 0`, detail: (v) => `negative spend ${v}` },
    { column: 'spend', bad: isBadMoneyRange('spend'), detail: (v) => `spend ${v} is too large (at most ${MONEY_MAX})` },
  ]);
  for (const c of ['impressions', 'clicks']) {
    if (!src.columns.includes(c)) continue;
    await checkAll(db, src, [
      { column: c, bad: `${c} <> '' AND TRY_CAST(${c} AS DOUBLE) IS NULL`, detail: (v) => `not a number: "${v}"` },
      { column: c, bad: `${c} <> '' AND TRY_CAST(${c} AS DOUBLE) < 0`, detail: (v) => `negative ${c} ${v}` },
    ]);
  }
  await db.run(`CREATE TABLE stg_spend AS SELECT CAST(date AS DATE) AS date, channel, coalesce(campaign, '') AS campaign,
      ${money('spend')} AS spend, coalesce(TRY_CAST(NULLIF(impressions, '') AS DOUBLE), 0) AS impressions,
      coalesce(TRY_CAST(NULLIF(clicks, '') AS DOUBLE), 0) AS clicks FROM v_spend`);
  return src;
}

/** `stg_orders` [order]: order_id, customer_id, ts (UTC), amount (exact decimal), currency (upper case); exact duplicate rows dropped. */
export async function stgOrders(ctx: RawContext): Promise<{ src: RawSource; count: number; currency: string }> {
  const { db } = ctx;
  const src = await loadRaw(db, RAW_SOURCES.orders, ctx.files.orders!, { stream: true });
  const count = await checkAll(db, src, [
    { column: 'order_id', bad: isEmpty('order_id'), detail: () => 'empty order id' },
    { column: 'customer_id', bad: isEmpty('customer_id'), detail: () => 'empty customer id' },
    { column: 'timestamp', bad: isBadTimestamp('timestamp'), detail: (v) => `unparseable timestamp "${v}" (expected ISO 8601)` },
    notAfterAsOf('timestamp', ctx.asOf, utcDate),
    { column: 'amount', bad: isBadNumber('amount'), detail: (v) => `not a number: "${v}"` },
    { column: 'amount', bad: `TRY_CAST(amount AS DOUBLE) < 0`, detail: (v) => `negative amount ${v} (refunds are not supported; net them out before ingest)` },
    { column: 'amount', bad: isBadMoneyRange('amount'), detail: (v) => `amount ${v} is too large (at most ${MONEY_MAX})` },
    { column: 'currency', bad: isEmpty('currency'), detail: () => 'empty currency' },
  ]);
  const currency = (await inFileOrder(db, src, () => db.all<{ c: string }>(`SELECT upper(currency) AS c FROM ${numberedRelation(src)} LIMIT 1`)))[0].c;
  await checkAll(db, src, [
    { column: 'currency', bad: `upper(currency) <> ${sqlString(currency)}`, detail: (v) => `mixed currencies: "${v}" but earlier rows are "${currency}" (one currency per run; convert first)` },
  ]);
  const rel = await dedupeOnId(db, src, 'order_id', ['customer_id', 'timestamp', 'amount', 'currency'], count, ctx.warnings);
  await db.run(`CREATE TABLE stg_orders AS SELECT order_id, customer_id, CAST(CAST(timestamp AS TIMESTAMPTZ) AS TIMESTAMP) AS ts,
      ${money('amount')} AS amount, upper(currency) AS currency FROM ${rel}`);
  return { src, count, currency };
}

/**
 * `stg_events` [touch of a known customer]: event_id, ts (UTC), customer_id, channel, type; exact duplicate
 * rows dropped. Anonymous touches are checked and counted, not kept (only acquisition needs touches).
 * Returns the raw row count (0 without an events file).
 */
export async function stgEvents(ctx: RawContext, span: DataSpan): Promise<number> {
  const { db } = ctx;
  if (!ctx.files.events) {
    ctx.warnings.push('no events file: every customer\'s acquisition channel is "none"');
    await db.run(`CREATE TABLE stg_events (event_id VARCHAR, ts TIMESTAMP, customer_id VARCHAR, channel VARCHAR, type VARCHAR)`);
    return 0;
  }
  const src = await loadRaw(db, RAW_SOURCES.events, ctx.files.events, { stream: true });
  const count = await checkAll(db, src, [
    { column: 'event_id', bad: isEmpty('event_id'), detail: () => 'empty event id' },
    { column: 'timestamp', bad: isBadTimestamp('timestamp'), detail: (v) => `unparseable timestamp "${v}" (expected ISO 8601)` },
    notAfterAsOf('timestamp', ctx.asOf, utcDate),
    ...farFromSpan('timestamp', span),
    { column: 'channel', bad: `${isEmpty('channel')} OR NOT regexp_full_match(channel, ${NAME_RE})`, detail: (v) => `invalid channel name "${v}"` },
    // Types in any case (an export's `Click`), compared and kept in lower case.
    { column: 'type', bad: `type IS NULL OR lower(type) NOT IN ('impression', 'click', 'session')`, detail: (v) => `unknown event type "${v}" (expected impression, click or session, in any case)` },
  ]);
  const rel = await dedupeOnId(db, src, 'event_id', ['timestamp', 'customer_id', 'channel', 'type'], count, ctx.warnings);
  await db.run(`CREATE TABLE stg_events AS SELECT event_id, CAST(CAST(timestamp AS TIMESTAMPTZ) AS TIMESTAMP) AS ts,
      customer_id, channel, lower(type) AS type FROM ${rel} WHERE customer_id IS NOT NULL AND customer_id <> ''`);
  return count;
}

/** `stg_controls` [control x date]: date, name, value. */
export async function stgControls(ctx: RawContext): Promise<void> {
  const { db } = ctx;
  if (!ctx.files.controls) {
    await db.run(`CREATE TABLE stg_controls (date DATE, name VARCHAR, value DOUBLE)`);
    return;
  }
  await checkAll(db, await loadRaw(db, RAW_SOURCES.controls, ctx.files.controls), [
    { column: 'date', bad: isBadDate('date'), detail: (v) => `unparseable date "${v}" (expected YYYY-MM-DD)` },
    notAfterAsOf('date', ctx.asOf, asDate),
    { column: 'name', bad: `${isEmpty('name')} OR NOT regexp_full_match(name, ${NAME_RE})`, detail: (v) => `invalid control name "${v}"` },
    { column: 'value', bad: isBadNumber('value'), detail: (v) => `not a number: "${v}"` },
  ]);
  await db.run(`CREATE TABLE stg_controls AS SELECT CAST(date AS DATE) AS date, name, CAST(value AS DOUBLE) AS value FROM v_controls`);
}

/** `stg_holidays` [date x name], from holidays.csv (future dates allowed: it is a planning calendar). */
export async function stgHolidays(ctx: RawContext): Promise<void> {
  const { db } = ctx;
  if (!ctx.files.holidays) {
    await db.run(`CREATE TABLE stg_holidays (date DATE, name VARCHAR)`);
    return;
  }
  await checkAll(db, await loadRaw(db, RAW_SOURCES.holidays, ctx.files.holidays), [
    { column: 'date', bad: isBadDate('date'), detail: (v) => `unparseable date "${v}" (expected YYYY-MM-DD)` },
    { column: 'name', bad: isEmpty('name'), detail: () => 'empty holiday name' },
  ]);
  await db.run(`CREATE TABLE stg_holidays AS SELECT DISTINCT CAST(date AS DATE) AS date, name FROM v_holidays`);
}

/** `stg_channels` [channel]: channel, kind (lower case), group ('ungrouped' when empty); exact duplicates dropped. */
export async function stgChannels(ctx: RawContext): Promise<void> {
  const { db } = ctx;
  if (!ctx.files.channels) {
    await db.run(`CREATE TABLE stg_channels (channel VARCHAR, kind VARCHAR, "group" VARCHAR)`);
    return;
  }
  const src = await loadRaw(db, RAW_SOURCES.channels, ctx.files.channels);
  const count = await checkAll(db, src, [{ column: 'channel', bad: `${isEmpty('channel')} OR NOT regexp_full_match(channel, ${NAME_RE})`, detail: (v) => `invalid channel name "${v}"` }]);
  const rel = await dedupeOnId(db, src, 'channel', ['kind', 'group'], count, ctx.warnings);
  await db.run(`CREATE TABLE stg_channels AS SELECT channel, lower(kind) AS kind, coalesce(NULLIF("group", ''), 'ungrouped') AS "group" FROM ${rel}`);
}
