/**
 * The search problem of a fit: the checked data, the modelling window, the
 * baseline design, the media columns (paid channels, then organic variables)
 * with their transform families, the rolling-origin validation folds and the
 * box of hyperparameters, in the plain-data layout the kernel scores
 * candidates on. Built once per fit and read by every later step (selection,
 * refit, intervals, metrics, decomposition), so they all see the same design.
 */
import { UsageError, ValidationError } from '../core/errors.ts';
import { dayToIso, parseDateToDay } from '../core/csv.ts';
import { columnFamilyInto } from './kernel.ts';
import { baselineColumns, checkWeeklyData, factorColumns, isModelTermName, sliceWeekly, trendKnots } from './design.ts';
import type { BaselineColumn } from './design.ts';
import { resolveCalibration } from './calibration.ts';
import type { ResolvedCalibration } from './calibration.ts';
import { adstockCode } from './kernel.ts';
import { channelParamNames, defaultRanges, LOG_SCALED } from './options.ts';
import type { ResolvedFitOptions } from './options.ts';
import type { SearchSpec } from './search.ts';
import type { AdstockKind, ChannelRanges, CoefficientSign, FactorSummary, SaturationKind, WeeklyData } from './types.ts';

/** One transform family a media column may take: adstock and saturation kinds and their parameters' names in kernel order. */
export interface MediaFamily {
  adstock: AdstockKind;
  saturation: SaturationKind;
  names: string[];
}

/** A transformed column of the design: a paid channel or an organic variable. */
export interface MediaColumn {
  name: string;
  role: 'paid' | 'organic';
  /** The families it may take (several: the data choose; see columnFamilyInto in kernel.ts). */
  families: MediaFamily[];
  /** Index of its first dimension in a candidate, and its number of dimensions. */
  offset: number;
  dims: number;
  /** Spend or activity over the warm-up and window weeks. */
  values: Float64Array;
}

/** Everything the steps of a fit share (see the module comment). */
export interface SearchProblem {
  o: ResolvedFitOptions;
  /** The window's weeks of the data (every series cut to the window). */
  data: WeeklyData;
  /** Weeks before the window that warm up the adstock. */
  warmup: number;
  /** Window weeks, paid channels, media columns (paid + organic). */
  n: number;
  nc: number;
  nm: number;
  media: MediaColumn[];
  /** Weeks of each validation block, weeks before the last block, folds actually used and their first weeks. */
  nValid: number;
  nTrain: number;
  folds: number;
  cuts: Int32Array;
  /** Warnings raised by the input checks. */
  warnings: string[];
  /** Baseline regressors (trend, Fourier terms, controls, factor dummies) and their count. */
  base: BaselineColumn[];
  /** Knots of the piecewise-linear trend (weeks since the window's first; empty: a straight trend). */
  knots: number[];
  nb: number;
  factors: FactorSummary[];
  y: Float64Array;
  /** Spend/activity (media column x (warmup + n) weeks) and baseline columns (regressor x n), column-major. */
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

/**
 * The rows [from, to] (inclusive) of the weeks whose start date falls in the
 * window; the whole table without one.
 * @param labels how to name the window's ends in errors (default the fit options' names)
 * @throws UsageError for an unparseable date, an empty window or one reaching outside the data
 */
export function resolveWindow(
  dates: Int32Array,
  window: { start: string; end: string } | undefined,
  labels = { start: 'fit option window.start', end: 'fit option window.end' },
): { from: number; to: number } {
  const n = dates.length;
  if (!window) return { from: 0, to: n - 1 };
  const start = parseDateToDay(String(window.start));
  const end = parseDateToDay(String(window.end));
  if (Number.isNaN(start)) throw new UsageError(`${labels.start}: unparseable date "${window.start}" (expected YYYY-MM-DD)`);
  if (Number.isNaN(end)) throw new UsageError(`${labels.end}: unparseable date "${window.end}" (expected YYYY-MM-DD)`);
  if (start > dates[n - 1] + 6 || start < dates[0])
    throw new UsageError(
      `${labels.start}: ${window.start} is ${start < dates[0] ? "before the data's first" : "after the data's last"} week (${dayToIso(start < dates[0] ? dates[0] : dates[n - 1])})`,
    );
  if (end > dates[n - 1] + 6 || end < dates[0])
    throw new UsageError(`${labels.end}: ${window.end} is ${end < dates[0] ? "before the data's first" : "after the data's last"} week (${dayToIso(end < dates[0] ? dates[0] : dates[n - 1])})`);
  if (end < start) throw new UsageError(`${labels.end}: the window ends (${window.end}) before it starts (${window.start})`);
  let from = -1;
  let to = -1;
  for (let t = 0; t < n; t++) {
    if (dates[t] < start || dates[t] > end) continue;
    if (from < 0) from = t;
    to = t;
  }
  if (from < 0) throw new UsageError(`${labels.start}: no week of the data starts between ${window.start} and ${window.end}`);
  return { from, to };
}

/** Rolling-origin folds: the last validates the last nValid weeks, earlier ones the blocks before, while each still has coefCount + 2 training weeks. */
function foldCuts(n: number, nValid: number, folds: number, coefCount: number): Int32Array {
  let k = folds;
  while (k > 1 && n - k * nValid < coefCount + 2) k--;
  return Int32Array.from({ length: k }, (_, i) => n - (k - i) * nValid);
}

/** Refuses per-name settings for names that are not a channel or organic variable (catches typos). */
function checkNames(o: ResolvedFitOptions, media: string[], context: string[], paid: string[]): void {
  const known = new Set(media);
  for (const [opt, map] of [
    ['channelRanges', o.channelRanges],
    ['channelAdstock', o.channelAdstock],
    ['channelSaturation', o.channelSaturation],
  ] as const) {
    for (const k of Object.keys(map)) if (!known.has(k)) throw new UsageError(`fit option ${opt}.${k}: not a channel or organic variable (${media.join(', ')})`);
  }
  for (const k of Object.keys(o.priors)) if (!paid.includes(k)) throw new UsageError(`fit option priors.${k}: not a paid channel (${paid.join(', ')})`);
  const ctx = new Set(context);
  for (const k of Object.keys(o.controlSigns)) if (!ctx.has(k)) throw new UsageError(`fit option controlSigns.${k}: not a control or factor (${context.join(', ') || 'none'})`);
}

const SATURATION_CODE: Record<SaturationKind, number> = { hill: 0, log: 1, logistic: 2, michaelis_menten: 3 };
const list = <T>(v: T | T[]): T[] => (Array.isArray(v) ? v : [v]);

/** The media columns with their families and their places in a candidate. */
function mediaColumns(full: WeeklyData, o: ResolvedFitOptions): MediaColumn[] {
  const cols: MediaColumn[] = [];
  let offset = 0;
  const add = (name: string, values: Float64Array, role: MediaColumn['role']): void => {
    const families: MediaFamily[] = [];
    for (const adstock of list(o.channelAdstock[name] ?? o.adstock)) {
      for (const saturation of list(o.channelSaturation[name] ?? o.saturation)) families.push({ adstock, saturation, names: channelParamNames(adstock, saturation) });
    }
    const dims = (families.length > 1 ? 1 : 0) + Math.max(...families.map((f) => f.names.length));
    cols.push({ name, role, families, offset, dims, values });
    offset += dims;
  };
  for (const ch of full.channels) add(ch.name, ch.values, 'paid');
  for (const og of full.organic ?? []) add(og.name, og.values, 'organic');
  return cols;
}

/** The range of each parameter of a family of a column (defaults, then the options' ranges, then the column's own). */
function familyRanges(o: ResolvedFitOptions, column: string, f: MediaFamily): Required<ChannelRanges> {
  return { ...defaultRanges(f.adstock), ...o.ranges, ...(o.channelRanges[column] ?? {}) } as Required<ChannelRanges>;
}

/**
 * Bounds of every search dimension (then log10 lambda). A column with one
 * family has its parameters' ranges (log10 for LOG_SCALED ones); a column with
 * several searches the unit cube, mapped per family by the kernel's tables.
 */
function searchBox(media: MediaColumn[], o: ResolvedFitOptions): { lower: Float64Array; upper: Float64Array; logScale: Uint8Array } {
  const dims = media.reduce((a, m) => a + m.dims, 0) + 1;
  const lower = new Float64Array(dims);
  const upper = new Float64Array(dims).fill(1);
  const logScale = new Uint8Array(dims);
  for (const m of media) {
    if (m.families.length > 1) continue;
    const rr = familyRanges(o, m.name, m.families[0]);
    m.families[0].names.forEach((nm, k) => {
      const r = rr[nm as keyof ChannelRanges];
      const log = LOG_SCALED.has(nm);
      lower[m.offset + k] = log ? Math.log10(r[0]) : r[0];
      upper[m.offset + k] = log ? Math.log10(r[1]) : r[1];
      logScale[m.offset + k] = log ? 1 : 0;
    });
  }
  lower[dims - 1] = o.log10LambdaRange[0];
  upper[dims - 1] = o.log10LambdaRange[1];
  logScale[dims - 1] = 1;
  return { lower, upper, logScale };
}

/** The kernel's family tables (see SearchSpec.maxFam). */
function familyTables(media: MediaColumn[], o: ResolvedFitOptions) {
  const F = Math.max(...media.map((m) => m.families.length));
  const t = {
    maxFam: F,
    famCount: Int8Array.from(media, (m) => m.families.length),
    famAd: new Int8Array(media.length * F),
    famSat: new Int8Array(media.length * F),
    famLo: new Float64Array(media.length * F * 4),
    famHi: new Float64Array(media.length * F * 4),
    famLog: new Uint8Array(media.length * F * 4),
  };
  media.forEach((m, j) =>
    m.families.forEach((f, i) => {
      const g = j * F + i;
      t.famAd[g] = adstockCode(f.adstock);
      t.famSat[g] = SATURATION_CODE[f.saturation];
      const rr = familyRanges(o, m.name, f);
      f.names.forEach((nm, k) => {
        const r = rr[nm as keyof ChannelRanges];
        const log = LOG_SCALED.has(nm);
        t.famLo[g * 4 + k] = log ? Math.log10(r[0]) : r[0];
        t.famHi[g * 4 + k] = log ? Math.log10(r[1]) : r[1];
        t.famLog[g * 4 + k] = log ? 1 : 0;
      });
    }),
  );
  return t;
}

/** A media column's family and named parameter values in candidate `hp` (kernel layout). */
export function columnParams(pr: SearchProblem, j: number, hp: Float64Array): { family: MediaFamily; values: Record<string, number> } {
  const p = new Float64Array(4);
  const family = pr.media[j].families[columnFamilyInto(pr.spec, j, hp, p)];
  return { family, values: Object.fromEntries(family.names.map((nm, k) => [nm, p[k]])) };
}

/** Warnings for controls that do not vary in the first fold's training weeks. */
function foldWarnings(base: BaselineColumn[], firstCut: number): string[] {
  const out: string[] = [];
  for (const c of base) {
    if (c.kind !== 'dummy' && c.kind !== 'control') continue;
    let v = false;
    for (let t = 1; t < firstCut; t++) if (c.values[t] !== c.values[0]) v = true;
    if (!v) out.push(`control ${c.name} does not vary in the first ${firstCut} weeks (the first validation fold's training weeks)`);
  }
  return out;
}

/** The kernel's plain-data spec of a problem. */
function kernelSpec(p: Omit<SearchProblem, 'spec'>): SearchSpec {
  const { o, media, base, cal } = p;
  const alphaDim = Int32Array.from(media, (m) => (m.families.length === 1 && m.families[0].saturation === 'hill' ? m.offset + m.families[0].names.indexOf('alpha') : -1));
  return {
    nWeeks: p.n,
    warmup: p.warmup,
    cuts: p.cuts,
    horizon: p.nValid,
    nBase: p.nb,
    nChannels: p.nc,
    nMedia: p.nm,
    y: p.y,
    baseline: p.baseline,
    baseSign: Int8Array.from(base.map((b) => signCode(b.sign))),
    interceptSign: o.interceptSign === 'non_negative' ? 1 : 0,
    spend: p.spend,
    ...familyTables(media, o),
    hpOff: Int32Array.from([...media.map((m) => m.offset), p.dims - 1]),
    alphaDim,
    normalised: o.normalisedAdstock,
    dims: p.dims,
    lower: p.lower,
    upper: p.upper,
    logScale: p.logScale,
    alphaPrior: alphaDim.some((d) => d >= 0) ? o.alphaPrior : 0,
    calChannel: cal.channel,
    calFrom: cal.from,
    calTo: cal.to,
    calLift: cal.lift,
    calWeight: o.calibrationWeight,
  };
}

/**
 * Checks the data against resolved options and builds the search problem
 * (used by fitMmm and scoreHyperparameters, so both score alike).
 * @throws ValidationError for bad data (see checkWeeklyData) or too few weeks for the folds; UsageError for a bad window or per-name setting
 */
export function buildSearchProblem(input: WeeklyData, o: ResolvedFitOptions): SearchProblem {
  const { from, to } = resolveWindow(input.dates, o.window);
  const full = to === input.dates.length - 1 ? input : sliceWeekly(input, 0, to + 1);
  const n = to - from + 1;
  const media = mediaColumns(full, o);
  const nc = full.channels.length;
  const nm = media.length;
  const nValid = Math.max(2, Math.round(n * o.validationFraction));
  const nTrain = n - nValid;
  for (const f of full.factors ?? []) {
    const levels = new Set(f.values.slice(from)).size;
    if (levels > Math.max(12, n / 4))
      throw new ValidationError(`factor ${f.name} has ${levels} levels in ${n} weeks: a factor is a category with a few levels, each fitted apart; give a number as a control or organic variable`, {
        file: input.file,
        column: f.name,
      });
  }
  const nFactorLevels = (full.factors ?? []).reduce((a, f) => a + new Set(f.values.slice(from)).size - 1, 0);
  const knots = o.trend ? trendKnots(n, o.trendKnotSpacing) : [];
  const nBaseMax = (o.trend ? 1 + knots.length : 0) + 2 * o.fourierOrder + full.controls.length + nFactorLevels;
  const hyper = media.reduce((a, m) => a + m.dims, 0);
  const parameters = 1 + nBaseMax + nm + hyper + 1;
  // The data's own checks first (values, then weeks against the parameters without the hinges); then the hinges' share, naming the option.
  const checked = checkWeeklyData(full, parameters - knots.length, nTrain, from);
  if (n < parameters)
    throw new UsageError(
      `fit option trendKnotSpacing: a knot every ${o.trendKnotSpacing} weeks makes ${knots.length} trend hinges, more than ${n} weeks can carry with the model's other parameters; use a larger spacing`,
    );
  const taken = [...media.map((m) => m.name), ...full.controls.map((c) => c.name), ...(full.factors ?? []).map((f) => f.name)].find(isModelTermName);
  if (taken !== undefined) throw new ValidationError(`the model names one of its own terms ${taken}; rename this column`, { file: input.file, column: taken });
  checkNames(
    o,
    media.map((m) => m.name),
    [...full.controls.map((c) => c.name), ...(full.factors ?? []).map((f) => f.name)],
    full.channels.map((c) => c.name),
  );
  const coefCount = 1 + nBaseMax + nm;
  const cuts = foldCuts(n, nValid, o.folds, coefCount);
  if (nTrain < coefCount + 2) {
    throw new ValidationError(`${n} weeks leave ${nTrain} training weeks before the ${nValid} validation weeks, fewer than the ${coefCount} regression coefficients + 2`, { file: input.file });
  }
  const data = from === 0 ? full : sliceWeekly(full, from, to + 1);
  const controls = checked.controls.map((c) => ({ ...c, values: c.values.slice(from) }));
  const fc = factorColumns(
    checked.factors.map((f) => ({ name: f.name, values: f.values.slice(from) })),
    o.controlSigns,
  );
  const base = [...baselineColumns(data.dates, data.dates[0], { trend: o.trend, fourierOrder: o.fourierOrder, period: o.seasonalityPeriod, knots }, controls, o.controlSigns), ...fc.columns];
  // A data column named as a generated one (a factor's dummy `<factor>_<level>`, a hinge, a Fourier term) would be taken for it,
  // and so would a factor's dummy named as another generated term (factor `season`, level `sin1`).
  const generated = base.filter((c) => c.kind !== 'control' && c.kind !== 'dummy').map((c) => c.name);
  const clash = [...media.map((m) => m.name), ...controls.map((c) => c.name)].find((name) => generated.includes(name));
  if (clash !== undefined) throw new ValidationError(`the model names one of its own terms ${clash}; rename this column`, { file: input.file, column: clash });
  const twice = base.find((c, k) => c.kind === 'factor' && generated.indexOf(c.name) !== generated.lastIndexOf(c.name) && base.findIndex((d) => d.name === c.name) !== k);
  if (twice) throw new ValidationError(`a level of factor ${twice.factor} makes the term ${twice.name}, which the model names already; rename the level`, { file: input.file, column: twice.factor });
  const nb = base.length;
  const N = n + from;
  const spend = new Float64Array(nm * N);
  media.forEach((m, j) => spend.set(m.values, j * N));
  const baseline = new Float64Array(nb * n);
  base.forEach((c, j) => baseline.set(c.values, j * n));
  const { lower, upper, logScale } = searchBox(media, o);
  const p = {
    o,
    data,
    warmup: from,
    n,
    nc,
    nm,
    media,
    nValid,
    nTrain,
    folds: cuts.length,
    cuts,
    knots,
    warnings: [
      ...checked.warnings,
      ...foldWarnings(base, cuts[0]),
      ...(o.trend && o.trendKnotSpacing > 0 && knots.length === 0
        ? [`trendKnotSpacing ${o.trendKnotSpacing}: the ${n} weeks leave no room for a knot (each needs that many weeks on both sides), so the trend is one straight line`]
        : []),
    ],
    base,
    nb,
    factors: fc.summaries,
    y: Float64Array.from(data.target),
    spend,
    baseline,
    dims: lower.length,
    lower,
    upper,
    logScale,
    cal: resolveCalibration(o.calibration, data),
  };
  return { ...p, spec: kernelSpec(p) };
}

/** Hyperparameters (kernel layout, lambda last) of a point of the unit cube. */
export function decodeUnit(pr: SearchProblem, units: Float64Array, i: number): Float64Array {
  return unitToValues(pr, units, i * pr.dims);
}

/** The values of the unit-cube point at `units[at..]` in a box (lower, upper; log10 scale where flagged). */
export function unitToValues(box: { dims: number; lower: Float64Array; upper: Float64Array; logScale: ArrayLike<number | boolean> }, units: Float64Array, at: number): Float64Array {
  const hp = new Float64Array(box.dims);
  for (let d = 0; d < box.dims; d++) {
    const v = box.lower[d] + units[at + d] * (box.upper[d] - box.lower[d]);
    hp[d] = box.logScale[d] ? 10 ** v : v;
  }
  return hp;
}
