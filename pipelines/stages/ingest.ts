/** Ingest stage: raw exports -> the weekly star schema (src/ingest, DuckDB). */
import { relative } from 'node:path';
import { buildIngest, type RawFiles } from '../../src/ingest/ingest.ts';
import type { Stage } from '../runner.ts';
import { STAGE_VERSIONS } from '../versions.ts';

export const INGEST_OUTPUTS = ['mmm_input.csv', 'dim_channel.parquet', 'fct_transactions.parquet'] as const;

export function ingestStage(rawDir: string, raw: RawFiles): Stage<Record<string, never>> {
  const files = Object.values(raw).map((p) => ({ path: p, label: relative(rawDir, p) }));
  return {
    name: 'ingest', version: STAGE_VERSIONS.ingest, module: import.meta.url,
    needs: [], reads: {}, outputs: INGEST_OUTPUTS,
    files: () => files,
    params: () => ({}),
    run: (ctx) => buildIngest(raw, ctx.dir),
  };
}
