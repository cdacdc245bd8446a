/**
 * Inputs that are well formed but make no sense: refused (a date far from the
 * rest, a target that never varies) or warned about (weeks without spend, a
 * spend spike, a control that never varies), before any model sees them.
 */
import { ValidationError, type Location } from '../core/errors.ts';
import { constantTargetMessage } from '../mmm/design.ts';
import { sqlIdent, type Db } from './duckdb.ts';
import { inFileOrder, numberedRelation, utcDate, type RawSource } from './source.ts';

/**
 * Weeks without a single spend row or order that make a date "far from the
 * rest": a year. A business pause a weekly model could still describe is
 * shorter (a season); a mistyped year (2013 for 2023) or a placeholder date
 * (1970-01-01, 2099-12-31) leaves a gap of a year or more, and the ingest
 * would fill every week of it with zeros (one order dated 2099 once made a
 * run fit 3,809 empty weeks).
 */
export const FAR_GAP_WEEKS = 52;

/** A channel's week at this multiple of its usual week (the median of its weeks with spend) or more is warned about. */
export const SPEND_SPIKE_FACTOR = 10;

interface Gap {
  prev: string;
  next: string;
  empty: number;
  before: number;
  after: number;
}

/**
 * Refuses raw spend and orders whose weeks fall apart into two parts separated
 * by {@link FAR_GAP_WEEKS} or more empty weeks: the smaller part (by rows) is
 * the implausible one, and its first row (spend first, then orders) is named.
 * @throws ValidationError naming the file, row and column of that row
 */
export async function refuseFarFromRest(db: Db, spend: RawSource, orders: RawSource): Promise<void> {
  const gaps = await db.all<Gap>(`
    WITH w AS (SELECT week, sum(n)::DOUBLE AS n FROM (
                 SELECT CAST(date_trunc('week', date) AS DATE) AS week, count(*) AS n FROM stg_spend GROUP BY 1
                 UNION ALL SELECT CAST(date_trunc('week', ts) AS DATE), count(*) FROM stg_orders GROUP BY 1) GROUP BY 1),
         g AS (SELECT week, lag(week) OVER (ORDER BY week) AS prev FROM w)
    SELECT strftime(prev, '%Y-%m-%d') AS prev, strftime(week, '%Y-%m-%d') AS next, (datediff('day', prev, week) // 7 - 1)::INTEGER AS empty,
           (SELECT sum(n) FROM w WHERE w.week <= g.prev) AS before, (SELECT sum(n) FROM w WHERE w.week >= g.week) AS after
    FROM g WHERE datediff('day', prev, week) // 7 - 1 >= ${FAR_GAP_WEEKS} ORDER BY empty DESC, week LIMIT 1`);
  if (!gaps.length) return;
  const g = gaps[0];
  const early = g.before < g.after;
  const side = early ? `< DATE '${g.next}'` : `>= DATE '${g.next}'`;
  const spendRow = await db.all<{ _row: number; v: string }>(`SELECT _row::INTEGER AS _row, date AS v FROM v_spend WHERE TRY_CAST(date AS DATE) ${side} ORDER BY _row LIMIT 1`);
  const where = spendRow.length
    ? { src: spend, column: 'date', ...spendRow[0] }
    : {
        src: orders,
        column: 'timestamp',
        ...(
          await inFileOrder(db, orders, () =>
            db.all<{ _row: number; v: string }>(`SELECT _row::INTEGER AS _row, timestamp AS v FROM ${numberedRelation(orders)} WHERE ${utcDate('timestamp')} ${side} ORDER BY _row LIMIT 1`),
          )
        )[0],
      };
  const detail = early
    ? `${where.v} is far before the rest of the data: no spend and no order in the ${g.empty} weeks before ${g.next}, where the rest starts (a mistyped year? a gap of ${FAR_GAP_WEEKS} weeks or more is refused)`
    : `${where.v} is far after the rest of the data: no spend and no order in the ${g.empty} weeks after the week of ${g.prev}, where the rest ends (a mistyped year? a gap of ${FAR_GAP_WEEKS} weeks or more is refused)`;
  throw new ValidationError(detail, { file: where.src.file, row: where._row, column: where.column });
}

/**
 * Refuses a target that is the same in every week of `table` (optionally
 * within `where`): a model of a constant has nothing to explain.
 * @param what the target as the message names it, e.g. "weekly revenue"
 * @throws ValidationError at `loc`
 */
export async function refuseConstantTarget(db: Db, table: string, column: string, loc: Location, what: string, where = 'true'): Promise<void> {
  const r = (
    await db.all<{ lo: number; hi: number; n: number; first: string; last: string }>(
      `SELECT min(${sqlIdent(column)})::DOUBLE AS lo, max(${sqlIdent(column)})::DOUBLE AS hi, count(*)::INTEGER AS n,
            strftime(min(week_start), '%Y-%m-%d') AS first, strftime(max(week_start), '%Y-%m-%d') AS last FROM ${table} WHERE ${where}`,
    )
  )[0];
  if (r.n === 0 || r.lo !== r.hi) return;
  throw new ValidationError(constantTargetMessage(what, r.lo, r.n, r.first, r.last), loc);
}

/** One week of a channel at {@link SPEND_SPIKE_FACTOR} times its usual spend or more. */
export interface SpendSpike {
  channel: string;
  week: string;
  spend: number;
  /** The channel's usual week: the median of its weeks with spend > 0. */
  usual: number;
  /** Number of weeks with spend > 0 the median is taken over. */
  weeksWithSpend: number;
}

/**
 * Weeks of `fct_spend_weekly` at {@link SPEND_SPIKE_FACTOR} x or more of the
 * channel's usual week. "Usual" is the median of its weeks with spend: weeks
 * off air (flighted TV) do not pull it down, and a few spikes do not pull it up.
 */
export async function spendSpikes(db: Db): Promise<SpendSpike[]> {
  return db.all<SpendSpike>(`
    WITH m AS (SELECT channel, median(spend)::DOUBLE AS usual, count(*)::INTEGER AS n FROM fct_spend_weekly WHERE spend > 0 GROUP BY 1)
    SELECT s.channel, strftime(s.week_start, '%Y-%m-%d') AS week, s.spend::DOUBLE AS spend, m.usual, m.n AS "weeksWithSpend"
    FROM fct_spend_weekly s JOIN m USING (channel) WHERE s.spend >= ${SPEND_SPIKE_FACTOR} * m.usual ORDER BY s.channel, s.week_start`);
}

/** One warning per channel with spikes, e.g. `spend.csv: channel "tv": 1 week(s) at 10x or more of its usual week (...): 2023-05-01 (1234.00, 100.0x)`. */
export function spikeWarnings(spikes: SpendSpike[], prefix: (channel: string) => string, weekLabel: (s: SpendSpike) => string): string[] {
  const byChannel = new Map<string, SpendSpike[]>();
  for (const s of spikes) byChannel.set(s.channel, [...(byChannel.get(s.channel) ?? []), s]);
  return [...byChannel.entries()].map(([channel, list]) => {
    const shown = list
      .slice(0, 5)
      .map((s) => `${weekLabel(s)} (${s.spend.toFixed(2)}, ${(s.spend / s.usual).toFixed(1)}x)`)
      .join(', ');
    return `${prefix(channel)}: ${list.length} week(s) at ${SPEND_SPIKE_FACTOR}x or more of its usual week (the median of its ${list[0].weeksWithSpend} weeks with spend, ${list[0].usual.toFixed(2)}): ${shown}${list.length > 5 ? ', ...' : ''}; a unit or typing error?`;
  });
}

/**
 * The columns of `table` that hold one value in every row within `where`
 * (numbers or text), with that value; such a column cannot be told apart
 * from the intercept, so it is dropped from the model input.
 */
export async function constantColumns(db: Db, table: string, columns: string[], where = 'true'): Promise<{ column: string; value: string }[]> {
  if (!columns.length) return [];
  const select = columns.map((c, i) => `count(DISTINCT ${sqlIdent(c)}) <= 1 AS k${i}, CAST(min(${sqlIdent(c)}) AS VARCHAR) AS v${i}`).join(', ');
  const r = (await db.all<Record<string, boolean | string | null>>(`SELECT ${select} FROM ${table} WHERE ${where}`))[0];
  return columns.flatMap((c, i) => (r[`k${i}`] ? [{ column: c, value: String(r[`v${i}`]) }] : []));
}

/** The weeks of `dim_week` (YYYY-MM-DD) without a single row in `stg_spend`: their spend is 0 on every channel. */
export async function weeksWithoutSpendRows(db: Db): Promise<string[]> {
  const rows = await db.all<{ w: string }>(`SELECT strftime(w.week_start, '%Y-%m-%d') AS w FROM dim_week w
    ANTI JOIN (SELECT DISTINCT CAST(date_trunc('week', date) AS DATE) AS week_start FROM stg_spend) s USING (week_start) ORDER BY 1`);
  return rows.map((r) => r.w);
}
