/**
 * The `mmm` command. Each subcommand declares its options in one table
 * ({@link COMMANDS}); commander parses them (unknown option, missing value, bad
 * number refused before any work starts) and writes the help. Errors are one
 * line, `error: ...` (a JSON log line for a command that logs them, when stderr
 * is not a terminal), with the exit codes of EXIT_CODES.
 */
import { dirname, join, relative, resolve } from 'node:path';
import { existsSync, readFileSync } from 'node:fs';
import { Command as CommanderCommand, CommanderError, Option } from 'commander';
import { MmmError, UsageError } from './core/errors.ts';

type OptionType = 'string' | 'int' | 'number' | 'list' | 'boolean';
interface OptionSpec {
  type: OptionType;
  required?: boolean;
  help: string;
  metavar?: string;
}
type Parsed = Record<string, string | number | boolean | string[] | undefined>;
interface CommandSpec {
  summary: string;
  /** The command logs JSON lines when stderr is not a terminal (pipelines/log.ts), so its error line is one too. */
  logs?: true;
  options: Record<string, OptionSpec>;
  // biome-ignore lint/suspicious/noConfusingVoidType: a command returns its exit code, or nothing for 0
  run: (opts: Parsed) => Promise<number | void>;
}

/** The weekly-table input given as `mmm weekly` flags (the shape of the config's `input` block), or undefined without --weekly. */
async function weeklyFlags(o: Parsed): Promise<Record<string, unknown> | undefined> {
  const flags = ['date-col', 'week-ending', 'target', 'channels', 'controls', 'factors', 'organic', 'exposures', 'country', 'holidays', 'window-start', 'window-end', 'transactions', 'calibration'];
  if (o.weekly === undefined) {
    const stray = flags.find((f) => o[f] !== undefined);
    if (stray) throw new UsageError(`mmm weekly: --${stray} goes with --weekly FILE.csv`);
    return undefined;
  }
  if (o.country !== undefined && o.holidays !== undefined) throw new UsageError('mmm weekly: give --country or --holidays, not both');
  const { parseExposureList } = await import('./ingest/index.ts');
  const channels = (o.channels as string[] | undefined) ?? [];
  const windowGiven = o['window-start'] !== undefined || o['window-end'] !== undefined;
  return {
    weekly: o.weekly,
    dateCol: o['date-col'],
    weekEnding: o['week-ending'],
    target: o.target,
    channels,
    controls: o.controls,
    factors: o.factors,
    organic: o.organic,
    exposures: o.exposures ? parseExposureList(o.exposures as string[], channels) : undefined,
    holidays: o.country ? { country: o.country } : o.holidays ? { file: o.holidays } : undefined,
    window: windowGiven ? { start: o['window-start'], end: o['window-end'] } : undefined,
    transactions: o.transactions,
    calibration: o.calibration,
  };
}

/**
 * The store a command that reads one works on, and the project folder: --store (against --root when
 * given), else the config's store (--config, or the mmm.config.json of --root or the current folder),
 * else ./data.
 */
async function storeOf(o: Parsed): Promise<{ store: string; root: string | undefined }> {
  const root = o.root as string | undefined;
  if (o.store !== undefined) {
    if (o.config !== undefined) throw new UsageError('give --config or --store, not both');
    return { store: resolve(root ?? '.', o.store as string), root };
  }
  if (o.config !== undefined || existsSync(join(root ?? '.', 'mmm.config.json'))) {
    const { loadConfig } = await import('../pipelines/weekly.ts');
    const cfg = await loadConfig({ config: o.config as string | undefined, root });
    return { store: cfg.store, root: cfg.root };
  }
  return { store: resolve(root ?? '.', 'data'), root };
}

/** Exit code of `mmm weekly --fail-on-alert` when the run raised an alert. */
const EXIT_ALERT = 4;

const out = (s: string) => process.stdout.write(`${s}\n`);
const err = (s: string) => process.stderr.write(`${s}\n`);
const rel = (p: string) => relative(process.cwd(), p) || '.';

const COMMANDS: Record<string, CommandSpec> = {
  weekly: {
    logs: true,
    summary: "run the weekly pipeline under the store's lock (generates the sample data when the default raw folder is missing)",
    options: {
      config: { type: 'string', help: 'config file (default ./mmm.config.json; needed unless --weekly gives the input)', metavar: 'FILE' },
      root: { type: 'string', help: "project root; config paths stay inside it (default: the config file's folder)", metavar: 'DIR' },
      'as-of': { type: 'string', help: "the run's date: input dated after it is refused, not cut off (default today); with the data as they were, it replays a past week", metavar: 'YYYY-MM-DD' },
      'fail-on-alert': { type: 'boolean', help: `exit ${EXIT_ALERT} when the run raised an alert (for schedulers that should page someone)` },
      quiet: { type: 'boolean', help: 'log warnings and errors only' },
      weekly: { type: 'string', help: "a weekly table as the input instead of the config's (the flags below describe it)", metavar: 'FILE.csv' },
      'date-col': { type: 'string', help: 'with --weekly: the date column (default date; rows 7 days apart, any weekday)', metavar: 'NAME' },
      'week-ending': { type: 'boolean', help: 'with --weekly: each date ends its week (a week-ending export); by default it starts it' },
      target: { type: 'string', help: 'with --weekly: the target column, e.g. revenue', metavar: 'NAME' },
      channels: { type: 'list', help: 'with --weekly: spend columns, one per paid channel', metavar: 'A,B,...' },
      controls: { type: 'list', help: 'with --weekly: context variables (free sign)', metavar: 'A,B,...' },
      factors: { type: 'list', help: 'with --weekly: categorical columns (one-hot against the most frequent level)', metavar: 'A,B,...' },
      organic: { type: 'list', help: 'with --weekly: organic activity without spend (adstocked and saturated like media)', metavar: 'A,B,...' },
      exposures: { type: 'list', help: 'with --weekly: impressions or clicks columns shown beside spend, COLUMN=CHANNEL or COLUMN', metavar: 'A=B,...' },
      country: { type: 'string', help: 'with --weekly: public holidays of this country (date-holidays), e.g. DE', metavar: 'CODE' },
      holidays: { type: 'string', help: 'with --weekly: a holidays file (date,name) instead of --country', metavar: 'FILE' },
      'window-start': { type: 'string', help: 'with --weekly: first week of the modelling window (earlier weeks warm up the adstock)', metavar: 'YYYY-MM-DD' },
      'window-end': { type: 'string', help: 'with --weekly: last week of the modelling window', metavar: 'YYYY-MM-DD' },
      transactions: { type: 'string', help: 'with --weekly: a transaction log (customer_id,date,amount[,channel]) for the CLV stage', metavar: 'FILE' },
      calibration: { type: 'string', help: 'with --weekly: lift studies to calibrate on (channel,from,to,lift)', metavar: 'FILE' },
      store: { type: 'string', help: "artifact store (default: the config's, else data)", metavar: 'DIR' },
      reports: { type: 'string', help: "report folder (default: the config's, else reports)", metavar: 'DIR' },
    },
    run: async (o) => {
      const { runWeekly } = await import('../pipelines/weekly.ts');
      const { cliLog } = await import('../pipelines/log.ts');
      const r = await runWeekly({
        config: o.config as string | undefined,
        root: o.root as string | undefined,
        asOf: o['as-of'] as string | undefined,
        log: cliLog({ quiet: o.quiet === true }),
        input: await weeklyFlags(o),
        store: o.store as string | undefined,
        reports: o.reports as string | undefined,
      });
      for (const s of r.outcomes) out(`${s.stage.padEnd(9)} ${s.action.padEnd(8)} ${'dir' in s ? rel(s.dir) : s.action === 'failed' ? s.error : s.reason}`);
      out(`run       ${rel(r.runRecord)}`);
      if (r.report) out(`report    ${rel(r.report)}`);
      if (r.exitCode === 0 && o['fail-on-alert'] && r.record.alerts.length) return EXIT_ALERT;
      return r.exitCode;
    },
  },
  runs: {
    summary: 'list the runs of a store, oldest first (status, stages built and skipped, decisions, alerts, report)',
    options: {
      store: { type: 'string', help: "artifact store (default: the config's, else data)", metavar: 'DIR' },
      config: { type: 'string', help: 'config file naming the store (default ./mmm.config.json)', metavar: 'FILE' },
      root: { type: 'string', help: 'project folder (where the config and a relative --store are)', metavar: 'DIR' },
      json: { type: 'boolean', help: 'print the run records as one JSON array' },
    },
    run: async (o) => {
      const { listRuns, formatRuns } = await import('../pipelines/runs.ts');
      const { runs, unreadable } = await listRuns((await storeOf(o)).store);
      if (o.json) out(JSON.stringify(runs, null, 2));
      else for (const line of formatRuns(runs)) out(line);
      for (const n of unreadable) err(`warning: ${n} is not a run record of this version; skipped`);
    },
  },
  gc: {
    logs: true,
    summary: 'retire old artifacts and .prev-* copies (keeps what the current model, the current report and the last N runs use)',
    options: {
      keep: { type: 'int', required: true, help: 'keep the artifacts of the last N runs', metavar: 'N' },
      config: { type: 'string', help: 'config file naming the store and reports folder (default ./mmm.config.json)', metavar: 'FILE' },
      root: { type: 'string', help: "project root (default: the config file's folder)", metavar: 'DIR' },
      store: { type: 'string', help: "artifact store instead of the config's (its reports folder is left alone unless --reports is given)", metavar: 'DIR' },
      reports: { type: 'string', help: "with --store: the store's reports folder", metavar: 'DIR' },
      'dry-run': { type: 'boolean', help: 'list what would be removed, remove nothing' },
    },
    run: async (o) => {
      const { loadConfig } = await import('../pipelines/weekly.ts');
      const { collectGarbage } = await import('../pipelines/runs.ts');
      const { cliLog } = await import('../pipelines/log.ts');
      const store = o.store as string | undefined;
      if (o.reports !== undefined && store === undefined) throw new UsageError('mmm gc: --reports goes with --store');
      if (store !== undefined && (o.config !== undefined || o.root !== undefined)) throw new UsageError('mmm gc: give --config (or --root) or --store, not both');
      const cfg = store === undefined ? await loadConfig({ config: o.config as string | undefined, root: o.root as string | undefined }) : null;
      const root = cfg?.root ?? resolve('.');
      const target = cfg ? { store: cfg.store, reports: cfg.reports } : { store: resolve(store!), reports: o.reports === undefined ? null : resolve(o.reports as string) };
      if (!existsSync(target.store)) throw new UsageError(`mmm gc: no store ${rel(target.store)}`);
      const r = await collectGarbage({ ...target, root, keep: o.keep as number, dryRun: o['dry-run'] === true, log: cliLog() });
      for (const p of r.removed) out(`${o['dry-run'] ? 'would remove' : 'removed'} ${p}`);
      out(`${o['dry-run'] ? 'would free' : 'freed'} ${(r.bytes / 1e6).toFixed(1)} MB; kept ${r.kept.length} artifact folder(s)`);
    },
  },
  generate: {
    summary: 'write a seeded sample of raw inputs with its truth.json',
    options: {
      out: { type: 'string', required: true, help: 'output folder', metavar: 'DIR' },
      seed: { type: 'int', required: true, help: 'random seed', metavar: 'N' },
      weeks: { type: 'int', help: 'number of weeks (default 156)', metavar: 'N' },
      scale: { type: 'number', help: 'multiplies events, orders and money (default 1)', metavar: 'X' },
    },
    run: async (o) => {
      const { generateSample } = await import('./ingest/generate.ts');
      const s = await generateSample({ out: o.out as string, seed: o.seed as number, weeks: o.weeks as number | undefined, scale: o.scale as number | undefined });
      out(`${s.skipped ? 'unchanged' : 'wrote'} ${rel(s.out)}: ${s.weeks} weeks, ${s.events} events, ${s.orders} orders, ${s.customers} customers`);
    },
  },
  ingest: {
    summary: 'raw exports (--raw) or a weekly table (--weekly) -> weekly star schema (Parquet) on DuckDB',
    options: {
      raw: { type: 'string', help: 'folder with spend, events, orders (+ optional controls, holidays, channels) as .csv, .csv.gz or .parquet', metavar: 'DIR' },
      weekly: { type: 'string', help: 'a weekly table instead: one row per week, a date column, the target, spend per channel', metavar: 'FILE.csv' },
      out: { type: 'string', required: true, help: 'output folder (written atomically, with manifest.json)', metavar: 'DIR' },
      'as-of': { type: 'string', help: 'refuse rows dated after this day (default today, UTC); replay an older run with it', metavar: 'YYYY-MM-DD' },
      'date-col': { type: 'string', help: 'weekly: date column (default date); each date labels the 7 days starting on it', metavar: 'NAME' },
      'week-ending': { type: 'boolean', help: 'weekly: each date labels the 7 days ending on it (a week-ending export)' },
      target: { type: 'string', help: 'weekly: target column, e.g. revenue', metavar: 'NAME' },
      channels: { type: 'list', help: 'weekly: paid media spend columns', metavar: 'A,B,...' },
      controls: { type: 'list', help: 'weekly: numeric context columns (constant ones are dropped with a warning)', metavar: 'A,B,...' },
      factors: { type: 'list', help: 'weekly: categorical columns, kept as text ("na" is a level)', metavar: 'A,B,...' },
      organic: { type: 'list', help: 'weekly: organic activity columns without spend (>= 0)', metavar: 'A,B,...' },
      exposures: { type: 'list', help: 'weekly: impressions/clicks columns kept beside spend, not modelled: COLUMN=CHANNEL, or COLUMN when its prefix names the channel', metavar: 'A,B,...' },
      'window-start': { type: 'string', help: 'weekly: first week of the modelling window (default the first week)', metavar: 'YYYY-MM-DD' },
      'window-end': { type: 'string', help: 'weekly: last week of the modelling window (default the last week)', metavar: 'YYYY-MM-DD' },
      country: { type: 'string', help: 'flag the public holidays of this country (date-holidays), e.g. DE or DE-BY', metavar: 'CC' },
      holidays: { type: 'string', help: 'weekly: flag the holidays of this CSV (date,name) instead', metavar: 'FILE' },
      'future-weeks': { type: 'int', help: 'weeks after the data with holiday flags in dim_week_future (default 52)', metavar: 'N' },
      threads: { type: 'int', help: 'DuckDB threads (default 2)', metavar: 'N' },
      'memory-limit': { type: 'string', help: 'DuckDB memory limit (default 128MB; past it, work spills to disk)', metavar: 'SIZE' },
    },
    run: async (o) => {
      const { runIngestCommand } = await import('./ingest/command.ts');
      const r = await runIngestCommand(o);
      const m = r.manifest.metrics as Record<string, unknown>;
      const what = m.input === 'weekly' ? `${m.weeks} weeks ${m.firstWeek} to ${m.lastWeek}` : `${m.weeks} weeks, ${m.orders} orders`;
      out(`${r.skipped ? 'unchanged' : 'wrote'} ${rel(r.dir)}: ${what}, channels ${(m.channels as string[]).join(', ')}`);
      for (const w of r.manifest.warnings) err(`warning: ${w}`);
    },
  },
  fit: {
    summary: 'fit the marketing-mix model on a weekly wide CSV (adstock, saturation, ridge, search, bootstrap)',
    options: {
      weekly: { type: 'string', required: true, help: 'weekly CSV: a date column, the target, one spend column per channel, controls', metavar: 'FILE' },
      'date-col': { type: 'string', help: 'date column (default date)', metavar: 'NAME' },
      'week-ending': { type: 'boolean', help: 'each date ends its week (a week-ending export): --country flags the 7 days ending on it' },
      target: { type: 'string', required: true, help: 'target column, e.g. revenue', metavar: 'NAME' },
      channels: { type: 'list', required: true, help: 'comma-separated spend columns', metavar: 'A,B,...' },
      controls: { type: 'list', help: 'comma-separated control columns (0/1 columns are dummies, e.g. holiday)', metavar: 'A,B,...' },
      out: { type: 'string', required: true, help: 'output folder (model.json, decomposition.csv, pareto.json, bootstrap.json, input.csv, manifest.json)', metavar: 'DIR' },
      seed: { type: 'int', help: 'random seed (default 1)', metavar: 'N' },
      trials: { type: 'int', help: 'independent search runs (default 5)', metavar: 'N' },
      iterations: { type: 'int', help: 'candidates per trial (default 2000)', metavar: 'N' },
      bootstrap: { type: 'int', help: 'bootstrap refits for intervals (default 200)', metavar: 'N' },
      threads: { type: 'int', help: 'worker threads (default: every core)', metavar: 'N' },
      calibration: { type: 'string', help: 'lift studies to calibrate on: CSV with channel,from,to,lift (see README)', metavar: 'FILE' },
      factors: { type: 'list', help: 'categorical columns (e.g. events with levels na, event1), one-hot coded against the most frequent level', metavar: 'A,B,...' },
      organic: { type: 'list', help: 'organic activity columns (>= 0, no spend): adstocked and saturated like media, reported without ROAS', metavar: 'A,B,...' },
      'window-start': { type: 'string', help: 'first week of the modelling window (default: the first week); earlier weeks warm up the adstock', metavar: 'YYYY-MM-DD' },
      'window-end': { type: 'string', help: 'last week of the modelling window (default: the last week)', metavar: 'YYYY-MM-DD' },
      'intercept-sign': { type: 'string', help: 'non_negative (default, as Robyn) or free', metavar: 'SIGN' },
      adstock: { type: 'string', help: 'adstock families the data choose among: geometric, binomial, weibull_cdf, weibull_pdf (default: see README)', metavar: 'A,B,...' },
      'channel-adstock': { type: 'list', help: 'adstock per channel or organic variable, e.g. tv_S=weibull_pdf', metavar: 'NAME=KIND,...' },
      'channel-ranges': { type: 'string', help: 'JSON of hyperparameter ranges per channel, e.g. {"tv_S": {"theta": [0.3, 0.8]}}', metavar: 'FILE' },
      'control-signs': { type: 'list', help: 'coefficient sign per control or factor (default free), e.g. competitor_sales_B=positive', metavar: 'NAME=SIGN,...' },
      saturation: { type: 'list', help: 'saturation families the data choose among: hill, logistic, michaelis_menten, log (default: see README)', metavar: 'A,B,...' },
      priors: { type: 'string', help: 'JSON of ROAS/contribution priors per channel, e.g. {"search_S": {"roas": {"mean": 2, "sd": 0.5}}}', metavar: 'FILE' },
      country: { type: 'string', help: 'add the control holiday: weeks holding a public holiday of this country (date-holidays), e.g. DE', metavar: 'CODE' },
    },
    run: async (o) => {
      const { runFitCommand } = await import('../pipelines/mmm.ts');
      const r = await runFitCommand({
        weekly: o.weekly as string,
        dateCol: (o['date-col'] as string) ?? 'date',
        target: o.target as string,
        channels: o.channels as string[],
        controls: (o.controls as string[]) ?? [],
        out: o.out as string,
        seed: o.seed as number | undefined,
        trials: o.trials as number | undefined,
        iterations: o.iterations as number | undefined,
        bootstrap: o.bootstrap as number | undefined,
        threads: o.threads as number | undefined,
        calibration: o.calibration as string | undefined,
        factors: o.factors as string[] | undefined,
        organic: o.organic as string[] | undefined,
        windowStart: o['window-start'] as string | undefined,
        windowEnd: o['window-end'] as string | undefined,
        interceptSign: o['intercept-sign'] as 'non_negative' | 'free' | undefined,
        adstock: o.adstock as string | undefined,
        channelAdstock: o['channel-adstock'] as string[] | undefined,
        channelRanges: o['channel-ranges'] as string | undefined,
        controlSigns: o['control-signs'] as string[] | undefined,
        saturation: o.saturation as string[] | undefined,
        priors: o.priors as string | undefined,
        country: o.country as string | undefined,
        weekEnding: o['week-ending'] === true,
      });
      const m = r.manifest.metrics as Record<string, number>;
      out(
        `${r.skipped ? 'unchanged' : 'wrote'} ${rel(r.outDir)}/model.json: R2 ${m.r2?.toFixed(3)}, NRMSE ${m.nrmse?.toFixed(4)}, holdout MAPE ${(100 * m.holdoutMape).toFixed(1)}%, DECOMP.RSSD ${m.decompRssd?.toFixed(3)}`,
      );
      const { readFit } = await import('../pipelines/simulate.ts');
      for (const c of (await readFit(r.outDir)).model.channels)
        out(
          `  ${c.name.padEnd(16)} ROAS ${c.roas.toFixed(2)} [90%: ${c.roasLow.toFixed(2)}-${c.roasHigh.toFixed(2)}]  marginal ROAS at its spend ${c.mroas.toFixed(2)}  ${(100 * c.contributionShare).toFixed(1)}% of the media effect`,
        );
      for (const w of r.manifest.warnings) err(`warning: ${w}`);
    },
  },
  clv: {
    summary: 'customer lifetime value: RFM summary, BG/NBD, Gamma-Gamma, CLV per customer and acquisition channel',
    options: {
      transactions: { type: 'string', required: true, help: 'transaction log CSV (one row per order)', metavar: 'FILE' },
      'calibration-end': { type: 'string', required: true, help: 'last day of the calibration period; later orders are the holdout', metavar: 'YYYY-MM-DD' },
      out: { type: 'string', required: true, help: 'output folder (clv.json, customers.csv)', metavar: 'DIR' },
      'customer-col': { type: 'string', help: 'customer column (default customer_id)', metavar: 'NAME' },
      'date-col': { type: 'string', help: 'date or ISO timestamp column (default date)', metavar: 'NAME' },
      'amount-col': { type: 'string', help: 'amount column (default amount)', metavar: 'NAME' },
      'channel-col': { type: 'string', help: 'acquisition channel column (default channel; optional)', metavar: 'NAME' },
      'horizon-weeks': { type: 'int', help: 'horizon of expected_purchases in customers.csv (default 52)', metavar: 'N' },
      'holdout-end': { type: 'string', help: 'ignore orders after this day (default: keep all)', metavar: 'YYYY-MM-DD' },
    },
    run: async (o) => {
      const { runClvCommand } = await import('../pipelines/clv.ts');
      const s = await runClvCommand({
        transactions: o.transactions as string,
        calibrationEnd: o['calibration-end'] as string,
        out: o.out as string,
        customerCol: o['customer-col'] as string | undefined,
        dateCol: o['date-col'] as string | undefined,
        amountCol: o['amount-col'] as string | undefined,
        channelCol: o['channel-col'] as string | undefined,
        horizonWeeks: o['horizon-weeks'] as number | undefined,
        holdoutEnd: o['holdout-end'] as string | undefined,
      });
      out(`wrote ${rel(o.out as string)}: ${s.customers} customers, CLV total ${s.clvTotal.toFixed(2)}`);
      for (const w of s.warnings ?? []) err(`warning: ${w}`);
    },
  },
  optimise: {
    summary: 'allocate a budget under business constraints (LP/MIP on HiGHS) and explain the result',
    options: {
      problem: { type: 'string', help: 'allocation problem JSON (or --model)', metavar: 'FILE' },
      model: { type: 'string', help: 'a mmm fit output folder: the problem is built from its curves as the weekly pipeline does (or --problem)', metavar: 'DIR' },
      budget: { type: 'number', help: "with --model: total budget over the horizon (default: the last horizon's spend)", metavar: 'X' },
      'horizon-weeks': { type: 'int', help: 'with --model: planning horizon in weeks (default 13)', metavar: 'N' },
      constraints: { type: 'string', help: 'with --model: JSON array of constraints (money per week; see README)', metavar: 'FILE' },
      margin: { type: 'number', help: 'with --model: gross margin, 0 < m <= 1 (default 1); profit = margin x revenue - spend', metavar: 'M' },
      out: { type: 'string', required: true, help: 'result JSON (a previous different file is kept as FILE.prev-<hash>)', metavar: 'FILE' },
    },
    run: async (o) => {
      const { runOptimiseCommand, runOptimiseFromModel, optimiseExitCode } = await import('../pipelines/optimise.ts');
      if ((o.problem === undefined) === (o.model === undefined)) throw new UsageError('mmm optimise: give either --problem FILE.json or --model DIR');
      if (o.problem !== undefined && (o.budget !== undefined || o['horizon-weeks'] !== undefined || o.constraints !== undefined || o.margin !== undefined))
        throw new UsageError('mmm optimise: --budget, --horizon-weeks, --constraints and --margin go with --model (a problem file holds its own)');
      const r = o.model
        ? await runOptimiseFromModel({
            model: o.model as string,
            out: o.out as string,
            budget: o.budget as number | undefined,
            horizonWeeks: o['horizon-weeks'] as number | undefined,
            constraints: o.constraints as string | undefined,
            margin: o.margin as number | undefined,
          })
        : await runOptimiseCommand({ problem: o.problem as string, out: o.out as string });
      out(`${r.status}: ${typeof r.objective === 'number' ? `objective ${r.objective.toFixed(4)}` : 'no plan'} -> ${rel(o.out as string)}`);
      // Each channel's spend per period, against the current plan's when the problem has one.
      const vs = r.againstCurrent;
      for (const [c, x] of r.status === 'optimal' ? Object.entries(r.allocation) : []) {
        const pct = vs?.changePct[c];
        out(`  ${c}: ${x.toFixed(2)}${vs ? ` (current ${vs.current[c].toFixed(2)}${pct === null || pct === undefined ? '' : `, ${pct >= 0 ? '+' : ''}${(100 * pct).toFixed(1)}%`})` : ''}`);
      }
      if (r.status !== 'optimal') err(r.message.startsWith(r.status) ? r.message : `${r.status}: ${r.message}`);
      for (const w of r.warnings) err(`warning: ${w}`);
      return optimiseExitCode(r);
    },
  },
  simulate: {
    summary: 'Monte Carlo revenue bands (P5/P50/P95) for a spend plan from a mmm fit output',
    options: {
      model: { type: 'string', required: true, help: 'a mmm fit output folder', metavar: 'DIR' },
      plan: { type: 'string', help: 'plan CSV: date (the weeks after the data) + one column per channel (+ controls); or --allocation', metavar: 'FILE' },
      allocation: { type: 'string', help: 'an allocation from mmm optimise --model: its plan against the current plan (or --plan)', metavar: 'FILE' },
      out: { type: 'string', required: true, help: 'output folder (bands.json)', metavar: 'DIR' },
      draws: { type: 'int', help: 'simulation draws (default 10000)', metavar: 'N' },
      seed: { type: 'int', help: 'random seed (default 1)', metavar: 'N' },
      compare: { type: 'string', help: 'a second plan CSV (e.g. the current plan); adds its bands and the probability the first beats it', metavar: 'FILE' },
      threads: { type: 'int', help: 'worker threads (default: every core for large runs)', metavar: 'N' },
    },
    run: async (o) => {
      const { runSimulateCommand } = await import('../pipelines/simulate.ts');
      const r = await runSimulateCommand({
        model: o.model as string,
        plan: o.plan as string | undefined,
        allocation: o.allocation as string | undefined,
        out: o.out as string,
        draws: o.draws as number | undefined,
        seed: o.seed as number | undefined,
        compare: o.compare as string | undefined,
        threads: o.threads as number | undefined,
      });
      const m = r.manifest.metrics as Record<string, number>;
      out(
        `${r.skipped ? 'unchanged' : 'wrote'} ${rel(o.out as string)}/bands.json: total P50 ${m.p50.toFixed(0)} (P5 ${m.p5.toFixed(0)} – P95 ${m.p95.toFixed(0)})${m.probabilityBetter !== undefined ? `, P(better) ${m.probabilityBetter.toFixed(3)}` : ''}`,
      );
      for (const w of r.manifest.warnings) err(`warning: ${w}`);
    },
  },
  report: {
    logs: true,
    summary: "render a run's report again from its artifacts (default: the newest run with a report)",
    options: {
      store: { type: 'string', help: "artifact store (default: the config's, else data)", metavar: 'DIR' },
      config: { type: 'string', help: 'config file naming the store (default ./mmm.config.json)', metavar: 'FILE' },
      run: { type: 'string', help: 'run id (see mmm runs)', metavar: 'ID' },
      out: { type: 'string', help: "where to write the page (default report-<run id>.html beside the run's own report)", metavar: 'FILE' },
      root: { type: 'string', help: "the project folder the run was made from (default: found from the run's record, else the current folder)", metavar: 'DIR' },
    },
    run: async (o) => {
      const { renderRunReport } = await import('../pipelines/report-command.ts');
      const { cliLog } = await import('../pipelines/log.ts');
      const where = await storeOf(o);
      const r = await renderRunReport({
        store: where.store,
        root: where.root,
        run: o.run as string | undefined,
        out: o.out as string | undefined,
        log: cliLog({ quiet: true }),
      });
      out(`report of run ${r.runId}: ${rel(r.path)}`);
    },
  },
};

const EXIT_CODES = `exit codes: 0 success, 1 other failure, 2 bad input or usage, 3 partial weekly run (a stage failed on its data) or no plan from optimise,
  ${EXIT_ALERT} an alert with --fail-on-alert, 75 another run holds the store's lock, 130/143 interrupted (on record, lock released)`;

/** A value parser for an option of a command: numbers checked, lists split on commas. @throws UsageError naming the option */
function parserFor(name: string, key: string, type: OptionType): ((value: string) => unknown) | undefined {
  if (type === 'int' || type === 'number') {
    return (value) => {
      const v = Number(value);
      if (value.trim() === '' || !Number.isFinite(v) || (type === 'int' && !Number.isInteger(v))) {
        throw new UsageError(`mmm ${name}: --${key} must be ${type === 'int' ? 'an integer' : 'a number'}, got "${value}"`);
      }
      return v;
    };
  }
  if (type === 'list')
    return (value) =>
      value
        .split(',')
        .map((s) => s.trim())
        .filter((s) => s !== '');
  return undefined;
}

/** The commander command of one entry of {@link COMMANDS}; `run` gets the options by their flag names. */
function commandOf(name: string, spec: CommandSpec, onResult: (code: number) => void): CommanderCommand {
  const cmd = new CommanderCommand(name).description(spec.summary).allowExcessArguments(false).exitOverride().helpOption('-h, --help', 'show this help');
  cmd.configureOutput({ writeOut: (s) => process.stdout.write(s), writeErr: () => {} });
  const keyOf: Record<string, string> = {};
  for (const [key, o] of Object.entries(spec.options)) {
    const option = new Option(o.type === 'boolean' ? `--${key}` : `--${key} <${o.metavar ?? 'VALUE'}>`, `${o.required ? '(required) ' : ''}${o.help}`);
    const parse = parserFor(name, key, o.type);
    if (parse) option.argParser(parse);
    keyOf[option.attributeName()] = key;
    cmd.addOption(option);
  }
  cmd.action(async (opts: Record<string, unknown>) => {
    const parsed: Parsed = Object.fromEntries(Object.entries(opts).map(([attr, v]) => [keyOf[attr] ?? attr, v as Parsed[string]]));
    for (const [k, o] of Object.entries(spec.options)) {
      if (o.required && parsed[k] === undefined) throw new UsageError(`mmm ${name}: missing required option --${k} (see mmm ${name} --help)`);
    }
    const code = await spec.run(parsed);
    onResult(typeof code === 'number' ? code : 0);
  });
  return cmd;
}

/** The `mmm` program: one commander command per entry of {@link COMMANDS}, help with the exit codes. */
function program(onResult: (code: number) => void): CommanderCommand {
  const prog = new CommanderCommand('mmm').description('weekly marketing-mix modelling, CLV, budget allocation and forecasting').exitOverride().helpOption('-h, --help', 'show this help');
  prog.version(VERSION, '-V, --version', 'print the version');
  prog.configureOutput({ writeOut: (s) => process.stdout.write(s), writeErr: () => {} });
  prog.addHelpText('after', `\n${EXIT_CODES}`);
  for (const [name, spec] of Object.entries(COMMANDS)) prog.addCommand(commandOf(name, spec, onResult));
  return prog;
}

/** The package's version (package.json beside src/). */
const VERSION = (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;

/** commander's parse errors as the one-line usage errors of this CLI (exit 2). */
function usageErrorOf(e: CommanderError, argv: string[]): UsageError {
  const name = argv[0];
  const see = `(see mmm ${name} --help)`;
  const flag = /'(--?[^' ]+)/.exec(e.message)?.[1];
  switch (e.code) {
    case 'commander.unknownCommand':
      return new UsageError(`unknown command "${name}" (see mmm --help)`);
    case 'commander.unknownOption':
      return new UsageError(`mmm ${name}: unknown option ${flag ?? ''} ${see}`);
    case 'commander.optionMissingArgument':
      return new UsageError(`mmm ${name}: ${flag ?? 'an option'} needs a value`);
    case 'commander.excessArguments':
      return new UsageError(`mmm ${name}: unexpected argument "${argv.slice(1).find((a) => !a.startsWith('-')) ?? ''}" ${see}`);
    default:
      return new UsageError(`mmm ${name}: ${e.message.replace(/^error: /, '')}`);
  }
}

/** Runs the CLI; returns the process exit code. */
export async function main(argv: string[]): Promise<number> {
  // A reader that stops early (`mmm weekly | head`, also `2>&1 | head`) is not an error.
  for (const stream of [process.stdout, process.stderr])
    stream.on('error', (e: NodeJS.ErrnoException) => {
      if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
      throw e;
    });
  let result = 0;
  const prog = program((code) => {
    result = code;
  });
  if (argv.length === 0) {
    out(`${prog.helpInformation()}\n${EXIT_CODES}`);
    return 2;
  }
  try {
    await prog.parseAsync(argv[0] === 'help' ? ['--help'] : argv, { from: 'user' });
    return result;
  } catch (thrown) {
    if (thrown instanceof CommanderError && (thrown.code === 'commander.helpDisplayed' || thrown.code === 'commander.help' || thrown.code === 'commander.version')) return 0;
    const json = COMMANDS[argv[0]]?.logs === true && !process.stderr.isTTY;
    return reportFailure(thrown instanceof CommanderError ? usageErrorOf(thrown, argv) : thrown, json);
  }
}

/**
 * Prints a failure as one line and returns its exit code: the error's own, 2 for unreadable paths, 1
 * otherwise. The line is `error: ...`, or, for a command that logs JSON lines, one more such line
 * (level error, the exit code in its fields).
 */
async function reportFailure(e: unknown, json: boolean): Promise<number> {
  const { message, code } = failureOf(e);
  if (json) {
    const { jsonLog } = await import('../pipelines/log.ts');
    jsonLog().error(message, { exitCode: code });
  } else err(`error: ${message}`);
  if (code === 1 && process.env.MMM_DEBUG && e instanceof Error) err(e.stack ?? '');
  return code;
}

/** A failure's one-line message and exit code. */
function failureOf(e: unknown): { message: string; code: number } {
  if (e instanceof MmmError) return { message: e.message.split('\n')[0], code: e.exitCode };
  const io = e as NodeJS.ErrnoException;
  const why = {
    ENOENT: 'no such file or folder',
    EACCES: 'permission denied',
    EPERM: 'permission denied',
    EROFS: 'a read-only file system',
    EISDIR: 'is a folder, not a file',
    ENOTDIR: 'a part of the path is not a folder',
    EEXIST: 'a file of that name is in the way',
  }[io?.code ?? ''];
  if (why && io.path) {
    const verb = WRITES.has(io.syscall ?? '') ? 'write' : io.syscall === 'open' && io.code !== 'ENOENT' ? 'open' : 'read';
    // A temporary file's name means nothing to the user: name the folder it was written in.
    const where = io.path.includes('.tmp-') ? `in ${dirname(io.path)}` : io.path;
    return { message: `cannot ${verb} ${where}: ${why}`, code: 2 };
  }
  const msg = e instanceof Error ? e.message : String(e);
  return { message: `unexpected failure: ${msg.split('\n')[0]}`, code: 1 };
}

/** File-system calls that write: their failures say "cannot write". */
const WRITES = new Set(['mkdir', 'rename', 'unlink', 'rmdir', 'rm', 'copyfile', 'write', 'symlink', 'link', 'utime', 'chmod']);
