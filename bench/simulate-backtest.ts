/**
 * Calibration of the forecast bands (issue 6): rolling-origin backtests on
 * generated data with a known truth, at the default search and bootstrap
 * budget. Prints the markdown table the README shows.
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
const cases: { name: string; data: WeeklyData; expected: Float64Array; noiseSd: number }[] = [];
for (const seed of [1, 2, 3]) {
  const s = generateWeeklyData({ seed, weeks: 182, channels: 5 });
  const expected = Float64Array.from(s.truth.baseline, (b, t) => b + s.truth.channels.reduce((sum, c) => sum + c.effect[t], 0));
  cases.push({ name: `synthetic seed ${seed}`, data: s.data, expected, noiseSd: s.truth.noiseSd });
}
// The foundation's sample: raw events -> ingest -> mmm_input.csv, truth from truth.json.
const root = join(process.cwd(), 'bench', 'out');
const raw = join(root, 'backtest-sample');
if (!existsSync(join(raw, 'manifest.json'))) await generateSample({ out: raw, seed: 42, weeks: 182 });
const star = join(root, 'backtest-star');
await ingest({ raw, out: star });
const truth = JSON.parse(readFileSync(join(raw, 'truth.json'), 'utf8'));
const channels = truth.channels.map((c: { column: string }) => c.column);
const sample = await readWeeklyCsv(join(star, 'mmm_input.csv'), 'date', 'revenue', channels, ['price_index', 'competitor_spend', 'holiday']);
cases.push({ name: 'foundation sample (seed 42)', data: sample, expected: Float64Array.from(truth.weekly, (w: { expectedRevenue: number }) => w.expectedRevenue), noiseSd: truth.totals.noiseSd });

console.log('| data | horizon | origins | weeks covered by P5-P95 | coverage | P50 total vs truth (z, max abs) |');
console.log('|---|---|---|---|---|---|');
const all: BacktestRow[] = [];
for (const c of cases) {
  for (const [horizon, origins] of [[13, [104, 117, 130, 143, 156, 169]], [26, [104, 130, 156]]] as const) {
    const rows = await rollingOriginBacktest(c.data, { origins: [...origins], horizon, fit: FIT, draws: 10_000, seed: 1, expected: c.expected, noiseSd: c.noiseSd });
    all.push(...rows);
    const covered = rows.reduce((a, r) => a + r.covered, 0);
    const weeks = rows.reduce((a, r) => a + r.horizon, 0);
    const zmax = Math.max(...rows.map((r) => Math.abs(r.zTruth!)));
    console.log(`| ${c.name} | ${horizon} | ${origins.length} | ${covered}/${weeks} | ${((100 * covered) / weeks).toFixed(1)}% | ${zmax.toFixed(2)} |`);
  }
}
const covered = all.reduce((a, r) => a + r.covered, 0);
const weeks = all.reduce((a, r) => a + r.horizon, 0);
console.log(`| all | | ${all.length} | ${covered}/${weeks} | ${((100 * covered) / weeks).toFixed(1)}% | ${Math.max(...all.map((r) => Math.abs(r.zTruth!))).toFixed(2)} |`);
