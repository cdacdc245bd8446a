/**
 * The stage runner. A stage declares its name, code version, input files,
 * parameters and a `build` that fills a folder; the runner computes the data
 * version, skips the stage when `store/artifacts/<stage>/<version>/` already
 * has a complete manifest, and otherwise builds it atomically (one artifact
 * writer: src/core/artifacts.ts).
 */
import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { dataVersionOf, readManifest, recordInputs, writeArtifact, writeFileAtomic, type BuildResult, type Manifest } from '../src/core/artifacts.ts';
import { sha256, stableJson } from '../src/core/hash.ts';

export interface StageDef {
  name: string;
  codeVersion: string;
  /** Files the stage reads; `label` is the path recorded in the manifest (relative, machine independent). */
  inputs: { path: string; label: string }[];
  params: unknown;
  build: (dir: string) => Promise<BuildResult>;
}

export interface StageRun {
  stage: string;
  dataVersion: string;
  dir: string;
  skipped: boolean;
  manifest: Manifest;
}

let fingerprint: Promise<string> | null = null;

/**
 * A hash of the project's code (every file under src/ and pipelines/, and
 * package-lock.json), added to each stage's declared code version, so a code
 * change can never reuse an artifact made by older code, even if nobody bumped
 * the stage's version. Computed once per process.
 */
export function codeFingerprint(): Promise<string> {
  fingerprint ??= (async () => {
    const root = fileURLToPath(new URL('..', import.meta.url));
    const files: string[] = [];
    const walk = async (dir: string) => {
      for (const e of (await readdir(dir, { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
        const p = join(dir, e.name);
        if (e.isDirectory()) await walk(p);
        else if (e.isFile()) files.push(p);
      }
    };
    await walk(join(root, 'src'));
    await walk(join(root, 'pipelines'));
    files.push(join(root, 'package-lock.json'));
    const h = createHash('sha256');
    for (const f of files) h.update(relative(root, f).split(sep).join('/') + '\0').update(await readFile(f)).update('\0');
    return h.digest('hex').slice(0, 16);
  })();
  return fingerprint;
}

/** Short form of a data version used in folder names. */
export const shortVersion = (v: string) => v.slice(0, 16);

/** Runs (or skips) one stage in the store. */
export async function runStage(store: string, def: StageDef, log: (msg: string) => void = () => {}): Promise<StageRun> {
  const inputs = await recordInputs(def.inputs);
  const codeVersion = `${def.codeVersion}+${await codeFingerprint()}`;
  const dataVersion = dataVersionOf(codeVersion, inputs.map((i) => i.sha256), def.params);
  const dir = join(store, 'artifacts', def.name, shortVersion(dataVersion));
  const existing = await readManifest(dir);
  if (existing && existing.dataVersion === dataVersion) {
    log(`  ${def.name.padEnd(9)} unchanged (${shortVersion(dataVersion)}), skipped`);
    return { stage: def.name, dataVersion, dir, skipped: true, manifest: existing };
  }
  const t0 = performance.now();
  const { manifest, skipped } = await writeArtifact({ dir, stage: def.name, codeVersion, params: def.params, inputs, build: def.build, runId: shortVersion(dataVersion) });
  log(`  ${def.name.padEnd(9)} built ${shortVersion(dataVersion)} in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  return { stage: def.name, dataVersion, dir, skipped, manifest };
}

/** The id of a run: a hash of the stage versions it used (the same week, unchanged, gets the same id). */
export function runIdOf(runs: { stage: string; dataVersion: string }[]): string {
  return sha256(stableJson(runs.map((r) => ({ stage: r.stage, dataVersion: r.dataVersion })))).slice(0, 16);
}

/**
 * Writes the run record `store/runs/<runId>.json`: the stage versions a run used.
 * The run id is a hash of those versions (by default of all of them), so
 * re-running an unchanged week writes the same bytes to the same file.
 */
export async function writeRunRecord(store: string, runs: StageRun[], extra: Record<string, unknown> = {}, runId = runIdOf(runs)): Promise<{ runId: string; path: string }> {
  const stages = runs.map((r) => ({ stage: r.stage, dataVersion: r.dataVersion, dir: relative(store, r.dir) }));
  const path = join(store, 'runs', `${runId}.json`);
  await writeFileAtomic(path, stableJson({ runId, stages, ...extra }));
  return { runId, path };
}
