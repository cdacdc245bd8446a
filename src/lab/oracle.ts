/**
 * The oracle fit: the same constrained ridge (lambda ~ 0) on the TRUE media
 * transforms of synthetic data. It shows how much of a fit's error is the
 * data's (noise, collinearity with the baseline) rather than the search's.
 */
import { baselineColumns } from '../mmm/design.ts';
import { defaultRanges } from '../mmm/options.ts';
import { fitSignedRidge } from '../mmm/ridge.ts';
import { profileColumn, profileSystem } from './profile-system.ts';
import { geometricAdstock, hillSaturation } from '../mmm/transforms.ts';
import type { SyntheticData } from './synthetic.ts';
import type { CoefficientSign, WeeklyData } from '../mmm/types.ts';

/** The baseline design of the truth's form: trend, Fourier seasonality, the controls (0/1 ones as dummies). */
function truthBaseline(d: WeeklyData, opts: { fourierOrder?: number; period?: number }) {
  const controls = d.controls.map((c) => ({ ...c, dummy: Array.from(c.values).every((v) => v === 0 || v === 1) }));
  return baselineColumns(d.dates, d.dates[0], { trend: true, fourierOrder: opts.fourierOrder ?? 2, period: opts.period ?? 52.18 }, controls, {});
}

/** Each channel's media series under its TRUE transforms. */
function trueMedia(s: SyntheticData): Float64Array[] {
  return s.truth.channels.map((c, j) => hillSaturation(geometricAdstock(s.data.channels[j].values, c.theta), c.alpha, c.gamma));
}

/** Per-channel ROAS and contribution of the oracle fit, in the truth's channel order. */
export function oracleFit(
  s: SyntheticData,
  opts: { fourierOrder?: number; period?: number; lambda?: number } = {},
): { roas: number[]; contribution: number[]; contributionShare: number[]; total: number } {
  const d = s.data;
  const base = truthBaseline(d, opts);
  const media = trueMedia(s);
  const signs: CoefficientSign[] = [...base.map(() => 'free' as const), ...media.map(() => 'positive' as const)];
  const fit = fitSignedRidge([...base.map((b) => b.values), ...media], d.target, opts.lambda ?? 1e-9, signs);
  const contribution = media.map((m, j) => fit.coefficients[base.length + j] * m.reduce((a, b) => a + b, 0));
  const total = contribution.reduce((a, b) => a + b, 0);
  return {
    roas: contribution.map((c, j) => c / s.truth.channels[j].spend),
    contribution,
    contributionShare: contribution.map((c) => c / total),
    total,
  };
}

/**
 * The oracle forecast: least squares on the baseline design and the TRUE
 * weekly media series (`media[j][t]`, any positive multiple of channel j's
 * true effect), fitted on the first `fitWeeks` weeks only, then predicted for
 * every week from the actual spend and controls. Its error past `fitWeeks` is
 * what noise in the fitting weeks alone costs a model whose every transform
 * is right: the yardstick for a backtest's forecast error.
 * @returns the prediction for every week of `data`
 * @throws RangeError when `media` and the data's channels disagree or fitWeeks is out of range
 */
export function oracleForecast(data: WeeklyData, media: ArrayLike<number>[], fitWeeks: number, opts: { fourierOrder?: number; period?: number } = {}): Float64Array {
  const n = data.target.length;
  if (media.length !== data.channels.length) throw new RangeError(`oracleForecast: ${media.length} media series for ${data.channels.length} channels`);
  if (!(fitWeeks > 0 && fitWeeks <= n)) throw new RangeError(`oracleForecast: fitWeeks must be in 1..${n}, got ${fitWeeks}`);
  const base = truthBaseline(data, opts);
  const columns = [...base.map((b) => b.values), ...media];
  const signs: CoefficientSign[] = [...base.map(() => 'free' as const), ...media.map(() => 'positive' as const)];
  const fit = fitSignedRidge(
    columns,
    data.target,
    1e-9,
    signs,
    Int32Array.from({ length: fitWeeks }, (_, i) => i),
  );
  const out = new Float64Array(n).fill(fit.intercept);
  columns.forEach((col, j) => {
    for (let t = 0; t < n; t++) out[t] += fit.coefficients[j] * col[t];
  });
  return out;
}

/** Options of {@link profileRoas}. */
export interface ProfileOptions {
  /** Starting grid of each hyperparameter of the profiled channel (defaults: the search's default ranges, Robyn's). */
  theta?: readonly number[];
  alpha?: readonly number[];
  gamma?: readonly number[];
  /** Refinements (default 4): each halves the steps around the best point and the ends of the interval (see profileRoas). */
  refinements?: number;
  /** Fourier order and period of the baseline (as in oracleFit). */
  fourierOrder?: number;
  period?: number;
  /** Likelihood-ratio cut-off 2 (max LL - LL) of the interval (default 3.84: 95%, one degree of freedom). */
  cutoff?: number;
}

const steps = (lo: number, hi: number, step: number): number[] => Array.from({ length: Math.round((hi - lo) / step) + 1 }, (_, i) => Math.min(hi, lo + i * step));

/**
 * How well the data alone determine one channel's ROAS, in the most favourable
 * case: every other channel's transform is the TRUE one and the baseline has
 * the true form; only channel j's adstock theta and Hill alpha and gamma are
 * unknown (within theta [0, 0.8], alpha [0.5, 3], gamma [0.3, 1]). Each point
 * is fitted by least squares (all coefficients profiled out, media ones >= 0;
 * Gaussian noise of unknown sd: log-likelihood -(n/2) ln SSE). The search
 * starts on a grid and then refines `refinements` times, halving the steps
 * (from the default grid's 0.05, 0.1, 0.05 for theta, alpha, gamma):
 * the 25 best points and the 25 of lowest and of highest ROAS among those
 * within (cutoff + 1)/2 of the best log-likelihood get their 26 neighbours at
 * the new step, so the maximum and both ends of the interval are sampled
 * finely. The profile-likelihood interval of the ROAS is the range of ROAS
 * over the points within cutoff/2 of the best. If it reaches beyond a
 * tolerance around the truth, no estimator that uses only these data can
 * promise that tolerance (it needs prior information, e.g. a lift test).
 * @returns the ROAS at the best point (the maximum-likelihood estimate), the interval, the best log-likelihood and the points evaluated
 */
export function profileRoas(s: SyntheticData, j: number, opts: ProfileOptions = {}): { mle: number; low: number; high: number; logLik: number; points: number } {
  const d = s.data;
  if (!(j >= 0 && j < d.channels.length)) throw new RangeError(`profileRoas: channel index ${j} out of range`);
  const base = truthBaseline(d, opts);
  const others = trueMedia(s).filter((_, k) => k !== j);
  // Fixed design: baseline and the other channels' true media (the free intercept is then the means' business); the profiled channel last.
  const sys = profileSystem(d.target, [...base.map((b) => b.values), ...others], [...base.map(() => 'free' as const), ...others.map(() => 'positive' as const)]);
  const spend = d.channels[j].values.reduce((a, b) => a + b, 0);
  const adstocked = new Map<number, Float64Array>();
  type Point = { q: number[]; ll: number; roas: number };
  const seen = new Map<string, Point>();
  const keyOf = (q: number[]): string => q.map((v) => v.toFixed(9)).join(',');
  const r0 = defaultRanges('geometric');
  const lo = [r0.theta[0], r0.alpha[0], r0.gamma[0]];
  const hi = [r0.theta[1], r0.alpha[1], r0.gamma[1]];
  let best = -Infinity;
  /** Fits the point [theta, alpha, gamma] (once) and records it. */
  const evaluate = (q: number[]): void => {
    const key = keyOf(q);
    if (seen.has(key)) return;
    const [theta, alpha, gamma] = q;
    let ad = adstocked.get(theta);
    if (!ad) adstocked.set(theta, (ad = geometricAdstock(d.channels[j].values, theta)));
    const raw = hillSaturation(ad, alpha, gamma);
    const { ll, coef } = profileColumn(sys, raw);
    const point = { q, ll, roas: (coef * raw.reduce((x, v) => x + v, 0)) / spend };
    seen.set(key, point);
    if (point.ll > best) best = point.ll;
  };
  const cutoff = opts.cutoff ?? 3.84;
  for (const theta of opts.theta ?? steps(lo[0], hi[0], 0.05))
    for (const alpha of opts.alpha ?? steps(lo[1], hi[1], 0.1)) for (const gamma of opts.gamma ?? steps(lo[2], hi[2], 0.05)) evaluate([theta, alpha, gamma]);
  let step = [0.05, 0.1, 0.05];
  for (let r = 0; r < (opts.refinements ?? 4); r++) {
    step = step.map((v) => v / 2);
    // What decides the interval: the best point and the points of lowest and highest ROAS in the
    // region. Refine around the K of each (K = 25), not the whole region (it can hold thousands).
    const region = [...seen.values()].filter((e) => 2 * (best - e.ll) <= cutoff + 1);
    const by = (f: (e: Point) => number) => [...region].sort((x, z) => f(x) - f(z)).slice(0, 25);
    const near = new Set([...by((e) => -e.ll), ...by((e) => e.roas), ...by((e) => -e.roas)]);
    const next: number[][] = [];
    for (const { q } of near) {
      for (let a = -1; a <= 1; a++)
        for (let b = -1; b <= 1; b++)
          for (let g = -1; g <= 1; g++) {
            const v = [q[0] + a * step[0], q[1] + b * step[1], q[2] + g * step[2]];
            if (v.some((x, k) => x < lo[k] - 1e-12 || x > hi[k] + 1e-12)) continue;
            next.push(v.map((x, k) => Math.min(hi[k], Math.max(lo[k], x))));
          }
    }
    for (const v of next) evaluate(v);
  }
  let mle = NaN;
  let low = Infinity;
  let high = -Infinity;
  for (const e of seen.values()) {
    if (e.ll === best) mle = e.roas;
    if (2 * (best - e.ll) > cutoff) continue;
    low = Math.min(low, e.roas);
    high = Math.max(high, e.roas);
  }
  return { mle, low, high, logLik: best, points: seen.size };
}
