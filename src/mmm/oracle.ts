/**
 * The oracle fit: the same constrained ridge (lambda ~ 0) on the TRUE media
 * transforms of synthetic data. It shows how much of a fit's error is the
 * data's (noise, collinearity with the baseline) rather than the search's.
 */
import { baselineColumns } from './design.ts';
import { fitSignedRidge } from './ridge.ts';
import { geometricAdstock, hillSaturation } from './transforms.ts';
import type { SyntheticData } from './synthetic.ts';
import type { CoefficientSign, WeeklyData } from './types.ts';

/** Per-channel ROAS and contribution of the oracle fit, in the truth's channel order. */
export function oracleFit(s: SyntheticData, opts: { fourierOrder?: number; period?: number; lambda?: number } = {}): { roas: number[]; contribution: number[]; contributionShare: number[]; total: number } {
  const d = s.data;
  const controls = d.controls.map((c) => ({ ...c, dummy: c.values.every((v) => v === 0 || v === 1) }));
  const base = baselineColumns(d.dates, d.dates[0], { trend: true, fourierOrder: opts.fourierOrder ?? 2, period: opts.period ?? 52.18 }, controls, {});
  const media = s.truth.channels.map((c, j) => hillSaturation(geometricAdstock(d.channels[j].values, c.theta), c.alpha, c.gamma));
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
  const controls = data.controls.map((c) => ({ ...c, dummy: Array.from(c.values).every((v) => v === 0 || v === 1) }));
  const base = baselineColumns(data.dates, data.dates[0], { trend: true, fourierOrder: opts.fourierOrder ?? 2, period: opts.period ?? 52.18 }, controls, {});
  const columns = [...base.map((b) => b.values), ...media];
  const signs: CoefficientSign[] = [...base.map(() => 'free' as const), ...media.map(() => 'positive' as const)];
  const fit = fitSignedRidge(columns, data.target, 1e-9, signs, Int32Array.from({ length: fitWeeks }, (_, i) => i));
  const out = new Float64Array(n).fill(fit.intercept);
  columns.forEach((col, j) => {
    for (let t = 0; t < n; t++) out[t] += fit.coefficients[j] * col[t];
  });
  return out;
}

/** Options of {@link profileRoas}. */
export interface ProfileOptions {
  /** Grid of each hyperparameter of the profiled channel (defaults: the search's default ranges, Robyn's). */
  theta?: readonly number[];
  alpha?: readonly number[];
  gamma?: readonly number[];
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
 * unknown. Each point of a grid over them is fitted by least squares (all
 * coefficients profiled out, Gaussian noise of unknown sd: log-likelihood
 * -(n/2) ln SSE); the profile-likelihood interval of the ROAS is the range of
 * ROAS over the grid points within `cutoff` / 2 of the best log-likelihood.
 * If that interval is wider than a tolerance around the truth, no estimator
 * that uses only these data can promise that tolerance (it needs prior
 * information, e.g. a lift test).
 * @returns the ROAS at the best grid point (the maximum-likelihood estimate) and the interval
 */
export function profileRoas(s: SyntheticData, j: number, opts: ProfileOptions = {}): { mle: number; low: number; high: number; points: number } {
  const d = s.data;
  const n = d.target.length;
  if (!(j >= 0 && j < d.channels.length)) throw new RangeError(`profileRoas: channel index ${j} out of range`);
  const controls = d.controls.map((c) => ({ ...c, dummy: c.values.every((v) => v === 0 || v === 1) }));
  const base = baselineColumns(d.dates, d.dates[0], { trend: true, fourierOrder: opts.fourierOrder ?? 2, period: opts.period ?? 52.18 }, controls, {});
  const media = s.truth.channels.map((c, k) => hillSaturation(geometricAdstock(d.channels[k].values, c.theta), c.alpha, c.gamma));
  const signs: CoefficientSign[] = [...base.map(() => 'free' as const), ...media.map(() => 'positive' as const)];
  const spend = d.channels[j].values.reduce((a, b) => a + b, 0);
  const cutoff = opts.cutoff ?? 3.84;
  const pts: { ll: number; roas: number }[] = [];
  for (const theta of opts.theta ?? steps(0, 0.8, 0.05)) {
    const ad = geometricAdstock(d.channels[j].values, theta);
    for (const alpha of opts.alpha ?? steps(0.5, 3, 0.1)) {
      for (const gamma of opts.gamma ?? steps(0.3, 1, 0.05)) {
        const m = hillSaturation(ad, alpha, gamma);
        const cols = [...base.map((b) => b.values), ...media.map((x, k) => (k === j ? m : x))];
        const fit = fitSignedRidge(cols, d.target, 1e-9, signs);
        let sse = 0;
        for (let t = 0; t < n; t++) {
          let f = fit.intercept;
          for (let c = 0; c < cols.length; c++) f += fit.coefficients[c] * cols[c][t];
          sse += (d.target[t] - f) ** 2;
        }
        const contribution = fit.coefficients[base.length + j] * m.reduce((a, b) => a + b, 0);
        pts.push({ ll: -(n / 2) * Math.log(sse), roas: contribution / spend });
      }
    }
  }
  let best = pts[0];
  for (const p of pts) if (p.ll > best.ll) best = p;
  let low = Infinity;
  let high = -Infinity;
  for (const p of pts) {
    if (2 * (best.ll - p.ll) > cutoff) continue;
    low = Math.min(low, p.roas);
    high = Math.max(high, p.roas);
  }
  return { mle: best.roas, low, high, points: pts.length };
}
