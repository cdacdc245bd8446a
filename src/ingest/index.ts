/** The ingest room's front door: raw events or a weekly table in, the weekly star schema out. */
export { INGEST_VERSION, buildIngest, ingest, rawIngestParams, rawInputFiles } from './ingest.ts';
export { DEFAULT_FUTURE_WEEKS, checkSkippedAsOf, resolveAsOf } from './run.ts';
export { HOLIDAY_COLUMN, WEEKLY_INGEST_VERSION, WEEKLY_TABLES, buildWeeklyTable, ingestWeeklyTable, parseExposureList, parseWeeklySpec, weeklyTableInputs, weeklyTableParams } from './weekly-table.ts';
export { STAR_TABLES } from './star-schema.ts';
export { RAW_SOURCES, type RawFiles } from './raw-files.ts';
export { checkCountry, countryHolidays, type Holiday } from './holidays.ts';
export { weekCoverOffset } from './models/dim-week.ts';
export { withConfigKeys } from './weekly-checks.ts';
export { FAR_GAP_WEEKS, SPEND_SPIKE_FACTOR } from './plausibility.ts';
export { readInputColumns } from './input-columns.ts';
export * from './types.ts';
