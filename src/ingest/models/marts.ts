/**
 * Marts of the raw-events ingest: the tables users and later stages read,
 * each with its grain in brackets. `dim_week` is shared with the weekly-table
 * ingest (dim-week.ts).
 */
import { basename } from 'node:path';
import { ValidationError } from '../../core/errors.ts';
import { sqlIdent, sqlString } from '../duckdb.ts';
import type { RawContext } from './context.ts';

/**
 * `dim_channel` [channel]: every channel named by spend, events or channels.csv,
 * with spend_column (its wide-table column, for channels with spend), kind
 * (paid, owned, organic, unknown), group and has_spend.
 */
export async function dimChannel(ctx: RawContext): Promise<void> {
  const missingKind = (await ctx.db.all<{ channel: string }>(`SELECT DISTINCT s.channel FROM stg_spend s ANTI JOIN stg_channels c USING (channel) ORDER BY 1`)).map((r) => r.channel);
  if (ctx.files.channels && missingKind.length) {
    await refuseMisspelledChannels(ctx, missingKind);
    ctx.warnings.push(`${basename(ctx.files.channels)}: no row for spend channel(s) ${missingKind.join(', ')}; treated as paid, ungrouped`);
  }
  if (!ctx.files.channels) await refuseRareLookalikes(ctx);
  await ctx.db.run(`CREATE TABLE dim_channel AS
    WITH names AS (SELECT channel FROM stg_spend UNION SELECT channel FROM stg_events UNION SELECT channel FROM stg_channels)
    SELECT n.channel,
           CASE WHEN n.channel IN (SELECT channel FROM stg_spend) THEN lower(regexp_replace(regexp_replace(n.channel, '[^A-Za-z0-9]+', '_', 'g'), '^_+|_+$', '', 'g')) || '_spend' END AS spend_column,
           coalesce(c.kind, CASE WHEN n.channel IN (SELECT channel FROM stg_spend) THEN 'paid' ELSE 'unknown' END) AS kind,
           coalesce(c."group", 'ungrouped') AS "group",
           n.channel IN (SELECT channel FROM stg_spend) AS has_spend
    FROM names n LEFT JOIN stg_channels c USING (channel) ORDER BY n.channel`);
}

/**
 * A spend channel channels.csv does not list, but whose name is a listed
 * channel's up to case or two typed characters (`serach`, `TV`), is a typo
 * far more often than a new channel: modelled as one it would take a share of
 * its twin's effect. Refused, naming both.
 * @throws ValidationError naming spend.csv's channel column
 */
async function refuseMisspelledChannels(ctx: RawContext, unlisted: string[]): Promise<void> {
  const rows = await ctx.db.all<{ channel: string; listed: string }>(
    `SELECT u.channel, c.channel AS listed FROM (SELECT unnest([${unlisted.map(sqlString).join(', ')}]) AS channel) u
     JOIN stg_channels c ON lower(u.channel) = lower(c.channel) OR (length(c.channel) >= 4 AND levenshtein(lower(u.channel), lower(c.channel)) <= 2)
     ORDER BY levenshtein(lower(u.channel), lower(c.channel)), 1, 2 LIMIT 1`,
  );
  if (!rows.length) return;
  const [{ channel, listed }] = rows;
  throw new ValidationError(
    `channel "${channel}" is not in ${basename(ctx.files.channels!)} but looks like its channel "${listed}" (a typo? if it is a channel of its own, add it to ${basename(ctx.files.channels!)})`,
    { file: basename(ctx.files.spend!), column: 'channel' },
  );
}

/**
 * Without channels.csv: a spend channel with spend in a twentieth or less of
 * the weeks of another whose name it matches up to case or two characters
 * (`serach` in 1 week, `search` in 156) is a typo far more often than a
 * channel of its own. Refused, naming both; listing both in channels.csv
 * keeps them apart.
 * @throws ValidationError naming spend.csv's channel column
 */
async function refuseRareLookalikes(ctx: RawContext): Promise<void> {
  const rows = await ctx.db.all<{ channel: string; weeks: number; twin: string; twinWeeks: number }>(
    `WITH w AS (SELECT channel, count(DISTINCT date_trunc('week', date))::INTEGER AS weeks FROM stg_spend WHERE spend > 0 GROUP BY 1)
     SELECT a.channel, a.weeks, b.channel AS twin, b.weeks AS "twinWeeks" FROM w a JOIN w b
       ON a.channel <> b.channel AND a.weeks * 20 <= b.weeks
      AND (lower(a.channel) = lower(b.channel) OR (length(b.channel) >= 4 AND levenshtein(lower(a.channel), lower(b.channel)) <= 2))
     ORDER BY levenshtein(lower(a.channel), lower(b.channel)), 1, 3 LIMIT 1`,
  );
  if (!rows.length) return;
  const [r] = rows;
  throw new ValidationError(
    `channel "${r.channel}" has spend in ${r.weeks} week(s) and looks like the channel "${r.twin}" (${r.twinWeeks} weeks): a typo? (if it is a channel of its own, list both in channels.csv)`,
    { file: basename(ctx.files.spend!), column: 'channel' },
  );
}

/** `fct_spend_weekly` [week x channel with spend]: spend, impressions, clicks; 0 in weeks without rows. */
export async function fctSpendWeekly(ctx: RawContext): Promise<void> {
  await ctx.db.run(`CREATE TABLE fct_spend_weekly AS
    WITH agg AS (SELECT CAST(date_trunc('week', date) AS DATE) AS week_start, channel, sum(spend) AS spend, sum(impressions) AS impressions, sum(clicks) AS clicks
                 FROM stg_spend GROUP BY 1, 2)
    SELECT w.week_start, c.channel, CAST(coalesce(a.spend, 0) AS DOUBLE) AS spend,
           coalesce(a.impressions, 0) AS impressions, coalesce(a.clicks, 0) AS clicks
    FROM dim_week w CROSS JOIN (SELECT channel FROM dim_channel WHERE has_spend) c
    LEFT JOIN agg a ON a.week_start = w.week_start AND a.channel = c.channel
    ORDER BY w.week_start, c.channel`);
}

/**
 * `fct_exposures_weekly` [week x channel x metric]: value. From the raw
 * spend rows: `impressions` and `clicks`, each only when spend.csv has the column.
 */
export async function fctExposuresWeekly(ctx: RawContext, spendColumns: string[]): Promise<void> {
  const metrics = ['impressions', 'clicks'].filter((m) => spendColumns.includes(m));
  const rows = metrics.map((m) => `SELECT week_start, channel, ${sqlString(m)} AS metric, CAST(${m} AS DOUBLE) AS value FROM fct_spend_weekly`);
  await ctx.db.run(`CREATE TABLE fct_exposures_weekly AS
    SELECT * FROM (${rows.length ? rows.join(' UNION ALL ') : `SELECT NULL::DATE AS week_start, NULL::VARCHAR AS channel, NULL::VARCHAR AS metric, NULL::DOUBLE AS value WHERE false`})
    ORDER BY week_start, channel, metric`);
}

/** `fct_transactions` [order]: customer, timestamp, date, week_start, amount, currency, acquisition_channel, is_first_order. */
export async function fctTransactions(ctx: RawContext): Promise<void> {
  await ctx.db.run(`CREATE TABLE fct_transactions AS
    SELECT o.order_id, o.customer_id, o.ts AS "timestamp", CAST(o.ts AS DATE) AS date, CAST(date_trunc('week', o.ts) AS DATE) AS week_start,
           CAST(o.amount AS DOUBLE) AS amount, o.currency, c.channel AS acquisition_channel, o.ts = c.first_ts AS is_first_order
    FROM stg_orders o JOIN int_customer_acquisition c USING (customer_id)
    ORDER BY o.ts, o.order_id`);
}

/** `fct_revenue_weekly` [week]: revenue, orders, new_customers (0 in weeks without orders, with a warning). */
export async function fctRevenueWeekly(ctx: RawContext): Promise<void> {
  await ctx.db.run(`CREATE TABLE fct_revenue_weekly AS
    WITH agg AS (SELECT CAST(date_trunc('week', o.ts) AS DATE) AS week_start, sum(o.amount) AS revenue, count(*) AS orders,
                        count(DISTINCT o.customer_id) FILTER (WHERE o.ts = f.first_ts) AS new_customers
                 FROM stg_orders o JOIN int_customer_first_order f USING (customer_id) GROUP BY 1)
    SELECT w.week_start, CAST(coalesce(a.revenue, 0) AS DOUBLE) AS revenue, CAST(coalesce(a.orders, 0) AS INTEGER) AS orders,
           CAST(coalesce(a.new_customers, 0) AS INTEGER) AS new_customers
    FROM dim_week w LEFT JOIN agg a USING (week_start) ORDER BY w.week_start`);
  const empty = await ctx.db.all<{ w: string }>(`SELECT strftime(week_start, '%Y-%m-%d') AS w FROM fct_revenue_weekly WHERE orders = 0 ORDER BY 1`);
  if (empty.length)
    ctx.warnings.push(
      `${empty.length} week(s) without any order: ${empty
        .slice(0, 5)
        .map((r) => r.w)
        .join(', ')}${empty.length > 5 ? ', ...' : ''}`,
    );
}

/**
 * `fct_controls_weekly` [week]: one column per control, the mean of its values
 * in the week, carried forward from the previous week where a week has none
 * (with a warning).
 * @throws ValidationError when a control has no value at or before the first week
 */
export async function fctControlsWeekly(ctx: RawContext, controls: { name: string; col: string }[], firstWeek: string): Promise<void> {
  const { db } = ctx;
  const select = controls
    .map(
      (c) =>
        `last_value(avg(CASE WHEN s.name = ${sqlString(c.name)} THEN s.value END) IGNORE NULLS) OVER (ORDER BY w.week_start ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS ${sqlIdent(c.col)}`,
    )
    .join(', ');
  await db.run(`CREATE TABLE fct_controls_weekly AS
    SELECT w.week_start${select ? `, ${select}` : ''}
    FROM dim_week w LEFT JOIN stg_controls s ON CAST(date_trunc('week', s.date) AS DATE) = w.week_start
    GROUP BY w.week_start ORDER BY w.week_start`);
  for (const c of controls) {
    const gaps = await db.all<{ n: number }>(`SELECT count(*)::INTEGER AS n FROM fct_controls_weekly WHERE ${sqlIdent(c.col)} IS NULL`);
    if (gaps[0].n > 0)
      throw new ValidationError(`control "${c.name}" has no value before week ${firstWeek}; give a value for the first week`, { file: basename(ctx.files.controls!), column: 'value' });
    const carried = await db.all<{ n: number }>(
      `SELECT count(*)::INTEGER AS n FROM dim_week w ANTI JOIN (SELECT DISTINCT CAST(date_trunc('week', date) AS DATE) AS week_start FROM stg_controls WHERE name = ${sqlString(c.name)}) s USING (week_start)`,
    );
    if (carried[0].n > 0) ctx.warnings.push(`control "${c.name}": ${carried[0].n} week(s) without a value carried the previous week's value forward`);
  }
}

/**
 * `mmm_input` [week]: the wide modelling table: date (week start), revenue,
 * orders, new_customers, one `<channel>_spend` column per paid channel, the
 * `controls` given (columns of fct_controls_weekly) and, when `holiday`, the
 * week's holiday flag.
 */
export async function mmmInput(ctx: RawContext, spendColumns: Map<string, string>, controls: string[], holiday: boolean): Promise<void> {
  const pivot = [...spendColumns.entries()].map(([col, ch]) => `sum(CASE WHEN s.channel = ${sqlString(ch)} THEN s.spend END) AS ${sqlIdent(col)}`).join(', ');
  await ctx.db.run(`CREATE TABLE mmm_input AS
    WITH sp AS (SELECT s.week_start, ${pivot} FROM fct_spend_weekly s GROUP BY 1)
    SELECT w.week_start AS date, r.revenue, r.orders, r.new_customers, ${[...spendColumns.keys()].map((c) => `sp.${sqlIdent(c)}`).join(', ')}
           ${controls.map((c) => `, c.${sqlIdent(c)}`).join('')}${holiday ? ', w.holiday' : ''}
    FROM dim_week w JOIN fct_revenue_weekly r USING (week_start) JOIN sp USING (week_start) JOIN fct_controls_weekly c USING (week_start)
    ORDER BY w.week_start`);
}
