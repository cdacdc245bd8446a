import { describe, expect, it } from 'vitest';
import { execFile, spawn } from 'node:child_process';
import { mkdtemp, readFile, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { dayToIso, toCsv } from '../../src/core/csv.ts';
import { UsageError, ValidationError } from '../../src/core/errors.ts';
import { Rng } from '../../src/core/rng.ts';
import { fitMmm, fitSignedRidge, predictBaseline, predictMedia } from '../../src/mmm/index.ts';
import type { WeeklyData } from '../../src/mmm/index.ts';
import { generateWeeklyData, weeklyDataToCsvRows, withContextAndOrganic } from '../../src/lab/index.ts';
import { planFromTable, rollForward } from '../../src/simulate/index.ts';
import { parseCsv } from '../../src/core/csv.ts';
import { runFitCommand } from '../../pipelines/mmm.ts';

const small = { trials: 2, iterations: 400, bootstrap: 0, threads: 1, posteriorGenerations: 100 };

/** Solves the 2x2 system [a b; b d] x = [e f] by Cramer's rule. */
const solve2 = (a: number, b: number, d: number, e: number, f: number): [number, number] => {
  const det = a * d - b * b;
  return [(e * d - b * f) / det, (a * f - b * e) / det];
};

describe('the intercept bound (Robyn: intercept_sign "non_negative")', () => {
  // y = -400 + 3 x1 + 2 x2 + noise with x1, x2 far from 0: least squares puts the intercept near -400.
  const rng = new Rng(5, 2);
  const n = 60;
  const x1 = Float64Array.from({ length: n }, () => 100 + 10 * rng.normal());
  const x2 = Float64Array.from({ length: n }, () => 50 + 5 * rng.normal());
  const y = Float64Array.from({ length: n }, (_, t) => -400 + 3 * x1[t] + 2 * x2[t] + rng.normal());
  const dot = (a: Float64Array, b: Float64Array) => a.reduce((s, v, t) => s + v * b[t], 0);
  it('gives the least-squares fit without an intercept when the free intercept is negative (KKT, computed by hand)', () => {
    const free = fitSignedRidge([x1, x2], y, 0, ['free', 'free']);
    expect(free.intercept).toBeLessThan(-300);
    const bounded = fitSignedRidge([x1, x2], y, 0, ['free', 'free'], undefined, 'non_negative');
    expect(bounded.intercept).toBe(0);
    // Normal equations of y ~ b1 x1 + b2 x2 (no intercept), solved independently.
    const [b1, b2] = solve2(dot(x1, x1), dot(x1, x2), dot(x2, x2), dot(x1, y), dot(x2, y));
    expect(bounded.coefficients[0]).toBeCloseTo(b1, 8);
    expect(bounded.coefficients[1]).toBeCloseTo(b2, 8);
    // KKT: at the bound, the objective's derivative in the intercept's direction is >= 0 (moving up costs).
    const grad = -2 * y.reduce((s, v, t) => s + (v - b1 * x1[t] - b2 * x2[t]), 0);
    expect(grad).toBeGreaterThan(0);
  });
  it('leaves a positive intercept alone', () => {
    const yUp = Float64Array.from(y, (v) => v + 1000);
    const a = fitSignedRidge([x1, x2], yUp, 1e-3, ['free', 'free']);
    const b = fitSignedRidge([x1, x2], yUp, 1e-3, ['free', 'free'], undefined, 'non_negative');
    expect(a.intercept).toBeGreaterThan(0);
    expect(b.intercept).toBe(a.intercept);
    expect(Array.from(b.coefficients)).toEqual(Array.from(a.coefficients));
  });
});

describe('warnings: the intercept at its bound, one context variable explaining most of the revenue', () => {
  // Synthetic data plus a market-size control m (mean 200,000): revenue' = revenue - 450,000 + 2 m, so the
  // free intercept is far below 0 and the control's effect (2 x 200,000 a week) exceeds the revenue's mean.
  const s = generateWeeklyData({ seed: 4, channels: 4 });
  const rng = new Rng(4, 9);
  const market = Float64Array.from({ length: s.data.target.length }, () => 200000 * (1 + 0.1 * rng.normal()));
  const data: WeeklyData = { ...s.data, target: Float64Array.from(s.data.target, (v, t) => v - 450000 + 2 * market[t]), controls: [...s.data.controls, { name: 'market', values: market }] };
  it('warns for both by default, and the intercept is 0', async () => {
    const f = await fitMmm(data, small);
    expect(f.model.intercept).toBe(0);
    expect(f.model.interceptSign).toBe('non_negative');
    expect(f.warnings.find((w) => w.startsWith('the intercept sits at its bound 0 (with a free intercept the fit puts it at -'))).toBeDefined();
    const share = f.decomposition.rows.reduce((a, r) => a + r[f.decomposition.header.indexOf('market')], 0) / data.target.reduce((a, v) => a + v, 0);
    expect(share).toBeGreaterThan(0.5);
    expect(f.warnings).toContain(
      `market explains ${(100 * share).toFixed(1)}% of revenue over the modelling window (more than 50%): it carries the baseline's level rather than its week-to-week movement, so the media effects are measured against it; check that it is not driven by the media or the target itself, or leave it out`,
    );
    // The price index (negative effect around a level of 1) is not flagged.
    expect(f.warnings.some((w) => w.startsWith('price_index explains'))).toBe(false);
  });
  it("interceptSign 'free' recovers the negative intercept and does not warn about the bound", async () => {
    const f = await fitMmm(data, { ...small, interceptSign: 'free' });
    expect(f.model.intercept).toBeLessThan(-100000);
    expect(f.warnings.some((w) => w.startsWith('the intercept sits'))).toBe(false);
  });
  it('the synthetic data without the offset get no warning of either kind', async () => {
    const f = await fitMmm(s.data, small);
    expect(f.model.intercept).toBeGreaterThan(0);
    expect(f.warnings.filter((w) => w.includes('intercept sits') || w.includes(' explains '))).toEqual([]);
  });
});

describe('factor and organic variables recover known effects (src/lab/context-organic.ts)', () => {
  // Pre-declared seeds 2-6 (seed 1 is the data set whose always-on search channel the data leave
  // undetermined); effects computed independently in the generator: events +10% / -8% of mean
  // revenue, a flighted newsletter worth 10% of revenue. Measured with this budget: events within
  // 21%, newsletter within 22%; held to 25%.
  for (const seed of [2, 3, 4, 5, 6]) {
    it(`seed ${seed}: each event level's effect and the newsletter's contribution within 25%`, async () => {
      const s = withContextAndOrganic(generateWeeklyData({ seed, channels: 4 }), seed, 0.1);
      const f = await fitMmm(s.data, { seed, trials: 3, iterations: 1000, bootstrap: 0, threads: 1, posteriorGenerations: 200 });
      expect(f.model.factors).toEqual([{ name: 'events', levels: ['na', 'event2', 'event1'], reference: 'na' }]);
      for (const level of ['event1', 'event2']) {
        const term = f.model.baseline.find((b) => b.kind === 'factor' && b.level === level)!;
        expect(term.name).toBe(`events_${level}`);
        expect(Math.abs(term.coef / s.extra.eventEffect[level] - 1)).toBeLessThan(0.25);
      }
      const og = f.model.organic![0];
      expect(og.name).toBe('newsletter');
      expect(og.coef).toBeGreaterThanOrEqual(0);
      expect(Math.abs(og.contribution / s.extra.organic.contribution - 1)).toBeLessThan(0.25);
      expect('roas' in og).toBe(false);
      // The decomposition has one column per factor and organic variable; channels keep their ROAS.
      const h = f.decomposition.header;
      const col = (name: string) => f.decomposition.rows.reduce((a, r) => a + r[h.indexOf(name)], 0);
      expect(col('newsletter')).toBeCloseTo(og.contribution, 4);
      expect(col('events')).toBeCloseTo(
        f.model.baseline.filter((b) => b.kind === 'factor').reduce((a, b) => a + b.coef * s.data.factors![0].values.filter((v) => v === b.level).length, 0),
        4,
      );
      // DECOMP.RSSD is about paid channels only: shares of paid media sum to 1.
      expect(f.model.channels.reduce((a, c) => a + c.contributionShare, 0)).toBeCloseTo(1, 12);
    });
  }
});

describe('predictions with factors and organic variables', () => {
  const s = withContextAndOrganic(generateWeeklyData({ seed: 3, channels: 4 }), 3, 0.1);
  const fitWeeks = 140;
  const cut = (d: WeeklyData, to: number): WeeklyData => ({
    ...d,
    dates: d.dates.slice(0, to),
    target: d.target.slice(0, to),
    channels: d.channels.map((c) => ({ ...c, values: c.values.slice(0, to) })),
    controls: d.controls.map((c) => ({ ...c, values: c.values.slice(0, to) })),
    organic: d.organic!.map((c) => ({ ...c, values: c.values.slice(0, to) })),
    factors: d.factors!.map((c) => ({ ...c, values: c.values.slice(0, to) })),
  });
  it('continue the organic adstock past the window, take planned factor levels and organic activity, and roll forward', async () => {
    const f = await fitMmm(cut(s.data, fitWeeks), { ...small, bootstrap: 5 });
    const og = f.model.organic![0];
    const future = s.data.dates.slice(fitWeeks, fitWeeks + 8);
    const activity = s.data.organic![0].values;
    const given = { newsletter: activity.slice(fitWeeks, fitWeeks + 8) };
    const p = predictBaseline(f.model, future, given);
    // The same effect from the whole activity series with no carry-in: the carry state is the series' past.
    const whole = predictMedia({ channels: [og] }, 'newsletter', activity.slice(0, fitWeeks + 8), null).slice(fitWeeks);
    p.organic.newsletter.forEach((v, t) => expect(v).toBeCloseTo(whole[t], 6));
    // Left out, the activity is held at its recent mean.
    const held = predictBaseline(f.model, future).organic.newsletter;
    expect(held[7]).toBeCloseTo(predictMedia({ channels: [og] }, 'newsletter', new Float64Array(8).fill(og.recentMean))[7], 9);
    expect(() => predictBaseline(f.model, s.data.dates.slice(100, 104))).toThrow(/organic effects continue from the model's last week/);
    // A plan may give factor levels (strings) and organic activity; an unseen level is refused.
    const header = ['date', ...f.model.channels.map((c) => c.name), 'events', 'newsletter'];
    const rows = Array.from(future, (d, t) => [dayToIso(d), ...f.model.channels.map(() => '1000'), t === 2 ? 'event1' : 'na', String(given.newsletter[t])]);
    const plan = planFromTable(f.model, parseCsv(toCsv(header, rows), 'plan.csv'));
    expect(Array.from(plan.controls.events_event1)).toEqual([0, 0, 1, 0, 0, 0, 0, 0]);
    const withPlan = predictBaseline(f.model, plan.dates, plan.controls);
    const e1 = f.model.baseline.find((b) => b.name === 'events_event1')!.coef;
    expect(withPlan.factors.events[2]).toBeCloseTo(e1, 9);
    expect(withPlan.factors.events[3]).toBe(0);
    rows[1][header.indexOf('events')] = 'event9';
    expect(() => planFromTable(f.model, parseCsv(toCsv(header, rows), 'plan.csv'))).toThrow('plan.csv row 2 column "events": level "event9" was not seen in the fit (levels: na, event2, event1)');
    // Rolled forward over 4 observed weeks: the organic state is that of the whole series.
    const rolled = rollForward(f.model, f.draws, cut(s.data, fitWeeks + 4));
    const after = predictBaseline(rolled.model, s.data.dates.slice(fitWeeks + 4, fitWeeks + 8), { newsletter: given.newsletter.slice(4) });
    after.organic.newsletter.forEach((v, t) => expect(v).toBeCloseTo(whole[4 + t], 6));
    expect(rolled.draws[1].organic).toHaveLength(1);
  });
});

describe('the modelling window', () => {
  const s = generateWeeklyData({ seed: 2, channels: 4 });
  const iso = (t: number) => dayToIso(s.data.dates[t]);
  it('fits the window weeks; earlier weeks warm up the adstock; later weeks are not used', async () => {
    const f = await fitMmm(s.data, { ...small, window: { start: iso(20), end: iso(149) } });
    expect(f.model.window).toMatchObject({ first: iso(20), last: iso(149), weeks: 130, warmupWeeks: 20 });
    expect(f.decomposition.rows).toHaveLength(130);
    expect(f.model.residuals).toHaveLength(130);
    expect(f.decomposition.dates[0]).toBe(iso(20));
    // Each channel's decomposition column is its effect of the spend of weeks 0-149 with no carry-in, from week 20 on.
    for (const c of f.model.channels) {
      const spend = s.data.channels.find((x) => x.name === c.name)!.values.slice(0, 150);
      const effect = predictMedia(f.model, c.name, spend, null).slice(20);
      const j = f.decomposition.header.indexOf(c.name);
      f.decomposition.rows.forEach((r, t) => expect(r[j]).toBeCloseTo(effect[t], 6));
      // ROAS is over the window's spend.
      expect(c.spend).toBeCloseTo(
        spend.slice(20).reduce((a, b) => a + b, 0),
        6,
      );
    }
    // The TV channel (theta >= 0.5 in the generator) carries spend from the warm-up weeks into week 20.
    const tv = f.model.channels.find((c) => c.name === 'tv_spend')!;
    const tvSpend = s.data.channels.find((x) => x.name === 'tv_spend')!.values;
    if (tv.adstock.kind === 'geometric' && tv.adstock.theta > 0.1) {
      expect(predictMedia(f.model, 'tv_spend', tvSpend.slice(0, 21), null)[20]).toBeGreaterThan(predictMedia(f.model, 'tv_spend', tvSpend.slice(20, 21), null)[0]);
    }
  });
  it('refuses a window outside the data, naming the option', async () => {
    await expect(fitMmm(s.data, { ...small, window: { start: '2010-01-04', end: iso(100) } })).rejects.toThrow(`fit option window.start: 2010-01-04 is before the data's first week (${iso(0)})`);
    await expect(fitMmm(s.data, { ...small, window: { start: iso(10), end: '2030-01-01' } })).rejects.toThrow(`fit option window.end: 2030-01-01 is after the data's last week (${iso(155)})`);
    await expect(fitMmm(s.data, { ...small, window: { start: iso(10), end: iso(5) } })).rejects.toBeInstanceOf(UsageError);
    await expect(fitMmm(s.data, { ...small, window: { start: '2021-13-01', end: iso(5) } })).rejects.toThrow('fit option window.start: unparseable date "2021-13-01" (expected YYYY-MM-DD)');
  });
});

describe('adstock kind per channel and option checks', () => {
  const s = generateWeeklyData({ seed: 3, channels: 4 });
  it("uses each channel's own adstock family and searches its own hyperparameters", async () => {
    const f = await fitMmm(s.data, { ...small, adstock: 'geometric', saturation: 'hill', channelAdstock: { tv_spend: 'weibull_pdf' }, channelRanges: { search_spend: { theta: [0, 0.2] } } });
    expect(f.model.channels.map((c) => c.adstock.kind)).toEqual(['weibull_pdf', 'geometric', 'geometric', 'geometric']);
    for (const c of f.pareto) {
      expect(Object.keys(c.hyperparameters.tv_spend).sort()).toEqual(['alpha', 'gamma', 'scale', 'shape']);
      expect(c.hyperparameters.search_spend.theta).toBeLessThanOrEqual(0.2);
    }
  });
  it('refuses settings for names that are not in the data, and bad values, naming the option', async () => {
    await expect(fitMmm(s.data, { ...small, channelAdstock: { tv: 'geometric' } })).rejects.toThrow('fit option channelAdstock.tv: not a channel or organic variable');
    await expect(fitMmm(s.data, { ...small, controlSigns: { price: 'negative' } })).rejects.toThrow('fit option controlSigns.price: not a control or factor');
    await expect(fitMmm(s.data, { ...small, trials: 0 })).rejects.toThrow('fit option trials: must be an integer >= 1 (got 0)');
    // A data column named as one of the model's own terms would be taken for it (a control "trend" fed the trend's forecast).
    const named = (name: string) => ({ ...s.data, file: 'w.csv', controls: [{ name, values: s.data.channels[0].values }] });
    await expect(fitMmm(named('trend'), small)).rejects.toThrow('w.csv column "trend": the model names one of its own terms trend; rename this column');
    await expect(fitMmm(named('season_sin1'), small)).rejects.toThrow(/column "season_sin1": the model names/);
    // A factor's dummy is named <factor>_<level>: a control of that name would be fed to it.
    const levels = Array.from(s.data.dates, (_, t) => (t % 3 === 0 ? 'a' : 'b'));
    const dummy = { ...named('ev_a'), factors: [{ name: 'ev', values: levels }] };
    await expect(fitMmm(dummy, small)).rejects.toThrow('w.csv column "ev_a": the model names one of its own terms ev_a; rename this column');
    // A factor whose level makes a generated name: factor season, level sin1 -> season_sin1, the first Fourier term.
    const seasonal = { ...s.data, file: 'w.csv', factors: [{ name: 'season', values: Array.from(s.data.dates, (_, t) => (t % 3 === 0 ? 'sin1' : 'other')) }] };
    await expect(fitMmm(seasonal, small)).rejects.toThrow('w.csv column "season": a level of factor season makes the term season_sin1, which the model names already; rename the level');
    // A number given as a factor: a level per week.
    const n = s.data.dates.length;
    const numeric = { ...s.data, file: 'w.csv', factors: [{ name: 'visits', values: Array.from({ length: n }, (_, t) => String(1000 + t)) }] };
    await expect(fitMmm(numeric, small)).rejects.toThrow(`w.csv column "visits": factor visits has ${n} levels in ${n} weeks: a factor is a category with a few levels`);
    await expect(fitMmm(s.data, { ...small, channelRanges: { tv_spend: { theta: [0.5, 1.5] } } })).rejects.toThrow('fit option channelRanges.tv_spend.theta: must be [lo, hi] within [0, 0.999]');
    await expect(fitMmm(s.data, { ...small, interceptSign: 'positive' as 'free' })).rejects.toThrow(/fit option interceptSign: /);
    // Options that would do nothing with the other options given.
    await expect(fitMmm(s.data, { ...small, trend: false, trendKnotSpacing: 26 })).rejects.toThrow('fit option trendKnotSpacing: needs the trend (trend is false)');
    await expect(fitMmm(s.data, { ...small, estimator: 'search', roasPrior: { logMean: 0.2, logSd: 0.9 } })).rejects.toThrow(
      "fit option roasPrior: only the posterior estimator uses it (estimator is 'search')",
    );
    await expect(fitMmm(s.data, { ...small, estimator: 'search', posteriorPoint: 'map' })).rejects.toThrow("fit option posteriorPoint: only the posterior estimator uses it (estimator is 'search')");
  });
  it('refuses negative organic activity and an empty factor level, naming the row and column', async () => {
    const organic = { ...s.data, file: 'w.csv', organic: [{ name: 'posts', values: Float64Array.from(s.data.target, (_, t) => (t === 7 ? -1 : 3 + (t % 4))) }] };
    await expect(fitMmm(organic, small)).rejects.toThrow('w.csv row 8 column "posts": negative organic activity -1 (organic variables count activity, >= 0)');
    const factor = { ...s.data, file: 'w.csv', factors: [{ name: 'events', values: Array.from(s.data.target, (_, t) => (t === 3 ? ' ' : t % 9 === 0 ? 'sale' : 'na')) }] };
    await expect(fitMmm(factor, small)).rejects.toBeInstanceOf(ValidationError);
    await expect(fitMmm(factor, small)).rejects.toThrow('w.csv row 4 column "events": empty factor level');
  });
  it('drops a factor with one level in the window, with a warning', async () => {
    const d = { ...s.data, factors: [{ name: 'events', values: Array.from(s.data.target, () => 'na') }] };
    const f = await fitMmm(d, small);
    expect(f.warnings).toContain('factor events has one level ("na") over all weeks and was dropped');
    expect(f.model.factors).toBeUndefined();
  });
});

describe('mmm fit with the new flags (real process, exit code, one line on stderr, no output folder)', () => {
  const run = promisify(execFile);
  it('fits Robyn-style inputs, and refuses an unknown factor column, negative organic activity and a window outside the data', async () => {
    const s = withContextAndOrganic(generateWeeklyData({ seed: 5, channels: 4 }), 5, 0.1);
    const dir = await mkdtemp(join(tmpdir(), 'mmm-inputs-'));
    const { header, rows } = weeklyDataToCsvRows(s.data);
    const file = join(dir, 'weekly.csv');
    const full = rows.map((r, t) => [...r, s.data.factors![0].values[t], s.data.organic![0].values[t]]);
    await writeFile(file, toCsv([...header, 'events', 'newsletter'], full));
    const base = [
      'bin/mmm.mjs',
      'fit',
      '--weekly',
      file,
      '--target',
      'revenue',
      '--channels',
      s.data.channels.map((c) => c.name).join(','),
      '--controls',
      'price_index,competitor_spend,holiday',
      '--trials',
      '2',
      '--iterations',
      '200',
      '--bootstrap',
      '0',
      '--threads',
      '1',
    ];
    const ok = await run('node', [
      ...base,
      '--factors',
      'events',
      '--organic',
      'newsletter',
      '--window-start',
      dayToIso(s.data.dates[8]),
      '--intercept-sign',
      'non_negative',
      '--out',
      join(dir, 'ok'),
    ]);
    expect(ok.stdout).toMatch(/wrote .*model\.json: R2/);
    const model = JSON.parse(await readFile(join(dir, 'ok', 'model.json'), 'utf8'));
    expect(model.organic.map((o: { name: string }) => o.name)).toEqual(['newsletter']);
    expect(model.window.warmupWeeks).toBe(8);
    // One line per channel with the figures of model.json.
    for (const c of model.channels)
      expect(ok.stdout).toContain(
        `  ${c.name.padEnd(16)} ROAS ${c.roas.toFixed(2)} [90%: ${c.roasLow.toFixed(2)}-${c.roasHigh.toFixed(2)}]  marginal ROAS at its spend ${c.mroas.toFixed(2)}  ${(100 * c.contributionShare).toFixed(1)}% of the media effect\n`,
      );
    const fails = async (extra: string[], line: string) => {
      const e = (await run('node', [...base, ...extra, '--out', join(dir, 'bad')]).catch((x: unknown) => x)) as { code: number; stderr: string };
      expect(e.code).toBe(2);
      expect(e.stderr).toBe(`${line}\n`);
      await expect(stat(join(dir, 'bad'))).rejects.toThrow();
    };
    await fails(['--week-ending'], 'error: mmm fit: --week-ending goes with --country (it says which 7 days of each date a holiday flags)');
    await fails(['--factors', 'event'], `error: ${file} column "event": missing column (found: ${[...header, 'events', 'newsletter'].join(', ')})`);
    const negative = full.map((r, t) => (t === 4 ? [...r.slice(0, -1), '-3'] : r));
    await writeFile(join(dir, 'negative.csv'), toCsv([...header, 'events', 'newsletter'], negative));
    const e = (await run('node', [...base.map((a) => (a === file ? join(dir, 'negative.csv') : a)), '--organic', 'newsletter', '--out', join(dir, 'bad')]).catch((x: unknown) => x)) as {
      code: number;
      stderr: string;
    };
    expect(e.code).toBe(2);
    expect(e.stderr).toBe(`error: ${join(dir, 'negative.csv')} row 5 column "newsletter": negative value -3\n`);
    await fails(['--window-start', '2030-01-07'], `error: mmm fit: --window-start: 2030-01-07 is after the data's last week (${dayToIso(s.data.dates[155])})`);
  }, 30_000);
});

describe('runFitCommand checks its own flags before reading the data', () => {
  it('refuses an unknown intercept sign and a malformed per-channel adstock', async () => {
    const s = generateWeeklyData({ seed: 2, channels: 4 });
    const dir = await mkdtemp(join(tmpdir(), 'mmm-flags-'));
    const { header, rows } = weeklyDataToCsvRows(s.data);
    const file = join(dir, 'weekly.csv');
    await writeFile(file, toCsv(header, rows));
    const opts = { weekly: file, dateCol: 'date', target: 'revenue', channels: s.data.channels.map((c) => c.name), controls: [], out: join(dir, 'out'), ...small };
    await expect(runFitCommand({ ...opts, interceptSign: 'positive' as 'free' })).rejects.toThrow('mmm fit: --intercept-sign must be non_negative or free, got "positive"');
    await expect(runFitCommand({ ...opts, channelAdstock: ['tv_spend:weibull'] })).rejects.toThrow(
      'mmm fit: --channel-adstock "tv_spend:weibull": expected name=geometric|binomial|weibull_cdf|weibull_pdf',
    );
  });
});

describe('mmm fit refuses a weekly table as the ingest does (file, row, column), before any fit', () => {
  const s = generateWeeklyData({ seed: 2, channels: 3 });
  const { header, rows } = weeklyDataToCsvRows(s.data);
  const channels = s.data.channels.map((c) => c.name);
  const fitFile = async (name: string, content: string | Buffer) => {
    const dir = await mkdtemp(join(tmpdir(), 'mmm-table-'));
    const file = join(dir, name);
    await writeFile(file, content);
    const out = join(dir, 'out');
    const error = await runFitCommand({ weekly: file, dateCol: 'date', target: 'revenue', channels, controls: [], out, trials: 1, iterations: 50, bootstrap: 0, threads: 1 }).then(
      () => null,
      (e: unknown) => e as Error,
    );
    await expect(stat(out)).rejects.toThrow();
    return { file, message: error?.message };
  };
  const csv = toCsv(header, rows);
  it('a header naming a column twice, text that is not UTF-8, UTF-16, another separator, a header without rows', async () => {
    const twice = await fitFile(
      'twice.csv',
      toCsv(
        header.map((h) => (h === channels[1] ? channels[0] : h)),
        rows,
      ),
    );
    expect(twice.message).toBe(`${twice.file} column "${channels[0]}": the header names this column twice`);
    const lines = csv.split('\n');
    const latin1 = await fitFile('latin1.csv', Buffer.concat([Buffer.from(`${lines.slice(0, 5).join('\n')}\n`), Buffer.from([0x46, 0xea, 0x0a]), Buffer.from(lines.slice(5).join('\n'))]));
    expect(latin1.message).toBe(`${latin1.file} row 5 column "date": not UTF-8 text (byte 0xEA); save the file as UTF-8`);
    const utf16 = await fitFile('utf16.csv', Buffer.from(`\ufeff${csv}`, 'utf16le'));
    expect(utf16.message).toBe(`${utf16.file}: UTF-16 text, not UTF-8; save the file as UTF-8 CSV`);
    const semicolons = await fitFile('semicolons.csv', csv.replaceAll(',', ';'));
    expect(semicolons.message).toBe(`${semicolons.file}: columns are separated by ";", not commas; save the file as comma-separated CSV`);
    const headerOnly = await fitFile('header.csv', `${header.join(',')}\n`);
    expect(headerOnly.message).toBe(`${headerOnly.file}: file is empty (a header but no data rows)`);
  });
  it('a target with one value in every week (the fit itself refuses it too: it would have nothing to model)', async () => {
    const zero = await fitFile(
      'zero.csv',
      toCsv(
        header,
        rows.map((r) => r.map((v, j) => (header[j] === 'revenue' ? 0 : v))),
      ),
    );
    expect(zero.message).toBe(`${zero.file} column "revenue": the target is 0 in every week (156 weeks, ${dayToIso(s.data.dates[0])} to ${dayToIso(s.data.dates[155])}): there is nothing to model`);
    const flat = { ...s.data, target: new Float64Array(s.data.target.length).fill(1000) };
    await expect(fitMmm(flat, small)).rejects.toThrow(ValidationError);
    await expect(fitMmm(flat, small)).rejects.toThrow('the target is the same (1000) in every week (156 weeks,');
  });
  it('rows out of order are named before a window is looked up in them', async () => {
    const reversed = await fitFile('reversed.csv', toCsv(header, [...rows].reverse()));
    const dir = join(reversed.file, '..');
    const e = await runFitCommand({ weekly: reversed.file, dateCol: 'date', target: 'revenue', channels, controls: [], out: join(dir, 'out'), windowStart: dayToIso(s.data.dates[10]) }).catch(
      (x: Error) => x,
    );
    expect((e as Error).message).toBe(`${reversed.file} row 2 column "date": weeks are not in ascending order (${dayToIso(s.data.dates[154])} after ${dayToIso(s.data.dates[155])})`);
  });
});

describe('a reader that stops early', () => {
  it('is no error on stderr either: the warnings of mmm fit to a closed pipe, exit 0 (it was 1)', async () => {
    const s = generateWeeklyData({ seed: 2, channels: 3 });
    const dir = await mkdtemp(join(tmpdir(), 'mmm-epipe-'));
    const { header, rows } = weeklyDataToCsvRows(s.data);
    await writeFile(join(dir, 'weekly.csv'), toCsv(header, rows));
    const channels = s.data.channels.map((c) => c.name).join(',');
    // The fit writes its warnings to stderr, which nobody reads (without the handler this exited 1).
    const args = ['bin/mmm.mjs', 'fit', '--weekly', join(dir, 'weekly.csv'), '--target', 'revenue', '--channels', channels, '--controls', 'price_index,competitor_spend,holiday'];
    const child = spawn('node', [...args, '--trials', '1', '--iterations', '100', '--bootstrap', '20', '--threads', '1', '--out', join(dir, 'out')], { stdio: ['ignore', 'ignore', 'pipe'] });
    child.stderr.destroy();
    const code = await new Promise<number | null>((done) => child.on('exit', done));
    expect(code).toBe(0);
  }, 30_000);
});
