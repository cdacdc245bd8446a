import { beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateSample } from '../../src/ingest/generate.ts';
import { ingest } from '../../src/ingest/ingest.ts';
import { readWeeklyCsv } from '../../pipelines/mmm.ts';
import { fitMmm, mediaEffect } from '../../src/mmm/index.ts';
import { generateWeeklyData, rollingOriginBacktest } from '../../src/lab/index.ts';
import type { MmmFit } from '../../src/mmm/types.ts';
import { parseCsv } from '../../src/core/csv.ts';
import { bandOf, planFromTable, quantileSorted, rollForward, simulatePlans } from '../../src/simulate/index.ts';

const SMALL_FIT = { trials: 2, iterations: 300, bootstrap: 40, threads: 1 };
let fit: MmmFit;
let synth: ReturnType<typeof generateWeeklyData>;

beforeAll(async () => {
  synth = generateWeeklyData({ seed: 21, weeks: 130, channels: 4 });
  fit = await fitMmm(synth.data, { ...SMALL_FIT, seed: 3 });
});

const iso = (day: number) => new Date(day * 86400000).toISOString().slice(0, 10);
function planCsv(weeks: number, spend: (channel: string, t: number) => number, opts: { start?: number; skip?: number; extra?: string } = {}): string {
  const names = fit.model.channels.map((c) => c.name);
  const first = opts.start ?? fit.model.window.lastDay + 7;
  const lines = [['date', ...names, ...(opts.extra ? [opts.extra] : [])].join(',')];
  for (let t = 0; t < weeks; t++) {
    const d = first + 7 * t + (opts.skip !== undefined && t >= opts.skip ? 7 : 0);
    lines.push([iso(d), ...names.map((n) => spend(n, t)), ...(opts.extra ? ['1'] : [])].join(','));
  }
  return `${lines.join('\n')}\n`;
}
const recent = (name: string) => {
  const v = synth.data.channels.find((c) => c.name === name)!.values;
  return v.slice(-13).reduce((a, b) => a + b, 0) / 13;
};

describe('quantiles', () => {
  it('interpolate linearly between order statistics (type 7, as R and numpy)', () => {
    // numpy.percentile([1, 2, 3, 4], [5, 50, 95]) = [1.15, 2.5, 3.85]
    expect(quantileSorted([1, 2, 3, 4], 0.05)).toBeCloseTo(1.15, 12);
    expect(quantileSorted([1, 2, 3, 4], 0.5)).toBe(2.5);
    expect(quantileSorted([1, 2, 3, 4], 0.95)).toBeCloseTo(3.85, 12);
    const v = Float64Array.from([5, 1, 4]);
    expect(bandOf(v)).toEqual({ p5: 1.3, p50: 4, p95: 4.9, mean: 10 / 3 });
    expect(Array.from(v)).toEqual([5, 1, 4]);
  });
});

describe('simulatePlans', () => {
  it('orders quantiles in every row, is seeded, and does not depend on the thread count', async () => {
    const plan = planFromTable(
      fit.model,
      parseCsv(
        planCsv(13, (n) => recent(n)),
        'plan.csv',
      ),
    );
    const a = await simulatePlans(fit.model, fit.draws, [plan], { draws: 3000, seed: 9, threads: 1 });
    const b = await simulatePlans(fit.model, fit.draws, [plan], { draws: 3000, seed: 9, threads: 2 });
    const c = await simulatePlans(fit.model, fit.draws, [plan], { draws: 3000, seed: 10, threads: 1 });
    expect(JSON.stringify(b)).toBe(JSON.stringify(a));
    expect(c.plans[0].total.p50).not.toBe(a.plans[0].total.p50);
    for (const row of [...a.plans[0].weekly, a.plans[0].total]) {
      expect(row.p5).toBeLessThanOrEqual(row.p50);
      expect(row.p50).toBeLessThanOrEqual(row.p95);
      expect(Number.isFinite(row.mean)).toBe(true);
    }
    expect(a.plans[0].weekly.map((w) => w.date)[0]).toBe(iso(fit.model.window.lastDay + 7));
  });

  it('gives more revenue to a plan with more spend, with a probability that reflects the common draws', async () => {
    const more = planFromTable(
      fit.model,
      parseCsv(
        planCsv(8, (n) => 1.5 * recent(n)),
        'more.csv',
      ),
    );
    const none = planFromTable(
      fit.model,
      parseCsv(
        planCsv(8, () => 0),
        'none.csv',
      ),
    );
    const r = await simulatePlans(fit.model, fit.draws, [more, none], { draws: 2000, seed: 1 });
    expect(r.plans[0].total.p50).toBeGreaterThan(r.plans[1].total.p50);
    // Every draw uses non-negative media coefficients, so more spend never loses in the same draw.
    expect(r.probabilityFirstBeatsSecond).toBe(1);
    const same = await simulatePlans(fit.model, fit.draws, [none, none], { draws: 500, seed: 1 });
    expect(same.probabilityFirstBeatsSecond).toBe(0);
  });

  it('warns when a plan takes a channel beyond the spend the model saw, and not otherwise', async () => {
    const usual = planFromTable(
      fit.model,
      parseCsv(
        planCsv(6, (n) => recent(n)),
        'usual.csv',
      ),
    );
    const big = fit.model.channels[0].name;
    const huge = planFromTable(
      fit.model,
      parseCsv(
        planCsv(6, (n) => (n === big ? 5 * fit.model.channels[0].saturation.adstockMax : recent(n))),
        'huge.csv',
      ),
    );
    const r = await simulatePlans(fit.model, fit.draws, [usual, huge], { draws: 200, seed: 1 });
    expect(r.warnings).toHaveLength(1);
    expect(r.warnings[0]).toMatch(new RegExp(`^plan 2: ${big} reaches \\d+\\.\\d\\dx the adstocked spend the model saw \\(week of \\d{4}-\\d{2}-\\d{2}\\); the response there is extrapolated$`));
    const named = await simulatePlans(fit.model, fit.draws, [usual, huge], { draws: 200, seed: 1, labels: ['usual', 'q3 push'] });
    expect(named.warnings[0].startsWith(`q3 push: ${big} reaches`)).toBe(true);
  });

  it('rejects plans with unknown channels, missing channels, gaps, or dates that do not follow the data', () => {
    const names = fit.model.channels.map((c) => c.name);
    const next = iso(fit.model.window.lastDay + 7);
    expect(() =>
      planFromTable(
        fit.model,
        parseCsv(
          planCsv(4, () => 1, { extra: 'podcast_spend' }),
          'p.csv',
        ),
      ),
    ).toThrow(`p.csv column "podcast_spend": unknown column "podcast_spend": the model has channels ${names.join(', ')}`);
    const dropped = planCsv(4, () => 1)
      .split('\n')
      .map((l) => l.split(',').slice(0, -1).join(','))
      .join('\n');
    expect(() => planFromTable(fit.model, parseCsv(dropped, 'p.csv'))).toThrow(`p.csv column "${names[names.length - 1]}": missing column for channel "${names[names.length - 1]}"`);
    expect(() =>
      planFromTable(
        fit.model,
        parseCsv(
          planCsv(4, () => 1, { skip: 2 }),
          'p.csv',
        ),
      ),
    ).toThrow(
      `p.csv row 3 column "date": date ${iso(fit.model.window.lastDay + 28)} does not follow: weeks must be consecutive: expected ${iso(fit.model.window.lastDay + 21)} after ${iso(fit.model.window.lastDay + 14)}`,
    );
    expect(() =>
      planFromTable(
        fit.model,
        parseCsv(
          planCsv(4, () => 1, { start: fit.model.window.lastDay + 14 }),
          'p.csv',
        ),
      ),
    ).toThrow(
      `p.csv row 1 column "date": date ${iso(fit.model.window.lastDay + 14)} does not follow: the model's data ends with the week of ${fit.model.window.last}, so the plan must start on ${next}`,
    );
    expect(() =>
      planFromTable(
        fit.model,
        parseCsv(
          planCsv(2, () => -5),
          'p.csv',
        ),
      ),
    ).toThrow(`p.csv row 1 column "${names[0]}": negative spend -5`);
  });
});

describe('rollForward', () => {
  it('carries the adstock through new weeks exactly as one continuous plan would, and moves the window', () => {
    const extra = generateWeeklyData({ seed: 21, weeks: 136, channels: 4 }).data; // the same process, 6 weeks longer
    const rolled = rollForward(fit.model, fit.draws, extra);
    expect(rolled.weeks).toBe(6);
    expect(rolled.model.window.lastDay).toBe(extra.dates[135]);
    const future = new Float64Array(5).fill(1000);
    for (const [j, ch] of fit.model.channels.entries()) {
      const newSpend = extra.channels.find((c) => c.name === ch.name)!.values.slice(130);
      const continuous = mediaEffect(ch, Float64Array.from([...newSpend, ...future])).slice(6);
      const afterRoll = mediaEffect(rolled.model.channels[j], future);
      for (let t = 0; t < 5; t++) expect(afterRoll[t]).toBeCloseTo(continuous[t], 8);
    }
    // Plans must now start after the newest week.
    expect(() =>
      planFromTable(
        rolled.model,
        parseCsv(
          planCsv(2, () => 1),
          'p.csv',
        ),
      ),
    ).toThrow('does not follow');
    expect(rollForward(fit.model, fit.draws, synth.data).weeks).toBe(0);
  });
});

describe('calibration', () => {
  it('covers about 90% of actual weekly revenue with the P5-P95 band in a rolling-origin backtest on the foundation generator', async () => {
    // Raw events -> ingest -> weekly table, the truth from truth.json; 6 origins x 13 weeks = 78 forecast weeks
    // (binomial sd of the coverage ~3.4 points). Small search budget: the full-budget table is in README.
    const dir = mkdtempSync(join(tmpdir(), 'mmm-calib-'));
    try {
      await generateSample({ out: join(dir, 'raw'), seed: 5, weeks: 182, scale: 0.5 });
      await ingest({ raw: join(dir, 'raw'), out: join(dir, 'star') });
      const truth = JSON.parse(readFileSync(join(dir, 'raw', 'truth.json'), 'utf8'));
      const data = await readWeeklyCsv(
        join(dir, 'star', 'mmm_input.csv'),
        'date',
        'revenue',
        truth.channels.map((c: { column: string }) => c.column),
        ['price_index', 'competitor_spend', 'holiday'],
      );
      const expected = Float64Array.from(truth.weekly, (w: { expectedRevenue: number }) => w.expectedRevenue);
      const trueMedia = truth.channels.map((c: { name: string }) => Float64Array.from(truth.weekly, (w: { media: Record<string, number> }) => w.media[c.name]));
      const rows = await rollingOriginBacktest(data, {
        origins: [104, 117, 130, 143, 156, 169],
        horizon: 13,
        fit: { trials: 3, iterations: 1000, bootstrap: 40, threads: 1 },
        draws: 2000,
        seed: 5,
        expected,
        noiseSd: truth.totals.noiseSd,
        trueMedia,
        period: truth.seasonPeriodWeeks,
      });
      const covered = rows.reduce((a, r) => a + r.covered, 0);
      const weeks = rows.reduce((a, r) => a + r.horizon, 0);
      expect(weeks).toBe(78);
      expect(covered / weeks).toBeGreaterThanOrEqual(0.8);
      expect(covered / weeks).toBeLessThanOrEqual(0.98);
      // The P50 of the horizon total stays within the noise of the noise-free truth.
      for (const r of rows) expect(Math.abs(r.zTruth!), `origin ${r.origin}`).toBeLessThan(3);
      // ... and errs about as much as the oracle (true transforms fitted on the same weeks): the noise's share of the error.
      const rms = (k: 'zTruth' | 'zOracle') => Math.sqrt(rows.reduce((a, r) => a + r[k]! ** 2, 0) / rows.length);
      expect(rows.every((r) => Number.isFinite(r.zOracle))).toBe(true);
      expect(rms('zTruth')).toBeLessThan(rms('zOracle') + 1);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
