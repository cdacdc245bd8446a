import { describe, expect, it } from 'vitest';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { toCsv } from '../../src/core/csv.ts';
import { ValidationError } from '../../src/core/errors.ts';
import { fitMmm, predictBaseline, predictMedia, scoreHyperparameters, steadyStateEffect } from '../../src/mmm/index.ts';
import { generateWeeklyData, oracleForecast, profileRoas, weeklyDataToCsvRows } from '../../src/lab/index.ts';
import type { BootstrapDraw, ChannelSummary, WeeklyData } from '../../src/mmm/index.ts';
import type { SearchProblem } from '../../src/mmm/problem.ts';
import { uncertaintyWarnings } from '../../src/mmm/summarise.ts';
import { runFitCommand } from '../../pipelines/mmm.ts';
import { readFitInput } from '../../pipelines/simulate.ts';

const small = { trials: 2, iterations: 400, bootstrap: 40, threads: 1, posteriorGenerations: 100 };

function clone(d: WeeklyData): WeeklyData {
  return {
    ...d,
    dates: Int32Array.from(d.dates),
    target: Float64Array.from(d.target),
    channels: d.channels.map((c) => ({ name: c.name, values: Float64Array.from(c.values) })),
    controls: d.controls.map((c) => ({ name: c.name, values: Float64Array.from(c.values) })),
  };
}

describe('oracleForecast', () => {
  it('predicts noise-free weeks it was not fitted on exactly (the design holds the truth), and fits the noise otherwise', () => {
    const exact = generateWeeklyData({ seed: 3, channels: 5, noise: 0 });
    const media = exact.truth.channels.map((c) => c.effect);
    const pred = oracleForecast(exact.data, media, 100);
    const expected = (t: number) => exact.truth.baseline[t] + exact.truth.channels.reduce((a, c) => a + c.effect[t], 0);
    // Targets are rounded to cents; the forecast weeks 100..155 follow to within a few cents.
    for (let t = 100; t < exact.data.target.length; t++) expect(Math.abs(pred[t] - expected(t))).toBeLessThan(0.05);
    const noisy = generateWeeklyData({ seed: 3, channels: 5 });
    const p2 = oracleForecast(
      noisy.data,
      noisy.truth.channels.map((c) => c.effect),
      100,
    );
    let sse = 0;
    for (let t = 100; t < noisy.data.target.length; t++) sse += (p2[t] - expected(t)) ** 2;
    // With noise the forecast is off, by less than the noise itself (it is averaged over 100 fitting weeks).
    const rmse = Math.sqrt(sse / (noisy.data.target.length - 100));
    expect(rmse).toBeGreaterThan(0);
    expect(rmse).toBeLessThan(noisy.truth.noiseSd);
    expect(() => oracleForecast(exact.data, media.slice(1), 100)).toThrow(RangeError);
  });
});

describe('profileRoas', () => {
  // A small grid around each truth keeps the test fast; the truth itself is a grid point.
  const grid = (v: number, step: number, lo: number, hi: number) => [v - 2 * step, v - step, v, v + step, v + 2 * step].filter((x) => x >= lo && x <= hi);
  const opts = (c: { theta: number; alpha: number; gamma: number }) => ({ theta: grid(c.theta, 0.05, 0, 0.8), alpha: grid(c.alpha, 0.1, 0.5, 3), gamma: grid(c.gamma, 0.05, 0.3, 1) });
  it('on noise-free data finds the true ROAS and an interval of that point alone', () => {
    const exact = generateWeeklyData({ seed: 3, channels: 4, noise: 0 });
    const j = exact.truth.channels.findIndex((c) => c.name === 'search_spend');
    const o = opts(exact.truth.channels[j]);
    const p = profileRoas(exact, j, { ...o, refinements: 0 });
    expect(p.points).toBe(o.theta.length * o.alpha.length * o.gamma.length);
    // Revenue is rounded to cents, so the truth is exact to about 1e-6.
    expect(p.mle / exact.truth.channels[j].roas - 1).toBeCloseTo(0, 5);
    expect(p.low).toBe(p.mle);
    expect(p.high).toBe(p.mle);
  });
  it("synthetic seed 1 (README): the data determine TV's ROAS within 20% but not the always-on search channel's", () => {
    const s1 = generateWeeklyData({ seed: 1, channels: 4 });
    const at = (name: string) => {
      const k = s1.truth.channels.findIndex((c) => c.name === name);
      const p = profileRoas(s1, k);
      return { lo: p.low / s1.truth.channels[k].roas - 1, hi: p.high / s1.truth.channels[k].roas - 1 };
    };
    const tv = at('tv_spend');
    expect(tv.lo).toBeGreaterThan(-0.2);
    expect(tv.hi).toBeLessThan(0.2);
    const search = at('search_spend');
    expect(search.lo).toBeLessThan(-0.4);
    expect(search.hi).toBeGreaterThan(0.8);
  });
  it('with noise the interval holds the estimate and is wider than with less noise', () => {
    const width = (noise: number) => {
      const s = generateWeeklyData({ seed: 3, channels: 4, noise });
      const j = s.truth.channels.findIndex((c) => c.name === 'search_spend');
      const p = profileRoas(s, j, opts(s.truth.channels[j]));
      expect(p.low).toBeLessThanOrEqual(p.mle);
      expect(p.high).toBeGreaterThanOrEqual(p.mle);
      return p.high - p.low;
    };
    // The refined search finds a maximum at least as high as the truth's own likelihood.
    const s2 = generateWeeklyData({ seed: 3, channels: 4 });
    const j2 = s2.truth.channels.findIndex((c) => c.name === 'search_spend');
    const t2 = s2.truth.channels[j2];
    const atTruth = profileRoas(s2, j2, { theta: [t2.theta], alpha: [t2.alpha], gamma: [t2.gamma], refinements: 0 });
    const coarse = profileRoas(s2, j2, { theta: [0, 0.4, 0.8], alpha: [0.5, 1.5, 3], gamma: [0.3, 0.65, 1], refinements: 0 });
    const refined = profileRoas(s2, j2, { theta: [0, 0.4, 0.8], alpha: [0.5, 1.5, 3], gamma: [0.3, 0.65, 1], refinements: 6 });
    expect(refined.logLik).toBeGreaterThan(coarse.logLik);
    expect(refined.logLik).toBeGreaterThanOrEqual(atTruth.logLik);
    const narrow = width(0.005);
    const wide = width(0.02);
    expect(narrow).toBeGreaterThan(0);
    expect(wide).toBeGreaterThan(narrow);
    expect(() => profileRoas(generateWeeklyData({ seed: 3, channels: 4 }), 9)).toThrow(RangeError);
  });
});

describe('recovery on synthetic data with a known truth (default options, in-process)', () => {
  // A fixed, pre-declared set: seeds 1-6 of src/lab/synthetic.ts with 4, 5, 6, 4, 5, 6 channels, all
  // reported (bench/mmm-battery.ts --families ours prints the table). Held: every large channel whose
  // ROAS the data determine within 20% even with every other transform known (README, "What the data
  // can identify": TV on every seed, social on 1 and 3, search on 3) is within 20%; total media
  // within 15% on every seed but 1 (its always-on search channel, undetermined, is about 40% low);
  // the truth inside the 90% ROAS interval for at least 25 of the 30 channels (measured: 27).
  const determined: Record<number, string[]> = { 1: ['tv_spend', 'social_spend'], 2: ['tv_spend'], 3: ['tv_spend', 'search_spend', 'social_spend'], 4: ['tv_spend'], 5: ['tv_spend'], 6: ['tv_spend'] };
  let covered = 0;
  let total = 0;
  for (const seed of [1, 2, 3, 4, 5, 6]) {
    it(`seed ${seed}: determined large channels within 20%${seed === 1 ? '' : ', total media within 15%'}; the point inside its own interval`, async () => {
      const s = generateWeeklyData({ seed, channels: [4, 5, 6][(seed - 1) % 3] });
      const fit = await fitMmm(s.data, { seed, threads: 1 });
      s.truth.channels.forEach((t, j) => {
        const c = fit.model.channels[j];
        expect(c.name).toBe(t.name);
        if (determined[seed].includes(t.name)) expect(Math.abs(c.roas / t.roas - 1)).toBeLessThan(0.2);
        expect(c.roasLow).toBeLessThanOrEqual(c.roas);
        expect(c.roas).toBeLessThanOrEqual(c.roasHigh);
        total++;
        if (t.roas >= c.roasLow && t.roas <= c.roasHigh) covered++;
      });
      const fitted = fit.model.channels.reduce((a, c) => a + c.contribution, 0);
      if (seed !== 1) expect(Math.abs(fitted / s.truth.totalContribution - 1)).toBeLessThan(0.15);
    });
  }
  it('across the seeds: the truth inside the 90% interval for at least 25 of the 30 channels', () => {
    expect(total).toBe(30);
    expect(covered).toBeGreaterThanOrEqual(25);
  });
});

describe('fitMmm invariants', () => {
  const s = generateWeeklyData({ seed: 11, channels: 4 });
  it('gives identical results for 1 and 2 threads (trials seeded by index)', async () => {
    const a = await fitMmm(s.data, { ...small, threads: 1 });
    const b = await fitMmm(s.data, { ...small, threads: 2 });
    expect(JSON.stringify(b.model)).toBe(JSON.stringify(a.model));
    expect(JSON.stringify(b.pareto)).toBe(JSON.stringify(a.pareto));
  });
  it('warns when the model misses the weeks it held out by 20% or more, and not when it follows them', async () => {
    const plain = await fitMmm(s.data, { ...small, bootstrap: 0 });
    expect(plain.model.metrics.holdoutMape).toBeLessThan(0.2);
    expect(plain.warnings.filter((w) => w.includes('misses them by'))).toEqual([]);
    // The business doubles over the last fifth of the weeks: no curve or trend fitted before it writes that.
    const n = s.data.target.length;
    const shifted = { ...s.data, target: Float64Array.from(s.data.target, (v, t) => (t >= Math.floor(0.8 * n) ? 2 * v : v)) };
    const f = await fitMmm(shifted, { ...small, bootstrap: 0 });
    expect(f.model.metrics.holdoutMape).toBeGreaterThanOrEqual(0.2);
    expect(f.warnings.filter((w) => w.includes('misses them by'))).toEqual([
      expect.stringMatching(
        new RegExp(
          `^the model, fitted without the last \\d+ weeks, misses them by ${(100 * f.model.metrics.holdoutMape).toFixed(1)}% on average \\(${(100 * f.model.metrics.mape).toFixed(1)}% on the weeks it fits\\)`,
        ),
      ),
    ]);
  });
  it('scoreHyperparameters gives the chosen candidate the scores the search gave it; a candidate away from it scores worse', async () => {
    const searchOnly = { ...small, adstock: 'geometric' as const, saturation: 'hill' as const, estimator: 'search' as const };
    const f = await fitMmm(s.data, searchOnly);
    const hp = Object.fromEntries(
      f.model.channels.map((c) => {
        if (c.adstock.kind !== 'geometric' || c.saturation.kind !== 'hill') throw new Error('default families expected');
        return [c.name, { theta: c.adstock.theta, alpha: c.saturation.alpha, gamma: c.saturation.gamma }];
      }),
    );
    const sc = scoreHyperparameters(s.data, searchOnly, hp, f.model.lambda);
    expect(sc.objective).toBeCloseTo(f.model.selection.objectiveValue, 12);
    expect(sc.validationNrmse).toBeCloseTo(f.model.metrics.validationNrmse, 12);
    expect(sc.decompRssd).toBeCloseTo(f.model.selection.decompRssd, 12);
    // The search's in-sample NRMSE uses the same all-weeks fit as the model's metric.
    expect(sc.trainNrmse).toBeCloseTo(f.model.metrics.nrmse, 9);
    // Every channel made nearly linear and memoryless: a model the search would not pick.
    const flat = Object.fromEntries(f.model.channels.map((c) => [c.name, { theta: 0, alpha: 0.5, gamma: 1 }]));
    expect(scoreHyperparameters(s.data, searchOnly, flat, f.model.lambda).objective).toBeGreaterThan(sc.objective);
    expect(() => scoreHyperparameters(s.data, searchOnly, { [s.data.channels[0].name]: hp[s.data.channels[0].name] }, 1e-3)).toThrow(/no hyperparameters for channel/);
    expect(() => scoreHyperparameters(s.data, small, hp, 1e-3)).toThrow(/has several families; score one family at a time/);
  });
  it('decomposes every week exactly: intercept + baseline parts + channels = fitted, baseline = its parts; contributions sum the channel columns', async () => {
    const f = await fitMmm(s.data, small);
    const h = f.decomposition.header;
    expect(h.slice(0, 4)).toEqual(['actual', 'fitted', 'baseline', 'intercept']);
    const firstChannel = h.indexOf(f.model.channels[0].name);
    for (const row of f.decomposition.rows) {
      const parts = row.slice(3).reduce((a, b) => a + b, 0);
      expect(parts).toBeCloseTo(row[1], 6);
      expect(row.slice(3, firstChannel).reduce((a, b) => a + b, 0)).toBeCloseTo(row[2], 6);
    }
    f.model.channels.forEach((c) => {
      const j = h.indexOf(c.name);
      const sum = f.decomposition.rows.reduce((a, r) => a + r[j], 0);
      expect(sum).toBeCloseTo(c.contribution, 4);
      expect(c.roas).toBeCloseTo(c.contribution / c.spend, 12);
      expect(c.coef).toBeGreaterThanOrEqual(0);
    });
    const shares = f.model.channels.reduce((a, c) => a + c.contributionShare, 0);
    expect(shares).toBeCloseTo(1, 12);
    // pareto front: sorted by objective with strictly falling RSSD
    for (let i = 1; i < f.pareto.length; i++) {
      expect(f.pareto[i].objective).toBeGreaterThanOrEqual(f.pareto[i - 1].objective);
      expect(f.pareto[i].decompRssd).toBeLessThan(f.pareto[i - 1].decompRssd);
    }
    // the objective is the validation NRMSE times the alpha prior's factor (>= 1); model.metrics reports
    // the NRMSE itself. With the search estimator the chosen candidate is within 1% of the best objective.
    for (const c of f.pareto) expect(c.objective).toBeGreaterThanOrEqual(c.validationNrmse);
    const bySearch = await fitMmm(s.data, { ...small, estimator: 'search' });
    expect(bySearch.model.selection.objectiveValue).toBeLessThanOrEqual(bySearch.pareto[0].objective * 1.01 + 1e-15);
    expect(f.model.metrics.validationNrmse).toBe(f.model.selection.validationNrmse);
  });
  it('predictMedia with the model carry continues the adstock; with null carry it reproduces the fitted channel series', async () => {
    const f = await fitMmm(s.data, small);
    const ch = f.model.channels[0];
    const j = f.decomposition.header.indexOf(ch.name);
    const inWindow = predictMedia(f.model, ch.name, s.data.channels[0].values, null);
    f.decomposition.rows.forEach((r, t) => expect(inWindow[t]).toBeCloseTo(r[j], 6));
    const zeroPlan = predictMedia(f.model, ch.name, new Float64Array(4));
    if (ch.adstock.kind === 'geometric' && ch.adstock.theta > 0 && ch.carry.lastAdstock > 0) expect(zeroPlan[0]).toBeGreaterThan(0);
    for (let t = 1; t < 4; t++) expect(zeroPlan[t]).toBeLessThanOrEqual(zeroPlan[t - 1]);
    expect(steadyStateEffect(ch, 2000)).toBeLessThan(steadyStateEffect(ch, 4000));
    expect(() => predictMedia(f.model, 'nope', [1])).toThrow('predictMedia: unknown channel "nope"');
    const d0 = f.draws[0];
    expect(predictMedia(d0, ch.name, [1000, 1000]).length).toBe(2);
    // baseline forecast over the window equals the decomposition's baseline parts
    const base = predictBaseline(f.model, s.data.dates, Object.fromEntries(s.data.controls.map((c) => [c.name, c.values])));
    f.decomposition.rows.forEach((r, t) => expect(base.total[t]).toBeCloseTo(r[2], 6));
  });
});

describe('bad input', () => {
  const s = generateWeeklyData({ seed: 5, channels: 4 });
  const expectValidation = async (d: WeeklyData, message: string): Promise<void> => {
    const p = fitMmm(d, small);
    await expect(p).rejects.toBeInstanceOf(ValidationError);
    await expect(fitMmm(d, small)).rejects.toThrow(message);
  };
  it('rejects an all-zero channel', async () => {
    const d = clone(s.data);
    d.file = 'w.csv';
    d.channels[1].values.fill(0);
    await expectValidation(d, 'w.csv column "search_spend": channel has no spend in any week; remove it from --channels');
  });
  it('rejects a constant channel', async () => {
    const d = clone(s.data);
    d.channels[0].values.fill(500);
    await expectValidation(d, 'column "tv_spend": channel spend is the same (500) every week, so its effect cannot be separated from the baseline');
  });
  it('rejects missing and duplicated weeks, naming the row', async () => {
    const d = clone(s.data);
    d.dates = Int32Array.from(d.dates, (v, i) => (i >= 10 ? v + 14 : v));
    await expectValidation(d, 'row 11 column "date": 2 missing week(s) between 2021-03-08 and 2021-03-29');
    const e = clone(s.data);
    e.dates[20] = e.dates[19];
    await expectValidation(e, 'row 21 column "date": duplicated week 2021-05-17');
  });
  it('rejects NaN in a control and in the target', async () => {
    const d = clone(s.data);
    d.controls[0].values[7] = NaN;
    await expectValidation(d, 'row 8 column "price_index": not a finite number (NaN)');
    const e = clone(s.data);
    e.target[3] = Infinity;
    await expectValidation(e, 'row 4 column "revenue": not a finite number (Infinity)');
  });
  it('rejects fewer weeks than parameters', async () => {
    const d = clone(s.data);
    const n = 20;
    d.dates = d.dates.slice(0, n);
    d.target = d.target.slice(0, n);
    d.channels = d.channels.map((c) => ({ ...c, values: c.values.slice(0, n) }));
    d.controls = d.controls.map((c) => ({ ...c, values: c.values.slice(0, n) }));
    await expectValidation(d, '20 weeks is fewer than the 30 model parameters');
  });
  it('drops a constant control with a recorded warning', async () => {
    const d = clone(s.data);
    d.controls[2].values.fill(0);
    const f = await fitMmm(d, small);
    expect(f.warnings).toContain('control holiday is constant (0) over all weeks and was dropped');
    expect(f.model.baseline.find((b) => b.name === 'holiday')).toBeUndefined();
  });
  it('names the file and column when the target column does not exist (CLI edge)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'mmm-'));
    const { header, rows } = weeklyDataToCsvRows(s.data);
    const file = join(dir, 'weekly.csv');
    await writeFile(file, toCsv(header, rows));
    await expect(runFitCommand({ weekly: file, dateCol: 'date', target: 'sales', channels: ['tv_spend'], controls: [], out: join(dir, 'out') })).rejects.toThrow(
      `${file} column "sales": missing column`,
    );
  });
});

describe('mmm fit command', () => {
  it('writes model.json with the contract fields, decomposition.csv, pareto.json, bootstrap.json and a manifest; same seed, same bytes', async () => {
    const s = generateWeeklyData({ seed: 8, channels: 4 });
    const dir = await mkdtemp(join(tmpdir(), 'mmm-'));
    const { header, rows } = weeklyDataToCsvRows(s.data);
    const file = join(dir, 'weekly.csv');
    await writeFile(file, toCsv(header, rows));
    const opts = {
      weekly: file,
      dateCol: 'date',
      target: 'revenue',
      channels: s.data.channels.map((c) => c.name),
      controls: ['price_index', 'competitor_spend', 'holiday'],
      seed: 3,
      trials: 2,
      iterations: 300,
      bootstrap: 30,
      threads: 2,
    };
    await runFitCommand({ ...opts, out: join(dir, 'a') });
    await runFitCommand({ ...opts, out: join(dir, 'b'), threads: 1 });
    const model = JSON.parse(await readFile(join(dir, 'a', 'model.json'), 'utf8'));
    for (const k of ['r2', 'nrmse', 'mape', 'holdoutMape', 'decompRssd']) expect(Number.isFinite(model.metrics[k])).toBe(true);
    expect(model.channels.map((c: { name: string }) => c.name)).toEqual(opts.channels);
    for (const c of model.channels) for (const k of ['spend', 'contribution', 'contributionShare', 'roas', 'roasLow', 'roasHigh', 'mroas']) expect(Number.isFinite(c[k])).toBe(true);
    for (const f of ['model.json', 'decomposition.csv', 'pareto.json', 'bootstrap.json']) {
      expect(await readFile(join(dir, 'a', f), 'utf8')).toBe(await readFile(join(dir, 'b', f), 'utf8'));
    }
    const manifest = JSON.parse(await readFile(join(dir, 'a', 'manifest.json'), 'utf8'));
    expect(manifest.outputs.map((o: { path: string }) => o.path)).toEqual(['bootstrap.json', 'decomposition.csv', 'input.csv', 'model.json', 'pareto.json']);
    // input.csv is the weekly table the fit saw, read back to the same numbers.
    const back = await readFitInput(join(dir, 'a'), model);
    const original = s.data;
    expect(Array.from(back.target)).toEqual(Array.from(original.target));
    expect(back.channels.map((c) => Array.from(c.values))).toEqual(original.channels.map((c) => Array.from(c.values)));
    expect(Array.from(back.dates)).toEqual(Array.from(original.dates));
    const csv = (await readFile(join(dir, 'a', 'decomposition.csv'), 'utf8')).split('\n');
    expect(csv[0]).toBe(['date', 'actual', 'fitted', 'baseline', 'intercept', 'trend', 'seasonality', 'price_index', 'competitor_spend', 'holiday', ...opts.channels].join(','));
    expect(csv.length).toBe(157 + 1);
  });
});

describe('lift-test calibration', () => {
  // Synthetic seed 1: the always-on search channel whose ROAS the weekly data do not determine
  // (README, "What the data can identify"); uncalibrated, the default search puts it 37% low.
  const s = generateWeeklyData({ seed: 1, channels: 4 });
  const j = s.truth.channels.findIndex((c) => c.name === 'search_spend');
  const iso = (t: number) => new Date(s.data.dates[t] * 86400000).toISOString().slice(0, 10);
  const lift = (from: number, to: number) => {
    let e = 0;
    for (let t = from; t <= to; t++) e += s.truth.channels[j].effect[t];
    return e;
  };
  it('an exact 8-week lift study of the search channel brings its ROAS within 5% of the truth; the model reports the study against its own effect', async () => {
    // An exact lift: standard error 1% of the lift (the default, 10%, is a typical test's).
    const study = { channel: 'search_spend', from: iso(74), to: iso(81), lift: lift(74, 81), se: 0.01 * lift(74, 81) };
    const one = { adstock: 'geometric' as const, saturation: 'hill' as const };
    const f = await fitMmm(s.data, { seed: 1, bootstrap: 0, calibration: [study], ...one });
    const m = f.model.channels[j];
    expect(Math.abs(m.roas / s.truth.channels[j].roas - 1)).toBeLessThan(0.05);
    const total = f.model.channels.reduce((a, c) => a + c.contribution, 0);
    expect(Math.abs(total / s.truth.totalContribution - 1)).toBeLessThan(0.1);
    const cal = f.model.calibration!;
    expect(cal.studies).toHaveLength(1);
    expect(cal.studies[0].weeks).toBe(8);
    // modelled = the channel's decomposition column summed over the study's weeks.
    const col = f.decomposition.header.indexOf('search_spend');
    let sum = 0;
    for (let t = 74; t <= 81; t++) sum += f.decomposition.rows[t][col];
    expect(cal.studies[0].modelled).toBeCloseTo(sum, 6);
    expect(cal.studies[0].error).toBeCloseTo((sum - study.lift) / study.lift, 12);
    expect(cal.mapeLift).toBeCloseTo(Math.abs(cal.studies[0].error), 12);
    expect(Math.abs(cal.studies[0].error)).toBeLessThan(0.02);
    expect(f.model.selection.objective).toMatch(/MAPE\.LIFT over 1 lift study/);
    // The search's objective of the chosen model, re-scored: validation NRMSE x prior x (1 + MAPE.LIFT).
    const hp = Object.fromEntries(
      f.model.channels.map((c) => [c.name, { theta: (c.adstock as { theta: number }).theta, alpha: (c.saturation as { alpha: number }).alpha, gamma: (c.saturation as { gamma: number }).gamma }]),
    );
    const sc = scoreHyperparameters(s.data, { calibration: [study], ...one }, hp, f.model.lambda);
    expect(sc.objective).toBeCloseTo(f.model.selection.objectiveValue, 12);
    // The candidate's own fit scores the study as the search did; the point model's coefficients also take the study in
    // (their posterior mean given the curves), so it agrees with the study at least as well.
    expect(cal.mapeLift).toBeLessThanOrEqual(sc.mapeLift!);
    expect(sc.validationNrmse).toBeCloseTo(f.model.metrics.validationNrmse, 12);
    // Weight 0: the studies are still measured against, they just do not steer the search.
    const w0 = scoreHyperparameters(s.data, { calibration: [study], calibrationWeight: 0, ...one }, hp, f.model.lambda);
    expect(w0.mapeLift).toBeCloseTo(sc.mapeLift!, 12);
    expect(w0.objective).toBeCloseTo(scoreHyperparameters(s.data, one, hp, f.model.lambda).objective, 14);
    // Without studies the output has no calibration block (model.json unchanged for uncalibrated fits).
    expect((await fitMmm(s.data, { ...small, bootstrap: 0 })).model.calibration).toBeUndefined();
  });
  it("warns where the data leave a large channel's ROAS uncertain, and not once a lift test pins it", async () => {
    // The earlier estimator (one family, search + bootstrap), whose interval for this channel is wide.
    const earlier = { estimator: 'search' as const, adstock: 'geometric' as const, saturation: 'hill' as const };
    const plain = await fitMmm(s.data, { seed: 1, bootstrap: 100, ...earlier });
    const w = plain.warnings.filter((x) => x.includes('uncertain'));
    expect(w).toHaveLength(1);
    expect(w[0]).toMatch(
      /^search_spend: the data leave its ROAS uncertain \(90% interval [\d.]+-[\d.]+ around [\d.]+; its spend never fell below 30% of its average, so its response below that was never observed\); a lift test of it/,
    );
    const study = { channel: 'search_spend', from: iso(74), to: iso(81), lift: lift(74, 81) };
    const calibrated = await fitMmm(s.data, { seed: 1, bootstrap: 100, calibration: [study], ...earlier });
    expect(calibrated.warnings.filter((x) => x.startsWith('search_spend: the data leave'))).toEqual([]);
  });
  it('warns of a channel with a tenth of the spend that the fit gives no effect, when the data allow it a ROAS of 0.5 or more', () => {
    const always = Float64Array.from({ length: 10 }, () => 100);
    const pr = { n: 10, o: { calibration: [] }, data: { channels: ['search', 'dud', 'small', 'minor'].map((name) => ({ name, values: always })) } } as unknown as SearchProblem;
    const channel = (name: string, roasHigh: number, spendShare: number) => ({ name, roas: 0, roasLow: 0, roasHigh, contributionShare: 0, spendShare, spend: 1000 }) as unknown as ChannelSummary;
    const draws = [{}, {}] as unknown as BootstrapDraw[];
    // dud's interval stops below 0.5 (it does not pay, and the data say so); small has under a tenth of the spend.
    // A channel with a positive ROAS and a tenth of the spend but under a tenth of the effect is not large enough to warn of.
    const minor = { ...channel('minor', 9, 0.37), roas: 1, contributionShare: 0.05 } as ChannelSummary;
    expect(uncertaintyWarnings(pr, [channel('search', 2.28, 0.37), channel('dud', 0.3, 0.37), channel('small', 2.28, 0.05), minor], draws)).toEqual([
      'search: the fit gives it no effect, but the data allow a ROAS up to 2.28 (90% interval 0.00-2.28; its spend never fell below 100% of its average, so its response below that was never observed); a lift test of it (calibration.csv, or mmm fit --calibration) would pin it down',
    ]);
  });
  it('rejects a study that does not fit the data, naming the file, row and column when it came from one', async () => {
    const base = { channel: 'search_spend', from: iso(74), to: iso(81), lift: 1000 };
    const src = { file: 'calibration.csv', row: 3 };
    const fails = async (study: object, re: RegExp) => {
      const e = await fitMmm(s.data, { ...small, calibration: [{ ...base, ...study, source: src }] }).catch((x: unknown) => x);
      expect(e).toBeInstanceOf(ValidationError);
      expect((e as Error).message).toMatch(re);
    };
    await fails({ channel: 'tv' }, /calibration\.csv row 3 column "channel".*not a channel of the model/);
    await fails({ from: '2021-02-30' }, /row 3 column "from".*unparseable date/);
    await fails({ to: iso(70) }, /row 3 column "to".*ends .* before it starts/);
    await fails({ lift: 0 }, /row 3 column "lift".*> 0/);
    await fails({ from: '2030-01-01', to: '2030-03-01' }, /row 3 column "to".*after the data/);
    await fails({ from: '2020-12-01' }, /row 3 column "from".*before the data/);
    const mid = s.data.dates[10];
    const day = (d: number) => new Date(d * 86400000).toISOString().slice(0, 10);
    await fails({ from: day(mid + 1), to: day(mid + 5) }, /row 3 column "from".*no week of the data starts/);
    // A flighted channel's dark weeks: nothing to measure.
    const print = s.data.channels.find((c) => c.name === 'print_spend')!.values;
    const dark = Array.from(print).findIndex((v, t) => v === 0 && print[t + 1] === 0);
    expect(dark).toBeGreaterThanOrEqual(0);
    await fails({ channel: 'print_spend', from: iso(dark), to: iso(dark + 1) }, /row 3 column "from".*no spend in the study's weeks/);
    // Two studies of one channel over shared weeks.
    const overlap = await fitMmm(s.data, {
      ...small,
      calibration: [
        { ...base, source: { file: 'calibration.csv', row: 1 } },
        { ...base, from: iso(80), to: iso(90), source: src },
      ],
    }).catch((x: unknown) => x);
    expect((overlap as Error).message).toMatch(/calibration\.csv row 3 column "from".*overlaps row 1/);
    // From the API (no file): the study's number instead.
    await expect(fitMmm(s.data, { ...small, calibration: [{ ...base, lift: -5 }] })).rejects.toThrow(/calibration study 1: lift must be/);
    await expect(fitMmm(s.data, { ...small, calibration: [base], calibrationWeight: -1 })).rejects.toThrow(/calibrationWeight/);
  });
  it('mmm fit --calibration: a bad row is an input error naming the file, row and column, and leaves no output folder', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'mmm-cal-'));
    const { header, rows } = weeklyDataToCsvRows(s.data);
    const weekly = join(dir, 'weekly.csv');
    await writeFile(weekly, toCsv(header, rows));
    const calibration = join(dir, 'calibration.csv');
    await writeFile(calibration, `channel,from,to,lift\nsearch_spend,${iso(74)},${iso(81)},${lift(74, 81)}\nsearch,${iso(10)},${iso(13)},500\n`);
    const opts = {
      weekly,
      dateCol: 'date',
      target: 'revenue',
      channels: s.data.channels.map((c) => c.name),
      controls: ['price_index', 'competitor_spend', 'holiday'],
      ...small,
      calibration,
      out: join(dir, 'out'),
    };
    const e = await runFitCommand(opts).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(ValidationError);
    expect((e as ValidationError).exitCode).toBe(2);
    expect((e as Error).message).toContain(`${calibration} row 2 column "channel"`);
    await expect(readFile(join(dir, 'out', 'manifest.json'), 'utf8')).rejects.toThrow();
    await writeFile(calibration, `channel,from,to,lift\nsearch_spend,${iso(74)},${iso(81)},lots\n`);
    await expect(runFitCommand(opts)).rejects.toThrow(`${calibration} row 1 column "lift"`);
    await writeFile(calibration, `channel,from,to,lift\nsearch_spend,${iso(74)},${iso(81)},${lift(74, 81)}\n`);
    await runFitCommand(opts);
    const model = JSON.parse(await readFile(join(dir, 'out', 'model.json'), 'utf8'));
    expect(model.calibration.studies[0]).toMatchObject({ channel: 'search_spend', weeks: 8 });
    const manifest = JSON.parse(await readFile(join(dir, 'out', 'manifest.json'), 'utf8'));
    expect(JSON.stringify(manifest.inputs)).toContain('calibration.csv');
  });
});
