/**
 * Response curves from a fitted marketing-mix model, in the optimiser's curve
 * language. The curve of a channel is its long-run weekly response: spending
 * x every week, the adstock settles at its fixed point a* = x / (1 - theta)
 * (geometric; x if normalised; x * sum(w) for Weibull), so the weekly revenue
 * is coef * hill(a*) = coef * x^alpha / (x^alpha + (k / m)^alpha) with
 * m = a* / x: a Hill curve in weekly spend with inflexion k / m (log
 * saturation: a log curve with s = k / m; see weeklyCurve for the other
 * families). Carryover is included; over a horizon of H weeks the response is
 * H times the weekly curve.
 */
import type { ChannelResponse } from '../mmm/types.ts';
import { adstockWeights } from '../mmm/predict.ts';
import type { CurveSpec } from './types.ts';

/** Adstock multiplier m with steady-state adstock = m * weekly spend. */
export function steadyStateMultiplier(ch: ChannelResponse): number {
  const ad = ch.adstock;
  if (ad.kind === 'geometric') return ad.normalised ? 1 : 1 / (1 - ad.theta);
  const w = adstockWeights(ad) as Float64Array;
  let s = 0;
  for (let i = 0; i < w.length; i++) s += w[i];
  return s;
}

/** Points of a `points` curve for a family the optimiser has no closed form for (the logistic). */
export const CURVE_POINTS = 41;

/**
 * The weekly steady-state response curve of a fitted channel: Hill as `hill`,
 * Michaelis-Menten as `hill` with alpha 1 (the same function), log as `log`,
 * logistic as `points`: CURVE_POINTS weekly spends from 0 to the spend whose
 * steady-state adstock is twice the largest the model saw (quadratically
 * spaced, denser where the curve bends), the response exact at each point and
 * linear between them (within 0.3% of the curve there), flat beyond the last.
 * @example weeklyCurve(channel) // => { type: 'hill', beta: coef, alpha, k: k * (1 - theta) } for Hill with geometric adstock
 */
export function weeklyCurve(ch: ChannelResponse): CurveSpec {
  const m = steadyStateMultiplier(ch);
  const beta = Math.max(0, ch.coef);
  const sat = ch.saturation;
  if (sat.kind === 'hill') return { type: 'hill', beta, alpha: sat.alpha, k: sat.k / m };
  if (sat.kind === 'michaelis_menten') return { type: 'hill', beta, alpha: 1, k: sat.k / m };
  if (sat.kind === 'log') return { type: 'log', beta, s: sat.k / m };
  const last = (2 * sat.adstockMax) / m;
  const spend = Array.from({ length: CURVE_POINTS }, (_, i) => last * (i / (CURVE_POINTS - 1)) ** 2);
  return { type: 'points', spend, response: spend.map((x) => beta * Math.tanh((x * m) / (2 * sat.k))) };
}
