/** The battery's cases for the benchmarks: the four foreign families (src/lab/battery.ts) and our own generator in the same shape. */
import { generateCase, generateWeeklyData } from '../src/lab/index.ts';
import type { Family, GeneratedCase } from '../src/lab/index.ts';
import { baselineColumns, fitSignedRidge, trendKnots } from '../src/mmm/index.ts';
import type { CoefficientSign } from '../src/mmm/index.ts';

/** Our own generator (Hill, geometric, drifting budgets) in the battery's shape. */
function oursCase(seed: number): GeneratedCase {
  const s = generateWeeklyData({ seed, channels: [4, 5, 6][(seed - 1) % 3] });
  const expected = Float64Array.from(s.truth.baseline, (b, t) => b + s.truth.channels.reduce((a, c) => a + c.effect[t], 0));
  return {
    family: 'ours' as never,
    seed,
    data: s.data,
    totalContribution: s.truth.totalContribution,
    noiseSd: s.truth.noiseSd,
    expected,
    channels: s.truth.channels.map((c) => ({ name: c.name, spend: c.spend, contribution: c.contribution, roas: c.roas, effect: c.effect, pattern: 'always-on' as const })),
  };
}

/** One case of a battery family or of 'ours'. */
export function batteryCase(family: string, seed: number): GeneratedCase {
  return family === 'ours' ? oursCase(seed) : generateCase(family as Family, seed);
}

/**
 * The oracle's ROAS per channel: least squares on the TRUE effect series with our baseline form
 * (trend, Fourier order 2, the controls; plus trend hinges every `knotSpacing` weeks when > 0), effects >= 0.
 */
export function oracleRoas(c: GeneratedCase, knotSpacing = 0): number[] {
  const d = c.data;
  const controls = d.controls.map((x) => ({ ...x, dummy: Array.from(x.values).every((v) => v === 0 || v === 1) }));
  const knots = trendKnots(d.dates.length, knotSpacing);
  const base = baselineColumns(d.dates, d.dates[0], { trend: true, fourierOrder: 2, period: 52.18, knots }, controls, {});
  const signs: CoefficientSign[] = [...base.map(() => 'free' as const), ...c.channels.map(() => 'positive' as const)];
  const fit = fitSignedRidge([...base.map((b) => b.values), ...c.channels.map((ch) => ch.effect)], d.target, 1e-9, signs);
  return c.channels.map((ch, j) => (fit.coefficients[base.length + j] * ch.contribution) / ch.spend);
}
