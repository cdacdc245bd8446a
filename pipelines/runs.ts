/**
 * `mmm runs` (the history of a store's runs, oldest first) and `mmm gc`
 * (retire artifacts and `.prev-*` copies that neither the current model, the
 * current report nor the last N runs refer to).
 */
import { existsSync } from 'node:fs';
import { readdir, readFile, rm, stat } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { resolveInside } from '../src/core/artifacts.ts';
import { UsageError } from '../src/core/errors.ts';
import { lockStore } from './lock.ts';
import type { Log } from './log.ts';
import { currentSchema, readJson, runRecordSchema, type RunRecord } from './schemas.ts';
import { leftByKilledRuns, recoverStore } from './store.ts';

/** Every run record of a store, oldest first; records that do not parse are skipped and named. */
export async function listRuns(store: string): Promise<{ runs: RunRecord[]; unreadable: string[] }> {
  if (!existsSync(store)) throw new UsageError(`no store at ${store}`);
  const dir = join(store, 'runs');
  const names = existsSync(dir) ? (await readdir(dir)).filter((n) => n.endsWith('.json')).sort() : [];
  const runs: RunRecord[] = [];
  const unreadable: string[] = [];
  for (const n of names) {
    try {
      const r = runRecordSchema.safeParse(JSON.parse(await readFile(join(dir, n), 'utf8')));
      if (r.success) runs.push(r.data);
      else unreadable.push(n);
    } catch {
      unreadable.push(n);
    }
  }
  runs.sort((a, b) => (a.startedAt < b.startedAt ? -1 : a.startedAt > b.startedAt ? 1 : a.runId < b.runId ? -1 : 1));
  return { runs, unreadable };
}

/** One line per run for a person. */
export function formatRuns(runs: RunRecord[]): string[] {
  return runs.map((r) => {
    const count = (a: string) => r.stages.filter((s) => s.action === a).length;
    const secs = ((Date.parse(r.endedAt) - Date.parse(r.startedAt)) / 1000).toFixed(1);
    const model = r.decisions.find((d) => d.model === 'mmm');
    return [
      r.runId,
      r.status.padEnd(7),
      r.startedAt,
      `${secs.padStart(6)} s`,
      `built ${count('built')}, skipped ${count('skipped')}${count('reused') ? `, reused ${count('reused')}` : ''}${count('failed') ? `, failed ${count('failed')}` : ''}`,
      model ? `mmm ${model.action}` : '-',
      `${r.alerts.length} alert(s)`,
      r.report ?? r.error ?? '',
    ].join('  ');
  });
}

async function sizeOf(path: string): Promise<number> {
  const st = await stat(path);
  if (!st.isDirectory()) return st.size;
  let total = 0;
  for (const e of await readdir(path)) total += await sizeOf(join(path, e));
  return total;
}

export interface GcResult {
  kept: string[];
  removed: string[];
  bytes: number;
}

/**
 * Retires old artifacts: removes every artifact folder under `store/artifacts`
 * that the current model, the current report's run and the last `keep` runs
 * do not use, and every `.prev-*` copy in the store and the reports folder
 * (none there when `reports` is null); finishes what killed runs left, as a
 * weekly run would. Run records are history and stay. Takes the store's lock.
 */
export async function collectGarbage(opts: { store: string; reports: string | null; root: string; keep: number; dryRun?: boolean; log: Log }): Promise<GcResult> {
  if (!Number.isInteger(opts.keep) || opts.keep < 1) throw new UsageError(`--keep must be a whole number >= 1, got ${opts.keep}`);
  const lock = await lockStore(opts.store, opts.log);
  try {
    // What killed runs left (a commit half done, temporary folders) first, as the next weekly run would.
    let left: string[];
    if (opts.dryRun) {
      const found = await leftByKilledRuns(opts.store, opts.reports);
      if (found.finish.length)
        opts.log.warn(
          `a killed run's commit is half done (${found.finish.map((p) => relative(opts.root, p)).join(', ')}): gc or the next run finishes it first, so this list is of the store before that`,
        );
      left = found.remove;
    } else left = await recoverStore(opts.store, opts.reports, opts.log);
    const { runs } = await listRuns(opts.store);
    const keepDirs = new Set<string>();
    const use = (rel: string) => keepDirs.add(resolveInside(opts.store, rel, 'artifact'));
    const current = existsSync(join(opts.store, 'current.json')) ? await readJson(currentSchema, join(opts.store, 'current.json')) : {};
    if (current.mmm) use(current.mmm);
    const recent = runs.filter((r) => r.status !== 'failed').slice(-opts.keep);
    const reportRun = current.report ? [...runs].reverse().find((r) => r.report === current.report) : undefined;
    for (const r of [...recent, ...(reportRun ? [reportRun] : [])]) for (const s of r.stages) if (s.dir) use(s.dir);
    // A dry run lists what the recovery would remove; a real one has removed it already.
    const removed: string[] = opts.dryRun ? [...left] : [];
    const artifacts = join(opts.store, 'artifacts');
    for (const stage of existsSync(artifacts) ? await readdir(artifacts) : []) {
      for (const v of await readdir(join(artifacts, stage))) {
        const p = join(artifacts, stage, v);
        if (!keepDirs.has(p) && (v.includes('.prev-') || /^[0-9a-f]{16}$/.test(v))) removed.push(p);
      }
    }
    for (const dir of opts.reports ? [opts.store, opts.reports] : [opts.store]) {
      for (const n of existsSync(dir) ? await readdir(dir) : []) if (n.includes('.prev-')) removed.push(join(dir, n));
    }
    let bytes = 0;
    for (const p of removed) {
      bytes += await sizeOf(p);
      if (!opts.dryRun) await rm(p, { recursive: true, force: true });
    }
    return { kept: [...keepDirs].map((p) => relative(opts.root, p)).sort(), removed: [...(opts.dryRun ? [] : left), ...removed].map((p) => relative(opts.root, p)), bytes };
  } finally {
    await lock.release();
  }
}
