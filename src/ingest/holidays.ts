/**
 * Public holidays of a country from `date-holidays` (the holiday calendars of
 * about 200 countries and their regions, kept up to date by its maintainers),
 * so no calendar is written by hand here.
 */
import { UsageError } from '../core/errors.ts';
import { sqlString, type Db } from './duckdb.ts';

/** date-holidays, loaded on first use (its calendars take a fifth of a second to load). */
async function holidaysLibrary(): Promise<typeof import('date-holidays').default> {
  return (await import('date-holidays')).default;
}

/** One holiday: its day (YYYY-MM-DD) and English name (the local name where there is no English one). */
export interface Holiday {
  date: string;
  name: string;
}

/**
 * The public holidays (date-holidays type `public`: days off by law) of
 * `country` in the years `fromYear` to `toYear` inclusive, sorted by date and
 * name. `country` is an ISO 3166-1 code (`DE`) or a region (`DE-BY`).
 * @throws UsageError naming `option` when date-holidays has no calendar for it
 * @example (await countryHolidays('DE', 2016, 2016))[0]; // => { date: '2016-01-01', name: "New Year's Day" }
 */
export async function countryHolidays(country: string, fromYear: number, toYear: number, option = '--country'): Promise<Holiday[]> {
  const [code, region] = await checkCountry(country, option);
  const Holidays = await holidaysLibrary();
  const hd = region === undefined ? new Holidays(code, { languages: ['en'], types: ['public'] }) : new Holidays(code, region, { languages: ['en'], types: ['public'] });
  const out: Holiday[] = [];
  for (let y = fromYear; y <= toYear; y++) {
    for (const h of hd.getHolidays(y, 'en')) if (h.type === 'public') out.push({ date: h.date.slice(0, 10), name: h.name });
  }
  const seen = new Set<string>();
  return out
    .sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .filter((h) => {
      if (seen.has(h.date + h.name)) return false;
      seen.add(h.date + h.name);
      return true;
    });
}

/**
 * `country` as date-holidays' [code, region?] (upper case).
 * @throws UsageError naming `option` when date-holidays has no calendar for it
 */
export async function checkCountry(country: string, option = '--country'): Promise<[string, string | undefined]> {
  const [code, region] = country.toUpperCase().split('-', 2);
  const Holidays = await holidaysLibrary();
  const known = new Holidays().getCountries('en');
  if (!known[code] || (region !== undefined && !new Holidays().getStates(code, 'en')?.[region])) {
    throw new UsageError(`${option} "${country}": no holiday calendar for it (an ISO country code such as DE, FR, GB or US, or a region such as DE-BY)`);
  }
  return [code, region];
}

/** Creates `stg_holidays` (date DATE, name VARCHAR) from a list of holidays. */
export async function stageHolidayList(db: Db, holidays: Holiday[]): Promise<void> {
  await db.run(`CREATE TABLE stg_holidays (date DATE, name VARCHAR)`);
  for (let i = 0; i < holidays.length; i += 500) {
    const values = holidays
      .slice(i, i + 500)
      .map((h) => `(DATE ${sqlString(h.date)}, ${sqlString(h.name)})`)
      .join(', ');
    await db.run(`INSERT INTO stg_holidays VALUES ${values}`);
  }
}
