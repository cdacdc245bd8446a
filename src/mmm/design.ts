/**
 * Input checks and the baseline design (trend, Fourier seasonality, controls).
 */
import { ValidationError } from '../core/errors.ts';
import { dayToIso } from '../core/csv.ts';
import type { CoefficientSign, NamedSeries, WeeklyData } from './types.ts';

/** A baseline regressor column with its role. */
export interface BaselineColumn {
  name: string;
  kind: 'trend' | 'fourier' | 'control' | 'dummy';
  sign: CoefficientSign;
  order?: number;
  fn?: 'sin' | 'cos';
  values: Float64Array;
}

/** The checked input: usable controls (constant ones dropped) and the warnings raised. */
export interface CheckedData {
  data: WeeklyData;
  controls: (NamedSeries & { dummy: boolean })[];
  warnings: string[];
}

function isBinary(v: Float64Array): boolean {
  for (let i = 0; i < v.length; i++) if (v[i] !== 0 && v[i] !== 1) return false;
  return true;
}

/**
 * Checks a weekly table before fitting. Errors (ValidationError naming file,
 * row and column): empty table; series of different lengths; a non-finite
 * value; negative spend; duplicated, unordered or missing weeks (dates must be
 * exactly 7 days apart); a channel with no spend or constant spend (it cannot
 * be told apart from the intercept); a name used twice; fewer weeks than model
 * parameters (`parameterCount`). Warnings: a control that never varies is
 * dropped; a channel with no spend in the training weeks.
 */
export function checkWeeklyData(data: WeeklyData, parameterCount: number, trainWeeks: number): CheckedData {
  const file = data.file;
  const n = data.target.length;
  const warnings: string[] = [];
  if (n === 0) throw new ValidationError('no weeks of data', { file });
  if (data.dates.length !== n) throw new ValidationError(`${data.dates.length} dates but ${n} target values`, { file, column: data.dateName });
  const names = new Set<string>([data.targetName]);
  for (const s of [...data.channels, ...data.controls]) {
    if (names.has(s.name)) throw new ValidationError('column used twice (as target, channel or control)', { file, column: s.name });
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
  for (let i = 1; i < n; i++) {
    const gap = data.dates[i] - data.dates[i - 1];
    if (gap === 0) throw new ValidationError(`duplicated week ${dayToIso(data.dates[i])}`, { file, row: i + 1, column: data.dateName });
    if (gap < 0) throw new ValidationError(`weeks are not in ascending order (${dayToIso(data.dates[i])} after ${dayToIso(data.dates[i - 1])})`, { file, row: i + 1, column: data.dateName });
    if (gap !== 7) {
      const detail = gap % 7 === 0 ? `${gap / 7 - 1} missing week(s) between ${dayToIso(data.dates[i - 1])} and ${dayToIso(data.dates[i])}` : `dates ${dayToIso(data.dates[i - 1])} and ${dayToIso(data.dates[i])} are ${gap} days apart, not one week`;
      throw new ValidationError(detail, { file, row: i + 1, column: data.dateName });
    }
  }
  for (const ch of data.channels) {
    finite(ch.values, ch.name);
    let lo = Infinity;
    let hi = -Infinity;
    let trainSum = 0;
    for (let i = 0; i < n; i++) {
      const v = ch.values[i];
      if (v < 0) throw new ValidationError(`negative spend ${v}`, { file, row: i + 1, column: ch.name });
      if (v < lo) lo = v;
      if (v > hi) hi = v;
      if (i < trainWeeks) trainSum += v;
    }
    if (hi === 0) throw new ValidationError('channel has no spend in any week; remove it from --channels', { file, column: ch.name });
    if (hi === lo) throw new ValidationError(`channel spend is the same (${hi}) every week, so its effect cannot be separated from the baseline`, { file, column: ch.name });
    if (trainSum === 0) warnings.push(`channel ${ch.name} has no spend in the training weeks; the search cannot score it`);
  }
  const controls: CheckedData['controls'] = [];
  for (const c of data.controls) {
    finite(c.values, c.name);
    let lo = Infinity;
    let hi = -Infinity;
    for (let i = 0; i < n; i++) {
      lo = Math.min(lo, c.values[i]);
      hi = Math.max(hi, c.values[i]);
    }
    if (hi === lo) {
      warnings.push(`control ${c.name} is constant (${hi}) over all weeks and was dropped`);
      continue;
    }
    controls.push({ name: c.name, values: c.values, dummy: isBinary(c.values) });
  }
  if (n < parameterCount) {
    throw new ValidationError(`${n} weeks is fewer than the ${parameterCount} model parameters (coefficients and hyperparameters); supply more weeks or fewer channels/controls`, { file });
  }
  return { data, controls, warnings };
}

/**
 * Baseline regressors for the given weeks: linear trend (weeks since firstDay),
 * yearly Fourier terms sin/cos(2 pi k t / period) for k = 1..order, then the
 * controls (0/1 controls are dummies). t is measured in weeks from firstDay,
 * so the same function gives future values for forecasts.
 */
export function baselineColumns(dates: Int32Array, firstDay: number, opts: { trend: boolean; fourierOrder: number; period: number }, controls: (NamedSeries & { dummy: boolean })[], controlSigns: Record<string, CoefficientSign>): BaselineColumn[] {
  const n = dates.length;
  const cols: BaselineColumn[] = [];
  const t = new Float64Array(n);
  for (let i = 0; i < n; i++) t[i] = (dates[i] - firstDay) / 7;
  if (opts.trend) cols.push({ name: 'trend', kind: 'trend', sign: 'free', values: t });
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

/** The weeks [from, to) of a weekly table. */
export function sliceWeekly(data: WeeklyData, from: number, to: number): WeeklyData {
  return {
    ...data,
    dates: data.dates.slice(from, to),
    target: data.target.slice(from, to),
    channels: data.channels.map((c) => ({ name: c.name, values: c.values.slice(from, to) })),
    controls: data.controls.map((c) => ({ name: c.name, values: c.values.slice(from, to) })),
  };
}
