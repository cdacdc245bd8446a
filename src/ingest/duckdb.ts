/** The DuckDB connection the ingest runs on: file-backed, bounded memory, UTC. */
import type { DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { rm } from 'node:fs/promises';
import { UsageError } from '../core/errors.ts';

export interface Db {
  conn: DuckDBConnection;
  /** Threads the database was opened with. */
  threads: number;
  /** A scratch folder for intermediate files (made by whoever needs it first), removed on close. */
  scratchDir: string;
  /** Runs a statement. */
  run(sql: string): Promise<void>;
  /** Runs a query and returns its rows as plain objects (BIGINT as bigint: cast in SQL where a number is wanted). */
  all<T = Record<string, unknown>>(sql: string): Promise<T[]>;
  close(): Promise<void>;
}

/**
 * Opens a DuckDB database in a scratch file (so tables spill to disk and memory
 * stays bounded whatever the input size) with `threads` and `memoryLimit`.
 *
 * The limit is DuckDB's buffer pool: past it, tables and intermediate results
 * spill to the scratch file. The process's peak is that plus a fixed part
 * (Node, the engine's own allocations, CSV buffers), so it levels off once
 * the pool is full instead of growing with the data. Every ingest query ran
 * at `--scale 20` under 96 MB; 128 MB leaves headroom (256 MB only raised
 * the peak, by 50-100 MB at `--scale 10`). The allocator is flushed after each
 * task, by a background thread, so freed memory goes back to the system
 * instead of piling up per thread (bench/ingest.bench.ts).
 */
export async function openDb(scratchPath: string, opts: { threads?: number; memoryLimit?: string } = {}): Promise<Db> {
  const memoryLimit = opts.memoryLimit ?? '128MB';
  if (!/^\d+(\.\d+)?\s*(B|KB|MB|GB|TB|KiB|MiB|GiB|TiB)$/i.test(memoryLimit)) throw new UsageError(`memory limit must be a size such as 128MB or 1GB, got "${memoryLimit}"`);
  const removeScratch = async () => {
    for (const suffix of ['', '.wal', '.spill', '.parts']) await rm(scratchPath + suffix, { recursive: true, force: true });
  };
  await removeScratch();
  // Loaded on first use (about half a second): commands that fail on their options never pay for it.
  const { DuckDBInstance: Instance } = await import('@duckdb/node-api');
  let instance: DuckDBInstance | undefined;
  let conn: DuckDBConnection;
  try {
    instance = await Instance.create(scratchPath, {
      threads: String(opts.threads ?? 2),
      memory_limit: memoryLimit,
      preserve_insertion_order: 'true',
      temp_directory: `${scratchPath}.spill`,
      allocator_flush_threshold: '8MB',
      allocator_background_threads: 'true',
    });
    conn = await instance.connect();
    // Timestamps with offsets are converted to UTC whatever the machine's time zone.
    await conn.run("SET TimeZone = 'UTC'");
  } catch (e) {
    instance?.closeSync();
    await removeScratch();
    throw e;
  }
  const opened = instance;
  return {
    conn,
    threads: opts.threads ?? 2,
    scratchDir: `${scratchPath}.parts`,
    run: async (sql) => {
      await conn.run(sql);
    },
    all: async <T>(sql: string) => (await conn.runAndReadAll(sql)).getRowObjects() as T[],
    close: async () => {
      conn.closeSync();
      opened.closeSync();
      await removeScratch();
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
  const { DuckDBInstance: Instance } = await import('@duckdb/node-api');
  const instance = await Instance.create(':memory:', { threads: '2' });
  const conn = await instance.connect();
  try {
    await conn.run("SET TimeZone = 'UTC'");
    return (await conn.runAndReadAll(sql)).getRowObjects() as T[];
  } finally {
    conn.closeSync();
    instance.closeSync();
  }
}
