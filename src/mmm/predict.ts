/**
 * Predictions from a fitted model or a bootstrap draw: a channel's weekly
 * media effect for any spend plan (carryover from the observed weeks
 * included), steady-state response curves, and the baseline forecast.
 */
import { convolveAdstockInto, geometricAdstockInto, hillInPlace, logSaturationInPlace, weibullWeightsInto } from './kernel.ts';
import { baselineColumns } from './design.ts';
import type { AdstockParams, CarryState, ChannelResponse, MediaModel, MmmModel, SaturationParams } from './types.ts';

const NO_CARRY: CarryState = { lastAdstock: 0, recentSpend: [] };

/**
 * Adstocked series of `spend` continuing from `carry` (the state after the
 * last observed week; `null` = no history). Geometric: d[t] = x[t] + theta d[t-1]
 * with d[-1] = carry.lastAdstock (times (1 - theta) if normalised). Weibull:
 * convolution over carry.recentSpend followed by the plan, weights truncated
 * at the fitted window length.
 */
export function adstockSeries(adstock: AdstockParams, spend: ArrayLike<number>, carry: CarryState | null = null): Float64Array {
  const n = spend.length;
  const out = new Float64Array(n);
  const c = carry ?? NO_CARRY;
  if (adstock.kind === 'geometric') {
    geometricAdstockInto(Float64Array.from(spend), 0, n, adstock.theta, adstock.normalised, c.lastAdstock, out, 0);
    return out;
  }
  const L = adstock.windowLength;
  const w = new Float64Array(L);
  weibullWeightsInto(adstock.kind === 'weibull_cdf' ? 1 : 2, adstock.shape, adstock.scale, L, w);
  const h = c.recentSpend.length;
  const x = new Float64Array(h + n);
  x.set(c.recentSpend, 0);
  for (let t = 0; t < n; t++) x[h + t] = spend[t];
  convolveAdstockInto(x, h, h, n, w, L, out, 0);
  return out;
}

/** Applies a fitted saturation (fixed k) to adstocked values; returns a new array. */
export function saturate(saturation: SaturationParams, adstocked: ArrayLike<number>): Float64Array {
  const a = Float64Array.from(adstocked);
  if (saturation.kind === 'hill') hillInPlace(a, 0, a.length, saturation.alpha, saturation.k);
  else logSaturationInPlace(a, 0, a.length, saturation.k);
  return a;
}

/**
 * Weekly revenue effect of one channel for a spend plan:
 * coef * saturation(adstock(spend | carry)), in target units per week.
 * @param carry state after the last observed week (default: the model's own,
 *   i.e. the plan starts the week after the data window); `null` = no carryover
 */
export function mediaEffect(channel: ChannelResponse, spend: ArrayLike<number>, carry: CarryState | null = channel.carry): Float64Array {
  for (let t = 0; t < spend.length; t++) {
    if (!(spend[t] >= 0) || !Number.isFinite(spend[t])) throw new RangeError(`mediaEffect: spend for ${channel.name} at week ${t} must be a finite number >= 0, got ${spend[t]}`);
  }
  const s = saturate(channel.saturation, adstockSeries(channel.adstock, spend, carry));
  for (let t = 0; t < s.length; t++) s[t] *= channel.coef;
  return s;
}

/**
 * Weekly media effect of `channel` in a fitted model or a bootstrap draw for
 * a future spend plan, carrying over the adstock of the observed weeks
 * (`carryIn` defaults to the state saved at the end of the data window).
 * @throws RangeError for an unknown channel name or a negative/non-finite spend
 * @example predictMedia(model, 'tv_spend', new Float64Array(13).fill(5000)) // 13 weekly effects
 */
export function predictMedia(model: MediaModel, channel: string, spend: ArrayLike<number>, carryIn?: CarryState | null): Float64Array {
  const ch = model.channels.find((c) => c.name === channel);
  if (!ch) throw new RangeError(`predictMedia: unknown channel "${channel}" (model has ${model.channels.map((c) => c.name).join(', ')})`);
  return mediaEffect(ch, spend, carryIn === undefined ? ch.carry : carryIn);
}

/**
 * Long-run weekly effect of spending `weeklySpend` every week (the response
 * curve the budget optimiser uses): the adstock's fixed point is
 * s / (1 - theta) for geometric (s if normalised) and s * sum(w) for Weibull.
 */
export function steadyStateEffect(channel: ChannelResponse, weeklySpend: number): number {
  if (!(weeklySpend >= 0)) throw new RangeError(`steadyStateEffect: weekly spend must be >= 0, got ${weeklySpend}`);
  let a: number;
  const ad = channel.adstock;
  if (ad.kind === 'geometric') a = ad.normalised ? weeklySpend : weeklySpend / (1 - ad.theta);
  else {
    const w = new Float64Array(ad.windowLength);
    weibullWeightsInto(ad.kind === 'weibull_cdf' ? 1 : 2, ad.shape, ad.scale, ad.windowLength, w);
    let sw = 0;
    for (let l = 0; l < w.length; l++) sw += w[l];
    a = weeklySpend * sw;
  }
  return channel.coef * saturate(channel.saturation, [a])[0];
}

/** Baseline forecast parts per week. */
export interface BaselineForecast {
  intercept: number;
  trend: Float64Array;
  seasonality: Float64Array;
  controls: Record<string, Float64Array>;
  total: Float64Array;
}

/**
 * Baseline (non-media) prediction for any weeks (past or future): intercept +
 * trend (weeks since the first modelled week) + Fourier seasonality + controls.
 * A control missing from `controls` takes 0 if it is a 0/1 dummy (no holiday)
 * and its mean over the model's last 13 weeks otherwise.
 * @param dates week starts as days since epoch
 * @throws RangeError when a given control series has the wrong length
 */
export function predictBaseline(model: MmmModel, dates: Int32Array, controls: Record<string, ArrayLike<number>> = {}): BaselineForecast {
  const n = dates.length;
  const ctrlTerms = model.baseline.filter((b) => b.kind === 'control' || b.kind === 'dummy');
  const series = ctrlTerms.map((b) => {
    const given = controls[b.name];
    if (given && given.length !== n) throw new RangeError(`predictBaseline: control ${b.name} has ${given.length} values for ${n} weeks`);
    const v = given ? Float64Array.from(given) : new Float64Array(n).fill(b.kind === 'dummy' ? 0 : (b.recentMean ?? 0));
    return { name: b.name, values: v, dummy: b.kind === 'dummy' };
  });
  const cols = baselineColumns(dates, model.window.firstDay, { trend: model.baseline.some((b) => b.kind === 'trend'), fourierOrder: model.fourierOrder, period: model.seasonalityPeriod }, series, {});
  const trend = new Float64Array(n);
  const seasonality = new Float64Array(n);
  const ctrlOut: Record<string, Float64Array> = {};
  const total = new Float64Array(n).fill(model.intercept);
  for (const col of cols) {
    const term = model.baseline.find((b) => b.name === col.name);
    if (!term) continue;
    const target = col.kind === 'trend' ? trend : col.kind === 'fourier' ? seasonality : (ctrlOut[col.name] = new Float64Array(n));
    for (let t = 0; t < n; t++) {
      const v = term.coef * col.values[t];
      target[t] += v;
      total[t] += v;
    }
  }
  return { intercept: model.intercept, trend, seasonality, controls: ctrlOut, total };
}
