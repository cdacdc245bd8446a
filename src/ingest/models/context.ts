/** What every model of the raw-events ingest is given. */
import type { Db } from '../duckdb.ts';
import type { RawFiles } from '../raw-files.ts';

export interface RawContext {
  db: Db;
  files: RawFiles;
  /** Warnings for the manifest (one line each, starting with the file they concern where there is one). */
  warnings: string[];
  /** Latest date a dated row may carry (YYYY-MM-DD). */
  asOf: string;
}
