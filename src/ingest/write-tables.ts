/** Writes an ingest's tables: each as `<table>.parquet` (zstd) and the wide table also as `mmm_input.csv`. */
import { join } from 'node:path';
import { sqlIdent, sqlString, type Db } from './duckdb.ts';

/**
 * Copies `tables` to Parquet in `outDir`, and `mmm_input` to CSV with its
 * date column `dateCol` as YYYY-MM-DD, rows in date order. Returns the row
 * count of each file, by file name.
 */
export async function writeTables(db: Db, outDir: string, tables: readonly string[], dateCol: string): Promise<Record<string, number>> {
  const rows: Record<string, number> = {};
  for (const table of tables) {
    await db.run(`COPY (SELECT * FROM ${table}) TO ${sqlString(join(outDir, `${table}.parquet`))} (FORMAT parquet, COMPRESSION zstd)`);
    rows[`${table}.parquet`] = (await db.all<{ n: number }>(`SELECT count(*)::INTEGER AS n FROM ${table}`))[0].n;
  }
  const d = sqlIdent(dateCol);
  await db.run(`COPY (SELECT strftime(${d}, '%Y-%m-%d') AS ${d}, * EXCLUDE (${d}) FROM mmm_input ORDER BY ${d}) TO ${sqlString(join(outDir, 'mmm_input.csv'))} (FORMAT csv, HEADER true)`);
  rows['mmm_input.csv'] = rows['mmm_input.parquet'];
  return rows;
}
