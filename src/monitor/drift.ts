/**
 * Drift monitoring: decide whether this week's data still fits the current
 * model (reuse it) or not (refit), and say why. Pure: a model and the weekly
 * data in, a decision with its reasons and the numbers behind them out.
 */
import { dayToIso } from '../core/csv.ts';
import { stableJson } from '../core/hash.ts';
import { sliceWeekly } from '../mmm/design.ts';
import { factorDummies, predictBaseline, predictMedia } from '../mmm/predict.ts';
import type { MmmModel, NamedSeries, WeeklyData } from '../mmm/types.ts';

export interface DriftThresholds {
  /** Refit when the RMS of the new weeks' errors, in residual sd, exceeds this (default 2). */
  errorBandSigma: number;
  /** Number of most recent new weeks the error check uses (default 4). */
  recentWeeks: number;
  /** Refit when a channel's new weekly spend leaves [min, max] seen by the model widened by this fraction (default 0.25). */
  spendRangeTolerance: number;
  /** Refit when the model's data ends more than this many weeks before the newest week (default 13). */
  maxModelAgeWeeks: number;
}

export interface DriftDecision {
  decision: 'refit' | 'reuse';
  reasons: string[];
  newWeeks: number;
  /** RMS of (actual - predicted) / residual sd over the recent new weeks (null without new weeks). */
  errorRms: number | null;
  /** Mean of those scaled errors (bias). */
  errorMean: number | null;
  weekly: { date: string; actual: number; predicted: number; scaledError: number }[];
}

/**
 * What the model was fitted on, to detect restated history: the fit's input
 * table (its `mmm_input.csv` read as WeeklyData with the same columns), or,
 * for fits made before that table was kept, the target values of the model's
 * weeks alone (decomposition.csv's `actual`).
 */
export type FittedInput = WeeklyData | ArrayLike<number>;

/** How a setting is named to the user: where it comes from (the config's mmm block, its seed, the data or calibration.csv). */
function settingName(key: string): string {
  if (key === 'calibration') return 'calibration.csv';
  if (key === 'seed') return 'seed';
  if (['channels', 'controls', 'factors', 'organic', 'window'].includes(key)) return `the input's ${key}`;
  return `mmm.${key}`;
}

/**
 * Why the settings of this run differ from those the model in use was fitted with, or null when
 * they do not: the settings whose values changed, then those the model's record lacks (set by the
 * user since, or added by a newer version of mmm: the record cannot tell which).
 * @param before the model in use's recorded settings (null: fitted before settings were recorded)
 */
export function settingsChange(before: Record<string, unknown> | null, after: Record<string, unknown>): string | null {
  if (!before) return 'the model in use has no record of its settings (fitted by an earlier version of mmm)';
  const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
  const changed = keys.filter((k) => stableJson(before[k] ?? null) !== stableJson(after[k] ?? null));
  if (changed.length === 0) return null;
  // The input's optional parts (lift tests, factors, a window) are recorded whenever given; an mmm option only when set or defaulted.
  const unrecorded = changed.filter((k) => !(k in before) && settingName(k).startsWith('mmm.'));
  const moved = changed.filter((k) => !unrecorded.includes(k)).map(settingName);
  const parts = [...(moved.length ? [moved.join(', ')] : []), ...(unrecorded.length ? [`not in the model in use's record: ${unrecorded.map(settingName).join(', ')}`] : [])];
  return `the model settings changed: ${parts.join('; ')}`;
}

/**
 * The decision once a change of the model settings is known: a refit whose
 * first reason is that change, keeping the data's own reasons for a refit
 * (so the run and its alert name the change the user made).
 * @param change the reason from {@link settingsChange}, or null when the settings are unchanged
 */
export function withSettingsChange(d: DriftDecision, change: string | null): DriftDecision {
  if (change === null) return d;
  return { ...d, decision: 'refit', reasons: [change, ...(d.decision === 'refit' ? d.reasons : [])] };
}

/** Categorical and organic series of a table (fields of WeeklyData in the MMM that models them; absent here before). */
/** A value restated when it moved by more than 0.5% of itself (at least 0.005 in absolute terms). */
const RESTATED = 0.005;

/**
 * Compares the data with the model.
 * @param model the current model (null: none yet)
 * @param data this week's full weekly table
 * @param fitted what the model was fitted on ({@link FittedInput}; null: unknown, history is not compared)
 * @param windowEnd the last day of the input's modelling window when the user fixed it (null: the data's last week):
 *   a refit could not take the weeks after it, so they are not judged, and the model does not age past it
 */
export function decideRefit(model: MmmModel | null, data: WeeklyData, fitted: FittedInput | null, th: DriftThresholds, windowEnd: number | null = null): DriftDecision {
  if (model && windowEnd !== null) {
    let inWindow = 0;
    while (inWindow < data.dates.length && data.dates[inWindow] <= windowEnd) inWindow++;
    if (inWindow < data.dates.length && data.dates[inWindow - 1] === model.window.lastDay) {
      const d = decideRefit(model, sliceWeekly(data, 0, inWindow), fitted, th);
      const outside = `the input's window ends ${dayToIso(windowEnd)}: the ${data.dates.length - inWindow} week(s) after it are not modelled (move or drop its end to model them)`;
      return d.decision === 'reuse' ? { ...d, reasons: [outside] } : d;
    }
  }
  const refit = (reasons: string[]): DriftDecision => ({ decision: 'refit', reasons, newWeeks: 0, errorRms: null, errorMean: null, weekly: [] });
  if (!model) return refit(['no fitted model yet']);
  const modelChannels = model.channels.map((c) => c.name).join(',');
  const dataChannels = data.channels.map((c) => c.name).join(',');
  if (modelChannels !== dataChannels) return refit([`channels changed: the model has ${modelChannels}, the data ${dataChannels}`]);
  const start = data.dates.indexOf(model.window.firstDay);
  const end = data.dates.indexOf(model.window.lastDay);
  if (start < 0 || end < 0 || end - start + 1 !== model.window.weeks) return refit([`the data no longer covers the model's weeks ${model.window.first} to ${model.window.last}`]);
  const age = ageReasons(data.dates.length - 1 - end, th);
  const changed = controlsChanged(model, data, start, end);
  if (changed) return refit([changed, ...age]);
  const restated = fitted === null ? [] : restatedHistory(data, fitted, model, start);
  if (restated.length) return refit([...restated, ...age]);
  return judgeNewWeeks(model, data, start, end, th);
}

/**
 * The controls (and factors) of the data against the model's. A column the
 * model lacks is no change when it is constant over the model's weeks and
 * every week since: the fit drops a constant column, so without this rule a
 * constant flag (a holiday column of zeros) would refit every week.
 * Returns the reason for a refit, or null.
 */
export function controlsChanged(model: MmmModel, data: WeeklyData, start: number, end: number): string | null {
  const inModel = new Set(model.baseline.filter((b) => b.kind === 'control' || b.kind === 'dummy').map((b) => b.name));
  const m = model as MmmModel & { factors?: { name: string }[] };
  for (const f of m.factors ?? []) inModel.add(f.name);
  const series: { name: string; values: ArrayLike<number | string> }[] = [...data.controls, ...(data.factors ?? [])];
  const inData = new Set(series.map((s) => s.name));
  const missing = [...inModel].filter((n) => !inData.has(n)).sort();
  if (missing.length) return `controls changed: the model has ${missing.join(', ')}, which the data no longer has`;
  for (const s of series) {
    if (inModel.has(s.name)) continue;
    const modelWeeks = Array.from(s.values).slice(start, end + 1);
    const since = Array.from(s.values).slice(start);
    if (new Set(since).size <= 1) continue;
    if (new Set(modelWeeks).size <= 1) return `controls changed: ${s.name} was constant over the model's weeks and varies since (it can now be fitted)`;
    return `controls changed: ${s.name} is in the data but not in the model`;
  }
  return null;
}

/**
 * Values of the weeks both tables hold that moved since the fit, one reason
 * per restated column (its first restated week and how many weeks moved):
 * target, spend, organic activity and controls by name, factors as text.
 */
export function restatedHistory(data: WeeklyData, fitted: FittedInput, model: MmmModel, start: number): string[] {
  if (!('dates' in fitted)) return restatedTarget(data, fitted, start, model.window.weeks);
  const rowOf = new Map(Array.from(data.dates, (d, i) => [d, i]));
  const pairs = Array.from(fitted.dates, (d, i) => [i, rowOf.get(d)] as const).filter((p): p is readonly [number, number] => p[1] !== undefined);
  const numeric = (a: NamedSeries[] = [], b: NamedSeries[] = []) => a.flatMap((s) => b.filter((x) => x.name === s.name).map((x) => ({ name: s.name, before: s.values, now: x.values })));
  const columns = [
    { name: data.targetName, before: fitted.target, now: data.target },
    ...numeric(fitted.channels, data.channels),
    ...numeric(fitted.organic, data.organic),
    ...numeric(fitted.controls, data.controls),
  ];
  const reasons: string[] = [];
  for (const c of columns) {
    const moved = pairs.filter(([i, j]) => Math.abs(c.now[j] - c.before[i]) > RESTATED * Math.max(1, Math.abs(c.before[i])));
    if (moved.length) reasons.push(restatedReason(c.name, data.dates[moved[0][1]], c.before[moved[0][0]].toFixed(2), c.now[moved[0][1]].toFixed(2), moved.length));
  }
  for (const f of fitted.factors ?? []) {
    const g = (data.factors ?? []).find((x) => x.name === f.name);
    const moved = g ? pairs.filter(([i, j]) => g.values[j] !== f.values[i]) : [];
    if (g && moved.length) reasons.push(restatedReason(f.name, data.dates[moved[0][1]], `"${f.values[moved[0][0]]}"`, `"${g.values[moved[0][1]]}"`, moved.length));
  }
  return reasons;
}

/** Restated target values against the model's own weeks (fits without a kept input table). */
function restatedTarget(data: WeeklyData, actuals: ArrayLike<number>, start: number, weeks: number): string[] {
  for (let t = 0; t < weeks; t++) {
    const now = data.target[start + t];
    const then = actuals[t];
    if (Math.abs(now - then) > RESTATED * Math.max(1, Math.abs(then))) return [restatedReason(data.targetName, data.dates[start + t], then.toFixed(2), now.toFixed(2), 1)];
  }
  return [];
}

function restatedReason(column: string, day: number, then: string, now: string, weeks: number): string {
  return `history restated: ${column} of the week of ${dayToIso(day)} was ${then} when the model was fitted and is ${now} now${weeks > 1 ? ` (${weeks} weeks changed)` : ''}`;
}

/** The model's age as a reason to refit, when it is past the limit. */
function ageReasons(newWeeks: number, th: DriftThresholds): string[] {
  return newWeeks > th.maxModelAgeWeeks ? [`the model is ${newWeeks} weeks old (limit ${th.maxModelAgeWeeks})`] : [];
}

/** The new weeks since the model's last: errors against its band, spend against its range, its age. */
function judgeNewWeeks(model: MmmModel, data: WeeklyData, start: number, end: number, th: DriftThresholds): DriftDecision {
  const newWeeks = data.dates.length - 1 - end;
  if (newWeeks === 0) return { decision: 'reuse', reasons: [`no new weeks since the model's data (${model.window.last})`], newWeeks, errorRms: null, errorMean: null, weekly: [] };
  // Predict the new weeks with the model (carryover from its last week), using the actual spend, controls, organic activity and factor levels.
  const from = end + 1;
  const dates = data.dates.slice(from);
  const inputs = newWeekInputs(model, data, from);
  const age = ageReasons(newWeeks, th);
  if (typeof inputs === 'string') return { decision: 'refit', reasons: [inputs, ...age], newWeeks, errorRms: null, errorMean: null, weekly: [] };
  const predicted = Float64Array.from(predictBaseline(model, dates, inputs).total);
  for (const ch of data.channels) {
    const m = predictMedia(model, ch.name, ch.values.slice(from));
    for (let t = 0; t < m.length; t++) predicted[t] += m[t];
  }
  const sd = model.metrics.residualSd > 0 ? model.metrics.residualSd : 1;
  const weekly = Array.from(dates, (d, t) => ({ date: dayToIso(d), actual: data.target[from + t], predicted: predicted[t], scaledError: (data.target[from + t] - predicted[t]) / sd }));
  const recent = weekly.slice(-th.recentWeeks);
  const errorRms = Math.sqrt(recent.reduce((s, w) => s + w.scaledError ** 2, 0) / recent.length);
  const errorMean = recent.reduce((s, w) => s + w.scaledError, 0) / recent.length;
  const reasons: string[] = [];
  if (errorRms > th.errorBandSigma) reasons.push(`recent error left the band: RMS ${errorRms.toFixed(2)} residual sd over the last ${recent.length} week(s) > ${th.errorBandSigma}`);
  else if (Math.abs(errorMean) * Math.sqrt(recent.length) > th.errorBandSigma) reasons.push(`recent error is biased: mean ${errorMean.toFixed(2)} residual sd over ${recent.length} week(s)`);
  for (const ch of data.channels) {
    const r = spendOutsideRange(ch, start, end, from, th.spendRangeTolerance);
    if (r !== null)
      reasons.push(
        `spend of ${ch.name} in the week of ${dayToIso(data.dates[r.t])} (${r.v.toFixed(0)}) is outside the range the model saw (${r.lo.toFixed(0)} to ${r.hi.toFixed(0)}, +/- ${Math.round(100 * th.spendRangeTolerance)}%)`,
      );
  }
  reasons.push(...age);
  if (reasons.length) return { decision: 'refit', reasons, newWeeks, errorRms, errorMean, weekly };
  return {
    decision: 'reuse',
    reasons: [`${newWeeks} new week(s) within the error band (RMS ${errorRms.toFixed(2)} residual sd), spend within the range the model saw, model ${newWeeks} week(s) old`],
    newWeeks,
    errorRms,
    errorMean,
    weekly,
  };
}

/**
 * The series the baseline prediction takes for the new weeks (from index
 * `from`): controls and organic activity by name, and each factor's levels as
 * the model's 0/1 terms (`factorDummies`; the reference level has none).
 * Returns the reason to refit instead when a factor has a level the model never saw.
 */
export function newWeekInputs(model: MmmModel, data: WeeklyData, from: number): Record<string, Float64Array> | string {
  const given: Record<string, Float64Array> = {};
  for (const s of [...data.controls, ...(data.organic ?? [])]) given[s.name] = s.values.slice(from);
  for (const f of data.factors ?? []) {
    const levels = model.factors?.find((k) => k.name === f.name)?.levels;
    if (!levels) continue;
    const ahead = f.values.slice(from);
    const t = ahead.findIndex((v) => !levels.includes(v));
    if (t >= 0) return `factor ${f.name} has a level the model never saw: "${ahead[t]}" in the week of ${dayToIso(data.dates[from + t])}`;
    Object.assign(given, factorDummies(model, f.name, ahead));
  }
  return given;
}

/** The first new week whose spend leaves the model's range [lo, hi] widened by `tolerance` x max(hi - lo, hi), or null. */
function spendOutsideRange(ch: NamedSeries, start: number, end: number, from: number, tolerance: number): { t: number; v: number; lo: number; hi: number } | null {
  let lo = Infinity;
  let hi = -Infinity;
  for (let t = start; t <= end; t++) {
    lo = Math.min(lo, ch.values[t]);
    hi = Math.max(hi, ch.values[t]);
  }
  const margin = tolerance * Math.max(hi - lo, hi);
  for (let t = from; t < ch.values.length; t++) {
    const v = ch.values[t];
    if (v > hi + margin || v < lo - margin) return { t, v, lo, hi };
  }
  return null;
}
