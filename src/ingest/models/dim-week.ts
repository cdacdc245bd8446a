/**
 * The week dimension, shared by both ingests: from `int_weeks` (week_start
 * DATE, the label of the 7 days starting on it) and `stg_holidays` (date, name).
 */
import { sqlString, type Db } from '../duckdb.ts';

/** The columns of a week dimension from a relation of week starts `weeks`. */
const weekColumns = (weeks: string) => `
  WITH hol AS (SELECT w.week_start, string_agg(h.name, '; ' ORDER BY h.date, h.name) AS names
               FROM ${weeks} w JOIN stg_holidays h ON h.date BETWEEN w.week_start AND CAST(w.week_start + INTERVAL 6 DAY AS DATE) GROUP BY 1)
  SELECT w.week_start, CAST(w.week_start + INTERVAL 6 DAY AS DATE) AS week_end,
         CAST(isoyear(w.week_start) AS INTEGER) AS iso_year, CAST(weekofyear(w.week_start) AS INTEGER) AS iso_week,
         CAST(h.names IS NOT NULL AS INTEGER) AS holiday, coalesce(h.names, '') AS holiday_names
  FROM ${weeks} w LEFT JOIN hol h USING (week_start) ORDER BY w.week_start`;

/**
 * `dim_week` [week]: week_start, week_end (start + 6 days), iso_year and
 * iso_week of week_start, holiday (1 when a holiday falls in the 7 days),
 * holiday_names ('; '-separated, by date).
 */
export async function dimWeek(db: Db): Promise<void> {
  await db.run(`CREATE TABLE dim_week AS ${weekColumns('int_weeks')}`);
}

/**
 * `dim_week_future` [week]: the `weeks` weeks after `lastWeek` (YYYY-MM-DD),
 * with the columns of `dim_week`: the holiday flags a forecast or a plan uses.
 */
export async function dimWeekFuture(db: Db, lastWeek: string, weeks: number): Promise<void> {
  const future = `(SELECT CAST(DATE ${sqlString(lastWeek)} + INTERVAL (7 * i) DAY AS DATE) AS week_start FROM range(1, ${weeks + 1}) r(i))`;
  await db.run(`CREATE TABLE dim_week_future AS ${weekColumns(future)}`);
}

/**
 * A warning when a holiday file lists no date after the data, so every future
 * week's flag is 0 for want of dates (list the coming year's holidays); else null.
 */
export async function futureHolidayGap(db: Db, file: string): Promise<string | null> {
  const r = await db.all<{ last: string | null; next: string | null }>(
    `SELECT (SELECT strftime(max(date), '%Y-%m-%d') FROM stg_holidays) AS last, (SELECT strftime(min(week_start), '%Y-%m-%d') FROM dim_week_future) AS next`,
  );
  const { last, next } = r[0];
  if (last === null || next === null || last >= next) return null;
  return `${file}: no holiday after ${last}, so every future week's holiday flag from ${next} is 0 (list the coming year's holidays)`;
}
