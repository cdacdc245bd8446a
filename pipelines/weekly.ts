/**
 * The scheduled job: `mmm weekly`. Runs the stages in order over the
 * configured raw folder:
 *
 *   ingest -> drift -> (mmm, when drift says refit) -> clv -> optimise -> simulate -> report
 *
 * Every stage is skipped when its data version already has a complete
 * artifact, so re-running an unchanged week does no work and changes nothing.
 * The model in use is recorded in `store/current.json`; the drift stage
 * decides whether this week's data still fits it, and records why.
 */
import { readFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { resolveConfig, type Config } from '../src/core/config.ts';
import { UsageError, ValidationError } from '../src/core/errors.ts';
import { resolveInside, writeFileAtomic } from '../src/core/artifacts.ts';
import { stableJson } from '../src/core/hash.ts';
import { generateSample } from '../src/ingest/generate.ts';
import { INGEST_VERSION, buildIngest, rawInputFiles } from '../src/ingest/ingest.ts';
import { runIdOf, runStage, writeRunRecord, type StageRun } from './runner.ts';
import { MMM_CODE_VERSION, readCalibrationCsv } from './mmm.ts';
import { resolveCalibration } from '../src/mmm/fit.ts';
import { CLV_CODE_VERSION } from './clv.ts';
import { buildClv, buildDrift, buildMmm, buildOptimise, buildReport, buildSimulate, modelColumns, readMmmInput } from './stages.ts';

export interface WeeklyOptions {
  /** Config file (default `<root>/mmm.config.json` when it exists). */
  config?: string;
  /** Project root; config paths resolve inside it (default: the config's folder, else the current folder). */
  root?: string;
  log?: (msg: string) => void;
}

export interface WeeklyResult {
  runId: string;
  runRecord: string;
  stages: StageRun[];
  report: string;
  decision: { decision: string; reasons: string[] };
}

/** Loads and validates the config file. */
export async function loadConfig(opts: WeeklyOptions): Promise<Config> {
  const root = resolve(opts.root ?? (opts.config ? dirname(opts.config) : '.'));
  const file = opts.config ?? join(root, 'mmm.config.json');
  if (opts.config && !existsSync(file)) throw new UsageError(`config file not found: ${file}`);
  let parsed: unknown = {};
  if (existsSync(file)) {
    try {
      parsed = JSON.parse(await readFile(file, 'utf8'));
    } catch (e) {
      throw new UsageError(`${file}: not valid JSON: ${(e as Error).message}`);
    }
  }
  return resolveConfig(parsed, root, relative(process.cwd(), file) || file);
}

const file = (dir: string, name: string, label = name) => ({ path: join(dir, name), label });

/** Code versions of the stages defined here; bump one when its outputs change for the same inputs. */
const VERSIONS = { drift: 'drift@1', optimise: 'optimise-stage@4', simulate: 'simulate-stage@1', report: 'report@5' };

/** Runs the weekly pipeline. */
export async function runWeekly(opts: WeeklyOptions = {}): Promise<WeeklyResult> {
  const log = opts.log ?? (() => {});
  const cfg = await loadConfig(opts);
  if (!existsSync(cfg.raw)) {
    if (!cfg.rawIsSample) throw new UsageError(`raw input folder not found: ${cfg.raw}`);
    log(`generating the sample data into ${relative(cfg.root, cfg.raw)} (seed ${cfg.sample.seed}) ...`);
    await generateSample({ out: cfg.raw, seed: cfg.sample.seed, weeks: cfg.sample.weeks, scale: cfg.sample.scale });
  }
  const stages: StageRun[] = [];
  const raw = rawInputFiles(cfg.raw);
  for (const other of ['calibration.csv.gz', 'calibration.parquet']) {
    if (existsSync(join(cfg.raw, other))) throw new ValidationError('lift studies are read from calibration.csv (a plain CSV) only', { file: join(cfg.raw, other) });
  }
  const ingest = await runStage(cfg.store, { name: 'ingest', codeVersion: INGEST_VERSION, inputs: Object.values(raw).map((p) => ({ path: p, label: relative(cfg.raw, p) })), params: {}, build: (dir) => buildIngest(raw, dir) }, log);
  stages.push(ingest);

  const cols = await modelColumns(ingest.dir, cfg);
  const data = await readMmmInput(ingest.dir, cols);
  // Lift studies in the raw folder's calibration.csv (optional; channels by name or spend column). They
  // are model settings: a changed file refits through the drift stage's settings check.
  const calibrationFile = join(cfg.raw, 'calibration.csv');
  const calibration = existsSync(calibrationFile)
    ? await readCalibrationCsv(calibrationFile, Object.fromEntries(Object.entries(cols.channelOf).map(([column, channel]) => [channel, column])))
    : [];
  // Checked against the data now, before any stage is built on them.
  resolveCalibration(calibration, data);
  const mmmParams = {
    seed: cfg.seed, trials: cfg.mmm.trials, iterations: cfg.mmm.iterations, bootstrap: cfg.mmm.bootstrap, channels: cols.channels, controls: cols.controls,
    ...(calibration.length ? { calibration: calibration.map(({ channel, from, to, lift }) => ({ channel, from, to, lift })) } : {}),
  };

  // Drift: does this week's data still fit the model in use? The decision is made once per data
  // version (against the model in use at that time, recorded in decision.json) and reused after.
  const pointer = join(cfg.store, 'current.json');
  let currentFit: string | null = null;
  if (existsSync(pointer)) {
    let current: { mmm?: unknown };
    try {
      current = JSON.parse(await readFile(pointer, 'utf8'));
    } catch (e) {
      throw new ValidationError(`not valid JSON: ${(e as Error).message} (delete it to refit from scratch)`, { file: pointer });
    }
    if (typeof current.mmm !== 'string') throw new ValidationError('"mmm" must name a model folder in the store', { file: pointer });
    const dir = resolveInside(cfg.store, current.mmm, 'current model');
    if (existsSync(join(dir, 'manifest.json'))) currentFit = dir;
  }
  const drift = await runStage(cfg.store, {
    name: 'drift', codeVersion: VERSIONS.drift, inputs: [file(ingest.dir, 'mmm_input.csv')], params: { thresholds: cfg.drift, mmm: mmmParams },
    build: async (dir) => {
      let settingsChanged = false;
      if (currentFit) {
        const params = (JSON.parse(await readFile(join(currentFit, 'manifest.json'), 'utf8')) as { params: unknown }).params;
        settingsChanged = stableJson(params) !== stableJson(mmmParams);
      }
      const r = await buildDrift(data, currentFit ? relative(cfg.store, currentFit) : null, currentFit, settingsChanged, cfg, dir);
      return { ...r, decision: { decision: r.decision.decision, reasons: r.decision.reasons } };
    },
  }, log);
  stages.push(drift);
  const recorded = JSON.parse(await readFile(join(drift.dir, 'decision.json'), 'utf8')) as { decision: string; reasons: string[]; currentModel: string | null };
  const decision = { decision: recorded.decision, reasons: recorded.reasons };
  log(`  decision  ${decision.decision}: ${decision.reasons.join('; ')}`);
  const reuseDir = recorded.currentModel ? resolveInside(cfg.store, recorded.currentModel, 'current model') : null;

  let fit: StageRun;
  if (decision.decision === 'refit' || !reuseDir || !existsSync(join(reuseDir, 'manifest.json'))) {
    const inputs = [file(ingest.dir, 'mmm_input.csv'), ...(calibration.length ? [{ path: calibrationFile, label: 'calibration.csv' }] : [])];
    fit = await runStage(cfg.store, { name: 'mmm', codeVersion: MMM_CODE_VERSION, inputs, params: mmmParams, build: (dir) => buildMmm(data, cfg, dir, calibration) }, log);
  } else {
    const manifest = JSON.parse(await readFile(join(reuseDir, 'manifest.json'), 'utf8'));
    fit = { stage: 'mmm', dataVersion: manifest.dataVersion, dir: reuseDir, skipped: true, manifest };
    log(`  mmm       reused ${relative(cfg.store, reuseDir)}`);
  }
  stages.push(fit);
  await writeFileAtomic(pointer, stableJson({ mmm: relative(cfg.store, fit.dir) }));

  const clv = await runStage(cfg.store, { name: 'clv', codeVersion: CLV_CODE_VERSION, inputs: [file(ingest.dir, 'fct_transactions.parquet')], params: cfg.clv, build: (dir) => buildClv(ingest.dir, cfg, dir) }, log);
  stages.push(clv);
  const optimise = await runStage(cfg.store, {
    name: 'optimise', codeVersion: VERSIONS.optimise,
    inputs: [file(fit.dir, 'model.json'), file(fit.dir, 'bootstrap.json'), file(clv.dir, 'clv.json'), file(ingest.dir, 'mmm_input.csv'), file(ingest.dir, 'dim_channel.parquet'), ...(raw.holidays ? [{ path: raw.holidays, label: relative(cfg.raw, raw.holidays) }] : [])],
    params: cfg.optimise,
    build: (dir) => buildOptimise(fit.dir, clv.dir, data, cols.channelOf, raw.holidays ?? null, cfg, dir),
  }, log);
  stages.push(optimise);
  const simulate = await runStage(cfg.store, {
    name: 'simulate', codeVersion: VERSIONS.simulate,
    inputs: [file(fit.dir, 'model.json'), file(fit.dir, 'bootstrap.json'), file(optimise.dir, 'plan.csv'), file(optimise.dir, 'current.csv'), file(ingest.dir, 'mmm_input.csv')],
    params: { draws: cfg.simulate.draws, seed: cfg.seed },
    build: (dir) => buildSimulate(fit.dir, optimise.dir, data, cfg, dir),
  }, log);
  stages.push(simulate);

  const lineage = stages.map((s) => ({ stage: s.stage, dataVersion: s.dataVersion, dir: relative(cfg.root, s.dir) }));
  const runId = runIdOf(stages);
  const report = await runStage(cfg.store, {
    name: 'report', codeVersion: VERSIONS.report,
    inputs: [file(ingest.dir, 'manifest.json', 'ingest/manifest.json'), file(fit.dir, 'model.json'), file(fit.dir, 'decomposition.csv'), file(clv.dir, 'clv.json'), file(optimise.dir, 'allocation.json'), file(optimise.dir, 'allocation-clv.json'), file(optimise.dir, 'robustness.json'), file(optimise.dir, 'curves.json'), file(simulate.dir, 'bands.json'), file(drift.dir, 'decision.json')],
    params: { runId, lineage },
    build: (dir) => buildReport({ ingestDir: ingest.dir, fitDir: fit.dir, clvDir: clv.dir, optimiseDir: optimise.dir, simulateDir: simulate.dir, driftDir: drift.dir, runId, lineage }, dir),
  }, log);
  stages.push(report);
  const reportPath = join(cfg.reports, `weekly-${(ingest.manifest.metrics as { lastWeek: string }).lastWeek}.html`);
  const html = await readFile(join(report.dir, 'report.html'));
  await writeFileAtomic(reportPath, html, { keepPrevious: true });
  await writeFileAtomic(join(cfg.reports, 'latest.html'), html);
  const { path } = await writeRunRecord(cfg.store, stages, { raw: relative(cfg.root, cfg.raw), decision, report: relative(cfg.root, reportPath) }, runId);
  return { runId, runRecord: path, stages, report: reportPath, decision };
}
