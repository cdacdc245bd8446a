/**
 * Calibration of the forecast bands (issue 6): rolling-origin backtests on
 * generated data with a known truth, at the default search and bootstrap
 * budget: fit on the weeks before each origin, simulate the next 13 or 26
 * weeks with the spend and controls that really happened, and count the actual
 * weekly revenues inside [P5, P95]. Prints the markdown table of the README.
 *   node bin/run-ts.mjs bench/simulate-backtest.ts
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateWeeklyData } from '../src/mmm/index.ts';
import type { WeeklyData } from '../src/mmm/types.ts';
import { rollingOriginBacktest, type BacktestRow } from '../src/simulate/index.ts';
import { generateSample } from '../src/ingest/generate.ts';
import { ingest } from '../src/ingest/ingest.ts';
import { readWeeklyCsv } from '../pipelines/mmm.ts';

const FIT = { trials: 5, iterations: 2000, bootstrap: 200 };
const root = join(process.cwd(), 'bench', 'out');
const truthInside = (rows: BacktestRow[]) => `${rows.filter((r) => r.expectedTotal! >= r.p5Total && r.expectedTotal! <= r.p95Total).length}/${rows.length}`;
const maxAbsZ = (rows: BacktestRow[]) => Math.max(...rows.map((r) => Math.abs(r.zTruth!)));
const medianAbsZ = (rows: BacktestRow[]) => {
  const z = rows.map((r) => Math.abs(r.zTruth!)).sort((a, b) => a - b);
  return z.length % 2 ? z[(z.length - 1) / 2] : (z[z.length / 2 - 1] + z[z.length / 2]) / 2;
};
const cases: { name: string; data: WeeklyData; expected: Float64Array; noiseSd: number }[] = [];

// The foundation's generator: raw events -> ingest -> mmm_input.csv; the truth from truth.json.
for (const seed of [42, 7, 11]) {
  const raw = join(root, `backtest-sample-${seed}`);
  if (!existsSync(join(raw, 'manifest.json'))) await generateSample({ out: raw, seed, weeks: 182 });
  const star = join(root, `backtest-star-${seed}`);
  await ingest({ raw, out: star });
  const truth = JSON.parse(readFileSync(join(raw, 'truth.json'), 'utf8'));
  const channels = truth.channels.map((c: { column: string }) => c.column);
  const data = await readWeeklyCsv(join(star, 'mmm_input.csv'), 'date', 'revenue', channels, ['price_index', 'competitor_spend', 'holiday']);
  cases.push({ name: `foundation generator, seed ${seed}`, data, expected: Float64Array.from(truth.weekly, (w: { expectedRevenue: number }) => w.expectedRevenue), noiseSd: truth.totals.noiseSd });
}
// src/mmm's synthetic generator: budgets drift over an order of magnitude, so forecasts often leave the spend range seen in training.
for (const seed of [1, 2, 3]) {
  const s = generateWeeklyData({ seed, weeks: 182, channels: 5 });
  const expected = Float64Array.from(s.truth.baseline, (b, t) => b + s.truth.channels.reduce((sum, c) => sum + c.effect[t], 0));
  cases.push({ name: `synthetic (drifting budgets), seed ${seed}`, data: s.data, expected, noiseSd: s.truth.noiseSd });
}

console.log('| data | horizon | origins | weeks in P5-P95 | coverage | weeks with spend > 1.25x seen (covered) | noise-free truth total inside the total P5-P95 | median abs z of P50 total vs truth | max abs z |');
console.log('|---|---|---|---|---|---|---|---|---|');
const byGroup: Record<string, BacktestRow[]> = {};
for (const c of cases) {
  for (const [horizon, origins] of [[13, [104, 117, 130, 143, 156, 169]], [26, [104, 130, 156]]] as const) {
    const rows = await rollingOriginBacktest(c.data, { origins: [...origins], horizon, fit: FIT, draws: 10_000, seed: 1, expected: c.expected, noiseSd: c.noiseSd });
    (byGroup[c.name.split(',')[0]] ??= []).push(...rows);
    const covered = rows.reduce((a, r) => a + r.covered, 0);
    const weeks = rows.reduce((a, r) => a + r.horizon, 0);
    const ex = rows.reduce((a, r) => a + r.extrapolatedWeeks, 0);
    const exc = rows.reduce((a, r) => a + r.extrapolatedCovered, 0);
    console.log(`| ${c.name} | ${horizon} | ${origins.length} | ${covered}/${weeks} | ${((100 * covered) / weeks).toFixed(1)}% | ${ex} (${exc}) | ${truthInside(rows)} | ${medianAbsZ(rows).toFixed(2)} | ${maxAbsZ(rows).toFixed(2)} |`);
  }
}
for (const [group, rows] of Object.entries(byGroup)) {
  const covered = rows.reduce((a, r) => a + r.covered, 0);
  const weeks = rows.reduce((a, r) => a + r.horizon, 0);
  const ex = rows.reduce((a, r) => a + r.extrapolatedWeeks, 0);
  const exc = rows.reduce((a, r) => a + r.extrapolatedCovered, 0);
  const inRange = `${covered - exc}/${weeks - ex}`;
  console.log(`| **${group}, all** | | ${rows.length} | ${covered}/${weeks} | **${((100 * covered) / weeks).toFixed(1)}%** | ${ex} (${exc}); within the seen range: ${inRange} = ${((100 * (covered - exc)) / Math.max(1, weeks - ex)).toFixed(1)}% | ${truthInside(rows)} | ${medianAbsZ(rows).toFixed(2)} | ${maxAbsZ(rows).toFixed(2)} |`);
}
