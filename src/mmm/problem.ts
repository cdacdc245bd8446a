/**
 * The search problem of a fit: the checked data, the baseline design, the
 * rolling-origin validation folds and the box of hyperparameters, in the
 * plain-data layout the kernel scores candidates on. Built once per fit and
 * read by every later step (selection, refit, intervals, metrics,
 * decomposition), so they all see the same design.
 */
import { ValidationError } from '../core/errors.ts';
import { adstockCode } from './kernel.ts';
import { baselineColumns, checkWeeklyData } from './design.ts';
import type { BaselineColumn } from './design.ts';
import { resolveCalibration } from './calibration.ts';
import type { ResolvedCalibration } from './calibration.ts';
import { channelParamNames } from './options.ts';
import type { ResolvedFitOptions } from './options.ts';
import type { SearchSpec } from './search.ts';
import type { ChannelRanges, CoefficientSign, WeeklyData } from './types.ts';

/** Everything the steps of a fit share (see the module comment). */
export interface SearchProblem {
  o: ResolvedFitOptions;
  data: WeeklyData;
  /** Weeks, channels. */
  n: number;
  nc: number;
  /** Hyperparameter names of one channel, in kernel order, and their count. */
  names: string[];
  perChannel: number;
  /** Weeks of each validation block, weeks before the last block, folds actually used and their first weeks. */
  nValid: number;
  nTrain: number;
  folds: number;
  cuts: Int32Array;
  /** Warnings raised by the input checks. */
  warnings: string[];
  /** Baseline regressors (trend, Fourier terms, controls) and their count. */
  base: BaselineColumn[];
  nb: number;
  y: Float64Array;
  /** Spend and baseline columns, column-major (channel or regressor x week). */
  spend: Float64Array;
  baseline: Float64Array;
  /** Search space: dimensions (hyperparameters + lambda), bounds, log10-scaled dimensions. */
  dims: number;
  lower: Float64Array;
  upper: Float64Array;
  logScale: Uint8Array;
  spec: SearchSpec;
  cal: ResolvedCalibration;
}

const signCode = (s: CoefficientSign): number => (s === 'positive' ? 1 : s === 'negative' ? -1 : 0);

/** Rolling-origin folds: the last validates the last nValid weeks, earlier ones the blocks before, while each still has coefCount + 2 training weeks. */
function foldCuts(n: number, nValid: number, folds: number, coefCount: number): Int32Array {
  let k = folds;
  while (k > 1 && n - k * nValid < coefCount + 2) k--;
  return Int32Array.from({ length: k }, (_, i) => n - (k - i) * nValid);
}

/** Lower and upper bound of every search dimension (each channel's hyperparameters, then log10 lambda). */
function searchBox(data: WeeklyData, o: ResolvedFitOptions, names: string[]): { lower: Float64Array; upper: Float64Array; logScale: Uint8Array } {
  const perChannel = names.length;
  const dims = data.channels.length * perChannel + 1;
  const lower = new Float64Array(dims);
  const upper = new Float64Array(dims);
  const logScale = new Uint8Array(dims);
  data.channels.forEach((ch, j) => {
    const rr = { ...o.ranges, ...(o.channelRanges[ch.name] ?? {}) } as Required<ChannelRanges>;
    names.forEach((nm, k) => {
      const r = rr[nm as keyof ChannelRanges];
      lower[j * perChannel + k] = r[0];
      upper[j * perChannel + k] = r[1];
    });
  });
  lower[dims - 1] = o.log10LambdaRange[0];
  upper[dims - 1] = o.log10LambdaRange[1];
  logScale[dims - 1] = 1;
  return { lower, upper, logScale };
}

/**
 * Checks the data against resolved options and builds the search problem
 * (used by fitMmm and scoreHyperparameters, so both score alike).
 * @throws ValidationError for bad data (see checkWeeklyData) or too few weeks for the folds
 */
export function buildSearchProblem(data: WeeklyData, o: ResolvedFitOptions): SearchProblem {
  const n = data.target.length;
  const nc = data.channels.length;
  const names = channelParamNames(o.adstock, o.saturation);
  const perChannel = names.length;
  const nValid = Math.max(2, Math.round(n * o.validationFraction));
  const nTrain = n - nValid;
  const nBaseMax = (o.trend ? 1 : 0) + 2 * o.fourierOrder + data.controls.length;
  const parameterCount = 1 + nBaseMax + nc * (1 + perChannel) + 1;
  const checked = checkWeeklyData(data, parameterCount, nTrain);
  const coefCount = 1 + nBaseMax + nc;
  const cuts = foldCuts(n, nValid, o.folds, coefCount);
  if (nTrain < coefCount + 2) {
    throw new ValidationError(`${n} weeks leave ${nTrain} training weeks before the ${nValid} validation weeks, fewer than the ${coefCount} regression coefficients + 2`, { file: data.file });
  }
  const warnings = [...checked.warnings];
  const base = baselineColumns(data.dates, data.dates[0], { trend: o.trend, fourierOrder: o.fourierOrder, period: o.seasonalityPeriod }, checked.controls, o.controlSigns);
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
  const { lower, upper, logScale } = searchBox(data, o, names);
  const dims = lower.length;
  const cal = resolveCalibration(o.calibration, data);
  const spec: SearchSpec = {
    nWeeks: n, cuts, horizon: nValid, nBase: nb, nChannels: nc, y, baseline, baseSign: Int8Array.from(base.map((b) => signCode(b.sign))), spend,
    adstock: adstockCode(o.adstock), normalised: o.normalisedAdstock, saturation: o.saturation === 'hill' ? 0 : 1,
    perChannel, dims, lower, upper, logScale, alphaPrior: o.saturation === 'hill' ? o.alphaPrior : 0,
    calChannel: cal.channel, calFrom: cal.from, calTo: cal.to, calLift: cal.lift, calWeight: o.calibrationWeight,
  };
  return { o, data, n, nc, names, perChannel, nValid, nTrain, folds: cuts.length, cuts, warnings, base, nb, y, spend, baseline, dims, lower, upper, logScale, spec, cal };
}

/** Hyperparameters (kernel layout, lambda last) of a point of the unit cube. */
export function decodeUnit(pr: SearchProblem, units: Float64Array, i: number): Float64Array {
  const hp = new Float64Array(pr.dims);
  for (let d = 0; d < pr.dims; d++) {
    const v = pr.lower[d] + units[i * pr.dims + d] * (pr.upper[d] - pr.lower[d]);
    hp[d] = pr.logScale[d] ? Math.pow(10, v) : v;
  }
  return hp;
}
