/**
 * `mmm report --store DIR [--run ID] [--out FILE]`: renders a run's report
 * again from the artifacts its run record names (the report stage, with
 * today's report code), and copies the page to FILE.
 */
import { readFile } from 'node:fs/promises';
import { dirname, isAbsolute, join, normalize, resolve, sep } from 'node:path';
import { readManifest, writeFileAtomic } from '../src/core/artifacts.ts';
import { UsageError } from '../src/core/errors.ts';
import { lockStore } from './lock.ts';
import type { Log } from './log.ts';
import { runStageAfter, type StageOutcome } from './runner.ts';
import { listRuns } from './runs.ts';
import type { RunRecord } from './schemas.ts';
import { reportStage } from './stages/report.ts';

/** The outcomes a run record describes (its report excepted), with each artifact's manifest read back. */
export async function outcomesOf(record: RunRecord, store: string): Promise<StageOutcome[]> {
  const out: StageOutcome[] = [];
  for (const s of record.stages) {
    if (s.stage === 'report') continue;
    if (s.action === 'failed') out.push({ stage: s.stage, action: 'failed', error: s.error ?? 'failed' });
    else if (s.action === 'not-run') out.push({ stage: s.stage, action: 'not-run', reason: s.error ?? 'did not run' });
    else {
      const dir = join(store, s.dir!);
      const manifest = await readManifest(dir);
      if (!manifest) throw new UsageError(`run ${record.runId}: its ${s.stage} artifact ${s.dir} is gone (removed by mmm gc?)`);
      out.push({ stage: s.stage, action: 'skipped', dir, dataVersion: manifest.dataVersion, manifest });
    }
  }
  return out;
}

/** The root a run was made from: its store's path less the store's path from the root (the record's `store`), else the current folder. */
function rootOf(store: string, record: RunRecord): string {
  const fromRoot = record.store === undefined ? null : normalize(record.store);
  if (fromRoot === '.') return store;
  if (fromRoot && !isAbsolute(fromRoot) && store.endsWith(`${sep}${fromRoot}`)) return store.slice(0, -(fromRoot.length + 1));
  return resolve('.');
}

/**
 * Renders the report of a run (default: the newest run that produced one).
 * `root` (default: the root the run was made from, found from its record) is what the lineage's folders are shown
 * relative to, as in the run that made the report.
 * @returns the path written
 */
export async function renderRunReport(opts: { store: string; root?: string; run?: string; out?: string; log: Log }): Promise<{ path: string; runId: string }> {
  const store = resolve(opts.store);
  const { runs } = await listRuns(store);
  const record = opts.run ? runs.find((r) => r.runId === opts.run) : [...runs].reverse().find((r) => r.report);
  if (!record) throw new UsageError(opts.run ? `no run ${opts.run} in ${store} (see mmm runs)` : `no run with a report in ${store}`);
  if (!record.stages.some((s) => s.stage === 'ingest' && s.dir))
    throw new UsageError(`run ${record.runId} ${record.status === 'failed' ? `failed (${record.error})` : 'has no ingest'}: nothing to report`);
  const root = opts.root !== undefined ? resolve(opts.root) : rootOf(store, record);
  // Beside the run's own report (its store's reports folder), else in the root's reports/.
  const folder = record.report ? dirname(join(root, record.report)) : join(root, 'reports');
  const out = resolve(opts.out ?? join(folder, `report-${record.runId}.html`));
  const lock = await lockStore(store, opts.log);
  try {
    // The run's alerts on the data and the model, as its report showed them.
    const alerts = record.alerts.filter((a) => a.kind !== 'refit').map((a) => a.message);
    const outcome = await runStageAfter(
      reportStage(root, async () => alerts),
      await outcomesOf(record, store),
      store,
      record.runId,
      opts.log,
    );
    if (!('dir' in outcome)) throw new UsageError(`run ${record.runId}: the report could not be rendered (${outcome.action === 'failed' ? outcome.error : outcome.reason})`);
    const html = await readFile(join(outcome.dir, 'report.html'));
    await writeFileAtomic(out, html, { keepPrevious: true });
    return { path: out, runId: record.runId };
  } finally {
    await lock.release();
  }
}
