/**
 * Media transforms as pure functions: geometric and Weibull adstock, Hill and
 * log saturation. Each returns a new array and leaves its input unchanged.
 * The in-place kernels they call are in kernel.ts (shared with the search).
 */
import { binomialWeightsInto, convolveAdstockInto, geometricAdstockInto, hillInPlace, logisticInPlace, logSaturationInPlace, michaelisMentenInPlace, weibullWeightsInto } from './kernel.ts';

function checkSeries(fn: string, x: ArrayLike<number>): Float64Array {
  const a = Float64Array.from(x);
  for (let i = 0; i < a.length; i++) {
    if (!Number.isFinite(a[i])) throw new RangeError(`${fn}: value at index ${i} is not finite (${a[i]})`);
  }
  return a;
}

/**
 * Geometric adstock: d[t] = x[t] + theta * d[t-1], d[-1] = carryIn (default 0);
 * with `normalised`, returns (1 - theta) * d, which keeps the total of a long series.
 * @param theta decay in [0, 1)
 * @throws RangeError if theta is outside [0, 1) or x has a non-finite value
 * @example geometricAdstock([100, 0, 0], 0.5) // => [100, 50, 25]
 */
export function geometricAdstock(x: ArrayLike<number>, theta: number, opts: { normalised?: boolean; carryIn?: number } = {}): Float64Array {
  if (!(theta >= 0 && theta < 1)) throw new RangeError(`geometricAdstock: theta must be in [0, 1), got ${theta}`);
  const a = checkSeries('geometricAdstock', x);
  const out = new Float64Array(a.length);
  geometricAdstockInto(a, 0, a.length, theta, opts.normalised ?? false, opts.carryIn ?? 0, out, 0);
  return out;
}

/**
 * Weibull adstock weights (lags 0..windowLength-1) as Robyn's `adstock_weibull`
 * (facebookexperimental/Robyn R/R/transformation.R): the Weibull scale in weeks is
 * round(1 + scale * (windowLength - 1)) (R's quantile(1:L, scale), rounded half to even);
 * CDF form: w[0] = 1, w[l] = prod_{i=1..l} (1 - F(i)); PDF form: the density at 1..L
 * min-max normalised to [0, 1] (so it can peak after lag 0).
 * @param shape >= 0 (0 gives all-zero weights, as Robyn)
 * @param scale in [0, 1]
 */
export function weibullWeights(kind: 'cdf' | 'pdf', shape: number, scale: number, windowLength: number): Float64Array {
  if (!(shape >= 0) || !Number.isFinite(shape)) throw new RangeError(`weibullWeights: shape must be >= 0, got ${shape}`);
  if (!(scale >= 0 && scale <= 1)) throw new RangeError(`weibullWeights: scale must be in [0, 1], got ${scale}`);
  if (!(Number.isInteger(windowLength) && windowLength >= 1)) throw new RangeError(`weibullWeights: windowLength must be a positive integer, got ${windowLength}`);
  const w = new Float64Array(windowLength);
  weibullWeightsInto(kind === 'cdf' ? 1 : 2, shape, scale, windowLength, w);
  return w;
}

/**
 * Weibull adstock (Robyn): d[t] = sum_{l=0..t} w[l] x[t-l] with the weights of
 * {@link weibullWeights} over a window of `windowLength` (default x.length) weeks.
 */
export function weibullAdstock(x: ArrayLike<number>, kind: 'cdf' | 'pdf', shape: number, scale: number, windowLength = x.length): Float64Array {
  const a = checkSeries('weibullAdstock', x);
  const w = weibullWeights(kind, shape, scale, windowLength);
  const out = new Float64Array(a.length);
  convolveAdstockInto(a, 0, 0, a.length, w, windowLength, out, 0);
  return out;
}

/**
 * Hill saturation: a^alpha / (a^alpha + k^alpha), 0 at a = 0, with the inflexion
 * k = gamma * max(a) over the series unless `k` is given (a fitted model fixes k).
 * Robyn's `saturation_hill` instead puts k at the gamma-quantile of an even grid
 * over [min(a), max(a)], i.e. min + gamma (max - min); the two agree whenever the
 * adstocked series reaches 0 (a channel with dark weeks). We use gamma * max, as issue 3 states.
 * @param alpha > 0 (shape: < 1 concave, > 1 S-shaped)
 * @param gamma in (0, 1]
 */
export function hillSaturation(a: ArrayLike<number>, alpha: number, gamma: number, k?: number): Float64Array {
  if (!(alpha > 0)) throw new RangeError(`hillSaturation: alpha must be > 0, got ${alpha}`);
  const out = checkSeries('hillSaturation', a);
  let kk = k;
  if (kk === undefined) {
    if (!(gamma > 0 && gamma <= 1)) throw new RangeError(`hillSaturation: gamma must be in (0, 1], got ${gamma}`);
    let mx = 0;
    for (let i = 0; i < out.length; i++) if (out[i] > mx) mx = out[i];
    kk = gamma * mx;
  }
  hillInPlace(out, 0, out.length, alpha, kk);
  return out;
}

/**
 * Log saturation: log1p(a / s).
 * @param s > 0, in the units of a
 */
export function logSaturation(a: ArrayLike<number>, s: number): Float64Array {
  if (!(s > 0)) throw new RangeError(`logSaturation: s must be > 0, got ${s}`);
  const out = checkSeries('logSaturation', a);
  logSaturationInPlace(out, 0, out.length, s);
  return out;
}

/**
 * Logistic saturation (PyMC-Marketing's logistic_saturation on media scaled by
 * its largest value M): (1 - e^(-lam a / M)) / (1 + e^(-lam a / M)), i.e.
 * tanh(a / 2k) with k = M / lam unless `k` is given (a fitted model fixes k).
 * Concave with slope lam / (2M) at 0.
 * @param lam > 0
 * @example logisticSaturation([0, 1, 2], 2) // => [0, tanh(0.5), tanh(1)] = [0, 0.4621..., 0.7615...]
 */
export function logisticSaturation(a: ArrayLike<number>, lam: number, k?: number): Float64Array {
  if (!(lam > 0)) throw new RangeError(`logisticSaturation: lam must be > 0, got ${lam}`);
  const out = checkSeries('logisticSaturation', a);
  let mx = 0;
  for (let i = 0; i < out.length; i++) if (out[i] > mx) mx = out[i];
  logisticInPlace(out, 0, out.length, k ?? mx / lam);
  return out;
}

/**
 * Michaelis-Menten saturation: a / (k + a) with k = ec * max(a) unless `k` is
 * given; the Hill curve with alpha 1 (Meridian's default slope).
 * @param ec > 0, the half-saturation point as a fraction of the largest value
 */
export function michaelisMenten(a: ArrayLike<number>, ec: number, k?: number): Float64Array {
  if (!(ec > 0)) throw new RangeError(`michaelisMenten: ec must be > 0, got ${ec}`);
  const out = checkSeries('michaelisMenten', a);
  let mx = 0;
  for (let i = 0; i < out.length; i++) if (out[i] > mx) mx = out[i];
  michaelisMentenInPlace(out, 0, out.length, k ?? ec * mx);
  return out;
}

/**
 * Binomial adstock (Meridian's, meridian/model/adstock_hill.py):
 * d[t] = sum_{l=0..maxLag} w_l x[t-l] with w_l = (1 - l / (maxLag + 1))^(1 / decay - 1)
 * (unnormalised; Meridian divides by sum(w), a constant factor).
 * @param decay in (0, 1]: 1 weights every lag alike, towards 0 only the week of spend
 * @example binomialAdstock([9, 0, 0], 0.5, 2) // => [9, 6, 3] (weights 1, 2/3, 1/3)
 */
export function binomialAdstock(x: ArrayLike<number>, decay: number, maxLag = 8): Float64Array {
  if (!(decay > 0 && decay <= 1)) throw new RangeError(`binomialAdstock: decay must be in (0, 1], got ${decay}`);
  if (!(Number.isInteger(maxLag) && maxLag >= 0)) throw new RangeError(`binomialAdstock: maxLag must be an integer >= 0, got ${maxLag}`);
  const a = checkSeries('binomialAdstock', x);
  const w = new Float64Array(maxLag + 1);
  binomialWeightsInto(decay, maxLag, w);
  const out = new Float64Array(a.length);
  convolveAdstockInto(a, 0, 0, a.length, w, maxLag + 1, out, 0);
  return out;
}
