/** The DuckDB connection the ingest runs on: file-backed, bounded memory, UTC. */
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { rm } from 'node:fs/promises';

export interface Db {
  conn: DuckDBConnection;
  /** Threads the database was opened with. */
  threads: number;
  /** Runs a statement. */
  run(sql: string): Promise<void>;
  /** Runs a query and returns its rows as plain objects (BIGINT as bigint: cast in SQL where a number is wanted). */
  all<T = Record<string, unknown>>(sql: string): Promise<T[]>;
  close(): Promise<void>;
}

/**
 * Opens a DuckDB database in a scratch file (so tables spill to disk and memory
 * stays bounded whatever the input size) with `threads` and `memoryLimit`.
 */
export async function openDb(scratchPath: string, opts: { threads?: number; memoryLimit?: string } = {}): Promise<Db> {
  await rm(scratchPath, { force: true });
  await rm(scratchPath + '.wal', { force: true });
  const instance = await DuckDBInstance.create(scratchPath, {
    threads: String(opts.threads ?? 2),
    memory_limit: opts.memoryLimit ?? '256MB',
    preserve_insertion_order: 'true',
    temp_directory: scratchPath + '.spill',
  });
  const conn = await instance.connect();
  // Timestamps with offsets are converted to UTC whatever the machine's time zone.
  await conn.run("SET TimeZone = 'UTC'");
  return {
    conn,
    threads: opts.threads ?? 2,
    run: async (sql) => {
      await conn.run(sql);
    },
    all: async <T>(sql: string) => (await conn.runAndReadAll(sql)).getRowObjects() as T[],
    close: async () => {
      conn.closeSync();
      instance.closeSync();
      await rm(scratchPath, { force: true });
      await rm(scratchPath + '.wal', { force: true });
      await rm(scratchPath + '.spill', { recursive: true, force: true });
    },
  };
}

/** A SQL string literal. */
export function sqlString(s: string): string {
  return `'${s.replace(/'/g, "''")}'`;
}

/** A SQL identifier. */
export function sqlIdent(s: string): string {
  return `"${s.replace(/"/g, '""')}"`;
}

/** Runs one query over files (e.g. `SELECT ... FROM read_parquet('x.parquet')`) on an in-memory DuckDB. */
export async function queryFiles<T = Record<string, unknown>>(sql: string): Promise<T[]> {
  const instance = await DuckDBInstance.create(':memory:', { threads: '2' });
  const conn = await instance.connect();
  try {
    await conn.run("SET TimeZone = 'UTC'");
    return (await conn.runAndReadAll(sql)).getRowObjects() as T[];
  } finally {
    conn.closeSync();
    instance.closeSync();
  }
}
