/**
 * The oracle fit: the same constrained ridge (lambda ~ 0) on the TRUE media
 * transforms of synthetic data. It shows how much of a fit's error is the
 * data's (noise, collinearity with the baseline) rather than the search's.
 */
import { baselineColumns } from './design.ts';
import { fitSignedRidge } from './ridge.ts';
import { geometricAdstock, hillSaturation } from './transforms.ts';
import type { SyntheticData } from './synthetic.ts';
import type { CoefficientSign } from './types.ts';

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
