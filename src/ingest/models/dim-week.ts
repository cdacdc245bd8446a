/**
 * The week dimension, shared by both ingests: from `int_weeks` (week_start
 * DATE, the label of the 7 days starting on it) and `stg_holidays` (date, name).
 */
import { sqlString, type Db } from '../duckdb.ts';

/** The first day a week's label covers, in days from the label: 0 when the label starts its week, -6 when it ends it. */
export function weekCoverOffset(weekEnding: boolean): number {
  return weekEnding ? -6 : 0;
}

/**
 * The columns of a week dimension from a relation of week labels `weeks`; a week covers the 7 days from
 * its label + `offset` days (0: the label starts its week; -6: the label ends it, a week-ending export).
 */
const weekColumns = (weeks: string, offset: number) => `
  WITH hol AS (SELECT w.week_start, string_agg(h.name, '; ' ORDER BY h.date, h.name) AS names
               FROM ${weeks} w JOIN stg_holidays h ON h.date BETWEEN CAST(w.week_start + INTERVAL (${offset}) DAY AS DATE) AND CAST(w.week_start + INTERVAL (${offset + 6}) DAY AS DATE) GROUP BY 1)
  SELECT w.week_start, CAST(w.week_start + INTERVAL (${offset + 6}) DAY AS DATE) AS week_end,
         CAST(isoyear(w.week_start) AS INTEGER) AS iso_year, CAST(weekofyear(w.week_start) AS INTEGER) AS iso_week,
         CAST(h.names IS NOT NULL AS INTEGER) AS holiday, coalesce(h.names, '') AS holiday_names
  FROM ${weeks} w LEFT JOIN hol h USING (week_start) ORDER BY w.week_start`;

/**
 * `dim_week` [week]: week_start (the week's label), week_end (the last day it
 * covers: start + 6 days, or the label itself with offset -6), iso_year and
 * iso_week of week_start, holiday (1 when a holiday falls in the 7 days),
 * holiday_names ('; '-separated, by date).
 */
export async function dimWeek(db: Db, offset = 0): Promise<void> {
  await db.run(`CREATE TABLE dim_week AS ${weekColumns('int_weeks', offset)}`);
}

/**
 * `dim_week_future` [week]: the `weeks` weeks after `lastWeek` (YYYY-MM-DD),
 * with the columns of `dim_week`: the holiday flags a forecast or a plan uses.
 */
export async function dimWeekFuture(db: Db, lastWeek: string, weeks: number, offset = 0): Promise<void> {
  const future = `(SELECT CAST(DATE ${sqlString(lastWeek)} + INTERVAL (7 * i) DAY AS DATE) AS week_start FROM range(1, ${weeks + 1}) r(i))`;
  await db.run(`CREATE TABLE dim_week_future AS ${weekColumns(future, offset)}`);
}

/**
 * A warning when a holiday file lists no date after the data, so every future
 * week's flag is 0 for want of dates (list the coming year's holidays); else null.
 */
export async function futureHolidayGap(db: Db, file: string): Promise<string | null> {
  const r = await db.all<{ last: string | null; next: string | null }>(
    `SELECT (SELECT strftime(max(date), '%Y-%m-%d') FROM stg_holidays) AS last,
            (SELECT strftime(min(CAST(week_end - INTERVAL 6 DAY AS DATE)), '%Y-%m-%d') FROM dim_week_future) AS next`,
  );
  const { last, next } = r[0];
  if (last === null || next === null || last >= next) return null;
  return `${file}: no holiday after ${last}, so every future week's holiday flag from ${next} is 0 (list the coming year's holidays)`;
}
