/**
 * A battery of weekly data generators written independently of the fitting
 * code (every transform is computed here in plain loops; nothing is imported
 * from src/mmm but types), each after a generator another project publishes:
 *
 * - 'pymc': PyMC-Marketing's MMM example notebook (docs/source/notebooks/mmm/
 *   mmm_example.ipynb): normalised geometric adstock with l_max 8, logistic
 *   saturation, concave trend (t + 10)^(1/4) - 1, yearly seasonality, two
 *   one-week events. Seed 0 is the notebook's own parameters.
 * - 'simmmulator': Robyn's simulator siMMMulator (facebookexperimental/
 *   siMMMulator, R/step_1..step_8): weekly campaigns split across channels,
 *   media units from spend through noisy CPMs, geometric adstock on the units,
 *   its "diminishing returns" x * hill(x) with the inflexion at the gamma
 *   quantile of the adstocked range, noisy conversion rates.
 * - 'meridian': Meridian's generative model with its default priors
 *   (meridian/model/adstock_hill.py, prior_distribution.py): geometric or
 *   binomial decay over max_lag 8 with normalised weights, Hill slope 1 with
 *   ec ~ TruncatedNormal(0.8, 0.8) on [0.1, 10] of median-scaled media, ROI ~
 *   LogNormal(0.2, 0.9); a baseline that drifts as a random walk (Meridian's knots).
 * - 'powerlaw': the review's power-law family: delayed-peak adstock
 *   w_l = alpha^((l - theta)^2) (Jin et al. 2017; PyMC-Marketing's
 *   delayed_adstock), power saturation x^kappa, logarithmic trend.
 *
 * Across seeds they vary the noise (2-5% of mean revenue), the weeks
 * (100-260), the channels (2-8) and the spend patterns (always-on, flighted,
 * pulsed). None has a baseline our model writes exactly. The truth of each
 * channel is its own additive term, so its ROAS is that term summed over the
 * weeks over its spend.
 */
import { Rng } from '../core/rng.ts';
import { parseDateToDay } from '../core/csv.ts';
import type { WeeklyData } from '../mmm/types.ts';

/** The known truth of one generated channel. */
export interface TrueChannel {
  name: string;
  spend: number;
  contribution: number;
  roas: number;
  /** Weekly effect (target units). */
  effect: Float64Array;
  /** How its spend was generated. */
  pattern: SpendPattern;
}

/** One generated data set with its truth. */
export interface GeneratedCase {
  family: Family;
  seed: number;
  data: WeeklyData;
  channels: TrueChannel[];
  totalContribution: number;
  /** Noise sd (target units per week) and the noise-free target. */
  noiseSd: number;
  expected: Float64Array;
  /** 'meridian' only: the baseline's level, of which the knots' steps are a fixed fraction (MERIDIAN_PRIOR). */
  baselineLevel?: number;
}

export type Family = 'pymc' | 'simmmulator' | 'meridian' | 'powerlaw';
export type SpendPattern = 'always-on' | 'flighted' | 'pulsed';
export const FAMILIES: readonly Family[] = ['pymc', 'simmmulator', 'meridian', 'powerlaw'];

const between = (rng: Rng, lo: number, hi: number): number => lo + (hi - lo) * rng.uniform();
const sum = (a: ArrayLike<number>): number => {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i];
  return s;
};

/** Week starts from a date, 7 days apart. */
function weeks(start: string, n: number): Int32Array {
  const d0 = parseDateToDay(start);
  return Int32Array.from({ length: n }, (_, t) => d0 + 7 * t);
}

/**
 * A spend series in [0, ~1] units: always-on (never near 0, AR(1) wobble and
 * spikes: PyMC's x1 = u > 0.9 ? u : u / 2 lifted off zero), flighted (on/off
 * blocks of 2-8 weeks) or pulsed (PyMC's x2: u > 0.8 ? u : 0).
 */
export function spendSeries(pattern: SpendPattern, n: number, rng: Rng): Float64Array {
  const x = new Float64Array(n);
  if (pattern === 'pulsed') {
    for (let t = 0; t < n; t++) {
      const u = rng.uniform();
      x[t] = u > 0.8 ? u : 0;
    }
    return x;
  }
  if (pattern === 'always-on') {
    let ar = 0;
    for (let t = 0; t < n; t++) {
      ar = 0.8 * ar + 0.15 * rng.normal();
      const u = rng.uniform();
      x[t] = Math.max(0.05, (u > 0.9 ? u : 0.3 + u / 2) * Math.exp(ar));
    }
    return x;
  }
  let on = rng.uniform() < 0.5;
  let left = 2 + rng.int(7);
  for (let t = 0; t < n; t++) {
    if (left-- <= 0) {
      on = !on;
      left = 2 + rng.int(7);
    }
    x[t] = on ? 0.4 + 0.6 * rng.uniform() : 0;
  }
  return x;
}

/** Normalised geometric adstock over l_max lags (PyMC-Marketing's geometric_adstock with normalize=True). */
function geometricNormalised(x: Float64Array, alpha: number, lMax: number): Float64Array {
  const w = Array.from({ length: lMax }, (_, l) => alpha ** l);
  const ws = sum(w);
  return convolve(
    x,
    w.map((v) => v / ws),
  );
}

/** y[t] = sum_l w[l] x[t - l] (spend before the first week is 0). */
function convolve(x: Float64Array, w: number[]): Float64Array {
  const y = new Float64Array(x.length);
  for (let t = 0; t < x.length; t++) {
    let s = 0;
    for (let l = 0; l < w.length && l <= t; l++) s += w[l] * x[t - l];
    y[t] = s;
  }
  return y;
}

/** Picks a spend pattern for channel j: the first always-on, the second pulsed, then a seeded mix (flighted twice as often). */
function patternOf(j: number, rng: Rng): SpendPattern {
  if (j === 0) return 'always-on';
  if (j === 1) return 'pulsed';
  const u = rng.uniform();
  return u < 0.25 ? 'always-on' : u < 0.5 ? 'pulsed' : 'flighted';
}

/** Noise sd as a fraction of the noise-free mean, and the target with Gaussian noise (rounded to cents). */
function addNoise(expected: Float64Array, fraction: number, rng: Rng): { target: Float64Array; noiseSd: number } {
  const noiseSd = (fraction * sum(expected)) / expected.length;
  return { target: Float64Array.from(expected, (v) => Math.round((v + noiseSd * rng.normal()) * 100) / 100), noiseSd };
}

/** Assembles a case from spend, effects and the baseline. */
function assemble(
  family: Family,
  seed: number,
  dates: Int32Array,
  spend: Float64Array[],
  effects: Float64Array[],
  patterns: SpendPattern[],
  baseline: Float64Array,
  controls: { name: string; values: Float64Array }[],
  noise: number,
  rng: Rng,
): GeneratedCase {
  const n = dates.length;
  const expected = Float64Array.from(baseline);
  for (const e of effects) for (let t = 0; t < n; t++) expected[t] += e[t];
  const { target, noiseSd } = addNoise(expected, noise, rng);
  const channels = spend.map((x, j) => {
    const contribution = sum(effects[j]);
    return { name: `ch${j + 1}_spend`, spend: sum(x), contribution, roas: contribution / sum(x), effect: effects[j], pattern: patterns[j] };
  });
  return {
    family,
    seed,
    channels,
    totalContribution: sum(channels.map((c) => c.contribution)),
    noiseSd,
    expected,
    data: { dateName: 'date', dates, targetName: 'revenue', target, channels: channels.map((c, j) => ({ name: c.name, values: spend[j] })), controls },
  };
}

/** The shape of a case: weeks, channels and noise drawn from the ranges (seed 0 of 'pymc': the notebook's 179 weeks, 2 channels, noise 0.25 on its scale). */
function shape(rng: Rng): { n: number; nc: number; noise: number } {
  return { n: 100 + rng.int(161), nc: 2 + rng.int(7), noise: between(rng, 0.02, 0.05) };
}

/** PyMC-Marketing's example notebook (module comment); money in thousands of its units. */
export function pymcCase(seed: number): GeneratedCase {
  const rng = new Rng(seed, 101);
  const canonical = seed === 0;
  const { n, nc, noise } = canonical ? { n: 179, nc: 2, noise: 0 } : shape(rng);
  const dates = weeks('2018-04-02', n);
  const spend: Float64Array[] = [];
  const effects: Float64Array[] = [];
  const patterns: SpendPattern[] = [];
  for (let j = 0; j < nc; j++) {
    const pattern = canonical ? (j === 0 ? 'always-on' : 'pulsed') : patternOf(j, rng);
    let x: Float64Array;
    if (canonical && j === 0) x = Float64Array.from({ length: n }, () => ((u) => (u > 0.9 ? u : u / 2))(rng.uniform()));
    else x = spendSeries(pattern, n, rng);
    const alpha = canonical ? [0.4, 0.2][j] : between(rng, 0.1, 0.6);
    const lam = canonical ? [4, 3][j] : between(rng, 2, 5);
    const beta = canonical ? [3, 2][j] : between(rng, 1.5, 3.5) / Math.sqrt(nc / 2);
    const a = geometricNormalised(x, alpha, 8);
    effects.push(Float64Array.from(a, (v) => 1000 * beta * ((1 - Math.exp(-lam * v)) / (1 + Math.exp(-lam * v)))));
    spend.push(Float64Array.from(x, (v) => Math.round(1000 * v * 100) / 100));
    patterns.push(pattern);
  }
  const baseline = new Float64Array(n);
  const ev1 = new Float64Array(n);
  const ev2 = new Float64Array(n);
  ev1[Math.min(n - 1, 58)] = 1;
  ev2[Math.min(n - 1, 127)] = 1;
  for (let t = 0; t < n; t++) {
    const doy = ((dates[t] - parseDateToDay(`${new Date(dates[t] * 864e5).getUTCFullYear()}-01-01`)) % 366) + 1;
    const trend = ((50 * t) / (n - 1) + 10) ** 0.25 - 1;
    const season = 0.5 * (-Math.sin((2 * 2 * Math.PI * doy) / 365.5) + Math.cos((2 * Math.PI * doy) / 365.5));
    baseline[t] = 1000 * (2 + trend + season + 1.5 * ev1[t] + 2.5 * ev2[t]);
  }
  const controls = [
    { name: 'event_1', values: ev1 },
    { name: 'event_2', values: ev2 },
  ];
  if (!canonical) return assemble('pymc', seed, dates, spend, effects, patterns, baseline, controls, noise, rng);
  // The notebook's noise: N(0, 0.25) on its scale (about 4.5% of mean revenue).
  const c = assemble('pymc', seed, dates, spend, effects, patterns, baseline, controls, 0, rng);
  c.noiseSd = 250;
  c.data.target = Float64Array.from(c.expected, (v) => Math.round((v + 250 * rng.normal()) * 100) / 100);
  return c;
}

/** Robyn's simulator siMMMulator (module comment); the conversion rate's level is set so the channel's ROAS is in [0.5, 3]. */
export function simmmulatorCase(seed: number): GeneratedCase {
  const rng = new Rng(seed, 202);
  const { n, nc, noise } = shape(rng);
  const dates = weeks('2017-01-02', n);
  // Step 2: weekly campaign spend ~ N(mean, sd), split across channels by uniform proportions.
  const campaignMean = 300000;
  const campaignSd = between(rng, 0.2, 0.5) * campaignMean;
  const props = Array.from({ length: nc }, () => between(rng, 0.5, 1.5));
  const spend = Array.from({ length: nc }, () => new Float64Array(n));
  const patterns: SpendPattern[] = Array.from({ length: nc }, (_, j) => (j === 0 ? 'always-on' : rng.uniform() < 0.5 ? 'flighted' : 'always-on'));
  const dark = patterns.map((p) => (p === 'flighted' ? spendSeries('flighted', n, rng) : null));
  for (let t = 0; t < n; t++) {
    const total = Math.max(0, campaignMean + campaignSd * rng.normal());
    const w = props.map((p, j) => (dark[j] && dark[j]![t] === 0 ? 0 : p * between(rng, 0.8, 1.2)));
    const ws = sum(w) || 1;
    for (let j = 0; j < nc; j++) spend[j][t] = Math.round(((total * w[j]) / ws) * 100) / 100;
  }
  // Steps 3-6: units = spend / noisy CPM x 1000; geometric adstock; x * hill(x) with gammaTrans at the gamma quantile of [min, max]; conversions x noisy CVR.
  const effects = spend.map((x) => {
    const cpm = between(rng, 2, 20);
    const units = Float64Array.from(x, (v) => (v / Math.max(0.1 * cpm, cpm + 0.05 * cpm * rng.normal())) * 1000);
    const lambda = between(rng, 0.05, 0.5);
    const a = new Float64Array(n);
    for (let t = 0; t < n; t++) a[t] = units[t] + (t > 0 ? lambda * a[t - 1] : 0);
    let lo = Infinity;
    let hi = -Infinity;
    for (const v of a) [lo, hi] = [Math.min(lo, v), Math.max(hi, v)];
    const alpha = between(rng, 1, 3);
    const gammaTrans = lo + between(rng, 0.3, 0.8) * (hi - lo);
    // Conversions: the units' x * hill(x) times a noisy conversion rate; the rate's level is set by a ROAS in [0.5, 3].
    const raw = Float64Array.from(a, (v) => v * (v ** alpha / (v ** alpha + gammaTrans ** alpha)) * Math.max(0, 1 + 0.1 * rng.normal()));
    const scale = (between(rng, 0.5, 3) * sum(x)) / sum(raw);
    return Float64Array.from(raw, (v) => v * scale);
  });
  // Step 1: base + linear trend + temperature-driven seasonality (sin(week pi / 26)); its error is the noise.
  const media = effects.reduce((m, e) => m + sum(e), 0) / n;
  const base = media * between(rng, 1.5, 4);
  const trendP = between(rng, 0.2, 1);
  const tempCoef = between(rng, 0.03, 0.08) * base;
  const baseline = Float64Array.from({ length: n }, (_, t) => base + (trendP / n) * base * (t + 1) + tempCoef * Math.sin(((t + 1) * 3.14) / 26));
  return assemble('simmmulator', seed, dates, spend, effects, patterns, baseline, [], noise, rng);
}

/** A standard normal truncated to [lo, hi] (by rejection), scaled: mean + sd z. */
function truncNormal(rng: Rng, mean: number, sd: number, lo: number, hi: number): number {
  for (;;) {
    const v = mean + sd * rng.normal();
    if (v >= lo && v <= hi) return v;
  }
}

/** The fixed parts of the 'meridian' generator: its ROI prior, knot spacing, knot step (fraction of the level) and level / mean weekly media. */
export const MERIDIAN_PRIOR = { logRoiMean: 0.2, logRoiSd: 0.9, knotSpacing: 13, knotStep: 0.015, levelOverMedia: [1.5, 5] } as const;

/** Meridian's generative model with its default priors (module comment). */
export function meridianCase(seed: number): GeneratedCase {
  const rng = new Rng(seed, 303);
  const { n, nc, noise } = shape(rng);
  const dates = weeks('2021-01-04', n);
  const maxLag = 8;
  const spend: Float64Array[] = [];
  const scaled: Float64Array[] = [];
  const patterns: SpendPattern[] = [];
  for (let j = 0; j < nc; j++) {
    const pattern = patternOf(j, rng);
    const x = spendSeries(pattern, n, rng);
    const money = Float64Array.from(x, (v) => Math.round(v * between(rng, 0.9, 1.1) * 20000 * 100) / 100);
    // Adstock then Hill (Meridian's default order) on media scaled by its median over non-zero weeks.
    const alpha = rng.uniform();
    const binomial = rng.uniform() < 0.5;
    const w = Array.from({ length: maxLag + 1 }, (_, l) => (binomial ? (1 - l / (maxLag + 1)) ** (1 / Math.max(alpha, 1e-6) - 1) : alpha ** l));
    const ws = sum(w);
    const a = convolve(
      money,
      w.map((v) => v / ws),
    );
    const nz = Array.from(money)
      .filter((v) => v > 0)
      .sort((p, q) => p - q);
    const median = nz[Math.floor(nz.length / 2)];
    const ec = truncNormal(rng, 0.8, 0.8, 0.1, 10);
    scaled.push(Float64Array.from(a, (v) => v / median / (v / median + ec)));
    spend.push(money);
    patterns.push(pattern);
  }
  // ROI ~ LogNormal(0.2, 0.9) fixes each channel's coefficient: beta = ROI x spend / sum of its Hill series.
  const effects = scaled.map((h, j) => {
    const roi = Math.exp(MERIDIAN_PRIOR.logRoiMean + MERIDIAN_PRIOR.logRoiSd * rng.normal());
    const beta = (roi * sum(spend[j])) / Math.max(sum(h), 1e-12);
    return Float64Array.from(h, (v) => beta * v);
  });
  const media = effects.reduce((m, e) => m + sum(e), 0) / n;
  const level = media * between(rng, ...MERIDIAN_PRIOR.levelOverMedia);
  // Baseline: intercept + a random walk through knots every 13 weeks (steps 1.5% of the level, linear between) + two controls.
  const K = MERIDIAN_PRIOR.knotSpacing;
  const knots = Array.from({ length: Math.ceil(n / K) + 1 }, () => 0);
  for (let k = 1; k < knots.length; k++) knots[k] = knots[k - 1] + MERIDIAN_PRIOR.knotStep * level * rng.normal();
  const c1 = Float64Array.from({ length: n }, () => rng.normal());
  const c2 = Float64Array.from({ length: n }, (_, t) => Math.sin((2 * Math.PI * t) / 52.18) + 0.3 * rng.normal());
  const g1 = 0.02 * level * rng.normal();
  const g2 = 0.05 * level;
  const baseline = Float64Array.from({ length: n }, (_, t) => {
    const k = Math.floor(t / K);
    const f = (t % K) / K;
    return level + knots[k] * (1 - f) + knots[k + 1] * f + g1 * c1[t] + g2 * c2[t];
  });
  const generated = assemble(
    'meridian',
    seed,
    dates,
    spend,
    effects,
    patterns,
    baseline,
    [
      { name: 'control_1', values: c1 },
      { name: 'control_2', values: c2 },
    ],
    noise,
    rng,
  );
  return { ...generated, baselineLevel: level };
}

/** The power-law family with delayed-peak carryover (module comment). */
export function powerlawCase(seed: number): GeneratedCase {
  const rng = new Rng(seed, 404);
  const { n, nc, noise } = shape(rng);
  const dates = weeks('2020-01-06', n);
  const spend: Float64Array[] = [];
  const effects: Float64Array[] = [];
  const patterns: SpendPattern[] = [];
  for (let j = 0; j < nc; j++) {
    const pattern = patternOf(j, rng);
    const money = Float64Array.from(spendSeries(pattern, n, rng), (v) => Math.round(v * 10000 * 100) / 100);
    const decay = between(rng, 0.3, 0.8);
    const peak = between(rng, 1, 4);
    const w = Array.from({ length: 12 }, (_, l) => decay ** ((l - peak) ** 2));
    const ws = sum(w);
    const a = convolve(
      money,
      w.map((v) => v / ws),
    );
    const kappa = between(rng, 0.3, 0.8);
    const roas = between(rng, 0.5, 3);
    const raw = Float64Array.from(a, (v) => (v / 10000) ** kappa);
    const beta = (roas * sum(money)) / sum(raw);
    effects.push(Float64Array.from(raw, (v) => beta * v));
    spend.push(money);
    patterns.push(pattern);
  }
  const media = effects.reduce((m, e) => m + sum(e), 0) / n;
  const level = media * between(rng, 1.5, 4);
  const price = Float64Array.from({ length: n }, () => 1 + 0.03 * rng.normal());
  const baseline = Float64Array.from({ length: n }, (_, t) => level * (1 + 0.08 * Math.log1p(t / 20) + 0.06 * Math.sin((2 * Math.PI * t) / 52.18 + 1)) - 0.5 * level * (price[t] - 1));
  return assemble('powerlaw', seed, dates, spend, effects, patterns, baseline, [{ name: 'price_index', values: price }], noise, rng);
}

/** One case of a family. */
export function generateCase(family: Family, seed: number): GeneratedCase {
  if (family === 'pymc') return pymcCase(seed);
  if (family === 'simmmulator') return simmmulatorCase(seed);
  if (family === 'meridian') return meridianCase(seed);
  return powerlawCase(seed);
}
