/**
 * Response curves from a fitted marketing-mix model, in the optimiser's curve
 * language. The curve of a channel is its long-run weekly response: spending
 * x every week, the adstock settles at its fixed point a* = x / (1 - theta)
 * (geometric; x if normalised; x * sum(w) for Weibull), so the weekly revenue
 * is coef * hill(a*) = coef * x^alpha / (x^alpha + (k / m)^alpha) with
 * m = a* / x: a Hill curve in weekly spend with inflexion k / m (log
 * saturation: a log curve with s = k / m). Carryover is included; over a
 * horizon of H weeks the response is H times the weekly curve.
 */
import type { ChannelResponse } from '../mmm/types.ts';
import { weibullWeights } from '../mmm/transforms.ts';
import type { CurveSpec } from './types.ts';

/** Adstock multiplier m with steady-state adstock = m * weekly spend. */
export function steadyStateMultiplier(ch: ChannelResponse): number {
  const ad = ch.adstock;
  if (ad.kind === 'geometric') return ad.normalised ? 1 : 1 / (1 - ad.theta);
  const w = weibullWeights(ad.kind === 'weibull_cdf' ? 'cdf' : 'pdf', ad.shape, ad.scale, ad.windowLength);
  let s = 0;
  for (let i = 0; i < w.length; i++) s += w[i];
  return s;
}

/**
 * The weekly steady-state response curve of a fitted channel.
 * @example weeklyCurve(channel) // => { type: 'hill', beta: coef, alpha, k: k * (1 - theta) }
 */
export function weeklyCurve(ch: ChannelResponse): CurveSpec {
  const m = steadyStateMultiplier(ch);
  const beta = Math.max(0, ch.coef);
  if (ch.saturation.kind === 'hill') {
    return { type: 'hill', beta, alpha: ch.saturation.alpha, k: ch.saturation.k / m };
  }
  return { type: 'log', beta, s: ch.saturation.k / m };
}
