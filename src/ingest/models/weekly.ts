/**
 * Models of the weekly-table ingest: the user's wide table staged once
 * (`stg_weekly`, columns named exactly as the user wrote them) and the marts
 * of the raw-events ingest rebuilt from it, so later stages read the same
 * tables whichever input a run had.
 */
import { sqlIdent, sqlString, type Db } from '../duckdb.ts';
import type { WeeklyTableSpec } from '../types.ts';

const id = sqlIdent;
const list = (cols: string[], fn: (c: string) => string) => cols.map((c) => `, ${fn(c)}`).join('');

/**
 * `stg_weekly` [week]: `_row` (the file's data row), `week_start` (the
 * user's date, cast), the target, channels, organic, controls and exposures
 * as DOUBLE and the factors as text (an empty cell is the level ''), in date order.
 */
export async function stgWeekly(db: Db, spec: WeeklyTableSpec): Promise<void> {
  const numeric = [spec.target, ...spec.channels, ...spec.organic, ...spec.controls, ...spec.exposures.map((e) => e.column)];
  await db.run(`CREATE TABLE stg_weekly AS SELECT _row, CAST(${id(spec.dateCol)} AS DATE) AS week_start
      ${list(numeric, (c) => `CAST(${id(c)} AS DOUBLE) AS ${id(c)}`)}${list(spec.factors, (c) => `coalesce(${id(c)}, '') AS ${id(c)}`)}
    FROM v_weekly ORDER BY week_start, _row`);
}

/** `int_weeks` [week]: the user's dates, the labels of the weeks (each the first of its 7 days). */
export async function intWeeksFromTable(db: Db): Promise<void> {
  await db.run(`CREATE TABLE int_weeks AS SELECT week_start FROM stg_weekly ORDER BY week_start`);
}

/** A VALUES list of names with their position, as a relation `(name, pos)`. */
const positions = (names: string[]) => `(VALUES ${names.map((n, i) => `(${sqlString(n)}, ${i})`).join(', ')}) p(name, pos)`;

/** `dim_channel` [channel]: the spend columns (kind paid) then the organic columns (kind organic, no spend), in the user's order. */
export async function dimChannelFromTable(db: Db, spec: WeeklyTableSpec): Promise<void> {
  const rows = [...spec.channels.map((c) => `(${sqlString(c)}, ${sqlString(c)}, 'paid', 'ungrouped', true)`), ...spec.organic.map((c) => `(${sqlString(c)}, NULL, 'organic', 'ungrouped', false)`)];
  await db.run(`CREATE TABLE dim_channel AS SELECT * FROM (VALUES ${rows.join(', ')}) t(channel, spend_column, kind, "group", has_spend)`);
}

/** `fct_spend_weekly` [week x channel with spend]: spend; impressions and clicks unknown (NULL: see fct_exposures_weekly). */
export async function fctSpendFromTable(db: Db, spec: WeeklyTableSpec): Promise<void> {
  const long = spec.channels.map((c) => `SELECT week_start, ${sqlString(c)} AS channel, ${id(c)} AS spend FROM stg_weekly`).join(' UNION ALL ');
  await db.run(`CREATE TABLE fct_spend_weekly AS
    SELECT l.week_start, l.channel, l.spend, NULL::DOUBLE AS impressions, NULL::DOUBLE AS clicks
    FROM (${long}) l JOIN ${positions(spec.channels)} ON p.name = l.channel ORDER BY l.week_start, p.pos`);
}

/** `fct_exposures_weekly` [week x channel x metric]: each exposure column under its channel, and each organic column under itself. */
export async function fctExposuresFromTable(db: Db, spec: WeeklyTableSpec): Promise<void> {
  const metrics = [...spec.exposures.map((e) => ({ channel: e.channel, metric: e.column })), ...spec.organic.map((c) => ({ channel: c, metric: c }))];
  const long = metrics.map((m, i) => `SELECT week_start, ${sqlString(m.channel)} AS channel, ${sqlString(m.metric)} AS metric, ${id(m.metric)} AS value, ${i} AS pos FROM stg_weekly`);
  const empty = `SELECT NULL::DATE AS week_start, NULL::VARCHAR AS channel, NULL::VARCHAR AS metric, NULL::DOUBLE AS value, 0 AS pos WHERE false`;
  await db.run(`CREATE TABLE fct_exposures_weekly AS SELECT week_start, channel, metric, value FROM (${long.length ? long.join(' UNION ALL ') : empty}) ORDER BY week_start, pos`);
}

/** `fct_revenue_weekly` [week]: revenue (the target column); orders and new_customers unknown (NULL). */
export async function fctRevenueFromTable(db: Db, spec: WeeklyTableSpec): Promise<void> {
  await db.run(`CREATE TABLE fct_revenue_weekly AS SELECT week_start, ${id(spec.target)} AS revenue, NULL::INTEGER AS orders, NULL::INTEGER AS new_customers FROM stg_weekly ORDER BY week_start`);
}

/** `fct_controls_weekly` [week]: every control (DOUBLE) and factor (text) column as given, before any is dropped. */
export async function fctControlsFromTable(db: Db, spec: WeeklyTableSpec): Promise<void> {
  await db.run(`CREATE TABLE fct_controls_weekly AS SELECT week_start${list([...spec.controls, ...spec.factors], id)} FROM stg_weekly ORDER BY week_start`);
}

/**
 * `mmm_input` [week]: the user's date column (the week label), the target,
 * channels, organic, the kept controls and factors, and the holiday flag
 * when `holiday` names its column; every name as the user wrote it.
 */
export async function mmmInputFromTable(db: Db, spec: WeeklyTableSpec, kept: { controls: string[]; factors: string[] }, holiday: string | null): Promise<void> {
  const cols = [spec.target, ...spec.channels, ...spec.organic, ...kept.controls, ...kept.factors];
  await db.run(`CREATE TABLE mmm_input AS
    SELECT s.week_start AS ${id(spec.dateCol)}${list(cols, (c) => `s.${id(c)}`)}${holiday ? `, w.holiday AS ${id(holiday)}` : ''}
    FROM stg_weekly s JOIN dim_week w USING (week_start) ORDER BY s.week_start`);
}
