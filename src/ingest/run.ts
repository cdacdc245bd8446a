/** What both ingests share about a run: its as-of date, the future weeks, the scratch database. */
import { basename, dirname, join, resolve } from 'node:path';
import type { Manifest } from '../core/artifacts.ts';
import { UsageError, ValidationError } from '../core/errors.ts';
import { openDb, type Db } from './duckdb.ts';
import { addDays } from './models/intermediate.ts';

/** Weeks of future holiday flags by default (a year of plans). */
export const DEFAULT_FUTURE_WEEKS = 52;

/**
 * The as-of date of a run: `asOf` checked as YYYY-MM-DD, or today (UTC).
 * @throws UsageError naming --as-of when it is not a calendar date
 */
export function resolveAsOf(asOf: string | undefined, now: () => Date = () => new Date()): string {
  if (asOf === undefined) return now().toISOString().slice(0, 10);
  const ms = Date.parse(`${asOf}T00:00:00Z`);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(asOf) || !Number.isFinite(ms) || new Date(ms).toISOString().slice(0, 10) !== asOf) {
    throw new UsageError(`--as-of "${asOf}" is not a date (expected YYYY-MM-DD)`);
  }
  return asOf;
}

/**
 * A skipped (already built) ingest is checked against this run's as-of date
 * too: its manifest records the last date of its data (`lastDate`).
 * @throws ValidationError when that date is after `asOf`
 */
export function checkSkippedAsOf(manifest: Manifest, asOf: string): void {
  const m = manifest.metrics as { lastDate?: string; input?: string; weekEnding?: boolean };
  const last = m.lastDate;
  const file = manifest.inputs[0]?.path;
  if (last !== undefined && last > asOf) {
    throw new ValidationError(`the data run to ${last}, after the as-of date ${asOf}: rows dated after it are refused, not cut off (to replay a past week, give the data as they were then)`, {
      file,
    });
  }
  if (last !== undefined && m.input === 'weekly' && m.weekEnding === false && addDays(last, 6) > asOf) throw new ValidationError(unfinishedWeekMessage(last, asOf), { file });
}

/** A weekly table's week, dated by its first day, that is not over by the as-of date: why it is refused and what to do. */
export function unfinishedWeekMessage(date: string, asOf: string): string {
  return `the week of ${date} runs to ${addDays(date, 6)}, after the as-of date ${asOf}: it is not over, so its figures are part of a week (an export taken mid-week?); drop the row until the week ends, or give --week-ending if each date ends its week`;
}

/** Runs `fn` on a DuckDB database in a scratch file beside `dir`, removed afterwards. */
export async function withScratchDb<T>(dir: string, opts: { threads?: number; memoryLimit?: string }, fn: (db: Db) => Promise<T>): Promise<T> {
  const db = await openDb(join(dirname(resolve(dir)), `.${basename(dir)}.duckdb`), { threads: opts.threads, memoryLimit: opts.memoryLimit });
  try {
    return await fn(db);
  } finally {
    await db.close();
  }
}
