/**
 * The one table of stage code versions. Bump a stage's entry when its outputs
 * change for the same inputs in a way its code fingerprint (the files it
 * imports, pipelines/fingerprint.ts) would not show, e.g. a changed default
 * read from data. Commands that write the same artifacts (`mmm fit`, `mmm clv`,
 * `mmm simulate`, `mmm ingest`) use the same entries.
 */
import { INGEST_VERSION, WEEKLY_INGEST_VERSION } from '../src/ingest/index.ts';

export const STAGE_VERSIONS = {
  /** Raw events (src/ingest, shared with `mmm ingest --raw`). */
  ingest: INGEST_VERSION,
  /** A weekly table (shared with `mmm ingest --weekly`). */
  ingestWeekly: WEEKLY_INGEST_VERSION,
  drift: 'drift@2',
  mmm: 'mmm-fit-4',
  clv: 'clv-1',
  optimise: 'optimise-stage@7',
  simulate: 'simulate-stage@2',
  report: 'report@8',
} as const;
