/**
 * fitMmm: the marketing-mix model end to end, on a weekly table in memory.
 * check input -> baseline design -> hyperparameter search (workers) -> choose
 * one candidate (error-led rule) -> refit on all weeks -> decomposition,
 * metrics, ROAS/mROAS -> moving-block bootstrap draws and 90% intervals.
 */
import { quantileSorted } from '../core/quantile.ts';
import { UsageError, ValidationError } from '../core/errors.ts';
import { Rng } from '../core/rng.ts';
import { dayToIso, parseDateToDay } from '../core/csv.ts';
import { defaultThreads } from '../core/workers.ts';
import { adstockCode, alphaPriorTerm, createEvaluator, evaluateCandidate, fitRidgeRows, geometricAdstockInto, transformChannelInto } from './kernel.ts';
import { baselineColumns, checkWeeklyData } from './design.ts';
import { chooseCandidate, consensusCandidate, paretoFront, runSearch } from './search.ts';
import type { SearchSpec } from './search.ts';
import { mediaEffect } from './predict.ts';
import type {
  AdstockParams, BaselineTerm, BootstrapDraw, CalibrationStudy, Candidate, ChannelRanges, ChannelResponse, ChannelSummary,
  CoefficientSign, FitMetrics, FitOptions, MmmFit, MmmModel, Range, SaturationParams, WeeklyData,
} from './types.ts';

/** Options with every default filled in (see FitOptions for the meaning and defaults). */
export type ResolvedFitOptions = Required<Omit<FitOptions, 'onProgress' | 'populationSize' | 'channelRanges' | 'ranges'>> & {
  populationSize: number | null;
  ranges: Required<ChannelRanges>;
  channelRanges: Record<string, ChannelRanges>;
  onProgress?: FitOptions['onProgress'];
};

/** Robyn's default ranges (theta by the widest medium guideline, alpha, gamma; Weibull per Robyn's docs). */
export function defaultRanges(adstock: FitOptions['adstock'] = 'geometric'): Required<ChannelRanges> {
  return { theta: [0, 0.8], shape: adstock === 'weibull_pdf' ? [0.0001, 10] : [0.0001, 2], scale: [0, 0.1], alpha: [0.5, 3], gamma: [0.3, 1] };
}

function checkInt(name: string, v: number, min: number): number {
  if (!Number.isInteger(v) || v < min) throw new UsageError(`${name} must be an integer >= ${min}, got ${v}`);
  return v;
}

function checkRange(name: string, r: Range, lo: number, hi: number): Range {
  if (!Array.isArray(r) || r.length !== 2 || !(r[0] >= lo && r[1] <= hi && r[0] <= r[1])) {
    throw new UsageError(`range ${name} must be [lo, hi] within [${lo}, ${hi}], got ${JSON.stringify(r)}`);
  }
  return r;
}

/** Fills defaults and checks option values. @throws UsageError for an invalid option */
export function resolveFitOptions(o: FitOptions = {}): ResolvedFitOptions {
  const adstock = o.adstock ?? 'geometric';
  adstockCode(adstock);
  const def = defaultRanges(adstock);
  const ranges = { ...def, ...(o.ranges ?? {}) };
  const vf = o.validationFraction ?? 0.15;
  if (!(vf > 0 && vf < 0.5)) throw new UsageError(`validationFraction must be in (0, 0.5), got ${vf}`);
  const r: ResolvedFitOptions = {
    seed: o.seed ?? 1,
    trials: checkInt('trials', o.trials ?? 5, 1),
    iterations: checkInt('iterations', o.iterations ?? 2000, 4),
    adstock,
    normalisedAdstock: o.normalisedAdstock ?? false,
    saturation: o.saturation ?? 'hill',
    validationFraction: vf,
    folds: checkInt('folds', o.folds ?? 3, 1),
    fourierOrder: checkInt('fourierOrder', o.fourierOrder ?? 2, 0),
    seasonalityPeriod: o.seasonalityPeriod ?? 52.18,
    trend: o.trend ?? true,
    controlSigns: o.controlSigns ?? {},
    ranges,
    channelRanges: o.channelRanges ?? {},
    log10LambdaRange: checkRange('log10LambdaRange', o.log10LambdaRange ?? [-5, -1], -12, 3),
    alphaPrior: o.alphaPrior ?? 0.1,
    selection: o.selection ?? 'rssd',
    selectionTolerance: o.selectionTolerance ?? ((o.selection ?? 'rssd') === 'consensus' ? 0.05 : 0.01),
    bootstrapTolerance: o.bootstrapTolerance ?? 1.5,
    calibration: o.calibration ?? [],
    calibrationWeight: o.calibrationWeight ?? 1,
    populationSize: o.populationSize ?? null,
    bootstrap: checkInt('bootstrap', o.bootstrap ?? 200, 0),
    blockLength: checkInt('blockLength', o.blockLength ?? 6, 1),
    intervalLevel: o.intervalLevel ?? 0.9,
    threads: checkInt('threads', o.threads ?? defaultThreads(), 1),
    onProgress: o.onProgress,
  };
  if (!Number.isFinite(r.seed)) throw new UsageError(`seed must be a finite number, got ${r.seed}`);
  if (r.selection !== 'rssd' && r.selection !== 'consensus') throw new UsageError(`unknown selection rule "${r.selection}" (use rssd or consensus)`);
  if (r.saturation !== 'hill' && r.saturation !== 'log') throw new UsageError(`unknown saturation "${r.saturation}"`);
  if (!(r.seasonalityPeriod > 1)) throw new UsageError(`seasonalityPeriod must be > 1, got ${r.seasonalityPeriod}`);
  if (!(r.intervalLevel > 0 && r.intervalLevel < 1)) throw new UsageError(`intervalLevel must be in (0, 1), got ${r.intervalLevel}`);
  if (!(r.alphaPrior >= 0 && Number.isFinite(r.alphaPrior))) throw new UsageError(`alphaPrior must be a finite number >= 0, got ${r.alphaPrior}`);
  if (!(r.calibrationWeight >= 0 && Number.isFinite(r.calibrationWeight))) throw new UsageError(`calibrationWeight must be a finite number >= 0, got ${r.calibrationWeight}`);
  if (!(r.selectionTolerance >= 0)) throw new UsageError(`selectionTolerance must be >= 0, got ${r.selectionTolerance}`);
  checkRange('theta', ranges.theta, 0, 0.999);
  checkRange('alpha', ranges.alpha, 1e-6, 20);
  checkRange('gamma', ranges.gamma, 1e-6, 1);
  checkRange('shape', ranges.shape, 0, 50);
  checkRange('scale', ranges.scale, 0, 1);
  return r;
}

/** Names of one channel's hyperparameters in kernel order (adstock, then saturation). */
export function channelParamNames(adstock: string, saturation: string): string[] {
  return [...(adstock === 'geometric' ? ['theta'] : ['shape', 'scale']), ...(saturation === 'hill' ? ['alpha', 'gamma'] : ['gamma'])];
}

/** Sample quantile, R type 7: the project's one quantile function (src/core/quantile.ts). */
export { quantileSorted };

/**
 * Indices of a moving-block bootstrap sample (Kunsch 1989): ceil(n / L) blocks
 * of L consecutive weeks with uniform random starts, concatenated and cut to n.
 */
export function movingBlockRows(n: number, blockLength: number, rng: Rng): Int32Array {
  const L = Math.min(blockLength, n);
  const rows = new Int32Array(n);
  let k = 0;
  while (k < n) {
    const start = rng.int(n - L + 1);
    for (let i = 0; i < L && k < n; i++) rows[k++] = start + i;
  }
  return rows;
}

/** Calibration studies resolved to channel indices and inclusive week ranges (kernel layout). */
interface ResolvedCalibration {
  channel: Int32Array;
  from: Int32Array;
  to: Int32Array;
  lift: Float64Array;
}

/**
 * Checks lift studies against the data and maps each to its channel and weeks
 * (those whose start date falls in [from, to]).
 * @throws ValidationError naming the study's file, row and column (when it came from a file)
 */
export function resolveCalibration(studies: CalibrationStudy[], data: WeeklyData): ResolvedCalibration {
  const k = studies.length;
  const r: ResolvedCalibration = { channel: new Int32Array(k), from: new Int32Array(k), to: new Int32Array(k), lift: new Float64Array(k) };
  const n = data.dates.length;
  studies.forEach((st, i) => {
    const where = (column: string) => (st.source ? { file: st.source.file, row: st.source.row, column } : { column });
    const label = st.source ? '' : `calibration study ${i + 1}: `;
    const j = data.channels.findIndex((c) => c.name === st.channel);
    if (j < 0) throw new ValidationError(`${label}"${st.channel}" is not a channel of the model (channels: ${data.channels.map((c) => c.name).join(', ')})`, where('channel'));
    const from = parseDateToDay(String(st.from));
    if (Number.isNaN(from)) throw new ValidationError(`${label}unparseable date "${st.from}" (expected YYYY-MM-DD)`, where('from'));
    const to = parseDateToDay(String(st.to));
    if (Number.isNaN(to)) throw new ValidationError(`${label}unparseable date "${st.to}" (expected YYYY-MM-DD)`, where('to'));
    if (to < from) throw new ValidationError(`${label}the study ends (${st.to}) before it starts (${st.from})`, where('to'));
    if (!(Number.isFinite(st.lift) && st.lift > 0)) throw new ValidationError(`${label}lift must be a number > 0 (the revenue the channel added), got ${st.lift}`, where('lift'));
    // The lift was measured over the whole window: a window the weekly data do not cover would be
    // compared with part of it.
    const lastDay = data.dates[n - 1] + 6;
    if (from < data.dates[0]) throw new ValidationError(`${label}the study starts (${st.from}) before the data (first week ${dayToIso(data.dates[0])})`, where('from'));
    if (to > lastDay) throw new ValidationError(`${label}the study ends (${st.to}) after the data (last week ends ${dayToIso(lastDay)})`, where('to'));
    let a = -1;
    let b = -1;
    for (let t = 0; t < n; t++) {
      if (data.dates[t] < from || data.dates[t] > to) continue;
      if (a < 0) a = t;
      b = t;
    }
    if (a < 0) throw new ValidationError(`${label}no week of the data starts between ${st.from} and ${st.to} (weeks start on ${dayToIso(data.dates[0])} and every 7 days after)`, where('from'));
    let spent = 0;
    for (let t = a; t <= b; t++) spent += data.channels[j].values[t];
    if (!(spent > 0)) throw new ValidationError(`${label}${st.channel} has no spend in the study's weeks (${dayToIso(data.dates[a])} to ${dayToIso(data.dates[b])}), so the study cannot measure it`, where('from'));
    for (let e = 0; e < i; e++) {
      if (r.channel[e] !== j || r.to[e] < a || r.from[e] > b) continue;
      const other = studies[e].source ? `row ${studies[e].source!.row}` : `study ${e + 1}`;
      throw new ValidationError(`${label}overlaps ${other}, a study of the same channel over some of the same weeks (each week of a channel can be measured once)`, where('from'));
    }
    r.channel[i] = j;
    r.from[i] = a;
    r.to[i] = b;
    r.lift[i] = st.lift;
  });
  return r;
}

/** The search problem of a fit: checked input, baseline design, validation folds and search space. */
interface SearchProblem {
  o: ResolvedFitOptions;
  n: number;
  nc: number;
  names: string[];
  perChannel: number;
  nValid: number;
  nTrain: number;
  folds: number;
  cuts: Int32Array;
  warnings: string[];
  base: ReturnType<typeof baselineColumns>;
  nb: number;
  y: Float64Array;
  spend: Float64Array;
  baseline: Float64Array;
  dims: number;
  lower: Float64Array;
  upper: Float64Array;
  logScale: Uint8Array;
  spec: SearchSpec;
  cal: ResolvedCalibration;
}

/**
 * Checks the data and options and builds what the search scores candidates on
 * (used by fitMmm and scoreHyperparameters, so both score alike).
 * @throws ValidationError for bad data, UsageError for bad options
 */
function searchProblem(data: WeeklyData, options: FitOptions): SearchProblem {
  const o = resolveFitOptions(options);
  const n = data.target.length;
  const nc = data.channels.length;
  const names = channelParamNames(o.adstock, o.saturation);
  const perChannel = names.length;
  const nValid = Math.max(2, Math.round(n * o.validationFraction));
  const nTrain = n - nValid;
  const nBaseMax = (o.trend ? 1 : 0) + 2 * o.fourierOrder + data.controls.length;
  const parameterCount = 1 + nBaseMax + nc * (1 + perChannel) + 1;
  const checked = checkWeeklyData(data, parameterCount, nTrain);
  // Rolling-origin folds: the last validates the last nValid weeks; earlier ones the blocks before,
  // as long as every fold still fits on at least as many weeks as there are coefficients + 2.
  const coefCount = 1 + nBaseMax + nc;
  let folds = o.folds;
  while (folds > 1 && n - folds * nValid < coefCount + 2) folds--;
  if (nTrain < coefCount + 2) {
    throw new ValidationError(`${n} weeks leave ${nTrain} training weeks before the ${nValid} validation weeks, fewer than the ${coefCount} regression coefficients + 2`, { file: data.file });
  }
  const cuts = Int32Array.from({ length: folds }, (_, k) => n - (folds - k) * nValid);
  const warnings = [...checked.warnings];
  const firstDay = data.dates[0];
  const base = baselineColumns(data.dates, firstDay, { trend: o.trend, fourierOrder: o.fourierOrder, period: o.seasonalityPeriod }, checked.controls, o.controlSigns as Record<string, CoefficientSign>);
  for (const c of base) {
    if (c.kind !== 'dummy' && c.kind !== 'control') continue;
    let v = false;
    for (let t = 1; t < cuts[0]; t++) if (c.values[t] !== c.values[0]) v = true;
    if (!v) warnings.push(`control ${c.name} does not vary in the first ${cuts[0]} weeks (the first validation fold's training weeks)`);
  }
  const nb = base.length;
  const y = Float64Array.from(data.target);
  const spend = new Float64Array(nc * n);
  data.channels.forEach((ch, j) => spend.set(ch.values, j * n));
  const baseline = new Float64Array(nb * n);
  base.forEach((c, j) => baseline.set(c.values, j * n));
  const signCode = (s: CoefficientSign): number => (s === 'positive' ? 1 : s === 'negative' ? -1 : 0);

  // Search space.
  const dims = nc * perChannel + 1;
  const lower = new Float64Array(dims);
  const upper = new Float64Array(dims);
  const logScale = new Uint8Array(dims);
  data.channels.forEach((ch, j) => {
    const rr = { ...o.ranges, ...(o.channelRanges[ch.name] ?? {}) } as Required<ChannelRanges>;
    names.forEach((nm, k) => {
      const range = checkRange(`${ch.name}.${nm}`, rr[nm as keyof ChannelRanges], 0, nm === 'shape' ? 50 : nm === 'alpha' ? 20 : 1);
      lower[j * perChannel + k] = range[0];
      upper[j * perChannel + k] = range[1];
    });
  });
  lower[dims - 1] = o.log10LambdaRange[0];
  upper[dims - 1] = o.log10LambdaRange[1];
  logScale[dims - 1] = 1;
  const cal = resolveCalibration(o.calibration, data);
  const spec: SearchSpec = {
    nWeeks: n, cuts, horizon: nValid, nBase: nb, nChannels: nc, y, baseline, baseSign: Int8Array.from(base.map((b) => signCode(b.sign))), spend,
    adstock: adstockCode(o.adstock), normalised: o.normalisedAdstock, saturation: o.saturation === 'hill' ? 0 : 1,
    perChannel, dims, lower, upper, logScale, alphaPrior: o.saturation === 'hill' ? o.alphaPrior : 0,
    calChannel: cal.channel, calFrom: cal.from, calTo: cal.to, calLift: cal.lift, calWeight: o.calibrationWeight,
  };
  return { o, n, nc, names, perChannel, nValid, nTrain, folds, cuts, warnings, base, nb, y, spend, baseline, dims, lower, upper, logScale, spec, cal };
}

/** Scores of one set of hyperparameters by the search's own objectives (see scoreHyperparameters). */
export interface HyperparameterScore {
  /** The search objective: validation NRMSE x the alpha prior's factor [x the calibration factor] (lower is better). */
  objective: number;
  /** Rolling-origin validation NRMSE. */
  validationNrmse: number;
  /** DECOMP.RSSD of the fit on all weeks. */
  decompRssd: number;
  /** In-sample NRMSE of the fit on all weeks. */
  trainNrmse: number;
  /** MAPE.LIFT against the calibration studies (only when there are studies). */
  mapeLift?: number;
}

/**
 * Scores given hyperparameters exactly as the search scores a candidate (same
 * checks, design, folds and objective as fitMmm with these options). Used to
 * ask whether a model the search did not choose, e.g. the true transforms of
 * synthetic data, would have won: if the truth's objective is worse than the
 * chosen model's, no search for that objective could have picked it.
 * @param hyperparameters per channel name, every parameter of the adstock and saturation families (e.g. theta, alpha, gamma)
 * @param lambda ridge penalty on standardised features
 * @throws UsageError when a channel or parameter is missing; ValidationError for bad data
 */
export function scoreHyperparameters(data: WeeklyData, options: FitOptions, hyperparameters: Record<string, Record<string, number>>, lambda: number): HyperparameterScore {
  const pr = searchProblem(data, options);
  const u = new Float64Array(pr.dims);
  data.channels.forEach((ch, j) => {
    const h = hyperparameters[ch.name];
    if (!h) throw new UsageError(`scoreHyperparameters: no hyperparameters for channel ${ch.name}`);
    pr.names.forEach((nm, k) => {
      const v = h[nm];
      if (!Number.isFinite(v)) throw new UsageError(`scoreHyperparameters: ${ch.name}.${nm} must be a finite number`);
      const d = j * pr.perChannel + k;
      // Values outside the search range decode correctly (the map is affine), so they are scored too.
      u[d] = pr.upper[d] > pr.lower[d] ? (v - pr.lower[d]) / (pr.upper[d] - pr.lower[d]) : 0;
    });
  });
  if (!(lambda > 0)) throw new UsageError(`scoreHyperparameters: lambda must be > 0, got ${lambda}`);
  const d = pr.dims - 1;
  u[d] = pr.upper[d] > pr.lower[d] ? (Math.log10(lambda) - pr.lower[d]) / (pr.upper[d] - pr.lower[d]) : 0;
  const ev = createEvaluator(pr.spec);
  const out = new Float64Array(3);
  evaluateCandidate(ev, u, 0, out, 0);
  const prior = pr.spec.alphaPrior > 0 ? pr.spec.alphaPrior * alphaPriorTerm(ev.hp as Float64Array, pr.nc, pr.perChannel, pr.lower, pr.upper) : 0;
  const calFactor = pr.cal.channel.length > 0 ? 1 + pr.o.calibrationWeight * (ev.mapeLift as number) : 1;
  const score: HyperparameterScore = { objective: out[0], validationNrmse: out[0] / ((1 + prior) * calFactor), decompRssd: out[1], trainNrmse: out[2] };
  if (pr.cal.channel.length > 0) score.mapeLift = ev.mapeLift as number;
  return score;
}

/**
 * Fits the marketing-mix model (see the module comment). Pure apart from the
 * worker threads it may start; the same data, options and seed give the same
 * result for any thread count.
 * @throws ValidationError for bad data (see checkWeeklyData), UsageError for bad options
 */
export async function fitMmm(data: WeeklyData, options: FitOptions = {}): Promise<MmmFit> {
  const { o, n, nc, names, perChannel, nValid, nTrain, folds, cuts, warnings, base, nb, y, spend, baseline, dims, lower, upper, logScale, spec, cal } = searchProblem(data, options);
  const firstDay = data.dates[0];
  const populationSize = o.populationSize ?? Math.min(o.iterations, Math.max(10, 2 * dims));
  const threads = Math.max(1, Math.min(o.threads, o.trials * populationSize));
  const search = await runSearch(spec, {
    seed: o.seed, trials: o.trials, iterations: o.iterations, populationSize, threads,
    onProgress: o.onProgress ? (d, t) => o.onProgress!('search', d, t) : undefined,
  });
  const count = o.trials * o.iterations;
  const decode = (i: number): Float64Array => {
    const hp = new Float64Array(dims);
    for (let d = 0; d < dims; d++) {
      const v = lower[d] + search.units[i * dims + d] * (upper[d] - lower[d]);
      hp[d] = logScale[d] ? Math.pow(10, v) : v;
    }
    return hp;
  };
  // The search objective is validation NRMSE x (1 + alphaPrior x alphaPriorTerm) [x (1 + calibrationWeight x MAPE.LIFT)];
  // undo the factors to report the error itself. MAPE.LIFT is not kept per candidate: re-scored for the few reported.
  const calibrated = cal.channel.length > 0;
  const calEv = calibrated ? createEvaluator(spec) : null;
  const calOut = new Float64Array(3);
  const mapeLiftOf = (i: number): number => {
    evaluateCandidate(calEv, search.units, i * dims, calOut, 0);
    return calEv.mapeLift as number;
  };
  const objectiveFactor = (h: Float64Array, mapeLift: number): number => (1 + spec.alphaPrior * (spec.alphaPrior > 0 ? alphaPriorTerm(h, nc, perChannel, lower, upper) : 0)) * (1 + o.calibrationWeight * mapeLift);
  const toCandidate = (i: number): Candidate => {
    const hp = decode(i);
    const hyperparameters: Record<string, Record<string, number>> = {};
    data.channels.forEach((ch, j) => {
      hyperparameters[ch.name] = Object.fromEntries(names.map((nm, k) => [nm, hp[j * perChannel + k]]));
    });
    const mapeLift = calibrated ? mapeLiftOf(i) : 0;
    const c: Candidate = {
      trial: Math.floor(i / o.iterations), index: i % o.iterations,
      objective: search.scores[i * 3], validationNrmse: search.scores[i * 3] / objectiveFactor(hp, mapeLift), decompRssd: search.scores[i * 3 + 1], trainNrmse: search.scores[i * 3 + 2],
      lambda: hp[dims - 1], hyperparameters,
    };
    if (calibrated) c.mapeLift = mapeLift;
    return c;
  };
  const front = paretoFront(search.scores, count);
  let chosenIndex: number;
  let nearSet: number[] = [];
  if (o.selection === 'rssd') chosenIndex = chooseCandidate(search.scores, count, o.selectionTolerance);
  else {
    const ev = createEvaluator(spec);
    const out = new Float64Array(3);
    const r = consensusCandidate(search.scores, count, o.selectionTolerance, 1000, (i) => {
      evaluateCandidate(ev, search.units, i * dims, out, 0);
      return Float64Array.from(ev.contrib as Float64Array);
    });
    chosenIndex = r.chosen;
    nearSet = r.members;
  }
  const hp = decode(chosenIndex);
  const lambda = hp[dims - 1];

  // Transformed media on all weeks with the chosen hyperparameters; k fixed from the window.
  const p = nb + nc;
  const wbuf = new Float64Array(n);
  const design = (h: Float64Array): { cols: Float64Array; ks: Float64Array } => {
    const c = new Float64Array(p * n);
    c.set(baseline, 0);
    const k = new Float64Array(nc);
    for (let j = 0; j < nc; j++) {
      k[j] = transformChannelInto(spend, j * n, n, spec.adstock, o.normalisedAdstock, spec.saturation, h, j * perChannel, c, (nb + j) * n, wbuf);
    }
    return { cols: c, ks: k };
  };
  const { cols, ks } = design(hp);
  const sign = new Int8Array(p);
  for (let j = 0; j < nb; j++) sign[j] = spec.baseSign[j];
  for (let j = 0; j < nc; j++) sign[nb + j] = 1;
  const allRows = Int32Array.from({ length: n }, (_, i) => i);
  const coef = new Float64Array(p);
  const intercept = fitRidgeRows(p, n, cols, y, allRows, n, lambda, sign, coef);
  const fitted = new Float64Array(n).fill(intercept);
  for (let j = 0; j < p; j++) for (let t = 0; t < n; t++) fitted[t] += coef[j] * cols[j * n + t];

  // Holdout: the same hyperparameters fitted on the training weeks only.
  const coefTrain = new Float64Array(p);
  const interceptTrain = fitRidgeRows(p, n, cols, y, allRows, nTrain, lambda, sign, coefTrain);
  let holdoutApe = 0;
  let holdoutCount = 0;
  for (let t = nTrain; t < n; t++) {
    let f = interceptTrain;
    for (let j = 0; j < p; j++) f += coefTrain[j] * cols[j * n + t];
    if (y[t] !== 0) {
      holdoutApe += Math.abs((y[t] - f) / y[t]);
      holdoutCount++;
    }
  }

  // Channel responses and summaries.
  const spendTotals = data.channels.map((ch) => ch.values.reduce((a, b) => a + b, 0));
  const contribution = new Float64Array(nc);
  for (let j = 0; j < nc; j++) {
    let s = 0;
    for (let t = 0; t < n; t++) s += cols[(nb + j) * n + t];
    contribution[j] = coef[nb + j] * s;
  }
  const totalContribution = contribution.reduce((a, b) => a + b, 0);
  const totalSpend = spendTotals.reduce((a, b) => a + b, 0);
  const responsesFor = (hpv: Float64Array, kv: Float64Array, coefs: Float64Array): ChannelResponse[] => data.channels.map((ch, j) => {
    const h = hpv.subarray(j * perChannel, (j + 1) * perChannel);
    const adstock: AdstockParams = o.adstock === 'geometric'
      ? { kind: 'geometric', theta: h[0], normalised: o.normalisedAdstock }
      : { kind: o.adstock, shape: h[0], scale: h[1], windowLength: n };
    const g = h[perChannel - 1];
    const saturation: SaturationParams = o.saturation === 'hill'
      ? { kind: 'hill', alpha: h[perChannel - 2], gamma: g, k: kv[j], adstockMax: kv[j] / g }
      : { kind: 'log', gamma: g, k: kv[j], adstockMax: kv[j] / g };
    const last = o.adstock === 'geometric' ? geometricAdstockInto(ch.values, 0, n, h[0], false, 0, wbuf, 0) : 0;
    const recent = Array.from(o.adstock === 'geometric' ? ch.values.subarray(Math.max(0, n - 8)) : ch.values);
    return { name: ch.name, adstock, saturation, coef: coefs[nb + j], carry: { lastAdstock: last, recentSpend: recent } };
  });
  const responses = responsesFor(hp, ks, coef);
  const mroas = responses.map((r, j) => {
    const x = data.channels[j].values;
    const up = mediaEffect(r, Array.from(x, (v) => v * 1.01), null);
    const now = mediaEffect(r, x, null);
    let d = 0;
    for (let t = 0; t < n; t++) d += up[t] - now[t];
    return spendTotals[j] > 0 ? d / (0.01 * spendTotals[j]) : 0;
  });

  // Bootstrap: each draw takes hyperparameters from the near-optimal set (candidates whose
  // validation NRMSE is within (1 + bootstrapTolerance) x the best: the models the data cannot
  // tell apart) and refits the coefficients on a moving-block resample of the weeks.
  // Draw 0 keeps the chosen hyperparameters.
  const draws: BootstrapDraw[] = [];
  const rng = new Rng(o.seed, 0x6d6d6d);
  const bestScore = search.scores[chosenIndex * 3] <= search.scores[0] ? search.scores[chosenIndex * 3] : Math.min(...Array.from({ length: count }, (_, i) => search.scores[i * 3]).filter(Number.isFinite));
  const near: number[] = [];
  for (let i = 0; i < count; i++) if (search.scores[i * 3] <= bestScore * (1 + o.bootstrapTolerance)) near.push(i);
  for (let b = 0; b < o.bootstrap; b++) {
    const pick = b === 0 || near.length === 0 ? chosenIndex : near[rng.int(near.length)];
    const hpb = pick === chosenIndex ? hp : decode(pick);
    const db = pick === chosenIndex ? { cols, ks } : design(hpb);
    const rows = movingBlockRows(n, o.blockLength, rng);
    const cb = new Float64Array(p);
    const ib = fitRidgeRows(p, n, db.cols, y, rows, n, hpb[dims - 1], sign, cb);
    let sseB = 0;
    for (let r = 0; r < n; r++) {
      const t = rows[r];
      let f = ib;
      for (let j = 0; j < p; j++) f += cb[j] * db.cols[j * n + t];
      sseB += (y[t] - f) ** 2;
    }
    const contributionB = Array.from({ length: nc }, (_, j) => {
      let sum = 0;
      for (let t = 0; t < n; t++) sum += db.cols[(nb + j) * n + t];
      return cb[nb + j] * sum;
    });
    draws.push({
      draw: b, candidate: pick, intercept: ib, baselineCoefs: Array.from(cb.subarray(0, nb)), lambda: hpb[dims - 1],
      residualSd: Math.sqrt(sseB / Math.max(1, n - p - 1)),
      roas: contributionB.map((c, j) => (spendTotals[j] > 0 ? c / spendTotals[j] : 0)),
      contribution: contributionB,
      channels: responsesFor(hpb, db.ks, cb),
    });
    o.onProgress?.('bootstrap', b + 1, o.bootstrap);
  }
  const qLo = (1 - o.intervalLevel) / 2;
  // Percentile interval of the draws, recentred on the point estimate: [point - (median - q_lo),
  // point + (q_hi - median)], floored at 0 (media coefficients are >= 0). The draws' spread is kept,
  // and the point estimate always lies inside its own interval (a plain percentile interval can
  // miss it when the near-best hyperparameters sit to one side of the chosen ones).
  const interval = (vals: number[], point: number): [number, number] => {
    const s = Float64Array.from(vals).sort();
    const med = quantileSorted(s, 0.5);
    return [Math.max(0, point - (med - quantileSorted(s, qLo))), point + (quantileSorted(s, 1 - qLo) - med)];
  };

  const channels: ChannelSummary[] = responses.map((r, j) => {
    const roas = spendTotals[j] > 0 ? contribution[j] / spendTotals[j] : 0;
    const [roasLow, roasHigh] = draws.length ? interval(draws.map((d) => d.roas[j]), roas) : [roas, roas];
    const [contributionLow, contributionHigh] = draws.length ? interval(draws.map((d) => d.contribution[j]), contribution[j]) : [contribution[j], contribution[j]];
    return {
      ...r, spend: spendTotals[j], spendShare: totalSpend > 0 ? spendTotals[j] / totalSpend : 0,
      contribution: contribution[j], contributionShare: totalContribution > 0 ? contribution[j] / totalContribution : 0,
      roas, roasLow, roasHigh, contributionLow, contributionHigh, mroas: mroas[j],
    };
  });
  // Channels the data leave undetermined. On unseen recovery seeds 13-42 a 90% interval wider than
  // half the ROAS flagged 28 of the 33 large channels whose ROAS the data cannot pin within 20%
  // (bench/mmm-identifiability.ts), none of the 39 they can, and all 9 that missed 20%.
  channels.forEach((c, j) => {
    if (draws.length < 2 || c.contributionShare < 0.1 || !(c.roas > 0) || c.roasHigh - c.roasLow <= 0.5 * c.roas) return;
    if (o.calibration.some((st) => st.channel === c.name)) return;
    const x = data.channels[j].values;
    let min = Infinity;
    for (let t = 0; t < n; t++) min = Math.min(min, x[t]);
    const mean = spendTotals[j] / n;
    const floor = min > 0.05 * mean ? `; its spend never fell below ${Math.round((100 * min) / mean)}% of its average, so its response below that was never observed` : '';
    warnings.push(`${c.name}: the data leave its ROAS uncertain (90% interval ${c.roasLow.toFixed(2)}-${c.roasHigh.toFixed(2)} around ${c.roas.toFixed(2)}${floor}); a lift test of it (calibration.csv, or mmm fit --calibration) would pin it down`);
  });

  // Metrics.
  let sse = 0;
  let sst = 0;
  let ape = 0;
  let apeCount = 0;
  let dwNum = 0;
  let ac = 0;
  const ybar = y.reduce((a, b) => a + b, 0) / n;
  let ymin = Infinity;
  let ymax = -Infinity;
  const residuals = new Array<number>(n);
  for (let t = 0; t < n; t++) {
    const e = y[t] - fitted[t];
    residuals[t] = e;
    sse += e * e;
    sst += (y[t] - ybar) ** 2;
    if (y[t] !== 0) {
      ape += Math.abs(e / y[t]);
      apeCount++;
    }
    if (t > 0) {
      dwNum += (e - residuals[t - 1]) ** 2;
      ac += e * residuals[t - 1];
    }
    ymin = Math.min(ymin, y[t]);
    ymax = Math.max(ymax, y[t]);
  }
  let rssd = 0;
  for (let j = 0; j < nc; j++) rssd += (channels[j].contributionShare - channels[j].spendShare) ** 2;
  let activeCoefs = 0;
  for (let j = 0; j < p; j++) if (coef[j] !== 0) activeCoefs++;
  const chosen = toCandidate(chosenIndex);
  const metrics: FitMetrics = {
    r2: sst > 0 ? 1 - sse / sst : 0,
    nrmse: Math.sqrt(sse / n) / (ymax - ymin > 0 ? ymax - ymin : 1),
    mape: apeCount ? ape / apeCount : 0,
    holdoutMape: holdoutCount ? holdoutApe / holdoutCount : 0,
    validationNrmse: chosen.validationNrmse,
    decompRssd: Math.sqrt(rssd),
    residualSd: Math.sqrt(sse / Math.max(1, n - activeCoefs - 1)),
    durbinWatson: sse > 0 ? dwNum / sse : 0,
  };

  const baselineTerms: BaselineTerm[] = base.map((c, j) => {
    const t: BaselineTerm = { name: c.name, kind: c.kind, coef: coef[j] };
    if (c.order !== undefined) t.order = c.order;
    if (c.fn !== undefined) t.fn = c.fn;
    if (c.kind === 'control' || c.kind === 'dummy') {
      const from = Math.max(0, n - 13);
      let s = 0;
      for (let i = from; i < n; i++) s += c.values[i];
      t.recentMean = s / (n - from);
    }
    return t;
  });
  const model: MmmModel = {
    formatVersion: 1,
    target: data.targetName,
    window: { first: dayToIso(data.dates[0]), last: dayToIso(data.dates[n - 1]), firstDay, lastDay: data.dates[n - 1], weeks: n },
    adstock: o.adstock,
    saturation: o.saturation,
    seasonalityPeriod: o.seasonalityPeriod,
    fourierOrder: o.fourierOrder,
    lambda,
    intercept,
    baseline: baselineTerms,
    channels,
    metrics,
    residuals,
    residualAutocorrelation: sse > 0 ? ac / sse : 0,
    validation: { folds, horizon: nValid, cuts: Array.from(cuts) },
    selection: {
      rule: o.selection === 'rssd'
        ? `lowest DECOMP.RSSD among candidates with objective <= (1 + ${o.selectionTolerance}) x the best; then refit on all ${n} weeks`
        : `medoid of the channel contributions of the ${nearSet.length} candidates with objective <= (1 + ${o.selectionTolerance}) x the best; then refit on all ${n} weeks`,
      objective: `validation NRMSE x (1 + ${spec.alphaPrior} x sum over channels of (ln(alpha / geometric middle of its range) / ln(sqrt(hi / lo)))^2)${calibrated ? ` x (1 + ${o.calibrationWeight} x MAPE.LIFT over ${cal.channel.length} lift ${cal.channel.length === 1 ? 'study' : 'studies'})` : ''}`,
      trial: chosen.trial, candidate: chosen.index, validationNrmse: chosen.validationNrmse, objectiveValue: chosen.objective, decompRssd: chosen.decompRssd,
    },
    validationWeeks: nValid,
  };
  if (calibrated) {
    // Each study against the final model: the channel's effect over the study's weeks.
    const studies = o.calibration.map((st, k) => {
      const j = cal.channel[k];
      let m = 0;
      for (let t = cal.from[k]; t <= cal.to[k]; t++) m += cols[(nb + j) * n + t];
      const modelled = coef[nb + j] * m;
      return { channel: st.channel, from: dayToIso(parseDateToDay(String(st.from))), to: dayToIso(parseDateToDay(String(st.to))), weeks: cal.to[k] - cal.from[k] + 1, lift: st.lift, modelled, error: (modelled - st.lift) / st.lift };
    });
    model.calibration = { weight: o.calibrationWeight, mapeLift: studies.reduce((a, st) => a + Math.abs(st.error), 0) / studies.length, studies };
  }

  // Decomposition per week.
  const header = ['actual', 'fitted', 'intercept'];
  const hasTrend = base.some((c) => c.kind === 'trend');
  if (hasTrend) header.push('trend');
  if (o.fourierOrder > 0) header.push('seasonality');
  const ctrlIdx = base.map((c, j) => (c.kind === 'control' || c.kind === 'dummy' ? j : -1)).filter((j) => j >= 0);
  for (const j of ctrlIdx) header.push(base[j].name);
  for (const ch of data.channels) header.push(ch.name);
  const rows: number[][] = [];
  for (let t = 0; t < n; t++) {
    const row = [y[t], fitted[t], intercept];
    let tr = 0;
    let se = 0;
    base.forEach((c, j) => {
      if (c.kind === 'trend') tr += coef[j] * cols[j * n + t];
      if (c.kind === 'fourier') se += coef[j] * cols[j * n + t];
    });
    if (hasTrend) row.push(tr);
    if (o.fourierOrder > 0) row.push(se);
    for (const j of ctrlIdx) row.push(coef[j] * cols[j * n + t]);
    for (let j = 0; j < nc; j++) row.push(coef[nb + j] * cols[(nb + j) * n + t]);
    rows.push(row);
  }
  return {
    model,
    decomposition: { header, rows, dates: Array.from(data.dates, (d) => dayToIso(d)) },
    pareto: front.map(toCandidate),
    draws,
    warnings,
    diagnostics: { candidates: count, trials: o.trials, iterations: o.iterations, populationSize: search.populationSize, threads },
  };
}
