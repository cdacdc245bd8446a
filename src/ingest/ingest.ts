/**
 * `mmm ingest --raw`: raw exports -> staging (rename, cast, dedupe on ids) ->
 * the weekly star schema of ARCHITECTURE.md, written as Parquet by DuckDB
 * (the models are in star-schema.ts and models/).
 *
 * Every check runs in SQL over a varchar staging table whose `rowid` is the
 * file's data-row order, so a bad value is reported with its file, row (data
 * rows counted from 1; the header is not a row) and column. Nothing downstream
 * runs on bad data: the artifact folder appears only when every table is written.
 */
import { basename } from 'node:path';
import { recordInputs, writeArtifact, type BuildResult } from '../core/artifacts.ts';
import { DEFAULT_FUTURE_WEEKS, checkSkippedAsOf, resolveAsOf, withScratchDb } from './run.ts';
import { checkCountry } from './holidays.ts';
import { rawInputFiles, type RawFiles } from './raw-files.ts';
import { buildStarSchema } from './star-schema.ts';
import type { IngestOptions, IngestResult } from './types.ts';

export { rawInputFiles } from './raw-files.ts';

/** Code version of the raw-events ingest (part of its data version). */
export const INGEST_VERSION = 'ingest@3';

/** Runs the raw-events ingest from `opts.raw` into the artifact folder `opts.out` (the `mmm ingest --raw` command). */
export async function ingest(opts: IngestOptions): Promise<IngestResult> {
  const asOf = resolveAsOf(opts.asOf);
  if (opts.country !== undefined) await checkCountry(opts.country);
  const files = rawInputFiles(opts.raw);
  const inputs = await recordInputs(Object.values(files).map((p) => ({ path: p, label: basename(p) })));
  const futureWeeks = opts.futureWeeks ?? DEFAULT_FUTURE_WEEKS;
  const { manifest, skipped } = await writeArtifact({
    dir: opts.out,
    stage: 'ingest',
    codeVersion: INGEST_VERSION,
    params: rawIngestParams({ country: opts.country, futureWeeks }),
    inputs,
    runId: opts.runId,
    build: (tmp) => buildIngest(files, tmp, { ...opts, asOf, futureWeeks }),
  });
  if (skipped) checkSkippedAsOf(manifest, asOf);
  return { dir: opts.out, manifest, skipped };
}

/**
 * The parameters of a raw ingest that change its outputs (its data version
 * hashes them); the as-of date is not one: it only accepts or refuses input.
 */
export function rawIngestParams(opts: { country?: string; futureWeeks?: number }): Record<string, unknown> {
  return { country: opts.country ?? null, futureWeeks: opts.futureWeeks ?? DEFAULT_FUTURE_WEEKS };
}

/**
 * Builds the star schema from raw files into `dir` (a temporary artifact
 * folder), on a DuckDB scratch database next to it.
 */
export async function buildIngest(files: RawFiles, dir: string, opts: { threads?: number; memoryLimit?: string; asOf?: string; country?: string; futureWeeks?: number } = {}): Promise<BuildResult> {
  const asOf = resolveAsOf(opts.asOf);
  return withScratchDb(dir, opts, (db) => buildStarSchema(db, files, dir, { asOf, country: opts.country, futureWeeks: opts.futureWeeks ?? DEFAULT_FUTURE_WEEKS }));
}
