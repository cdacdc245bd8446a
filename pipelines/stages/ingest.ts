/**
 * Ingest stage, for either input: raw exports or a weekly table -> the same
 * weekly star-schema folder (src/ingest, DuckDB). The as-of date only accepts
 * or refuses input, so it is not a parameter: an unchanged week stays skipped
 * across days, and a skipped ingest is checked against it again.
 */
import { relative } from 'node:path';
import { buildIngest, buildWeeklyTable, checkSkippedAsOf, rawIngestParams, weeklyTableInputs, weeklyTableParams, withConfigKeys, type RawFiles, type WeeklyTableSpec } from '../../src/ingest/index.ts';
import type { Stage, StageOutput } from '../runner.ts';
import { STAGE_VERSIONS } from '../versions.ts';

/** Files every later stage may read from the ingest. */
export const INGEST_OUTPUTS = ['mmm_input.csv', 'dim_channel.parquet', 'dim_week_future.parquet'] as const;

/** Raw events (spend, orders, events, controls, holidays, channels). */
export function rawIngestStage(rawDir: string, raw: RawFiles, opts: { asOf: string; country?: string; futureWeeks: number }): Stage<Record<string, unknown>> {
  const files = Object.values(raw).map((p) => ({ path: p as string, label: relative(rawDir, p as string) }));
  return {
    name: 'ingest',
    version: STAGE_VERSIONS.ingest,
    module: import.meta.url,
    needs: [],
    reads: {},
    outputs: [...INGEST_OUTPUTS, 'fct_transactions.parquet'],
    files: () => files,
    params: () => rawIngestParams({ country: opts.country, futureWeeks: opts.futureWeeks }),
    run: (ctx) => buildIngest(raw, ctx.dir, { asOf: opts.asOf, country: opts.country, futureWeeks: opts.futureWeeks }),
  };
}

/** A weekly table (date, target, spend per channel, controls, factors, organic, exposures); errors name its settings as `named` says. */
export function weeklyIngestStage(spec: WeeklyTableSpec, opts: { asOf: string; futureWeeks: number; named: 'config' | 'flags' }): Stage<Record<string, unknown>> {
  return {
    name: 'ingest',
    version: STAGE_VERSIONS.ingestWeekly,
    module: import.meta.url,
    needs: [],
    reads: {},
    outputs: INGEST_OUTPUTS,
    files: () => weeklyTableInputs(spec),
    params: () => weeklyTableParams(spec, opts.futureWeeks),
    run: (ctx) =>
      buildWeeklyTable(spec, ctx.dir, { asOf: opts.asOf, futureWeeks: opts.futureWeeks }).catch((e: unknown) => {
        throw opts.named === 'config' ? withConfigKeys(e) : e;
      }),
  };
}

/** A skipped ingest was built on an earlier day: its data must still end by this run's as-of date. */
export function checkIngestAsOf(out: StageOutput, asOf: string): void {
  if (out.action !== 'built') checkSkippedAsOf(out.manifest, asOf);
}
