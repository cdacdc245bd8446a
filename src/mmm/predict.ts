/**
 * Predictions from a fitted model or a bootstrap draw: a channel's weekly
 * media effect for any spend plan (carryover from the observed weeks
 * included), steady-state response curves, and the baseline forecast.
 */
import { binomialWeightsInto, convolveAdstockInto, geometricAdstockInto, hillInPlace, logisticInPlace, logSaturationInPlace, michaelisMentenInPlace, weibullWeightsInto } from './kernel.ts';
import { baselineColumns } from './design.ts';
import type { AdstockParams, CarryState, ChannelResponse, MediaModel, MmmModel, SaturationParams } from './types.ts';

const NO_CARRY: CarryState = { lastAdstock: 0, recentSpend: [] };

/**
 * The convolution weights of an adstock (lags 0, 1, ...): Weibull over its
 * fitted window length, binomial over its lags; null for geometric (a recursion).
 */
export function adstockWeights(adstock: AdstockParams): Float64Array | null {
  if (adstock.kind === 'geometric') return null;
  if (adstock.kind === 'binomial') {
    const w = new Float64Array(adstock.maxLag + 1);
    binomialWeightsInto(adstock.decay, adstock.maxLag, w);
    return w;
  }
  const w = new Float64Array(adstock.windowLength);
  weibullWeightsInto(adstock.kind === 'weibull_cdf' ? 1 : 2, adstock.shape, adstock.scale, adstock.windowLength, w);
  return w;
}

/**
 * Adstocked series of `spend` continuing from `carry` (the state after the
 * last observed week; `null` = no history). Geometric: d[t] = x[t] + theta d[t-1]
 * with d[-1] = carry.lastAdstock (times (1 - theta) if normalised). Weibull and
 * binomial: convolution over carry.recentSpend followed by the plan, with the
 * weights of adstockWeights.
 */
export function adstockSeries(adstock: AdstockParams, spend: ArrayLike<number>, carry: CarryState | null = null): Float64Array {
  const n = spend.length;
  const out = new Float64Array(n);
  const c = carry ?? NO_CARRY;
  if (adstock.kind === 'geometric') {
    geometricAdstockInto(Float64Array.from(spend), 0, n, adstock.theta, adstock.normalised, c.lastAdstock, out, 0);
    return out;
  }
  const w = adstockWeights(adstock) as Float64Array;
  const L = w.length;
  const h = c.recentSpend.length;
  const x = new Float64Array(h + n);
  x.set(c.recentSpend, 0);
  for (let t = 0; t < n; t++) x[h + t] = spend[t];
  convolveAdstockInto(x, h, h, n, w, L, out, 0);
  return out;
}

/** Applies a fitted saturation (fixed scale k) to adstocked values; returns a new array. */
export function saturate(saturation: SaturationParams, adstocked: ArrayLike<number>): Float64Array {
  const a = Float64Array.from(adstocked);
  if (saturation.kind === 'hill') hillInPlace(a, 0, a.length, saturation.alpha, saturation.k);
  else if (saturation.kind === 'log') logSaturationInPlace(a, 0, a.length, saturation.k);
  else if (saturation.kind === 'logistic') logisticInPlace(a, 0, a.length, saturation.k);
  else michaelisMentenInPlace(a, 0, a.length, saturation.k);
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
 * s / (1 - theta) for geometric (s if normalised) and s * sum(w) for the others.
 */
export function steadyStateEffect(channel: ChannelResponse, weeklySpend: number): number {
  if (!(weeklySpend >= 0)) throw new RangeError(`steadyStateEffect: weekly spend must be >= 0, got ${weeklySpend}`);
  let a: number;
  const ad = channel.adstock;
  if (ad.kind === 'geometric') a = ad.normalised ? weeklySpend : weeklySpend / (1 - ad.theta);
  else {
    const w = adstockWeights(ad) as Float64Array;
    let sw = 0;
    for (let l = 0; l < w.length; l++) sw += w[l];
    a = weeklySpend * sw;
  }
  return channel.coef * saturate(channel.saturation, [a])[0];
}

/** Baseline forecast parts per week (every part of the model but paid media). */
export interface BaselineForecast {
  intercept: number;
  trend: Float64Array;
  seasonality: Float64Array;
  /** Each control's effect, by control name. */
  controls: Record<string, Float64Array>;
  /** Each factor's effect (its level's dummy coefficient; 0 at the reference level), by factor name. */
  factors: Record<string, Float64Array>;
  /** Each organic variable's effect (adstock carried over from the model's last week), by name. */
  organic: Record<string, Float64Array>;
  total: Float64Array;
}

/** A given series' values for `n` weeks, or `fallback` every week. @throws RangeError for a wrong length */
function givenOr(given: Record<string, ArrayLike<number>>, name: string, n: number, fallback: number): Float64Array {
  const g = given[name];
  if (g && g.length !== n) throw new RangeError(`predictBaseline: ${name} has ${g.length} values for ${n} weeks`);
  return g ? Float64Array.from(g) : new Float64Array(n).fill(fallback);
}

/**
 * Baseline (everything but paid media) prediction for any weeks: intercept +
 * trend (weeks since the first modelled week) + Fourier seasonality +
 * controls + factors + organic variables. `given` holds series by name:
 * controls (left out: a 0/1 dummy takes 0, any other its mean over the
 * model's last 13 weeks), factor dummies by term name `<factor>_<level>`
 * (left out: 0, the reference level; see factorDummies), organic activity
 * (left out: its recent mean). Organic effects continue the adstock from the
 * model's last week, so with organic variables the weeks must follow it.
 * @param dates week starts as days since epoch
 * @throws RangeError when a given series has the wrong length, or organic weeks do not follow the model's last week
 */
export function predictBaseline(model: MmmModel, dates: Int32Array, given: Record<string, ArrayLike<number>> = {}): BaselineForecast {
  const n = dates.length;
  const ctrlTerms = model.baseline.filter((b) => b.kind === 'control' || b.kind === 'dummy');
  const series = ctrlTerms.map((b) => ({ name: b.name, values: givenOr(given, b.name, n, b.kind === 'dummy' ? 0 : (b.recentMean ?? 0)), dummy: b.kind === 'dummy' }));
  const cols = baselineColumns(
    dates,
    model.window.firstDay,
    { trend: model.baseline.some((b) => b.kind === 'trend'), fourierOrder: model.fourierOrder, period: model.seasonalityPeriod, knots: model.trendKnots },
    series,
    {},
  );
  const out: BaselineForecast = {
    intercept: model.intercept,
    trend: new Float64Array(n),
    seasonality: new Float64Array(n),
    controls: {},
    factors: {},
    organic: {},
    total: new Float64Array(n).fill(model.intercept),
  };
  const add = (target: Float64Array, coef: number, values: ArrayLike<number>): void => {
    for (let t = 0; t < n; t++) {
      target[t] += coef * values[t];
      out.total[t] += coef * values[t];
    }
  };
  for (const col of cols) {
    const term = model.baseline.find((b) => b.name === col.name);
    if (!term) continue;
    add(col.kind === 'trend' ? out.trend : col.kind === 'fourier' ? out.seasonality : (out.controls[col.name] = new Float64Array(n)), term.coef, col.values);
  }
  for (const term of model.baseline.filter((b) => b.kind === 'factor')) {
    const f = term.factor ?? term.name;
    add((out.factors[f] ??= new Float64Array(n)), term.coef, givenOr(given, term.name, n, 0));
  }
  if (model.organic?.length && n > 0 && dates[0] !== model.window.lastDay + 7) {
    throw new RangeError(`predictBaseline: organic effects continue from the model's last week (${model.window.last}), so the weeks must start the week after it`);
  }
  for (const og of model.organic ?? []) add((out.organic[og.name] = new Float64Array(n)), 1, mediaEffect(og, givenOr(given, og.name, n, og.recentMean)));
  return out;
}

/**
 * 0/1 dummy series of a factor's planned levels, keyed by the model's term
 * names `<factor>_<level>` (the input predictBaseline takes).
 * @throws RangeError for a factor the model does not have or a level it never saw
 */
export function factorDummies(model: MmmModel, factor: string, levels: string[]): Record<string, Float64Array> {
  const f = model.factors?.find((x) => x.name === factor);
  if (!f) throw new RangeError(`factorDummies: the model has no factor "${factor}"`);
  const out: Record<string, Float64Array> = {};
  const terms = model.baseline.filter((b) => b.kind === 'factor' && b.factor === factor);
  for (const term of terms) out[term.name] = new Float64Array(levels.length);
  levels.forEach((level, t) => {
    if (!f.levels.includes(level)) throw new RangeError(`factorDummies: level "${level}" of ${factor} was not seen in the fit (levels: ${f.levels.join(', ')})`);
    const term = terms.find((b) => b.level === level);
    if (term) out[term.name][t] = 1;
  });
  return out;
}
