/**
 * The scheduled job: `mmm weekly`. Under the store's lock it finishes or
 * cleans up after any killed run, declares the stages the input allows
 *
 *   ingest -> drift -> mmm (refit, or the model in use) -> clv -> optimise -> simulate -> report
 *
 * runs them (pipelines/runner.ts), and commits the run's pointers together at
 * its end: current.json, the reports and the run record (pipelines/store.ts).
 * A stage that fails on its data makes the run partial (exit 3); bad input
 * stops it before anything moves (exit 2).
 */
import { existsSync } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import { resolveConfig, weeklyInputSchema, type Config } from '../src/core/config.ts';
import { describeError } from '../src/core/schema.ts';
import { MmmError, UsageError, ValidationError } from '../src/core/errors.ts';
import { resolveInside } from '../src/core/artifacts.ts';
import { stableJson } from '../src/core/hash.ts';
import { constraintChannels } from '../src/optimise/schema.ts';
import { generateSample } from '../src/ingest/generate.ts';
import { queryFiles, sqlString } from '../src/ingest/duckdb.ts';
import { DEFAULT_FUTURE_WEEKS, rawInputFiles, resolveAsOf } from '../src/ingest/index.ts';
import { alertsFor, postAlerts } from './alerts.ts';
import { lockStore } from './lock.ts';
import { listRuns } from './runs.ts';
import { silentLog, type Log } from './log.ts';
import { testSignalled } from './test-hooks.ts';
import { runStages, type Stage, type StageOutcome, type StageOutput } from './runner.ts';
import { clvFileSchema, currentSchema, modelFileSchema, readDecision, readJson, type Alert, type CurrentFile, type RunRecord } from './schemas.ts';
import { commitFiles, recoverStore } from './store.ts';
import { clvFileStage, clvStage } from './stages/clv.ts';
import { driftStage } from './stages/drift.ts';
import { checkIngestAsOf, rawIngestStage, weeklyIngestStage } from './stages/ingest.ts';
import { mmmStage } from './stages/mmm.ts';
import { optimiseStage } from './stages/optimise.ts';
import { reportStage } from './stages/report.ts';
import { simulateStage } from './stages/simulate.ts';

export interface WeeklyOptions {
  /** Config file (default `<root>/mmm.config.json`; it must exist). */
  config?: string;
  /** Project root; config paths resolve inside it (default: the config's folder, else the current folder). */
  root?: string;
  /** The run's as-of date (YYYY-MM-DD, default today): input dated after it is refused. */
  asOf?: string;
  /** A weekly table given on the command line (paths relative to the current folder); replaces the config's input. */
  input?: Record<string, unknown>;
  /** Artifact store and report folder given on the command line (relative to the current folder). */
  store?: string;
  reports?: string;
  log?: Log;
  /** Clock (tests). */
  now?: () => Date;
}

export interface WeeklyResult {
  runId: string;
  runRecord: string;
  record: RunRecord;
  outcomes: StageOutcome[];
  /** The report written by this run (absolute path), or null. */
  report: string | null;
  /** 0 ok, 3 partial (a stage failed on its data). */
  exitCode: number;
}

/** Exit code of a run some of whose stages failed on their data (documented in the README). */
export const EXIT_PARTIAL = 3;

/**
 * Loads and checks the config file. A run without one is refused (it would
 * otherwise model the sample by accident), unless the command line gives the
 * input itself (`mmm weekly --weekly FILE ...`). Command-line paths are the
 * user's own and resolve against --root when it is given (as `make -C` does),
 * else the current folder; config paths stay inside the root. A --store of
 * its own needs a --reports of its own: the config's reports folder shows the
 * runs of the config's store.
 */
export async function loadConfig(opts: Pick<WeeklyOptions, 'config' | 'root' | 'input' | 'store' | 'reports'>): Promise<Config> {
  const file = resolve(opts.root ?? '.', opts.config ?? 'mmm.config.json');
  const root = resolve(opts.root ?? dirname(file));
  const shown = relative(process.cwd(), file) || file;
  const fromCli = (p: string) => resolve(opts.root === undefined ? '.' : root, p);
  let parsed: Record<string, unknown> = {};
  if (existsSync(file)) {
    const text = await readFile(file, 'utf8');
    try {
      parsed = JSON.parse(text);
    } catch (e) {
      throw new UsageError(`${shown}: not valid JSON: ${jsonErrorWhere(e as Error, text)}`);
    }
  } else if (!opts.input || opts.config) throw new UsageError(`no config file ${shown} (run from the project folder, or give --config FILE or --root DIR)`);
  const cfg = resolveConfig(opts.input ? { ...parsed, raw: undefined, input: undefined, country: undefined } : parsed, root, shown);
  // Flags replacing a config's own input would put another data set in that input's store and reports, as its model and report in use.
  if (opts.input && (parsed.raw !== undefined || parsed.input !== undefined)) {
    const own = (p: string | undefined, of: string) => p === undefined || fromCli(p) === of;
    if (own(opts.store, cfg.store) || own(opts.reports, cfg.reports))
      throw new UsageError(
        `mmm weekly: --weekly replaces the input of ${shown}, whose store and reports hold that input's runs, model and reports: give this table its own --store DIR and --reports DIR`,
      );
  }
  if (opts.store !== undefined && opts.reports === undefined && existsSync(file) && fromCli(opts.store) !== cfg.store)
    throw new UsageError(`mmm weekly: --store ${opts.store} needs a --reports DIR of its own: the reports folder of ${shown} shows the runs of its own store`);
  if (opts.store) cfg.store = fromCli(opts.store);
  if (opts.reports) cfg.reports = fromCli(opts.reports);
  if (opts.input) cfg.input = commandLineInput(opts.input, fromCli);
  if (cfg.input) cfg.raw = null;
  return cfg;
}

/** A JSON parse error's message with the line and column of its position, when it gives one. */
function jsonErrorWhere(e: Error, text: string): string {
  const at = /at position (\d+)/.exec(e.message);
  if (!at) return e.message;
  const before = text.slice(0, Number(at[1]));
  const line = before.split('\n').length;
  return `${e.message.replace(/ at position \d+.*$/, '')} at line ${line} column ${before.length - before.lastIndexOf('\n')}`;
}

/** The weekly input given as `mmm weekly` flags, checked by the config's own schema (errors name the flag's key); paths resolve with `path`. */
function commandLineInput(input: Record<string, unknown>, path: (p: string) => string): NonNullable<Config['input']> {
  const r = weeklyInputSchema.safeParse(input);
  if (!r.success) {
    // Name the flag the user typed, not the config key it fills (window.start -> --window-start, dateCol -> --date-col).
    const [key, ...rest] = describeError(r.error, weeklyInputSchema, input).split(': ');
    const flag = `--${key
      .replace(/^window\.(start|end)/, 'window-$1')
      .replace(/^holidays\.(country|file).*/, (_, k: string) => (k === 'file' ? 'holidays' : 'country'))
      .replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)
      .replace(/\[\d+\].*$/, '')}`;
    throw new UsageError(`mmm weekly: ${flag}: ${rest.join(': ')}`);
  }
  const w = r.data;
  const { weekly, transactions, calibration, ...spec } = w;
  const holidays = spec.holidays && 'file' in spec.holidays ? { file: path(spec.holidays.file) } : spec.holidays;
  return { spec: { ...spec, holidays, file: path(weekly) }, transactions: transactions ? path(transactions) : null, calibration: calibration ? path(calibration) : null, named: 'flags' };
}

/** A run id that sorts by start time: `20261130T051530123Z-<pid>`. */
export const runIdAt = (t: Date) => `${t.toISOString().replace(/[-:.]/g, '')}-${process.pid}`;

/** The raw events folder, generating the seeded sample when the default sample folder is missing. */
async function rawFolder(cfg: Config, log: Log): Promise<string> {
  const raw = cfg.raw!;
  if (!existsSync(raw)) {
    if (!cfg.rawIsSample) throw new UsageError(`raw input folder not found: ${relative(cfg.root, raw)}`);
    log.info(`generating the sample data into ${relative(cfg.root, raw)} (seed ${cfg.sample.seed})`);
    await generateSample({ out: raw, seed: cfg.sample.seed, weeks: cfg.sample.weeks, scale: cfg.sample.scale });
  }
  for (const other of ['calibration.csv.gz', 'calibration.parquet']) {
    if (existsSync(join(raw, other))) throw new ValidationError('lift studies are read from calibration.csv (a plain CSV) only', { file: join(raw, other) });
  }
  return raw;
}

/** The input side of a run: its ingest stage, its CLV stage (when there is a transaction log), its lift studies. */
interface RunInput {
  label: string;
  ingest: Stage;
  clv: Stage | null;
  calibrationFile: string | null;
}

/** Raw events or a weekly table, as the config (or command line) says; missing files are refused before any stage runs. */
async function prepareInput(cfg: Config, asOf: string, log: Log): Promise<RunInput> {
  const futureWeeks = Math.max(DEFAULT_FUTURE_WEEKS, cfg.optimise.horizonWeeks);
  if (cfg.input) {
    const { spec, transactions, calibration, named } = cfg.input;
    for (const [what, path] of [
      ['weekly table', spec.file],
      ['transaction log', transactions],
      ['lift studies', calibration],
    ] as const) {
      if (path && !existsSync(path)) throw new UsageError(`${what} not found: ${path}`);
    }
    return {
      label: relative(cfg.root, spec.file),
      ingest: weeklyIngestStage(spec, { asOf, futureWeeks, named }),
      clv: transactions ? clvFileStage(cfg, transactions) : null,
      calibrationFile: calibration,
    };
  }
  const rawDir = await rawFolder(cfg, log);
  const raw = rawInputFiles(rawDir);
  return {
    label: relative(cfg.root, rawDir),
    ingest: rawIngestStage(rawDir, raw, { asOf, country: cfg.country, futureWeeks }),
    clv: raw.orders ? clvStage(cfg) : null,
    calibrationFile: join(rawDir, 'calibration.csv'),
  };
}

/** The stages this input allows, each declared with what it reads. */
function weeklyStages(cfg: Config, input: RunInput, currentFit: string | null, asOf: string): Stage[] {
  return [
    input.ingest,
    driftStage(cfg, input.calibrationFile, currentFit),
    mmmStage(cfg, input.calibrationFile, currentFit),
    ...(input.clv ? [input.clv] : []),
    optimiseStage(cfg),
    simulateStage(cfg),
    reportStage(cfg.root, async (inputs) => (await stateAlerts(inputs.up, cfg.store, asOf, cfg)).map((a) => a.message)),
  ];
}

/** After ingest: the config's constraints name channels the data have (the config key path in the error). */
async function checkConstraintChannels(cfg: Config, configFile: string, ingest: StageOutput): Promise<void> {
  if (!cfg.optimise.constraints.length) return;
  const rows = await queryFiles<{ channel: string; spend_column: string }>(
    `SELECT channel, spend_column FROM read_parquet(${sqlString(join(ingest.dir, 'dim_channel.parquet'))}) WHERE has_spend ORDER BY spend_column`,
  );
  const known = new Set(rows.flatMap((r) => [r.channel, r.spend_column]));
  cfg.optimise.constraints.forEach((c, i) => {
    const unknown = constraintChannels(c).find((n) => !known.has(n));
    if (unknown) throw new UsageError(`${configFile}: optimise.constraints[${i}]: unknown channel "${unknown}" (channels: ${rows.map((r) => r.spend_column).join(', ')})`);
  });
}

async function readCurrent(store: string): Promise<{ file: CurrentFile; fit: string | null }> {
  const pointer = join(store, 'current.json');
  if (!existsSync(pointer)) return { file: {}, fit: null };
  const file = await readJson(currentSchema, pointer);
  const fit = file.mmm ? resolveInside(store, file.mmm, 'current model') : null;
  return { file, fit: fit && existsSync(join(fit, 'manifest.json')) ? fit : null };
}

/**
 * The alerts on the state of this run's data and model (stale data, a ROAS
 * below its floor, an acquisition channel's CLV down against the last run
 * with other CLV figures), from the stages' outputs. They depend on the data
 * and the history, not on whether a stage was built, so an unchanged re-run
 * raises (and its report shows) the same ones. The generated sample's weeks
 * are fixed by its seed, so it is never stale.
 */
async function stateAlerts(up: Readonly<Record<string, StageOutput>>, store: string, asOf: string, cfg: Config): Promise<Alert[]> {
  const roas = up.mmm ? (await readJson(modelFileSchema, join(up.mmm.dir, 'model.json'))).channels : null;
  const byChannel = async (dir: string) => (await readJson(clvFileSchema, join(dir, 'clv.json'))).byChannel;
  let clv: Parameters<typeof alertsFor>[0]['clv'] = null;
  if (up.clv) {
    const now = relative(store, up.clv.dir);
    const before = (await listRuns(store)).runs
      .filter((r) => r.status !== 'failed')
      .flatMap((r) => r.stages.filter((st) => st.stage === 'clv' && st.dir && st.dir !== now))
      .at(-1);
    const beforeDir = before?.dir ? join(store, before.dir) : null;
    clv = { now: await byChannel(up.clv.dir), before: beforeDir && existsSync(join(beforeDir, 'clv.json')) ? await byChannel(beforeDir) : null };
  }
  const metrics = up.ingest?.manifest.metrics as { lastWeek?: string; weekEnding?: boolean } | undefined;
  const lastWeek = metrics?.lastWeek;
  return alertsFor(
    { decision: null, roas, clv, freshness: lastWeek ? { lastWeek, asOf, weekEnding: metrics?.weekEnding === true } : null },
    { ...cfg.alerts, onRefit: false, ...(cfg.rawIsSample ? { staleAfterWeeks: null } : {}) },
  );
}

const out = (o: StageOutcome) => ('dir' in o ? o : null);

/** A refit alert when the run changed the model in use (not on the first fit). */
function refitAlerts(decisions: RunRecord['decisions'], modelBefore: string | null, cfg: Config['alerts']): Alert[] {
  const mmm = decisions.find((d) => d.model === 'mmm');
  if (mmm?.action !== 'refit' || modelBefore === null) return [];
  return alertsFor(
    { decision: { decision: 'refit', reasons: [mmm.reason], hadModel: true }, roas: null, clv: null, freshness: null },
    { ...cfg, roasFloor: null, clvDrop: null, staleAfterWeeks: null },
  );
}

/**
 * The run's decisions, against what was in use before it: the model is
 * reused when the run ends on the model that was in use, refitted otherwise
 * (with the drift stage's reasons; a model an earlier run built and a killed
 * run never put in use is one too); the CLV is refitted when its stage built.
 */
function decisionsOf(outcomes: Map<string, StageOutcome>, decision: { decision: 'refit' | 'reuse'; reasons: string[] } | null, modelBefore: string | null): RunRecord['decisions'] {
  const d: RunRecord['decisions'] = [];
  const mmm = outcomes.get('mmm');
  const drift = outcomes.get('drift');
  if (decision && mmm && 'dir' in mmm) {
    const reused = modelBefore !== null && mmm.dir === modelBefore;
    const fresh = drift?.action === 'built';
    const reason = fresh
      ? decision.reasons.join('; ')
      : reused
        ? 'data and settings unchanged since the model in use was chosen'
        : `a model an earlier run built for these data and settings (its reasons then: ${decision.reasons.join('; ')})`;
    d.push({ model: 'mmm', action: reused ? 'reuse' : 'refit', reason });
  }
  const clv = outcomes.get('clv');
  if (clv && 'dir' in clv)
    d.push({ model: 'clv', action: clv.action === 'built' ? 'refit' : 'reuse', reason: clv.action === 'built' ? 'new or changed transactions or settings' : 'transactions and settings unchanged' });
  return d;
}

/** The warnings of the stages that produced output, for the run record. */
function stageWarnings(list: StageOutcome[]): RunRecord['warnings'] {
  return list.flatMap((o) => ('dir' in o ? o.manifest.warnings.map((message) => ({ stage: o.stage, message })) : []));
}

/**
 * What a stage that wrote its outputs still failed to give: the optimise stage's allocation when it is
 * not optimal (infeasible or unbounded constraints, or a solver failure: the report has no
 * recommendation), which makes the run partial.
 */
function shortfallOf(o: StageOutcome): string | null {
  if (!('dir' in o) || o.stage !== 'optimise') return null;
  const status = (o.manifest.metrics as { status?: string } | undefined)?.status;
  if (status === undefined || status === 'optimal') return null;
  return status === 'error' ? 'no budget recommendation: the solver failed (see the optimise warnings)' : `no budget recommendation: the allocation is ${status}`;
}

/** A stage's entry in the run record (a stage that wrote its outputs carries its shortfall as `error`). */
function stageEntry(cfg: Config, o: StageOutcome): RunRecord['stages'][number] {
  const shortfall = shortfallOf(o);
  if ('dir' in o) return { stage: o.stage, action: o.action, dataVersion: o.dataVersion, dir: relative(cfg.store, o.dir), ...(shortfall ? { error: shortfall } : {}) };
  return { stage: o.stage, action: o.action, error: o.action === 'failed' ? o.error : o.reason };
}

/** A signal that ends a run: its exit code (128 + the signal's number). */
const SIGNAL_CODES = { SIGINT: 130, SIGTERM: 143 } as const;

/**
 * SIGINT and SIGTERM while a run holds the lock. `race(p)` rejects as soon as one arrives (the run
 * then goes on record as failed and gives up the lock); `received()` says whether one came (during
 * the commit, which is left to finish). A second signal exits at once. `dispose` restores the defaults.
 */
function interruption(): { race: <T>(p: Promise<T>) => Promise<T>; received: () => MmmError | null; dispose: () => void } {
  let error: MmmError | null = null;
  let fail: (e: Error) => void = () => {};
  const promise = new Promise<never>((_, reject) => {
    fail = reject;
  });
  promise.catch(() => {});
  const listeners = Object.entries(SIGNAL_CODES).map(([signal, code]) => {
    const listener = () => {
      if (error) process.exit(code);
      error = new MmmError(`interrupted by ${signal}: the run is on record as failed, and the next run redoes the stage that was running`, code);
      fail(error);
      testSignalled(signal);
    };
    process.on(signal, listener);
    return { signal, listener };
  });
  return {
    race: (p) => {
      p.catch(() => {});
      return Promise.race([p, promise]);
    },
    received: () => error,
    dispose: () => {
      for (const { signal, listener } of listeners) process.removeListener(signal, listener);
    },
  };
}

/** The stage hooks of a weekly run: the ingest's checks of the as-of date and the constraints' channels, the drift decision's log line. */
function stageHooks(cfg: Config, configFile: string, asOf: string, log: Log): Parameters<typeof runStages>[4] {
  return {
    ingest: async (o) => {
      checkIngestAsOf(o, asOf);
      await checkConstraintChannels(cfg, configFile, o);
    },
    drift: async (o) => {
      const d = await readDecision(join(o.dir, 'decision.json'));
      log.child({ stage: 'drift' }).info(`decision ${d.decision}: ${d.reasons.join('; ')}`, { decision: d.decision, reasons: d.reasons });
    },
  };
}

/** The record of a failed run: the stages it finished, their warnings, the error's first line. Nothing else moves. */
function failedRecord(cfg: Config, base: RunBase, done: StageOutcome[], e: unknown, endedAt: Date): RunRecord {
  return {
    ...base,
    endedAt: endedAt.toISOString(),
    status: 'failed',
    stages: done.map((o) => stageEntry(cfg, o)),
    decisions: [],
    warnings: stageWarnings(done),
    alerts: [],
    report: null,
    error: e instanceof Error ? e.message.split('\n')[0] : String(e),
  };
}

/** What every record of a run starts with. */
type RunBase = Pick<RunRecord, 'runId' | 'asOf' | 'startedAt' | 'input' | 'store'>;

/** Runs the weekly pipeline (see the module comment). */
export async function runWeekly(opts: WeeklyOptions = {}): Promise<WeeklyResult> {
  const log = opts.log ?? silentLog;
  const now = opts.now ?? (() => new Date());
  const cfg = await loadConfig(opts);
  const configFile = relative(process.cwd(), opts.config ?? join(cfg.root, 'mmm.config.json'));
  const asOf = resolveAsOf(opts.asOf, now);
  if (!cfg.raw && !cfg.input)
    throw new UsageError(`${configFile}: no input: give "raw" (a folder of raw exports; "data/sample" is generated) or "input" (a weekly table), or run with --weekly FILE.csv`);
  const lock = await lockStore(cfg.store, log, now);
  const interrupted = interruption();
  const startedAt = now();
  const runId = runIdAt(startedAt);
  const recordPath = join(cfg.store, 'runs', `${runId}.json`);
  const base: RunBase = {
    runId,
    asOf,
    startedAt: startedAt.toISOString(),
    input: cfg.input ? relative(cfg.root, cfg.input.spec.file) : relative(cfg.root, cfg.raw!),
    store: relative(cfg.root, cfg.store) || '.',
  };
  const done: StageOutcome[] = [];
  const recordFailure = async (e: unknown): Promise<void> => {
    if (!lock.compromised()) await commitFiles(cfg.store, [{ path: recordPath, data: stableJson(failedRecord(cfg, base, done, e, now())) }]);
  };
  try {
    let outcomes: StageOutcome[];
    let current: Awaited<ReturnType<typeof readCurrent>>;
    let staging = false;
    try {
      // Recovery may be finishing a killed run's commit: it runs to its end, and a signal is answered after it.
      await recoverStore(cfg.store, cfg.reports, log);
      if (interrupted.received()) throw interrupted.received();
      const input = await interrupted.race(prepareInput(cfg, asOf, log));
      current = await readCurrent(cfg.store);
      // The commit writes the report there: a folder that cannot be made fails now, not after every stage ran.
      await mkdir(cfg.reports, { recursive: true });
      staging = true;
      outcomes = await interrupted.race(runStages(weeklyStages(cfg, input, current.fit, asOf), cfg.store, runId, log, stageHooks(cfg, configFile, asOf, log), done));
    } catch (e) {
      // A failure once the stages run, or a signal at any point: on record (the input's preparation stops before any run).
      if (staging || e === interrupted.received()) await recordFailure(e);
      throw e;
    }
    const result = await finishRun(cfg, outcomes, current, base, recordPath, lock.compromised, log, now);
    // A signal during the commit let it finish: the run is on record as it ended.
    const late = interrupted.received();
    if (late) throw new MmmError(`interrupted by a signal while committing: the run was committed and is on record as ${result.record.status}`, late.exitCode);
    return result;
  } finally {
    interrupted.dispose();
    await lock.release();
  }
}

async function finishRun(
  cfg: Config,
  list: StageOutcome[],
  current: { file: CurrentFile; fit: string | null },
  base: RunBase,
  recordPath: string,
  compromised: () => boolean,
  log: Log,
  now: () => Date,
): Promise<WeeklyResult> {
  const outcomes = new Map(list.map((o) => [o.stage, o]));
  const drift = out(outcomes.get('drift')!);
  const driftDecision = drift ? await readDecision(join(drift.dir, 'decision.json')) : null;
  const decisions = decisionsOf(outcomes, driftDecision, current.fit);
  const up = Object.fromEntries(list.flatMap((o) => ('dir' in o ? [[o.stage, o] as const] : [])));
  const alerts: Alert[] = [...refitAlerts(decisions, current.fit, cfg.alerts), ...(await stateAlerts(up, cfg.store, base.asOf, cfg))];
  for (const a of alerts) log.warn(`alert: ${a.message}`, { alert: a.kind });
  const report = out(outcomes.get('report')!);
  const ingest = out(outcomes.get('ingest')!)!;
  const reportPath = report ? join(cfg.reports, `weekly-${(ingest.manifest.metrics as { lastWeek: string }).lastWeek}.html`) : null;
  const mmm = out(outcomes.get('mmm')!);
  const record: RunRecord = {
    ...base,
    endedAt: now().toISOString(),
    status: list.some((o) => o.action === 'failed' || o.action === 'not-run' || shortfallOf(o)) ? 'partial' : 'ok',
    stages: list.map((o) => stageEntry(cfg, o)),
    decisions,
    warnings: stageWarnings(list),
    alerts,
    report: reportPath ? relative(cfg.root, reportPath) : null,
  };
  if (compromised()) throw new MmmError('the store lock was taken over during the run; nothing was committed', 75);
  const html = report ? await readFile(join(report.dir, 'report.html')) : null;
  const pointer: CurrentFile = { ...current.file, ...(mmm ? { mmm: relative(cfg.store, mmm.dir) } : {}), ...(reportPath ? { report: relative(cfg.root, reportPath) } : {}) };
  await commitFiles(cfg.store, [
    { path: join(cfg.store, 'current.json'), data: stableJson(pointer) },
    ...(html && reportPath
      ? [
          { path: reportPath, data: html, keepPrevious: true },
          { path: join(cfg.reports, 'latest.html'), data: html },
        ]
      : []),
    { path: recordPath, data: stableJson(record) },
  ]);
  if (cfg.alerts.webhook && alerts.length) await postAlerts(cfg.alerts.webhook, { runId: record.runId, status: record.status, report: reportPath, alerts }, log);
  return { runId: record.runId, runRecord: recordPath, record, outcomes: list, report: reportPath, exitCode: record.status === 'ok' ? 0 : EXIT_PARTIAL };
}
