/**
 * The Bayes oracle of the 'meridian' battery family: the posterior of the
 * total media effect for an estimator that knows the generating process
 * (every channel's true curve, the noise sd, the baseline's form, the level
 * that sets the knots' step, the priors of the ROIs and of the knots' random
 * walk) but not its draws. It leaves out two fixed parts of the baseline
 * (g2 = 0.05 x level and g1's prior, both taken as free), so it is close to,
 * not exactly, the best estimator: its posterior's expected share of data sets
 * within 15% is about what the best rule can expect; a realised count over a
 * few dozen seeds is random.
 *
 * Model: y = level + g1 c1 + g2 c2 + sum_i d_i ramp_i + sum_j b_j h_j + e,
 * e ~ N(0, sd^2); h_j the true effect shape (summing to 1, so b_j is the
 * channel's contribution); d_i ~ N(0, (knotStep level)^2) the knots' steps;
 * level, g1, g2 flat; log b_j ~ N(logRoiMean + log spend_j, logRoiSd^2); the
 * level uniform on levelOverMedia x the mean weekly media.
 * The Gaussian parts are integrated out exactly; the channels' log
 * contributions are sampled by Metropolis within Gibbs.
 */
import { invertSymmetricPositiveDefinite } from '../core/linalg.ts';
import { Rng } from '../core/rng.ts';
import type { GeneratedCase } from './battery.ts';
import { MERIDIAN_PRIOR } from './battery.ts';

/** A Gaussian likelihood for coefficients b after the baseline's Gaussian parameters are integrated out. */
export interface MarginalQuadratic {
  /** log p(y | b) = -b'Gb / 2 + b'v + const; G row-major k x k. */
  G: Float64Array;
  v: Float64Array;
  /** The baseline's first parameter (the level) given b: N(levelAt0 - sum_j b_j levelSlope_j, levelSd^2). */
  levelAt0: number;
  levelSlope: Float64Array;
  levelSd: number;
}

/**
 * Integrates the Gaussian baseline parameters out of y = B theta + H b + e, e ~ N(0, sd^2 I),
 * theta ~ N(0, diag(1 / precision)) (precision 0: flat).
 * @param B baseline columns (length n each); H effect columns; precision one per column of B.
 * @throws Error when B'B / sd^2 + diag(precision) is not positive definite.
 */
export function marginaliseBaseline(y: ArrayLike<number>, B: ArrayLike<number>[], precision: number[], H: ArrayLike<number>[], sd: number): MarginalQuadratic {
  const n = y.length;
  const k = H.length;
  const dot = (a: ArrayLike<number>, b: ArrayLike<number>): number => {
    let s = 0;
    for (let t = 0; t < n; t++) s += a[t] * b[t];
    return s;
  };
  const s2 = sd * sd;
  const A = B.map((bi, i) => Float64Array.from(B, (bj, j) => dot(bi, bj) / s2 + (i === j ? precision[i] : 0)));
  const Ainv = invertSymmetricPositiveDefinite(A);
  if (!Ainv) throw new Error('marginaliseBaseline: the baseline design is singular');
  const By = B.map((b) => dot(b, y) / s2);
  const BH = H.map((h) => B.map((b) => dot(b, h) / s2));
  const AinvBy = Ainv.map((row) => row.reduce((a, r, j) => a + r * By[j], 0));
  const AinvBH = BH.map((bh) => Ainv.map((row) => row.reduce((a, r, j) => a + r * bh[j], 0)));
  // u'Mw with M = I / sd^2 - B Ainv B' / sd^4.
  const G = new Float64Array(k * k);
  const v = new Float64Array(k);
  for (let a = 0; a < k; a++) {
    v[a] = dot(H[a], y) / s2 - BH[a].reduce((s, x, i) => s + x * AinvBy[i], 0);
    for (let b = 0; b < k; b++) G[a * k + b] = dot(H[a], H[b]) / s2 - BH[a].reduce((s, x, i) => s + x * AinvBH[b][i], 0);
  }
  return { G, v, levelAt0: AinvBy[0], levelSlope: Float64Array.from(AinvBH, (x) => x[0]), levelSd: Math.sqrt(Ainv[0][0]) };
}

/** Posterior draws of a total and the estimates read from them. */
export interface TotalPosterior {
  /** Draws of the total media effect, sorted ascending. */
  draws: Float64Array;
  mean: number;
  median: number;
  /** The estimate with the most posterior mass within 15% of the truth: the best rule for "within 15%". */
  best15: number;
  /** That mass: the chance, given the data, that best15 is within 15%. */
  best15Mass: number;
  acceptance: number;
}

/** The estimate t maximising P(|t - T| <= 0.15 T), i.e. T in [t / 1.15, t / 0.85], over sorted draws. */
export function bestWithin(sorted: Float64Array, tolerance = 0.15): { estimate: number; mass: number } {
  let best = { estimate: sorted[0], mass: 0 };
  let hi = 0;
  // The best window's lower edge sits on a draw: t = sorted[lo] x (1 + tolerance).
  for (let lo = 0; lo < sorted.length; lo++) {
    const t = sorted[lo] * (1 + tolerance);
    while (hi < sorted.length && sorted[hi] <= t / (1 - tolerance)) hi++;
    const mass = (hi - lo) / sorted.length;
    if (mass > best.mass) best = { estimate: t, mass };
  }
  return best;
}

/** log erfc(z) for z >= 0 (Numerical Recipes' erfcc, relative error < 1.2e-7), finite far into the tail. */
function logErfc(z: number): number {
  const t = 1 / (1 + 0.5 * z);
  const poly = -1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277))))))));
  return Math.log(t) - z * z + poly;
}

/** log of the standard normal CDF. */
export function logNormalCdf(x: number): number {
  return x < 0 ? Math.log(0.5) + logErfc(-x / Math.SQRT2) : Math.log1p(-0.5 * Math.exp(logErfc(x / Math.SQRT2)));
}

/** log(Phi(b) - Phi(a)) for a < b, from whichever tail keeps its precision. */
export function logNormalInterval(a: number, b: number): number {
  if (a >= 0) return logNormalInterval(-b, -a);
  if (b <= 0) {
    const hi = logNormalCdf(b);
    return hi + Math.log1p(-Math.exp(logNormalCdf(a) - hi));
  }
  return Math.log1p(-Math.exp(logNormalCdf(a)) - Math.exp(logNormalCdf(-b)));
}

/** Options of the sampler. */
export interface SamplerOptions {
  seed: number;
  sweeps: number;
  burnIn: number;
}

/**
 * Samples log b from exp(-b'Gb/2 + b'v) x prod N(log b_j; mu_j, sd^2) x levelFactor(b), one coordinate
 * at a time (random-walk Metropolis, steps tuned during burn-in), starting at `start` (must have finite density).
 */
export function sampleTotals(q: MarginalQuadratic, mu: number[], logSd: number, levelFactor: (b: Float64Array) => number, start: Float64Array, opts: SamplerOptions): TotalPosterior {
  const k = mu.length;
  const rng = new Rng(opts.seed, 77);
  const b = Float64Array.from(start);
  const logPost = (x: Float64Array): number => {
    let s = 0;
    for (let i = 0; i < k; i++) {
      let gx = 0;
      for (let j = 0; j < k; j++) gx += q.G[i * k + j] * x[j];
      s += -0.5 * x[i] * gx + x[i] * q.v[i] - (Math.log(x[i]) - mu[i]) ** 2 / (2 * logSd * logSd);
    }
    return s + levelFactor(x);
  };
  let current = logPost(b);
  if (!Number.isFinite(current)) throw new Error('sampleTotals: the start has zero density');
  const step = new Float64Array(k).fill(0.1);
  const accepted = new Float64Array(k);
  const draws = new Float64Array(opts.sweeps);
  let kept = 0;
  for (let sweep = 0; sweep < opts.burnIn + opts.sweeps; sweep++) {
    for (let i = 0; i < k; i++) {
      const old = b[i];
      b[i] = old * Math.exp(step[i] * rng.normal());
      const next = logPost(b);
      if (Math.log(rng.uniform()) < next - current) {
        current = next;
        accepted[i]++;
      } else b[i] = old;
    }
    if (sweep < opts.burnIn && (sweep + 1) % 100 === 0) {
      for (let i = 0; i < k; i++) step[i] *= Math.exp(accepted[i] / 100 - 0.4);
      accepted.fill(0);
    }
    if (sweep === opts.burnIn - 1) accepted.fill(0);
    if (sweep >= opts.burnIn) draws[kept++] = b.reduce((a, x) => a + x, 0);
  }
  draws.sort();
  const best = bestWithin(draws);
  return {
    draws,
    mean: draws.reduce((a, x) => a + x, 0) / draws.length,
    median: draws[Math.floor(draws.length / 2)],
    best15: best.estimate,
    best15Mass: best.mass,
    acceptance: accepted.reduce((a, x) => a + x, 0) / (k * opts.sweeps),
  };
}

/** The ramp of knot step i (1-based): 0 before week K(i-1), rising linearly to 1 at week K i, 1 after. */
function ramp(n: number, K: number, i: number): Float64Array {
  return Float64Array.from({ length: n }, (_, t) => Math.min(1, Math.max(0, (t - K * (i - 1)) / K)));
}

/** What the oracle knows beyond the true curves and noise sd (each part can be taken away to see its worth). */
export interface OracleKnowledge {
  /** The baseline: 'random walk' (knots every 13 weeks with the true step prior), 'free knots' (the same knots, flat), 'straight' (a straight trend). */
  baseline: 'random walk' | 'free knots' | 'straight';
  /** The ROI prior; without it log contribution ~ N(log spend, 10^2), nearly flat. */
  roi: boolean;
  /** The level's prior as a multiple of the mean weekly media; without it the level is flat. */
  level: boolean;
}

const KNOW_ALL: OracleKnowledge = { baseline: 'random walk', roi: true, level: true };

/** The Bayes oracle's posterior of a 'meridian' case's total media effect (module comment). */
export function meridianBayesOracle(c: GeneratedCase, opts: SamplerOptions = { seed: 1, sweeps: 20000, burnIn: 5000 }, know: OracleKnowledge = KNOW_ALL): TotalPosterior {
  if (c.family !== 'meridian' || c.baselineLevel === undefined) throw new Error('meridianBayesOracle: a meridian case is needed');
  const n = c.data.dates.length;
  const P = MERIDIAN_PRIOR;
  const fixed = [new Float64Array(n).fill(1), ...c.data.controls.map((x) => x.values)];
  const steps =
    know.baseline === 'straight' ? [Float64Array.from({ length: n }, (_, t) => t / n)] : Array.from({ length: Math.ceil((n - 1) / P.knotSpacing) }, (_, i) => ramp(n, P.knotSpacing, i + 1));
  const stepPrecision = know.baseline === 'random walk' ? 1 / (P.knotStep * c.baselineLevel) ** 2 : 0;
  const B = [...fixed, ...steps];
  const q = marginaliseBaseline(
    c.data.target,
    B,
    B.map((_, i) => (i < fixed.length ? 0 : stepPrecision)),
    c.channels.map((ch) => Float64Array.from(ch.effect, (e) => e / ch.contribution)),
    c.noiseSd,
  );
  const mu = c.channels.map((ch) => (know.roi ? P.logRoiMean : 0) + Math.log(ch.spend));
  const [lo, hi] = P.levelOverMedia;
  const levelFactor = (b: Float64Array): number => {
    if (!know.level) return 0;
    const media = b.reduce((a, x) => a + x, 0) / n;
    const level = q.levelAt0 - b.reduce((a, x, j) => a + x * q.levelSlope[j], 0);
    // The level's uniform prior on [lo, hi] x media, integrated against its Gaussian conditional posterior.
    return logNormalInterval((lo * media - level) / q.levelSd, (hi * media - level) / q.levelSd) - Math.log((hi - lo) * media);
  };
  // Start at the prior's median: the burn-in forgets the start.
  return sampleTotals(q, mu, know.roi ? P.logRoiSd : 10, levelFactor, Float64Array.from(mu, Math.exp), opts);
}
