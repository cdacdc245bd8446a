/**
 * Input checks and the baseline design (trend, Fourier seasonality, controls).
 */
import { ValidationError } from '../core/errors.ts';
import { dayToIso } from '../core/csv.ts';
import type { CoefficientSign, FactorSeries, FactorSummary, NamedSeries, WeeklyData } from './types.ts';

/** A baseline regressor column with its role. */
export interface BaselineColumn {
  name: string;
  kind: 'trend' | 'fourier' | 'control' | 'dummy' | 'factor';
  sign: CoefficientSign;
  order?: number;
  fn?: 'sin' | 'cos';
  /** Factor dummies: the factor and its level. */
  factor?: string;
  level?: string;
  values: Float64Array;
}

/** The checked input: usable controls and factors (those that vary in the window), and the warnings raised. */
export interface CheckedData {
  data: WeeklyData;
  controls: (NamedSeries & { dummy: boolean })[];
  factors: FactorSeries[];
  warnings: string[];
}

function isBinary(v: Float64Array, from: number): boolean {
  for (let i = from; i < v.length; i++) if (v[i] !== 0 && v[i] !== 1) return false;
  return true;
}

/** Errors in the dates: duplicated, unordered or missing weeks (exactly 7 days apart). */
export function checkDates(data: Pick<WeeklyData, 'file' | 'dates' | 'dateName'>): void {
  const file = data.file;
  for (let i = 1; i < data.dates.length; i++) {
    const gap = data.dates[i] - data.dates[i - 1];
    if (gap === 0) throw new ValidationError(`duplicated week ${dayToIso(data.dates[i])}`, { file, row: i + 1, column: data.dateName });
    if (gap < 0) throw new ValidationError(`weeks are not in ascending order (${dayToIso(data.dates[i])} after ${dayToIso(data.dates[i - 1])})`, { file, row: i + 1, column: data.dateName });
    if (gap !== 7) {
      const detail =
        gap % 7 === 0
          ? `${gap / 7 - 1} missing week(s) between ${dayToIso(data.dates[i - 1])} and ${dayToIso(data.dates[i])}`
          : `dates ${dayToIso(data.dates[i - 1])} and ${dayToIso(data.dates[i])} are ${gap} days apart, not one week`;
      throw new ValidationError(detail, { file, row: i + 1, column: data.dateName });
    }
  }
}

/** Why a target (`what`) with one value in every week leaves nothing to model; the fit and the ingest say it alike. */
export function constantTargetMessage(what: string, value: number, weeks: number, first: string, last: string): string {
  return `${what} ${value === 0 ? 'is 0 in every week' : `is the same (${value}) in every week`} (${weeks} weeks, ${first} to ${last}): there is nothing to model`;
}

/**
 * Why a channel (spend) or organic variable (activity) whose values over the window run from lo to hi
 * cannot be fitted, or null when they vary; the fit and the ingest say it alike.
 */
export function idleMediaMessage(what: 'spend' | 'activity', lo: number, hi: number, windowed: boolean): string | null {
  const kind = what === 'spend' ? 'channel' : 'organic variable';
  const inWindow = windowed ? ' in the modelling window' : '';
  if (hi === 0) return `${kind} has no ${what} in any week${inWindow}; remove it from --${what === 'spend' ? 'channels' : 'organic'}`;
  if (hi === lo) return `${kind} ${what} is the same (${hi}) every week${inWindow}, so its effect cannot be separated from the baseline`;
  return null;
}

/** A target with one value over the modelling window (from the week `from` on) leaves nothing to model: refused, as the ingest does. */
function refuseConstantTarget(data: WeeklyData, from: number): void {
  const y = data.target;
  for (let i = from + 1; i < y.length; i++) if (y[i] !== y[from]) return;
  const message = constantTargetMessage('the target', y[from], y.length - from, dayToIso(data.dates[from]), dayToIso(data.dates[y.length - 1]));
  throw new ValidationError(message, { file: data.file, column: data.targetName });
}

/** Errors in a spend or activity series: non-finite or negative values, none or constant in the window. */
function checkMediaSeries(data: WeeklyData, s: NamedSeries, what: 'spend' | 'activity', from: number, trainEnd: number, warnings: string[]): void {
  const file = data.file;
  const n = data.target.length;
  let lo = Infinity;
  let hi = -Infinity;
  let trainSum = 0;
  for (let i = 0; i < n; i++) {
    const v = s.values[i];
    if (!Number.isFinite(v)) throw new ValidationError(`not a finite number (${v})`, { file, row: i + 1, column: s.name });
    if (v < 0) throw new ValidationError(what === 'spend' ? `negative spend ${v}` : `negative organic activity ${v} (organic variables count activity, >= 0)`, { file, row: i + 1, column: s.name });
    if (i < from) continue;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
    if (i < trainEnd) trainSum += v;
  }
  const idle = idleMediaMessage(what, lo, hi, from > 0);
  if (idle) throw new ValidationError(idle, { file, column: s.name });
  if (what === 'spend' && trainSum === 0) warnings.push(`channel ${s.name} has no spend in the training weeks; the search cannot score it`);
}

/**
 * Checks a weekly table before fitting. The window is rows [from, n): rows
 * before it only warm up the adstock. Errors (ValidationError naming file,
 * row and column): empty table; series of different lengths; a non-finite
 * value; negative spend or organic activity; an empty factor level;
 * duplicated, unordered or missing weeks (dates must be exactly 7 days apart);
 * a channel or organic variable with none or constant in the window (it
 * cannot be told apart from the intercept); a name used twice; fewer window
 * weeks than model parameters (`parameterCount`). Warnings: a control or
 * factor that does not vary in the window is dropped; a channel with no spend
 * in the training weeks (the window's first `trainWeeks`).
 */
export function checkWeeklyData(data: WeeklyData, parameterCount: number, trainWeeks: number, from = 0): CheckedData {
  const file = data.file;
  const n = data.target.length;
  const warnings: string[] = [];
  if (n === 0) throw new ValidationError('no weeks of data', { file });
  if (data.dates.length !== n) throw new ValidationError(`${data.dates.length} dates but ${n} target values`, { file, column: data.dateName });
  const names = new Set<string>([data.targetName]);
  const organic = data.organic ?? [];
  const factors = data.factors ?? [];
  for (const s of [...data.channels, ...data.controls, ...organic, ...factors]) {
    if (names.has(s.name)) throw new ValidationError('column used twice (as target, channel, control, factor or organic variable)', { file, column: s.name });
    names.add(s.name);
    if (s.values.length !== n) throw new ValidationError(`${s.values.length} values but ${n} weeks`, { file, column: s.name });
  }
  if (data.channels.length === 0) throw new ValidationError('no media channels given', { file });
  const finite = (s: Float64Array, column: string): void => {
    for (let i = 0; i < n; i++) {
      if (!Number.isFinite(s[i])) throw new ValidationError(`not a finite number (${s[i]})`, { file, row: i + 1, column });
    }
  };
  finite(data.target, data.targetName);
  checkDates(data);
  refuseConstantTarget(data, from);
  for (const ch of data.channels) checkMediaSeries(data, ch, 'spend', from, from + trainWeeks, warnings);
  for (const og of organic) checkMediaSeries(data, og, 'activity', from, from + trainWeeks, warnings);
  const inWindow = from > 0 ? ' in the modelling window' : ' over all weeks';
  const controls: CheckedData['controls'] = [];
  for (const c of data.controls) {
    finite(c.values, c.name);
    let lo = Infinity;
    let hi = -Infinity;
    for (let i = from; i < n; i++) {
      lo = Math.min(lo, c.values[i]);
      hi = Math.max(hi, c.values[i]);
    }
    if (hi === lo) {
      warnings.push(`control ${c.name} is constant (${hi})${inWindow} and was dropped`);
      continue;
    }
    controls.push({ name: c.name, values: c.values, dummy: isBinary(c.values, from) });
  }
  const usableFactors: FactorSeries[] = [];
  for (const f of factors) {
    for (let i = 0; i < n; i++) {
      if (typeof f.values[i] !== 'string' || f.values[i].trim() === '') throw new ValidationError('empty factor level (name every level, e.g. "na" for none)', { file, row: i + 1, column: f.name });
    }
    const levels = new Set(f.values.slice(from));
    if (levels.size < 2) {
      warnings.push(`factor ${f.name} has one level ("${f.values[from]}")${inWindow} and was dropped`);
      continue;
    }
    usableFactors.push(f);
  }
  if (n - from < parameterCount) {
    throw new ValidationError(`${n - from} weeks is fewer than the ${parameterCount} model parameters (coefficients and hyperparameters); supply more weeks or fewer channels/controls`, { file });
  }
  return { data, controls, factors: usableFactors, warnings };
}

/**
 * One-hot coding of factors (Robyn's factor_vars): the reference level is the
 * most frequent level over the given weeks (ties: the level seen first), and
 * every other level gets a 0/1 column named `<factor>_<level>`, with the
 * factor's sign from `signs` (default free).
 * @returns the columns and each factor's levels (reference first)
 */
export function factorColumns(factors: FactorSeries[], signs: Record<string, CoefficientSign>): { columns: BaselineColumn[]; summaries: FactorSummary[] } {
  const columns: BaselineColumn[] = [];
  const summaries: FactorSummary[] = [];
  for (const f of factors) {
    const counts = new Map<string, number>();
    for (const v of f.values) counts.set(v, (counts.get(v) ?? 0) + 1);
    let reference = f.values[0];
    for (const [level, c] of counts) if (c > (counts.get(reference) ?? 0)) reference = level;
    const others = [...counts.keys()].filter((l) => l !== reference);
    summaries.push({ name: f.name, levels: [reference, ...others], reference });
    for (const level of others) {
      columns.push({ name: `${f.name}_${level}`, kind: 'factor', sign: signs[f.name] ?? 'free', factor: f.name, level, values: Float64Array.from(f.values, (v) => (v === level ? 1 : 0)) });
    }
  }
  return { columns, summaries };
}

/** The names the model gives its own terms and the decomposition's columns: a data column named so would be taken for one of them. */
export function isModelTermName(name: string): boolean {
  return ['actual', 'fitted', 'baseline', 'intercept', 'trend', 'seasonality'].includes(name) || /^(trend_after_\d+|season_(sin|cos)\d+)$/.test(name);
}

/**
 * Baseline regressors for the given weeks: linear trend (weeks since firstDay),
 * hinge terms max(0, t - k) at each trend knot k (weeks since firstDay; a
 * piecewise-linear trend that continues its last slope), yearly Fourier terms
 * sin/cos(2 pi k t / period) for k = 1..order, then the controls (0/1
 * controls are dummies). t is measured in weeks from firstDay,
 * so the same function gives future values for forecasts.
 */
export function baselineColumns(
  dates: Int32Array,
  firstDay: number,
  opts: { trend: boolean; fourierOrder: number; period: number; knots?: number[] },
  controls: (NamedSeries & { dummy: boolean })[],
  controlSigns: Record<string, CoefficientSign>,
): BaselineColumn[] {
  const n = dates.length;
  const cols: BaselineColumn[] = [];
  const t = new Float64Array(n);
  for (let i = 0; i < n; i++) t[i] = (dates[i] - firstDay) / 7;
  if (opts.trend) cols.push({ name: 'trend', kind: 'trend', sign: 'free', values: t });
  for (const k of opts.knots ?? []) cols.push({ name: `trend_after_${k}`, kind: 'trend', sign: 'free', values: Float64Array.from(t, (v) => Math.max(0, v - k)) });
  for (let k = 1; k <= opts.fourierOrder; k++) {
    const s = new Float64Array(n);
    const c = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const ang = (2 * Math.PI * k * t[i]) / opts.period;
      s[i] = Math.sin(ang);
      c[i] = Math.cos(ang);
    }
    cols.push({ name: `season_sin${k}`, kind: 'fourier', sign: 'free', order: k, fn: 'sin', values: s });
    cols.push({ name: `season_cos${k}`, kind: 'fourier', sign: 'free', order: k, fn: 'cos', values: c });
  }
  for (const c of controls) {
    cols.push({ name: c.name, kind: c.dummy ? 'dummy' : 'control', sign: controlSigns[c.name] ?? 'free', values: c.values });
  }
  return cols;
}

/**
 * Knots of the piecewise-linear trend for a window of n weeks: every
 * `spacing` weeks from `spacing`, the last at least `spacing` weeks before the
 * window's end (so each slope is estimated on a full segment). None for spacing 0.
 */
export function trendKnots(n: number, spacing: number): number[] {
  const out: number[] = [];
  if (spacing > 0) for (let k = spacing; k <= n - 1 - spacing; k += spacing) out.push(k);
  return out;
}

/** The weeks [from, to) of a weekly table (every series cut alike). */
export function sliceWeekly(data: WeeklyData, from: number, to: number): WeeklyData {
  const out: WeeklyData = {
    ...data,
    dates: data.dates.slice(from, to),
    target: data.target.slice(from, to),
    channels: data.channels.map((c) => ({ name: c.name, values: c.values.slice(from, to) })),
    controls: data.controls.map((c) => ({ name: c.name, values: c.values.slice(from, to) })),
  };
  if (data.organic) out.organic = data.organic.map((c) => ({ name: c.name, values: c.values.slice(from, to) }));
  if (data.factors) out.factors = data.factors.map((c) => ({ name: c.name, values: c.values.slice(from, to) }));
  return out;
}
