/**
 * `mmm fit`: reads a weekly wide CSV, fits the marketing-mix model and writes
 * model.json, decomposition.csv, pareto.json, bootstrap.json (+ manifest.json)
 * into --out DIR through the one artifact writer.
 */
import { targetWeekWarnings } from '../src/ingest/target-weeks.ts';
import { readUserCsv } from '../src/ingest/read-error.ts';
import { join } from 'node:path';
import { dateColumn, dayToIso, numericColumn, requireColumn, toCsv } from '../src/core/csv.ts';
import { UsageError, ValidationError } from '../src/core/errors.ts';
import { recordInputs, writeArtifact, writeFileAtomic } from '../src/core/artifacts.ts';
import type { BuildResult, Manifest } from '../src/core/artifacts.ts';
import { stableJson } from '../src/core/hash.ts';
import { codeFingerprint } from './fingerprint.ts';
import { STAGE_VERSIONS } from './versions.ts';
import { weeklyHolidayFlags } from './holidays.ts';
import type { z } from 'zod';
import { readJsonValue, type bootstrapFileSchema, type modelFileSchema } from './schemas.ts';
import { checkDates, fitMmm, resolveWindow } from '../src/mmm/index.ts';
import type { CalibrationStudy, FitOptions, MmmFit, WeeklyData } from '../src/mmm/index.ts';

/** Code version of the MMM stage (bump when outputs change for the same inputs). */
export const MMM_CODE_VERSION = STAGE_VERSIONS.mmm;

/** Options of {@link runFitCommand} (the `mmm fit` flags). */
export interface FitCommandOptions {
  weekly: string;
  dateCol: string;
  target: string;
  channels: string[];
  controls: string[];
  out: string;
  seed?: number;
  trials?: number;
  iterations?: number;
  /** Extra 0/1 holiday/event columns (added to the controls as dummies). */
  holidays?: string[];
  bootstrap?: number;
  threads?: number;
  /** Lift-study CSV (channel,from,to,lift) to calibrate on. */
  calibration?: string;
  /** Categorical columns (e.g. events: "na", "event1"), one-hot coded against the most frequent level. */
  factors?: string[];
  /** Organic activity columns (>= 0, no spend): adstocked and saturated like media, no ROAS. */
  organic?: string[];
  /** Modelling window (YYYY-MM-DD, inclusive; defaults: the first and the last week); weeks before it warm up the adstock. */
  windowStart?: string;
  windowEnd?: string;
  /** Intercept sign (default non_negative, Robyn's). */
  interceptSign?: 'non_negative' | 'free';
  /** Adstock kind of every channel (default geometric). */
  adstock?: string;
  /** Adstock kind per channel or organic variable, as name=kind (e.g. tv_S=weibull_pdf). */
  channelAdstock?: string[];
  /** Coefficient sign per control or factor, as name=sign (positive, negative, free; default free). */
  controlSigns?: string[];
  /** JSON file of hyperparameter ranges per channel or organic variable, e.g. {"tv_S": {"theta": [0.3, 0.8]}}. */
  channelRanges?: string;
  /** JSON file of priors per channel, e.g. {"search_S": {"roas": {"mean": 2, "sd": 0.5}}} (see FitOptions.priors). */
  priors?: string;
  /** Saturation families (several: the data choose), e.g. hill,michaelis_menten. */
  saturation?: string[];
  /** Flag each week holding a public holiday of this country (date-holidays) as the control `holiday`, as the weekly pipeline's --country does. */
  country?: string;
  /** The dates end their weeks (a week-ending export): `country` flags the 7 days ending on each. */
  weekEnding?: boolean;
}

/**
 * Reads lift studies from a CSV with the columns channel, from, to, lift (one
 * study per row; see CalibrationStudy). `aliases` maps other names of a
 * channel (e.g. "search") to its spend column. Dates and channels are checked
 * against the data by the fit, naming this file's row and column.
 * @throws ValidationError naming the file, row and column
 */
export async function readCalibrationCsv(path: string, aliases: Record<string, string> = {}): Promise<CalibrationStudy[]> {
  const table = await readUserCsv(path);
  const cols = ['channel', 'from', 'to'].map((c) => requireColumn(table, c));
  const lift = numericColumn(table, 'lift');
  if (table.rows.length === 0) throw new ValidationError('no lift studies (expected a header channel,from,to,lift and one row per study)', { file: path });
  const known = new Set([...Object.keys(aliases), ...Object.values(aliases)]);
  return table.rows.map((r, i) => {
    const [channel, from, to] = cols.map((j) => r[j].trim());
    if (known.size > 0 && !known.has(channel)) {
      const list = Object.entries(aliases)
        .map(([name, column]) => `${name} (${column})`)
        .join(', ');
      throw new ValidationError(`"${channel}" is not a channel with spend (channels: ${list})`, { file: path, row: i + 1, column: 'channel' });
    }
    return { channel: aliases[channel] ?? channel, from, to, lift: lift[i], source: { file: path, row: i + 1 } };
  });
}

/**
 * Reads a weekly CSV into WeeklyData: numeric target, spend (>= 0), controls
 * and organic activity (>= 0); factors as strings. The file is refused as the
 * ingest refuses it (readUserCsv); errors name the file, row and column (a
 * missing column lists the columns found).
 */
export async function readWeeklyCsv(
  path: string,
  dateCol: string,
  target: string,
  channels: string[],
  controls: string[],
  extra: { factors?: string[]; organic?: string[] } = {},
): Promise<WeeklyData> {
  const table = await readUserCsv(path);
  if (table.rows.length === 0) throw new ValidationError('file is empty (a header but no data rows)', { file: path });
  requireColumn(table, target);
  const data: WeeklyData = {
    file: path,
    dateName: dateCol,
    dates: dateColumn(table, dateCol),
    targetName: target,
    target: numericColumn(table, target),
    channels: channels.map((name) => ({ name, values: numericColumn(table, name, { nonNegative: true }) })),
    controls: controls.map((name) => ({ name, values: numericColumn(table, name) })),
  };
  // In file order, before a window is looked up in them.
  checkDates(data);
  if (extra.organic?.length) data.organic = extra.organic.map((name) => ({ name, values: numericColumn(table, name, { nonNegative: true }) }));
  if (extra.factors?.length) {
    data.factors = extra.factors.map((name) => {
      const j = requireColumn(table, name);
      return { name, values: table.rows.map((r) => r[j].trim()) };
    });
  }
  return data;
}

/** Parses `name=value` pairs of a list flag against the allowed values. @throws UsageError naming the flag */
function pairs<T extends string>(flag: string, list: string[] | undefined, allowed: readonly T[]): Record<string, T> {
  const out: Record<string, T> = {};
  for (const item of list ?? []) {
    const [name, value, ...rest] = item.split('=');
    if (!name || rest.length || !allowed.includes(value as T)) throw new UsageError(`mmm fit: ${flag} "${item}": expected name=${allowed.join('|')}`);
    out[name] = value as T;
  }
  return out;
}

/** Reads a JSON object of per-channel settings (--channel-ranges, --priors). @throws ValidationError naming the file */
async function readChannelJson(path: string, expected: string): Promise<Record<string, unknown>> {
  const parsed = await readJsonValue(path);
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new ValidationError(`expected an object of channel name -> ${expected}`, { file: path });
  return parsed as Record<string, unknown>;
}

/** The fit options of the command's model flags (checked by the fit's option schema). */
async function modelOptions(opts: FitCommandOptions, data: WeeklyData): Promise<FitOptions> {
  const o: FitOptions = {};
  if (opts.windowStart || opts.windowEnd) {
    const n = data.dates.length;
    const window = { start: opts.windowStart ?? dayToIso(data.dates[0]), end: opts.windowEnd ?? dayToIso(data.dates[n - 1]) };
    resolveWindow(data.dates, window, { start: 'mmm fit: --window-start', end: 'mmm fit: --window-end' });
    o.window = window;
  }
  if (opts.interceptSign) o.interceptSign = opts.interceptSign;
  if (opts.adstock) o.adstock = (opts.adstock.includes(',') ? opts.adstock.split(',') : opts.adstock) as FitOptions['adstock'];
  if (opts.saturation?.length) o.saturation = (opts.saturation.length > 1 ? opts.saturation : opts.saturation[0]) as FitOptions['saturation'];
  const kinds = ['geometric', 'binomial', 'weibull_cdf', 'weibull_pdf'] as const;
  if (opts.channelAdstock?.length) o.channelAdstock = pairs('--channel-adstock', opts.channelAdstock, kinds);
  if (opts.controlSigns?.length) o.controlSigns = pairs('--control-signs', opts.controlSigns, ['positive', 'negative', 'free'] as const);
  if (opts.channelRanges) o.channelRanges = (await readChannelJson(opts.channelRanges, '{ theta?, alpha?, gamma?, ... } ranges')) as FitOptions['channelRanges'];
  if (opts.priors) o.priors = (await readChannelJson(opts.priors, '{ roas?: { mean, sd }, contribution?: { mean, sd } }')) as FitOptions['priors'];
  return o;
}

/** A progress bar on stderr when it is a terminal; silent otherwise. */
function progressReporter(): FitOptions['onProgress'] {
  if (!process.stderr.isTTY) return undefined;
  let lastPct = -1;
  return (phase, done, total) => {
    const pct = Math.floor((100 * done) / total);
    if (pct === lastPct && done !== total) return;
    lastPct = pct;
    const width = 30;
    const fill = Math.round((width * done) / total);
    process.stderr.write(`\r${phase.padEnd(9)} [${'#'.repeat(fill)}${'.'.repeat(width - fill)}] ${String(pct).padStart(3)}% ${done}/${total}`);
    if (done === total) {
      process.stderr.write('\n');
      lastPct = -1;
    }
  };
}

/**
 * Writes a fit's files into an artifact folder: model.json, decomposition.csv,
 * pareto.json and bootstrap.json. Shared by `mmm fit` and the weekly pipeline.
 */
/**
 * The weekly table as a CSV (`date`, the target, channels, controls, factors,
 * organic), the form `readWeeklyCsv` reads back exactly (numbers at full precision).
 */
export function weeklyTableCsv(data: WeeklyData): string {
  const numeric = [{ name: data.targetName, values: data.target }, ...data.channels, ...data.controls];
  const factors = data.factors ?? [];
  const organic = data.organic ?? [];
  const header = ['date', ...numeric.map((s) => s.name), ...factors.map((f) => f.name), ...organic.map((o) => o.name)];
  const rows = Array.from(data.dates, (d, t) => [dayToIso(d), ...numeric.map((s) => s.values[t]), ...factors.map((f) => f.values[t]), ...organic.map((o) => o.values[t])]);
  return toCsv(header, rows);
}

/**
 * Writes a fit's files into an artifact folder: model.json, decomposition.csv,
 * pareto.json, bootstrap.json, and input.csv (the weekly table it was fitted
 * on: recent spend for `mmm optimise --model`, restated history for drift).
 */
export async function writeFitFiles(f: MmmFit, dir: string, data: WeeklyData): Promise<BuildResult> {
  await writeFileAtomic(join(dir, 'model.json'), stableJson(f.model satisfies z.input<typeof modelFileSchema>));
  await writeFileAtomic(join(dir, 'input.csv'), weeklyTableCsv(data));
  const d = f.decomposition;
  await writeFileAtomic(
    join(dir, 'decomposition.csv'),
    toCsv(
      ['date', ...d.header],
      d.rows.map((r, i) => [d.dates[i], ...r]),
    ),
  );
  await writeFileAtomic(
    join(dir, 'pareto.json'),
    stableJson({
      selection: f.model.selection,
      search: { candidates: f.diagnostics.candidates, trials: f.diagnostics.trials, iterations: f.diagnostics.iterations, populationSize: f.diagnostics.populationSize },
      candidates: f.pareto,
    }),
  );
  const bootstrap = {
    method: 'moving-block bootstrap of weeks; hyperparameters per draw from the near-optimal candidates; coefficients refitted',
    residualSd: f.model.metrics.residualSd,
    residualAutocorrelation: f.model.residualAutocorrelation,
    draws: f.draws,
  };
  await writeFileAtomic(join(dir, 'bootstrap.json'), stableJson(bootstrap satisfies z.input<typeof bootstrapFileSchema>));
  const m = f.model.metrics;
  return {
    metrics: { r2: m.r2, nrmse: m.nrmse, mape: m.mape, holdoutMape: m.holdoutMape, decompRssd: m.decompRssd, candidates: f.diagnostics.candidates },
    warnings: f.warnings,
    rows: { 'decomposition.csv': d.rows.length },
  };
}

/**
 * Fits the model on a weekly CSV and writes the artifact folder `opts.out`.
 * @throws UsageError for missing flags, ValidationError for bad data
 */
export async function runFitCommand(opts: FitCommandOptions): Promise<{ manifest: Manifest; skipped: boolean; outDir: string }> {
  if (!opts.weekly) throw new UsageError('mmm fit: --weekly FILE.csv is required');
  if (!opts.out) throw new UsageError('mmm fit: --out DIR is required');
  if (!opts.channels?.length) throw new UsageError('mmm fit: --channels needs at least one spend column');
  if (opts.interceptSign && opts.interceptSign !== 'non_negative' && opts.interceptSign !== 'free')
    throw new UsageError(`mmm fit: --intercept-sign must be non_negative or free, got "${opts.interceptSign}"`);
  if (opts.weekEnding && !opts.country) throw new UsageError('mmm fit: --week-ending goes with --country (it says which 7 days of each date a holiday flags)');
  const controls = [...(opts.controls ?? []), ...(opts.holidays ?? []).filter((h) => !(opts.controls ?? []).includes(h))];
  const data = await readWeeklyCsv(opts.weekly, opts.dateCol ?? 'date', opts.target, opts.channels, controls, { factors: opts.factors, organic: opts.organic });
  if (opts.country) {
    if (controls.includes('holiday')) throw new UsageError('mmm fit: --country adds the control "holiday", which --controls names already');
    data.controls.push({ name: 'holiday', values: await weeklyHolidayFlags(data.dates, opts.country, '--country', opts.weekEnding === true) });
  }
  const calibration = opts.calibration ? await readCalibrationCsv(opts.calibration) : [];
  const model = await modelOptions(opts, data);
  // The ingest's checks of the target's weeks over the model's window (rows of the file as read), before any fit.
  const { from, to } = resolveWindow(data.dates, model.window);
  const targetWarnings = targetWeekWarnings(
    opts.weekly,
    data.targetName,
    Array.from(data.dates, (day, i) => ({ row: i + 1, week: dayToIso(day), value: data.target[i], day }))
      .filter((w) => w.day >= data.dates[from] && w.day <= data.dates[to])
      .sort((a, b) => a.day - b.day),
  );
  const params = {
    dateCol: opts.dateCol,
    target: opts.target,
    channels: opts.channels,
    controls,
    seed: opts.seed ?? 1,
    trials: opts.trials ?? 5,
    iterations: opts.iterations ?? 2000,
    bootstrap: opts.bootstrap ?? 200,
    factors: opts.factors ?? [],
    organic: opts.organic ?? [],
    ...model,
    ...(opts.country ? { country: opts.country } : {}),
    ...(opts.country && opts.weekEnding ? { weekEnding: true } : {}),
  };
  const inputs = await recordInputs([
    { path: opts.weekly },
    ...(opts.calibration ? [{ path: opts.calibration }] : []),
    ...(opts.channelRanges ? [{ path: opts.channelRanges }] : []),
    ...(opts.priors ? [{ path: opts.priors }] : []),
  ]);
  let fit: MmmFit | null = null;
  const result = await writeArtifact({
    dir: opts.out,
    stage: 'mmm',
    codeVersion: `${MMM_CODE_VERSION}+${codeFingerprint(import.meta.url)}`,
    params,
    inputs,
    build: async (tmp) => {
      const t0 = performance.now();
      fit = await fitMmm(data, {
        seed: params.seed,
        trials: params.trials,
        iterations: params.iterations,
        bootstrap: params.bootstrap,
        threads: opts.threads,
        onProgress: progressReporter(),
        ...(calibration.length ? { calibration } : {}),
        ...model,
      });
      const written = await writeFitFiles(fit, tmp, data);
      return { ...written, warnings: [...targetWarnings, ...(written.warnings ?? [])], timingsMs: { fit: Math.round(performance.now() - t0) } };
    },
  });
  return { ...result, outDir: opts.out };
}
