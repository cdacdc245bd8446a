/**
 * Carry-over of a channel in words and numbers: how a week's effect decays
 * over the following weeks (relative to its peak) and its half-life.
 */
import { weibullWeights } from '../mmm/transforms.ts';
import type { AdstockParams } from '../mmm/types.ts';
import type { ReportChannel } from './types.ts';

/** Lags shown in the decay chart: 0..DECAY_LAGS weeks. */
export const DECAY_LAGS = 12;

/**
 * Weeks until the decay curve, past its peak, falls to half the peak (linear
 * interpolation between weeks); null when it is gone within the first week or
 * never halves within the lags given.
 * @param decay effect at lags 0, 1, ... (any scale)
 * @example halfLifeFromDecay([1, 0.6, 0.36]) // => 1.4166... (0.6 -> 0.36 crosses 0.5 at 1 + 0.1 / 0.24)
 */
export function halfLifeFromDecay(decay: ArrayLike<number>): number | null {
  let peak = 0;
  for (let l = 1; l < decay.length; l++) if (decay[l] > decay[peak]) peak = l;
  const half = decay[peak] / 2;
  if (!(half > 0)) return null;
  for (let l = peak + 1; l < decay.length; l++) {
    if (decay[l] <= half) return l - 1 + (decay[l - 1] - half) / (decay[l - 1] - decay[l]);
  }
  return null;
}

/**
 * The carry-over summary of a fitted channel.
 * - geometric: the effect of a week's spend is theta^l after l weeks, so its
 *   half-life is ln(0.5) / ln(theta) weeks (Robyn's and PyMC-Marketing's
 *   geometric adstock);
 * - Weibull CDF/PDF (Robyn): the weights over the window, peak-normalised,
 *   half-life read off them;
 * - binomial (Meridian): its weights over maxLag + 1 weeks, half-life read off them.
 * Unknown kinds get a description and no numbers.
 */
export function adstockSummary(ad: AdstockParams | { kind: string }): ReportChannel['adstock'] {
  if (ad.kind === 'geometric') {
    const { theta } = ad as Extract<AdstockParams, { kind: 'geometric' }>;
    const decay = Array.from({ length: DECAY_LAGS + 1 }, (_, l) => theta ** l);
    return {
      description: `geometric: ${Math.round(theta * 100)}% of a week's effect carries into the next week`,
      halfLifeWeeks: theta > 0 ? Math.log(0.5) / Math.log(theta) : null,
      decay,
    };
  }
  if (ad.kind === 'weibull_cdf' || ad.kind === 'weibull_pdf') {
    const w = ad as Extract<AdstockParams, { kind: 'weibull_cdf' | 'weibull_pdf' }>;
    const weights = weibullWeights(w.kind === 'weibull_cdf' ? 'cdf' : 'pdf', w.shape, w.scale, w.windowLength);
    const peak = Math.max(...weights);
    const decay = Array.from({ length: DECAY_LAGS + 1 }, (_, l) => (l < weights.length && peak > 0 ? weights[l] / peak : 0));
    const at = decay.indexOf(1);
    return {
      description: `Weibull (${w.kind === 'weibull_cdf' ? 'CDF' : 'PDF'}): the effect peaks ${at === 0 ? 'in the week of the spend' : `${at} week${at === 1 ? '' : 's'} after the spend`}`,
      halfLifeWeeks: halfLifeFromDecay(peak > 0 ? Float64Array.from(weights, (v) => v / peak) : weights),
      decay,
    };
  }
  if (ad.kind === 'binomial') {
    // Meridian's binomial adstock: w_l = (1 - l / (maxLag + 1))^(1/decay - 1), l = 0..maxLag (peak 1 at lag 0).
    const { decay: d, maxLag } = ad as Extract<AdstockParams, { kind: 'binomial' }>;
    const e = 1 / Math.max(d, 1e-9) - 1;
    const decay = Array.from({ length: DECAY_LAGS + 1 }, (_, l) => (l <= maxLag ? (1 - l / (maxLag + 1)) ** e : 0));
    return {
      description: `binomial (Meridian's): the effect lasts the week of the spend and at most ${maxLag} week${maxLag === 1 ? '' : 's'} after it`,
      halfLifeWeeks: halfLifeFromDecay(decay),
      decay,
    };
  }
  return { description: `adstock "${ad.kind}"`, halfLifeWeeks: null, decay: [] };
}
