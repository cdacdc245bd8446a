/**
 * Drift monitoring: decide whether this week's data still fits the current
 * model (reuse it) or not (refit), and say why. Pure: a model and the weekly
 * data in, a decision with its reasons and the numbers behind them out.
 */
import { dayToIso } from '../core/csv.ts';
import { predictBaseline, predictMedia } from '../mmm/predict.ts';
import type { MmmModel, WeeklyData } from '../mmm/types.ts';

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
 * Compares the data with the model.
 * @param model the current model (null: none yet)
 * @param data this week's full weekly table
 * @param modelActuals the target values the model was fitted on (to detect restated history)
 */
export function decideRefit(model: MmmModel | null, data: WeeklyData, modelActuals: ArrayLike<number> | null, th: DriftThresholds): DriftDecision {
  const refit = (reasons: string[], extra: Partial<DriftDecision> = {}): DriftDecision => ({ decision: 'refit', reasons, newWeeks: 0, errorRms: null, errorMean: null, weekly: [], ...extra });
  if (!model) return refit(['no fitted model yet']);
  const modelChannels = model.channels.map((c) => c.name).join(',');
  const dataChannels = data.channels.map((c) => c.name).join(',');
  if (modelChannels !== dataChannels) return refit([`channels changed: the model has ${modelChannels}, the data ${dataChannels}`]);
  const modelControls = model.baseline.filter((b) => b.kind === 'control' || b.kind === 'dummy').map((b) => b.name).sort().join(',');
  const dataControls = data.controls.map((c) => c.name).sort().join(',');
  if (modelControls !== dataControls) return refit([`controls changed: the model has ${modelControls || 'none'}, the data ${dataControls || 'none'}`]);
  const start = data.dates.indexOf(model.window.firstDay);
  const end = data.dates.indexOf(model.window.lastDay);
  if (start < 0 || end < 0 || end - start + 1 !== model.window.weeks) return refit([`the data no longer covers the model's weeks ${model.window.first} to ${model.window.last}`]);
  if (modelActuals) {
    for (let t = 0; t < model.window.weeks; t++) {
      const now = data.target[start + t];
      const then = modelActuals[t];
      if (Math.abs(now - then) > 0.005 * Math.max(1, Math.abs(then))) {
        return refit([`history restated: ${data.targetName} of the week of ${dayToIso(data.dates[start + t])} was ${then.toFixed(2)} when the model was fitted and is ${now.toFixed(2)} now`]);
      }
    }
  }
  const newWeeks = data.dates.length - 1 - end;
  if (newWeeks === 0) return { decision: 'reuse', reasons: [`no new weeks since the model's data (${model.window.last})`], newWeeks, errorRms: null, errorMean: null, weekly: [] };

  // Predict the new weeks with the model (carryover from its last week), using the actual spend and controls.
  const from = end + 1;
  const dates = data.dates.slice(from);
  const controls = Object.fromEntries(data.controls.map((c) => [c.name, c.values.slice(from)]));
  const predicted = Float64Array.from(predictBaseline(model, dates, controls).total);
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
    const seen = ch.values.slice(start, end + 1);
    let lo = Infinity;
    let hi = -Infinity;
    for (const v of seen) {
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
    }
    const span = hi - lo;
    for (let t = from; t < ch.values.length; t++) {
      const v = ch.values[t];
      if (v > hi + th.spendRangeTolerance * Math.max(span, hi) || v < lo - th.spendRangeTolerance * Math.max(span, hi)) {
        reasons.push(`spend of ${ch.name} in the week of ${dayToIso(data.dates[t])} (${v.toFixed(0)}) is outside the range the model saw (${lo.toFixed(0)} to ${hi.toFixed(0)}, +/- ${Math.round(100 * th.spendRangeTolerance)}%)`);
        break;
      }
    }
  }
  if (newWeeks > th.maxModelAgeWeeks) reasons.push(`the model is ${newWeeks} weeks old (limit ${th.maxModelAgeWeeks})`);
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
