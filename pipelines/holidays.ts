/**
 * Holiday flags for weekly dates from a country's public holidays
 * (date-holidays, through src/ingest): a week's flag is 1 when a holiday falls
 * in its 7 days, as the ingest's dim_week flags it. Used by `mmm fit --country`
 * and by the commands that plan from such a fit.
 */
import { dayToIso } from '../src/core/csv.ts';
import { countryHolidays, weekCoverOffset } from '../src/ingest/index.ts';

/**
 * The holiday flag of each week labelled by `dates` (days since 1970-01-01): the 7 days starting on
 * the label, or ending on it with `weekEnding`. @throws UsageError for a country without a calendar
 */
export async function weeklyHolidayFlags(dates: ArrayLike<number>, country: string, option = '--country', weekEnding = false): Promise<Float64Array> {
  const flags = new Float64Array(dates.length);
  if (dates.length === 0) return flags;
  const offset = weekCoverOffset(weekEnding);
  const first = dayToIso(dates[0] + offset);
  const last = dayToIso(dates[dates.length - 1] + offset + 6);
  const days = new Set((await countryHolidays(country, Number(first.slice(0, 4)), Number(last.slice(0, 4)), option)).map((h) => Date.parse(`${h.date}T00:00:00Z`) / 86400000));
  for (let t = 0; t < dates.length; t++) for (let k = offset; k < offset + 7; k++) if (days.has(dates[t] + k)) flags[t] = 1;
  return flags;
}
