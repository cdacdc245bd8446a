/** The `mmm ingest` command's options turned into one of the two ingests. */
import { UsageError } from '../core/errors.ts';
import { ingest } from './ingest.ts';
import type { IngestResult } from './types.ts';
import { ingestWeeklyTable, parseExposureList } from './weekly-table.ts';

type Parsed = Record<string, string | number | boolean | string[] | undefined>;

const WEEKLY_ONLY = ['date-col', 'week-ending', 'target', 'channels', 'controls', 'factors', 'organic', 'exposures', 'window-start', 'window-end', 'holidays'];

/**
 * Runs `mmm ingest` with parsed options: `--raw DIR` (raw events) or
 * `--weekly FILE` (a weekly table, with its column roles).
 * @throws UsageError for neither or both inputs, weekly options with --raw, a missing --target or --channels,
 *   --country with --holidays, half a window
 */
export async function runIngestCommand(o: Parsed): Promise<IngestResult> {
  const run = {
    out: o.out as string,
    asOf: o['as-of'] as string | undefined,
    futureWeeks: o['future-weeks'] as number | undefined,
    threads: o.threads as number | undefined,
    memoryLimit: o['memory-limit'] as string | undefined,
  };
  if ((o.raw === undefined) === (o.weekly === undefined)) throw new UsageError('mmm ingest: give either --raw DIR (raw exports) or --weekly FILE.csv (a weekly table)');
  if (o.country !== undefined && o.holidays !== undefined) throw new UsageError('mmm ingest: give --country or --holidays, not both');
  if (o.raw !== undefined) {
    const extra = WEEKLY_ONLY.find((k) => o[k] !== undefined);
    if (extra) throw new UsageError(`mmm ingest: --${extra} is an option of --weekly (a raw folder's roles are fixed; put holidays in holidays.csv)`);
    return ingest({ ...run, raw: o.raw as string, country: o.country as string | undefined });
  }
  for (const k of ['target', 'channels']) if (o[k] === undefined) throw new UsageError(`mmm ingest: --weekly needs --${k}`);
  const channels = o.channels as string[];
  return ingestWeeklyTable(
    {
      file: o.weekly as string,
      dateCol: (o['date-col'] as string | undefined) ?? 'date',
      weekEnding: o['week-ending'] === true,
      target: o.target as string,
      channels,
      controls: (o.controls as string[] | undefined) ?? [],
      factors: (o.factors as string[] | undefined) ?? [],
      organic: (o.organic as string[] | undefined) ?? [],
      exposures: parseExposureList((o.exposures as string[] | undefined) ?? [], channels),
      holidays: o.country !== undefined ? { country: o.country as string } : o.holidays !== undefined ? { file: o.holidays as string } : null,
      window: o['window-start'] !== undefined || o['window-end'] !== undefined ? { start: o['window-start'] as string | undefined, end: o['window-end'] as string | undefined } : null,
    },
    run,
  );
}
