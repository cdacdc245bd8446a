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
