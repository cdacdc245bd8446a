/**
 * The stage runner. A stage declares its name, code version, input files,
 * parameters and a `build` that fills a folder; the runner computes the data
 * version, skips the stage when `store/artifacts/<stage>/<version>/` already
 * has a complete manifest, and otherwise builds it atomically (one artifact
 * writer: src/core/artifacts.ts).
 */
import { join, relative } from 'node:path';
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

/** Short form of a data version used in folder names. */
export const shortVersion = (v: string) => v.slice(0, 16);

/** Runs (or skips) one stage in the store. */
export async function runStage(store: string, def: StageDef, log: (msg: string) => void = () => {}): Promise<StageRun> {
  const inputs = await recordInputs(def.inputs);
  const dataVersion = dataVersionOf(def.codeVersion, inputs.map((i) => i.sha256), def.params);
  const dir = join(store, 'artifacts', def.name, shortVersion(dataVersion));
  const existing = await readManifest(dir);
  if (existing && existing.dataVersion === dataVersion) {
    log(`  ${def.name.padEnd(9)} unchanged (${shortVersion(dataVersion)}), skipped`);
    return { stage: def.name, dataVersion, dir, skipped: true, manifest: existing };
  }
  const t0 = performance.now();
  const { manifest, skipped } = await writeArtifact({ dir, stage: def.name, codeVersion: def.codeVersion, params: def.params, inputs, build: def.build, runId: shortVersion(dataVersion) });
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
