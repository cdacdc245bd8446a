/** Holiday dates from a user's file (the edge that reads it). */
import { queryFiles, sqlString } from '../src/ingest/duckdb.ts';

/** The dates of a raw holidays file (CSV, CSV.gz or Parquet), as YYYY-MM-DD. */
export async function readHolidayDates(path: string): Promise<string[]> {
  const reader = path.endsWith('.parquet') ? `read_parquet(${sqlString(path)})` : `read_csv(${sqlString(path)}, header = true, all_varchar = true)`;
  const rows = await queryFiles<{ d: string }>(`SELECT DISTINCT strftime(CAST(trim(CAST(date AS VARCHAR)) AS DATE), '%Y-%m-%d') AS d FROM ${reader} ORDER BY 1`);
  return rows.map((r) => r.d);
}
