/**
 * The scheduled job: `mmm weekly`. Runs every stage that exists in order over
 * the configured raw folder; unchanged stages are skipped by data version.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import { resolveConfig, type Config } from '../src/core/config.ts';
import { UsageError } from '../src/core/errors.ts';
import { generateSample } from '../src/ingest/generate.ts';
import { INGEST_VERSION, buildIngest, rawInputFiles } from '../src/ingest/ingest.ts';
import { runStage, writeRunRecord, type StageRun } from './runner.ts';

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
  report?: string;
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
  const files = rawInputFiles(cfg.raw);
  const ingest = await runStage(
    cfg.store,
    {
      name: 'ingest',
      codeVersion: INGEST_VERSION,
      inputs: Object.values(files).map((p) => ({ path: p, label: relative(cfg.raw, p) })),
      params: {},
      build: (dir) => buildIngest(files, dir),
    },
    log,
  );
  stages.push(ingest);
  const { runId, path } = await writeRunRecord(cfg.store, stages, { raw: relative(cfg.root, cfg.raw) });
  return { runId, runRecord: path, stages };
}
