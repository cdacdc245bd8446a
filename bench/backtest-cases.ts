/** The forecast backtests' data sets: the foundation's generator through raw events and the ingest, and src/lab's synthetic generator (drifting budgets). */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateWeeklyData } from '../src/lab/index.ts';
import type { WeeklyData } from '../src/mmm/types.ts';
import { generateSample } from '../src/ingest/generate.ts';
import { ingest } from '../src/ingest/ingest.ts';
import { readWeeklyCsv } from '../pipelines/mmm.ts';

/** One data set with its noise-free truth. */
export interface BacktestCase {
  name: string;
  data: WeeklyData;
  expected: Float64Array;
  noiseSd: number;
  trueMedia: Float64Array[];
  period: number;
}

/** The cases of the seeds given, 182 weeks each; the foundation's samples are generated under bench/out once. */
export async function backtestCases(foundationSeeds: number[], syntheticSeeds: number[]): Promise<BacktestCase[]> {
  const root = join(process.cwd(), 'bench', 'out');
  const cases: BacktestCase[] = [];
  for (const seed of foundationSeeds) {
    const raw = join(root, `backtest-sample-${seed}`);
    if (!existsSync(join(raw, 'manifest.json'))) await generateSample({ out: raw, seed, weeks: 182 });
    const star = join(root, `backtest-star-${seed}`);
    await ingest({ raw, out: star });
    const truth = JSON.parse(readFileSync(join(raw, 'truth.json'), 'utf8'));
    const channels = truth.channels.map((c: { column: string }) => c.column);
    const data = await readWeeklyCsv(join(star, 'mmm_input.csv'), 'date', 'revenue', channels, ['price_index', 'competitor_spend', 'holiday']);
    if (truth.weekly.length !== data.target.length) throw new Error(`seed ${seed}: truth has ${truth.weekly.length} weeks, mmm_input ${data.target.length}`);
    cases.push({
      name: `foundation generator, seed ${seed}`,
      data,
      expected: Float64Array.from(truth.weekly, (w: { expectedRevenue: number }) => w.expectedRevenue),
      noiseSd: truth.totals.noiseSd,
      trueMedia: truth.channels.map((c: { name: string }) => Float64Array.from(truth.weekly, (w: { media: Record<string, number> }) => w.media[c.name])),
      period: truth.seasonPeriodWeeks,
    });
  }
  // Budgets drift over an order of magnitude, so forecasts often leave the spend range seen in training.
  for (const seed of syntheticSeeds) {
    const s = generateWeeklyData({ seed, weeks: 182, channels: 5 });
    const expected = Float64Array.from(s.truth.baseline, (b, t) => b + s.truth.channels.reduce((sum, c) => sum + c.effect[t], 0));
    cases.push({ name: `synthetic (drifting budgets), seed ${seed}`, data: s.data, expected, noiseSd: s.truth.noiseSd, trueMedia: s.truth.channels.map((c) => c.effect), period: 52.18 });
  }
  return cases;
}
