/**
 * The stage runner (ARCHITECTURE.md, "Stages and artifacts"). A stage declares
 * its name, code version, the upstream stages it needs or may use, the
 * upstream files and own files it reads, its parameters, its outputs and a
 * `run`. The runner orders the stages, computes each data version, skips a
 * stage whose version already has a complete manifest, builds the others
 * atomically (one artifact writer: src/core/artifacts.ts) and hands each stage
 * only what it declared. A stage that fails on its data is recorded as failed;
 * the stages that need it do not run, the ones that only use it run without it.
 */
import { join } from 'node:path';
import { dataVersionOf, readManifest, recordInputs, writeArtifact, type BuildResult, type FileRecord, type Manifest } from '../src/core/artifacts.ts';
import { MmmError, UsageError, ValidationError } from '../src/core/errors.ts';
import { codeFingerprint } from './fingerprint.ts';
import type { Log } from './log.ts';
import { testPause } from './test-hooks.ts';

/** A stage's finished output: its folder and manifest. */
export interface StageOutput {
  stage: string;
  dataVersion: string;
  dir: string;
  manifest: Manifest;
  action: 'built' | 'skipped' | 'reused';
}

/** What became of a stage in a run. */
export type StageOutcome = StageOutput | { stage: string; action: 'failed'; error: string; dataVersion?: string } | { stage: string; action: 'not-run'; reason: string };

/** What a stage is handed: the outputs of the upstream stages it declared, and their declared files. */
export interface StageInputs {
  /** Outputs of declared upstream stages (an optional one that failed or is absent is missing). */
  up: Readonly<Record<string, StageOutput>>;
  /** Why a declared optional upstream stage has no output (it failed, did not run, or is not part of this pipeline). */
  missing: Readonly<Record<string, string>>;
  /** Path of a declared upstream output file; throws for anything not declared in `reads`. */
  file(stage: string, name: string): string;
}

export interface StageContext<P> extends StageInputs {
  /** The temporary folder to fill; it becomes the artifact when `run` returns. */
  dir: string;
  params: P;
  /** The stage's own declared files, by label. */
  files: Readonly<Record<string, string>>;
  log: Log;
}

/** A declared stage. */
/** A declared stage (methods, so a list of stages with different parameter types is a `Stage[]`). */
export interface Stage<P = unknown> {
  name: string;
  /** Hand-bumped code version (one table: pipelines/versions.ts). */
  version: string;
  /** The stage's module (`import.meta.url`): its import graph is the code fingerprint. */
  module: string;
  /** Upstream stages it cannot run without. */
  needs: readonly string[];
  /** Upstream stages it uses when they succeeded (e.g. the report and CLV). */
  uses?: readonly string[];
  /** Upstream output files it reads, by stage; part of its data version. */
  reads: Readonly<Record<string, readonly string[]>>;
  /** Its own input files (label = the path recorded in the manifest); part of its data version. */
  files?(inputs: StageInputs): Promise<{ path: string; label: string }[]> | { path: string; label: string }[];
  /** Its parameters; part of its data version. */
  params(inputs: StageInputs): Promise<P> | P;
  /** Files `run` must write (checked). */
  outputs: readonly string[];
  /** An existing artifact folder to use instead of building (the model in use), or null to build. */
  reuse?(inputs: StageInputs, params: P): Promise<string | null>;
  run(ctx: StageContext<P>): Promise<BuildResult>;
}

/** Stages in an order where each comes after everything it needs or uses. @throws UsageError on unknown names or cycles */
export function orderStages(stages: readonly Stage[]): Stage[] {
  const byName = new Map(stages.map((s) => [s.name, s]));
  const order: Stage[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (s: Stage, path: string[]) => {
    if (state.get(s.name) === 'done') return;
    if (state.get(s.name) === 'visiting') throw new UsageError(`stage cycle: ${[...path, s.name].join(' -> ')}`);
    state.set(s.name, 'visiting');
    for (const dep of [...s.needs, ...(s.uses ?? [])]) {
      const d = byName.get(dep);
      if (!d) {
        if (s.needs.includes(dep)) throw new UsageError(`stage ${s.name} needs unknown stage ${dep}`);
        continue;
      }
      visit(d, [...path, s.name]);
    }
    for (const reads of Object.keys(s.reads)) {
      if (!s.needs.includes(reads) && !(s.uses ?? []).includes(reads)) throw new UsageError(`stage ${s.name} reads from ${reads} without declaring it`);
    }
    state.set(s.name, 'done');
    order.push(s);
  };
  for (const s of stages) visit(s, []);
  return order;
}

/** The inputs view of one stage: only its declared upstream outputs and files. */
export function inputsFor(stage: Stage, outcomes: ReadonlyMap<string, StageOutcome>): StageInputs {
  const up: Record<string, StageOutput> = {};
  const missing: Record<string, string> = {};
  for (const name of [...stage.needs, ...(stage.uses ?? [])]) {
    const o = outcomes.get(name);
    if (o && 'dir' in o) up[name] = o;
    else missing[name] = !o ? 'not part of this run' : o.action === 'failed' ? `failed: ${o.error}` : `did not run: ${o.reason}`;
  }
  return {
    up,
    missing,
    file(name, file) {
      if (!stage.reads[name]?.includes(file)) throw new Error(`stage ${stage.name} reads ${name}/${file} without declaring it`);
      const o = up[name];
      if (!o) throw new Error(`stage ${stage.name}: upstream ${name} has no output`);
      return join(o.dir, file);
    },
  };
}

/** Input records of the declared upstream files, taken from the upstream manifests (already hashed). */
function upstreamRecords(stage: Stage, inputs: StageInputs): FileRecord[] {
  const out: FileRecord[] = [];
  for (const [name, files] of Object.entries(stage.reads)) {
    const o = inputs.up[name];
    if (!o) continue;
    for (const f of files) {
      const rec = o.manifest.outputs.find((r) => r.path === f);
      if (!rec) throw new Error(`stage ${stage.name}: ${name} wrote no ${f}`);
      out.push({ path: `${name}/${f}`, sha256: rec.sha256, bytes: rec.bytes });
    }
  }
  return out;
}

/** Whether an error is the stage failing on its data (recorded; the run goes on) rather than bad user input or a bug (the run stops). */
export function isDataFailure(e: unknown): e is MmmError {
  if (!(e instanceof MmmError) || e instanceof UsageError) return false;
  return !(e instanceof ValidationError && e.location.file !== undefined);
}

/** Runs (or skips, or reuses) one stage whose upstream stages have finished. */
async function runOne(stage: Stage, store: string, outcomes: Map<string, StageOutcome>, runId: string, log: Log): Promise<StageOutcome> {
  const missing = stage.needs.find((n) => !(outcomes.get(n) && 'dir' in outcomes.get(n)!));
  if (missing) return { stage: stage.name, action: 'not-run', reason: `needs ${missing}, which ${outcomes.get(missing)?.action === 'failed' ? 'failed' : 'did not run'}` };
  const inputs = inputsFor(stage, outcomes);
  const s = stage;
  const params = await s.params(inputs);
  const own = s.files ? await s.files(inputs) : [];
  const records = [...upstreamRecords(stage, inputs), ...(await recordInputs(own))];
  const codeVersion = `${stage.version}+${codeFingerprint(stage.module)}`;
  const dataVersion = dataVersionOf(
    codeVersion,
    records.map((r) => r.sha256),
    params,
  );
  const reused = s.reuse ? await s.reuse(inputs, params) : null;
  if (reused) {
    const manifest = await readManifest(reused);
    if (!manifest) throw new Error(`stage ${stage.name}: ${reused} has no manifest`);
    return { stage: stage.name, dataVersion: manifest.dataVersion, dir: reused, manifest, action: 'reused' };
  }
  const dir = join(store, 'artifacts', stage.name, dataVersion.slice(0, 16));
  const existing = await readManifest(dir);
  if (existing?.dataVersion === dataVersion) return { stage: stage.name, dataVersion, dir, manifest: existing, action: 'skipped' };
  const files = Object.fromEntries(own.map((f) => [f.label, f.path]));
  const stageLog = log.child({ stage: stage.name });
  const { manifest, skipped } = await writeArtifact({
    dir,
    stage: stage.name,
    codeVersion,
    params,
    inputs: records,
    runId,
    outputs: stage.outputs,
    build: async (tmp) => {
      const result = await s.run({ ...inputs, dir: tmp, params, files, log: stageLog });
      await testPause(stage.name, tmp);
      return result;
    },
  });
  return { stage: stage.name, dataVersion, dir, manifest, action: skipped ? 'skipped' : 'built' };
}

/**
 * Runs declared stages in dependency order in `store/artifacts/<stage>/<version>/`.
 * `after[stage]` runs once that stage has its output, before the next stage.
 * A stage failing on its data becomes a `failed` outcome; bad input (a
 * ValidationError naming a file, a UsageError) and internal errors stop the run;
 * `done` then holds the outcomes of the stages that ran before the error (and
 * the stage whose `after` step threw), for the run's record.
 */
export async function runStages(
  stages: readonly Stage[],
  store: string,
  runId: string,
  log: Log,
  after: Record<string, (out: StageOutput) => Promise<void>> = {},
  done: StageOutcome[] = [],
): Promise<StageOutcome[]> {
  const outcomes = new Map<string, StageOutcome>();
  for (const stage of orderStages(stages)) {
    const t0 = performance.now();
    let outcome: StageOutcome;
    try {
      outcome = await runOne(stage, store, outcomes, runId, log);
    } catch (e) {
      if (!isDataFailure(e)) throw e;
      outcome = { stage: stage.name, action: 'failed', error: e.message };
    }
    outcomes.set(stage.name, outcome);
    done.push(outcome);
    reportOutcome(outcome, performance.now() - t0, log);
    // The job's own step on this stage's output (e.g. checking the config's constraint channels after ingest; a throw stops the run here).
    if ('dir' in outcome) await after[stage.name]?.(outcome);
  }
  return [...outcomes.values()];
}

/**
 * Runs one stage given the outcomes of earlier stages (e.g. from a run
 * record, to render a report again from its artifacts).
 */
export async function runStageAfter(stage: Stage, earlier: StageOutcome[], store: string, runId: string, log: Log): Promise<StageOutcome> {
  const outcomes = new Map(earlier.map((o) => [o.stage, o]));
  const t0 = performance.now();
  const outcome = await runOne(stage, store, outcomes, runId, log);
  reportOutcome(outcome, performance.now() - t0, log);
  return outcome;
}

function reportOutcome(o: StageOutcome, ms: number, log: Log): void {
  const l = log.child({ stage: o.stage });
  if (o.action === 'failed') l.error(`${o.stage} failed: ${o.error}`, { action: o.action });
  else if (o.action === 'not-run') l.warn(`${o.stage} not run: ${o.reason}`, { action: o.action });
  else {
    l.info(`${o.stage} ${o.action} ${o.dataVersion.slice(0, 16)}${o.action === 'built' ? ` in ${(ms / 1000).toFixed(1)} s` : ''}`, {
      action: o.action,
      dataVersion: o.dataVersion,
      ms: Math.round(ms),
    });
    // Every stage's warnings reach the console, also when its artifact is reused: the run's outputs carry them.
    for (const w of o.manifest.warnings) l.warn(w);
  }
}
