/**
 * Intermediate models of the raw-events ingest, named by what they do. They
 * sit between staging (`stg_*`) and the marts (`dim_*`, `fct_*`, `mmm_input`).
 */
import { basename } from 'node:path';
import { ValidationError } from '../../core/errors.ts';
import type { RawContext } from './context.ts';

/** `YYYY-MM-DD` plus `days` days. */
export function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * 86400000).toISOString().slice(0, 10);
}

/** Lower-case identifier for a wide-table column: `Paid Social` -> `paid_social`. */
export function columnName(name: string): string {
  return name
    .trim()
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '');
}

/**
 * `int_weeks` [ISO week, Monday start]: the complete Monday-to-Sunday weeks
 * that spend and orders cover. A first week the data start after Monday, or a
 * last week they end before Sunday, is left out (with a warning) until it is
 * complete. Returns the first and last week start (YYYY-MM-DD).
 * @throws ValidationError when the data hold no complete week
 */
export async function intCompleteWeeks(ctx: RawContext): Promise<{ first: string; last: string }> {
  const range = await ctx.db.all<{ d0: string; d1: string; first: string; last: string }>(`
    WITH d AS (SELECT min(x) AS d0, max(x) AS d1 FROM (SELECT date AS x FROM stg_spend UNION ALL SELECT CAST(ts AS DATE) FROM stg_orders))
    SELECT strftime(d0, '%Y-%m-%d') AS d0, strftime(d1, '%Y-%m-%d') AS d1,
           strftime(CASE WHEN isodow(d0) = 1 THEN d0 ELSE date_trunc('week', d0) + INTERVAL 7 DAY END, '%Y-%m-%d') AS first,
           strftime(CASE WHEN isodow(d1) = 7 THEN date_trunc('week', d1) ELSE date_trunc('week', d1) - INTERVAL 7 DAY END, '%Y-%m-%d') AS last
    FROM d`);
  const { d0, d1, first, last } = range[0];
  if (first > last) throw new ValidationError(`the data (${d0} to ${d1}) hold no complete ISO week (Monday to Sunday)`, { file: basename(ctx.files.spend!) });
  if (first !== d0) ctx.warnings.push(`the data start on ${d0}, not a Monday: that partial week is left out of the weekly tables`);
  if (d1 !== addDays(last, 6)) ctx.warnings.push(`the data end on ${d1}, not a Sunday: the partial week from ${addDays(last, 7)} is left out of the weekly tables until it is complete`);
  const lag = await sourceLag(ctx, last);
  if (lag) ctx.warnings.push(lag);
  await ctx.db.run(`CREATE TABLE int_weeks AS SELECT CAST(w AS DATE) AS week_start FROM generate_series(TIMESTAMP '${first}', TIMESTAMP '${last}', INTERVAL 7 DAY) g(w)`);
  return { first, last };
}

/**
 * A warning when one source ends inside the kept weeks while the other goes on (one export lagging the
 * other): its last week(s) count as partial, e.g. spend with its last days missing, or null.
 */
async function sourceLag(ctx: RawContext, last: string): Promise<string | null> {
  const ends = (
    await ctx.db.all<{ spend: string; orders: string }>(
      `SELECT strftime((SELECT max(date) FROM stg_spend), '%Y-%m-%d') AS spend, strftime((SELECT max(CAST(ts AS DATE)) FROM stg_orders), '%Y-%m-%d') AS orders`,
    )
  )[0];
  const lastDay = addDays(last, 6);
  const [early, late] = ends.spend < ends.orders ? (['spend', 'orders'] as const) : (['orders', 'spend'] as const);
  if (ends[early] === ends[late] || ends[early] >= lastDay) return null;
  const file = (k: 'spend' | 'orders') => basename(ctx.files[k]!);
  return `${file(early)} ends on ${ends[early]} but ${file(late)} goes on to ${ends[late]}: the days from ${addDays(ends[early], 1)} to ${lastDay} count as no ${early} (if that export lags, wait for it)`;
}

/**
 * The wide-table column of each paid channel (`Paid Social` -> `paid_social_spend`), in channel order.
 * @throws ValidationError when two channel names map to one column
 */
export async function intSpendColumns(ctx: RawContext): Promise<Map<string, string>> {
  const paid = (await ctx.db.all<{ channel: string }>(`SELECT DISTINCT channel FROM stg_spend ORDER BY channel`)).map((r) => r.channel);
  const cols = new Map<string, string>();
  for (const ch of paid) {
    const col = `${columnName(ch)}_spend`;
    if (cols.has(col)) throw new ValidationError(`channels "${cols.get(col)}" and "${ch}" map to the same column ${col}`, { file: basename(ctx.files.spend!), column: 'channel' });
    cols.set(col, ch);
  }
  return cols;
}

/** Wide-table columns that controls may not take. */
const RESERVED = ['date', 'week_start', 'revenue', 'orders', 'new_customers', 'holiday'];

/**
 * The wide-table column of each control (`Price Index` -> `price_index`), in name order.
 * @throws ValidationError when a control's column collides with another control, a spend column or a reserved column
 */
export async function intControlColumns(ctx: RawContext, spendColumns: Map<string, string>): Promise<{ name: string; col: string }[]> {
  const names = (await ctx.db.all<{ name: string }>(`SELECT DISTINCT name FROM stg_controls ORDER BY name`)).map((r) => r.name);
  const controls = names.map((n) => ({ name: n, col: columnName(n) }));
  const seen = new Map<string, string>();
  for (const c of controls) {
    const other = seen.get(c.col);
    if (other !== undefined || spendColumns.has(c.col) || RESERVED.includes(c.col)) {
      throw new ValidationError(`control "${c.name}" would collide with the column ${c.col}${other !== undefined ? ` of control "${other}"` : ''}`, {
        file: basename(ctx.files.controls!),
        column: 'name',
      });
    }
    seen.set(c.col, c.name);
  }
  return controls;
}

/** `int_customer_first_order` [customer]: customer_id, first_ts (the time of the first order). */
export async function intCustomerFirstOrder(ctx: RawContext): Promise<void> {
  await ctx.db.run(`CREATE TABLE int_customer_first_order AS SELECT customer_id, min(ts) AS first_ts FROM stg_orders GROUP BY 1`);
}

/**
 * `int_customer_acquisition` [customer]: customer_id, first_ts, channel: the
 * first touch at or before the first order (ties broken by event id), 'none'
 * without one. Grouped minima rather than a window, so it spills like any aggregate.
 */
export async function intCustomerAcquisition(ctx: RawContext): Promise<void> {
  await ctx.db.run(`CREATE TABLE int_customer_acquisition AS
    WITH acq AS (SELECT e.customer_id, min({'ts': e.ts, 'id': e.event_id, 'channel': e.channel}).channel AS channel
                 FROM stg_events e JOIN int_customer_first_order f ON e.customer_id = f.customer_id AND e.ts <= f.first_ts GROUP BY 1)
    SELECT f.customer_id, f.first_ts, coalesce(a.channel, 'none') AS channel FROM int_customer_first_order f LEFT JOIN acq a USING (customer_id)`);
}
