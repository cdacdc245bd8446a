/**
 * Calibration of the forecast bands (issue 6): rolling-origin backtests on
 * generated data with a known truth, at the default search and bootstrap
 * budget: fit on the weeks before each origin, simulate the next 13 or 26
 * weeks with the spend and controls that really happened, and count the actual
 * weekly revenues inside [P5, P95]; then compare the P50 total with the
 * noise-free truth, in units of the noise sd of the horizon total (z), beside
 * the same z of the oracle's forecast (least squares on the true media series,
 * fitted on the same weeks): what noise in the fitting weeks alone costs a
 * model whose every transform is right. Prints the markdown table of the README.
 *   node bin/run-ts.mjs bench/simulate-backtest.ts [--foundation-seeds 42,7,11] [--synthetic-seeds 1,2,3] [--opts JSON]
 * (--opts passes any FitOptions, e.g. '{"bootstrapTolerance":0.5}'.)
 */
import { rollingOriginBacktest, type BacktestRow } from '../src/lab/index.ts';
import { backtestCases } from './backtest-cases.ts';
import { arg } from './args.ts';
import { quantileSorted } from '../src/core/quantile.ts';

const foundationSeeds = arg('foundation-seeds', '42,7,11').split(',').filter(Boolean).map(Number);
const syntheticSeeds = arg('synthetic-seeds', '1,2,3').split(',').filter(Boolean).map(Number);
const FIT = { trials: 5, iterations: 2000, bootstrap: 200, ...(JSON.parse(arg('opts', '{}')) as Record<string, unknown>) };
const truthInside = (rows: BacktestRow[]) => `${rows.filter((r) => r.expectedTotal! >= r.p5Total && r.expectedTotal! <= r.p95Total).length}/${rows.length}`;
type ZKey = 'zTruth' | 'zOracle';
const maxAbsZ = (rows: BacktestRow[], k: ZKey) => Math.max(...rows.map((r) => Math.abs(r[k]!)));
const medianAbsZ = (rows: BacktestRow[], k: ZKey) =>
  quantileSorted(
    rows.map((r) => Math.abs(r[k]!)).sort((a, b) => a - b),
    0.5,
  );
const within2 = (rows: BacktestRow[], k: ZKey) => rows.filter((r) => Math.abs(r[k]!) <= 2).length;
/** P50 total against the truth, the model's figure with the oracle's in brackets. */
const zColumns = (rows: BacktestRow[]) =>
  `${medianAbsZ(rows, 'zTruth').toFixed(2)} (${medianAbsZ(rows, 'zOracle').toFixed(2)}) | ${maxAbsZ(rows, 'zTruth').toFixed(2)} (${maxAbsZ(rows, 'zOracle').toFixed(2)}) | ${within2(rows, 'zTruth')}/${rows.length} (${within2(rows, 'zOracle')}/${rows.length})`;
const cases = await backtestCases(foundationSeeds, syntheticSeeds);

console.log(
  '| data | horizon | origins | weeks in P5-P95 | coverage | weeks with spend > 1.25x seen (covered) | noise-free truth total inside the total P5-P95 | P50 total vs truth: median abs z (oracle) | max abs z (oracle) | origins with abs z <= 2 (oracle) |',
);
console.log('|---|---|---|---|---|---|---|---|---|---|');
const byGroup: Record<string, BacktestRow[]> = {};
for (const c of cases) {
  for (const [horizon, origins] of [
    [13, [104, 117, 130, 143, 156, 169]],
    [26, [104, 130, 156]],
  ] as const) {
    const rows = await rollingOriginBacktest(c.data, {
      origins: [...origins],
      horizon,
      fit: FIT,
      draws: 10_000,
      seed: 1,
      expected: c.expected,
      noiseSd: c.noiseSd,
      trueMedia: c.trueMedia,
      period: c.period,
    });
    (byGroup[c.name.split(',')[0]] ??= []).push(...rows);
    const covered = rows.reduce((a, r) => a + r.covered, 0);
    const weeks = rows.reduce((a, r) => a + r.horizon, 0);
    const ex = rows.reduce((a, r) => a + r.extrapolatedWeeks, 0);
    const exc = rows.reduce((a, r) => a + r.extrapolatedCovered, 0);
    console.log(`| ${c.name} | ${horizon} | ${origins.length} | ${covered}/${weeks} | ${((100 * covered) / weeks).toFixed(1)}% | ${ex} (${exc}) | ${truthInside(rows)} | ${zColumns(rows)} |`);
  }
}
for (const [group, rows] of Object.entries(byGroup)) {
  const covered = rows.reduce((a, r) => a + r.covered, 0);
  const weeks = rows.reduce((a, r) => a + r.horizon, 0);
  const ex = rows.reduce((a, r) => a + r.extrapolatedWeeks, 0);
  const exc = rows.reduce((a, r) => a + r.extrapolatedCovered, 0);
  const inRange = `${covered - exc}/${weeks - ex}`;
  console.log(
    `| **${group}, all** | | ${rows.length} | ${covered}/${weeks} | **${((100 * covered) / weeks).toFixed(1)}%** | ${ex} (${exc}); within the seen range: ${inRange} = ${((100 * (covered - exc)) / Math.max(1, weeks - ex)).toFixed(1)}% | ${truthInside(rows)} | ${zColumns(rows)} |`,
  );
}
