import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/core/rng.ts';
import {
  allWeeks,
  buildSearchProblem,
  effectiveWeeks,
  fitMmm,
  fitSignedRidge,
  geometricAdstock,
  hillSaturation,
  mediaDesign,
  resolveFitOptions,
  ridgeOnRows,
  samplePosterior,
} from '../../src/mmm/index.ts';
import { conditionalFit, gaussianDraw, truncatedStandardNormal } from '../../src/mmm/posterior-draws.ts';
import type { CoefficientSign } from '../../src/mmm/index.ts';
import { generateWeeklyData, withContextAndOrganic } from '../../src/lab/index.ts';
import { logPosterior } from '../../src/mmm/kernel.ts';
import { dayToIso } from '../../src/core/csv.ts';
import { invertSymmetricPositiveDefinite } from '../../src/core/linalg.ts';

describe('samplePosterior (DE-MCz)', () => {
  // One channel (TV) of synthetic data; only its adstock theta is sampled, alpha, gamma and lambda
  // held at fixed values. The target density is then one-dimensional: p(theta) proportional to
  // SSE(theta)^(-n/2) on [0, 0.8]. Reference: that density on a fine grid, every SSE computed
  // independently with fitSignedRidge on geometricAdstock + hillSaturation (not the kernel).
  const s = generateWeeklyData({ seed: 4, channels: 1, noise: 0.05 });
  const o = resolveFitOptions({ fourierOrder: 2, adstock: 'geometric', saturation: 'hill' });
  const pr = buildSearchProblem(s.data, o);
  const n = s.data.target.length;
  const alpha = 1.8;
  const gamma = 0.6;
  const lambda = 1e-4;
  const unit = (v: number, d: number) => (v - pr.lower[d]) / (pr.upper[d] - pr.lower[d]);
  it('samples the one-dimensional posterior of theta as a grid computed independently', async () => {
    const lower = Float64Array.from(pr.spec.lower);
    const upper = Float64Array.from(pr.spec.upper);
    lower[pr.dims - 1] = upper[pr.dims - 1] = Math.log10(lambda);
    const zeros = new Float64Array(1);
    const spec = {
      ...pr.spec,
      cuts: new Int32Array(0),
      lower,
      upper,
      posterior: { nu: n, roasMean: zeros, roasSd: zeros, roasLogMean: zeros, roasLogSd: zeros, shareMean: zeros, shareSd: zeros, liftSe: new Float64Array(0) },
    };
    const rng = new Rng(3, 1);
    const start = new Float64Array(40 * pr.dims);
    for (let i = 0; i < 40; i++) start.set([rng.uniform(), unit(alpha, 1), unit(gamma, 2), 0], i * pr.dims);
    const free = Uint8Array.from([1, 0, 0, 0]);
    const sample = await samplePosterior(spec, { seed: 5, chains: 8, generations: 2500, threads: 1, start, free });
    const kept: number[] = [];
    for (let g = 1250; g < 2500; g++) for (let i = 0; i < 8; i++) kept.push(pr.lower[0] + sample.states[(g * 8 + i) * pr.dims] * (pr.upper[0] - pr.lower[0]));
    kept.sort((a, b) => a - b);
    // Grid reference.
    const base = pr.base.map((b) => b.values);
    const signs: CoefficientSign[] = [...base.map(() => 'free' as const), 'positive'];
    const grid = Array.from({ length: 801 }, (_, i) => i * 0.001);
    const logw = grid.map((theta) => {
      const m = hillSaturation(geometricAdstock(s.data.channels[0].values, theta), alpha, gamma);
      const f = fitSignedRidge([...base, m], s.data.target, lambda, signs, undefined, 'non_negative');
      let sse = 0;
      for (let t = 0; t < n; t++) {
        let v = f.intercept;
        base.forEach((b, k) => (v += f.coefficients[k] * b[t]));
        v += f.coefficients[base.length] * m[t];
        sse += (s.data.target[t] - v) ** 2;
      }
      return -(n / 2) * Math.log(sse);
    });
    const top = Math.max(...logw);
    const w = logw.map((v) => Math.exp(v - top));
    const total = w.reduce((a, b) => a + b, 0);
    let acc = 0;
    const q = (p: number) => grid[w.findIndex((v) => (acc += v / total) >= p)];
    const gridMean = grid.reduce((a, th, i) => a + (th * w[i]) / total, 0);
    acc = 0;
    const g05 = q(0.05);
    acc = 0;
    const g95 = q(0.95);
    const mean = kept.reduce((a, b) => a + b, 0) / kept.length;
    const at = (p: number) => kept[Math.floor(p * kept.length)];
    expect(g95 - g05).toBeGreaterThan(0.02);
    expect(Math.abs(mean - gridMean)).toBeLessThan(0.1 * (g95 - g05));
    expect(Math.abs(at(0.05) - g05)).toBeLessThan(0.15 * (g95 - g05));
    expect(Math.abs(at(0.95) - g95)).toBeLessThan(0.15 * (g95 - g05));
    expect(sample.acceptance).toBeGreaterThan(0.1);
  });
  it('needs at least three starting points', async () => {
    await expect(samplePosterior(pr.spec, { seed: 1, chains: 4, generations: 2, threads: 1, start: new Float64Array(2 * pr.dims), free: new Uint8Array(pr.dims) })).rejects.toThrow(
      'samplePosterior: the starting archive needs at least 3 points',
    );
  });
});

describe('effectiveWeeks', () => {
  it('is n for independent residuals and n (1 - rho) / (1 + rho) for AR(1) ones (by hand)', () => {
    const y = Float64Array.from([1, -1, 1, -1, 1, -1]);
    expect(effectiveWeeks(y, new Float64Array(6))).toBe(6); // rho < 0 is clamped to 0
    // residuals 1, 1, 1, 1: sum e_t e_(t-1) / sum e^2 = 3 / 4, clamped to 0.9 only above it.
    expect(effectiveWeeks(Float64Array.from([1, 1, 1, 1]), new Float64Array(4))).toBeCloseTo((4 * 0.25) / 1.75, 12);
  });
});

describe('the posterior estimator', () => {
  it('gives the same bytes for the same seed and any thread count, records its run, and keeps the point inside its intervals', async () => {
    const s = withContextAndOrganic(generateWeeklyData({ seed: 6, channels: 3 }), 6, 0.1);
    const opts = { seed: 2, trials: 2, iterations: 300, bootstrap: 40, posteriorGenerations: 60, saturation: ['hill', 'michaelis_menten'] as ('hill' | 'michaelis_menten')[] };
    const a = await fitMmm(s.data, { ...opts, threads: 1 });
    const b = await fitMmm(s.data, { ...opts, threads: 2 });
    expect(JSON.stringify(b.model)).toBe(JSON.stringify(a.model));
    expect(JSON.stringify(b.draws)).toBe(JSON.stringify(a.draws));
    expect(a.model.posterior).toMatchObject({ chains: 16, generations: 60, draws: 40 });
    for (const [, shares] of Object.entries(a.model.posterior!.families!)) expect(Object.values(shares).reduce((x, y) => x + y, 0)).toBeCloseTo(1, 9);
    for (const c of a.model.channels) {
      expect(c.roasLow).toBeLessThanOrEqual(c.roas);
      expect(c.roas).toBeLessThanOrEqual(c.roasHigh);
      expect(['hill', 'michaelis_menten']).toContain(c.saturation.kind);
    }
    expect(a.draws).toHaveLength(40);
    expect(a.draws[0].organic).toHaveLength(1);
  });
});

describe('priors on a channel the data leave undetermined', () => {
  // Synthetic seed 1: the always-on search channel's ROAS (true 2.11) is not determined by the data
  // (README, "What the data can identify"). A prior is a Gaussian term on the channel's ROAS, or on its
  // contribution as a share of revenue; either pulls the estimate to the prior and narrows the interval.
  const s = generateWeeklyData({ seed: 1, channels: 4 });
  const j = s.truth.channels.findIndex((c) => c.name === 'search_spend');
  const t = s.truth.channels[j];
  const budget = { seed: 1, threads: 1, trials: 3, iterations: 800, bootstrap: 100, posteriorGenerations: 300 };
  it('a ROAS prior N(truth, 5%) and a contribution prior N(true share of revenue, 0.5 pp) each bring the ROAS within 10% and narrow its interval', async () => {
    const plain = await fitMmm(s.data, budget);
    const share = t.contribution / s.data.target.reduce((a, v) => a + v, 0);
    for (const prior of [{ roas: { mean: t.roas, sd: 0.05 * t.roas } }, { contribution: { mean: share, sd: 0.005 } }]) {
      const f = await fitMmm(s.data, { ...budget, priors: { search_spend: prior } });
      const c = f.model.channels[j];
      expect(Math.abs(c.roas / t.roas - 1)).toBeLessThan(0.1);
      expect(c.roasHigh - c.roasLow).toBeLessThan(plain.model.channels[j].roasHigh - plain.model.channels[j].roasLow);
    }
    await expect(fitMmm(s.data, { ...budget, priors: { search_spend: { roas: { mean: 2, sd: 0 } } } })).rejects.toThrow(/fit option priors.search_spend.roas.sd/);
    await expect(fitMmm(s.data, { ...budget, priors: { search: { roas: { mean: 2, sd: 1 } } } })).rejects.toThrow(
      'fit option priors.search: not a paid channel (tv_spend, search_spend, social_spend, print_spend)',
    );
  });

  it('roasPrior applies to every paid channel without a ROAS prior of its own; a user prior replaces it', async () => {
    const tight = { logMean: Math.log(t.roas), logSd: 0.05 };
    const f = await fitMmm(s.data, { ...budget, roasPrior: tight });
    expect(Math.abs(f.model.channels[j].roas / t.roas - 1)).toBeLessThan(0.1);
    // The channel's own prior at twice its ROAS wins over the shared one.
    const g = await fitMmm(s.data, { ...budget, roasPrior: tight, priors: { search_spend: { roas: { mean: 2 * t.roas, sd: 0.05 * t.roas } } } });
    expect(g.model.channels[j].roas).toBeGreaterThan(1.5 * t.roas);
    await expect(fitMmm(s.data, { ...budget, roasPrior: { logMean: 0.2, logSd: 0 } })).rejects.toThrow(/fit option roasPrior/);
  });
});

describe('logPosterior', () => {
  it('adds -(nu / 2) ln SSE, the ln ROAS term at the fit (a ROAS of 0 as 0.001), and the Gaussian terms jointly with the variance the data leave added', () => {
    // Two channels; the data's covariance of their coefficients is coefS2 (y_c . y_d) with y rows of coefY (q = 2):
    // channel 1 (row 0) variance 0.001, channel 2 (row 1) 0.0004, uncorrelated.
    const st = {
      nu: 50,
      nPaid: 2,
      q: 2,
      coefS2: 1,
      coefY: Float64Array.from([Math.sqrt(0.001), 0, 0, 0.02]),
      contrib: Float64Array.from([300, 0]),
      spendTotal: Float64Array.from([100, 80]),
      mSum: Float64Array.from([500, 1000]),
      yTotal: 10000,
      roasMean: Float64Array.from([0, 0]),
      roasSd: Float64Array.from([0, 0]),
      roasLogMean: Float64Array.from([0.2, 0.2]),
      roasLogSd: Float64Array.from([0.9, 0.9]),
      shareMean: new Float64Array(2),
      shareSd: new Float64Array(2),
      calChannel: new Int32Array(0),
      calEffect: new Float64Array(0),
      calLift: new Float64Array(0),
      calMass: new Float64Array(0),
      liftSe: new Float64Array(0),
      termCh: new Int32Array(8),
      termT: new Float64Array(8),
      termR: new Float64Array(8),
      termV: new Float64Array(8),
      termC: new Float64Array(64),
    };
    const z1 = (Math.log(3) - 0.2) / 0.9;
    const z2 = (Math.log(0.001) - 0.2) / 0.9;
    expect(logPosterior(st, 400)).toBeCloseTo(-25 * Math.log(400) - 0.5 * z1 * z1 - 0.5 * z2 * z2, 10);
    // A ROAS prior N(1, 0.5^2) on channel 2, fitted at 0: the data leave 0.0004 x (1000 / 80)^2 = 0.0625 of variance in its ROAS.
    st.roasLogSd[1] = 0;
    st.roasSd[1] = 0.5;
    st.roasMean[1] = 1;
    const roasTerm = -0.5 * (1 / 0.3125 + Math.log(0.3125));
    expect(logPosterior(st, 400)).toBeCloseTo(-25 * Math.log(400) - 0.5 * z1 * z1 + roasTerm, 10);
    // A lift of 60 (se 5) against channel 1's effect 50 over weeks whose transformed spend sums to 200: variance 25 + 0.001 x 200^2 = 65.
    Object.assign(st, { calChannel: Int32Array.from([0]), calEffect: Float64Array.from([50]), calLift: Float64Array.from([60]), calMass: Float64Array.from([200]), liftSe: Float64Array.from([5]) });
    const base = -25 * Math.log(400) - 0.5 * z1 * z1 + roasTerm;
    expect(logPosterior(st, 400)).toBeCloseTo(base - 0.5 * (100 / 65 + Math.log(65)), 10);
    // A second study of channel 1 (sums 100, residual 4, se 5) shares its coefficient's uncertainty: the pair is bivariate
    // normal with covariance [[65, 20], [20, 35]] (20 = 200 x 100 x 0.001), by the 2 x 2 inverse and determinant.
    Object.assign(st, {
      calChannel: Int32Array.from([0, 0]),
      calEffect: Float64Array.from([50, 26]),
      calLift: Float64Array.from([60, 30]),
      calMass: Float64Array.from([200, 100]),
      liftSe: Float64Array.from([5, 5]),
    });
    const det = 65 * 35 - 20 * 20;
    const quad = (35 * 10 * 10 - 2 * 20 * 10 * 4 + 65 * 4 * 4) / det;
    expect(logPosterior(st, 400)).toBeCloseTo(base - 0.5 * (quad + Math.log(det)), 10);
  });
});

describe('truncatedStandardNormal', () => {
  // Reference: the mean of N(0, 1) truncated to [a, inf), integral of z phi(z) over integral of phi(z), by the trapezoid rule on [a, a + 12].
  const reference = (a: number): number => {
    let num = 0;
    let den = 0;
    for (let i = 0; i <= 120000; i++) {
      const z = a + i * 1e-4;
      const w = (i === 0 || i === 120000 ? 0.5 : 1) * Math.exp(-0.5 * (z * z - a * a));
      num += z * w;
      den += w;
    }
    return num / den;
  };
  it('draws at or above the bound with the truncated mean, near the bound and far out', () => {
    const rng = new Rng(11, 2);
    for (const a of [-1, 0, 0.8, 3, 8, 30]) {
      const v = Array.from({ length: 20000 }, () => truncatedStandardNormal(rng, a));
      expect(Math.min(...v)).toBeGreaterThanOrEqual(a);
      expect(v.reduce((s, z) => s + z, 0) / v.length).toBeCloseTo(reference(a), 1);
    }
  });
  it('refuses a bound of +inf or NaN (a coefficient with no residual spread), where rejection would never accept', () => {
    const rng = new Rng(11, 3);
    for (const a of [Number.POSITIVE_INFINITY, Number.NaN]) expect(() => truncatedStandardNormal(rng, a)).toThrow(RangeError);
    expect(truncatedStandardNormal(rng, Number.NEGATIVE_INFINITY)).toBeGreaterThan(Number.NEGATIVE_INFINITY);
    // Far out (a * a would overflow): the draw is the bound plus an exponential of mean 1 / a, so the bound itself here.
    expect(truncatedStandardNormal(rng, 1e200)).toBe(1e200);
  });
});

describe('gaussianDraw', () => {
  // A channel whose spend falls when revenue rises has a negative unconstrained coefficient, so the
  // all-weeks fit puts it at its bound 0. Its draws come from its conditional posterior truncated to
  // >= 0: all above 0, close to 0 when the data push hard against the bound, spread wide when the
  // spend barely varies (the data say little).
  const s = generateWeeklyData({ seed: 4, channels: 1, noise: 0.05 });
  const y = s.data.target;
  const n = y.length;
  const mean = y.reduce((a, v) => a + v, 0) / n;
  const ninetyFifth = (slope: number): { atBound: boolean; p95: number; min: number } => {
    const dud = Float64Array.from(y, (v) => Math.max(100, 5000 - slope * (v - mean)));
    const data = { ...s.data, channels: [...s.data.channels, { name: 'dud_spend', values: dud }] };
    const pr = buildSearchProblem(data, resolveFitOptions({ fourierOrder: 2, adstock: 'geometric', saturation: 'hill' }));
    const hp = Float64Array.from([0.3, 1.5, 0.6, 0.3, 1.5, 0.6, 1e-4]);
    const design = mediaDesign(pr, hp);
    const fit = ridgeOnRows(pr, design, allWeeks(n), n, 1e-4);
    const rng = new Rng(7, 1);
    const totals = data.channels.map((c) => c.values.reduce((a, v) => a + v, 0));
    const roas = Array.from({ length: 400 }, (_, b) => gaussianDraw(pr, hp, design, n, rng, b, 0, totals).roas[1]).sort((a, b) => a - b);
    return { atBound: fit.coef[pr.nb] > 0 && fit.coef[pr.nb + 1] === 0, p95: roas[379], min: roas[0] };
  };
  it('draws a coefficient the fit leaves at its bound 0 from its truncated conditional', () => {
    const strong = ninetyFifth(2);
    const weak = ninetyFifth(0.01);
    expect(strong.atBound && weak.atBound).toBe(true);
    expect(strong.min).toBeGreaterThan(0);
    expect(weak.min).toBeGreaterThan(0);
    expect(strong.p95).toBeLessThan(weak.p95 / 10);
  });

  // A lift study measures the channel's effect over its weeks (coefficient x the sum of its transformed
  // column there), so it must move the coefficient draws, not only the choice of curves.
  const effectOver = (pr: ReturnType<typeof buildSearchProblem>, design: { cols: Float64Array }, coef: number, j: number, from: number, to: number) => {
    let m = 0;
    for (let t = from; t <= to; t++) m += design.cols[(pr.nb + j) * n + t];
    return coef * m;
  };
  const study = (channel: string, lift: number, se: number) => ({ channel, from: dayToIso(s.data.dates[40]), to: dayToIso(s.data.dates[60]), lift, se });
  const momentsOf = (v: number[], w: number[] = v.map(() => 1)) => {
    const W = w.reduce((a, x) => a + x, 0);
    const m = v.reduce((a, x, i) => a + w[i] * x, 0) / W;
    return { mean: m, sd: Math.sqrt(v.reduce((a, x, i) => a + w[i] * (x - m) ** 2, 0) / W) };
  };

  it('conditions the draws on a lift study as reweighting the draws without it by the likelihood of the study does', () => {
    const hp = Float64Array.from([0.3, 1.5, 0.6, 1e-4]);
    const plain = buildSearchProblem(s.data, resolveFitOptions({ fourierOrder: 2, adstock: 'geometric', saturation: 'hill' }));
    const design = mediaDesign(plain, hp);
    const totals = [s.data.channels[0].values.reduce((a, v) => a + v, 0)];
    const fitted = effectOver(plain, design, ridgeOnRows(plain, design, allWeeks(n), n, 1e-4).coef[plain.nb], 0, 40, 60);
    const rngA = new Rng(21, 1);
    const before = Array.from({ length: 20000 }, (_, b) => gaussianDraw(plain, hp, design, n, rngA, b, 0, totals));
    const eBefore = before.map((d) => (d.contribution[0] / design.cols.subarray(plain.nb * n, (plain.nb + 1) * n).reduce((a, v) => a + v, 0)) * effectOver(plain, design, 1, 0, 40, 60));
    const sd0 = momentsOf(eBefore).sd;
    // A lift 1.5 sd above the fit's effect, measured as precisely as the data know it.
    const lift = fitted + 1.5 * sd0;
    const se = sd0;
    const calibrated = buildSearchProblem(s.data, resolveFitOptions({ fourierOrder: 2, adstock: 'geometric', saturation: 'hill', calibration: [study(s.data.channels[0].name, lift, se)] }));
    const rngB = new Rng(22, 1);
    const after = Array.from({ length: 8000 }, (_, b) => gaussianDraw(calibrated, hp, design, n, rngB, b, 0, totals));
    const eAfter = after.map((d) => (d.contribution[0] / design.cols.subarray(plain.nb * n, (plain.nb + 1) * n).reduce((a, v) => a + v, 0)) * effectOver(plain, design, 1, 0, 40, 60));
    const reference = momentsOf(
      eBefore,
      eBefore.map((e) => Math.exp(-0.5 * ((e - lift) / se) ** 2)),
    );
    const got = momentsOf(eAfter);
    // Conjugate update: halfway to the lift, sd / sqrt(2); the reweighted draws say the same within Monte Carlo error.
    expect(Math.abs(got.mean - reference.mean)).toBeLessThan(0.05 * sd0);
    expect(Math.abs(got.sd / reference.sd - 1)).toBeLessThan(0.05);
    expect(Math.abs(got.mean - (fitted + 0.75 * sd0))).toBeLessThan(0.1 * sd0);
    expect(Math.abs(got.sd / (sd0 / Math.SQRT2) - 1)).toBeLessThan(0.06);
  });

  it('lifts a channel the data push to its bound 0 to what a precise lift study measured, in every draw', () => {
    const dud = Float64Array.from(y, (v) => Math.max(100, 5000 - 2 * (v - mean)));
    const data = { ...s.data, channels: [...s.data.channels, { name: 'dud_spend', values: dud }] };
    const hp = Float64Array.from([0.3, 1.5, 0.6, 0.3, 1.5, 0.6, 1e-4]);
    const opts = { fourierOrder: 2, adstock: 'geometric' as const, saturation: 'hill' as const };
    const design = mediaDesign(buildSearchProblem(data, resolveFitOptions(opts)), hp);
    const spendThere = dud.slice(40, 61).reduce((a, v) => a + v, 0);
    const lift = 0.8 * spendThere;
    const pr = buildSearchProblem(data, resolveFitOptions({ ...opts, calibration: [study('dud_spend', lift, 0.02 * lift)] }));
    expect(ridgeOnRows(pr, design, allWeeks(n), n, 1e-4).coef[pr.nb + 1]).toBe(0);
    const totals = data.channels.map((c) => c.values.reduce((a, v) => a + v, 0));
    const rng = new Rng(7, 1);
    const sum = design.cols.subarray((pr.nb + 1) * n, (pr.nb + 2) * n).reduce((a, v) => a + v, 0);
    const effects = Array.from({ length: 400 }, (_, b) => (gaussianDraw(pr, hp, design, n, rng, b, 0, totals).contribution[1] / sum) * effectOver(pr, design, 1, 1, 40, 60));
    const m = momentsOf(effects);
    expect(Math.min(...effects)).toBeGreaterThan(0.5 * lift);
    // Reference, computed here: the Gaussian posterior of the standardised coefficients with the study as one more
    // measurement, P = A / s2 + a a' / se^2, mean P^-1 (Z'y / n / s2 + a lift / se^2), s2 the fit's SSE / (n - p - 1) / n.
    const p = pr.nb + pr.nm;
    const fit = ridgeOnRows(pr, design, allWeeks(n), n, 1e-4);
    const z = Array.from({ length: p }, (_, j) => {
      const col = design.cols.subarray(j * n, (j + 1) * n);
      const mu = col.reduce((a, v) => a + v, 0) / n;
      const sd = Math.sqrt(col.reduce((a, v) => a + (v - mu) ** 2, 0) / n);
      return { z: Float64Array.from(col, (v) => (v - mu) / sd), sd };
    });
    const s2 = y.reduce((a, v, t) => a + (v - fit.fitted[t]) ** 2, 0) / (n - p - 1) / n;
    const se = 0.02 * lift;
    const dudAt = pr.nb + 1;
    const a = new Float64Array(p);
    a[dudAt] = effectOver(pr, design, 1, 1, 40, 60) / z[dudAt].sd;
    const P = Array.from({ length: p }, (_, i) =>
      Float64Array.from({ length: p }, (_, k) => z[i].z.reduce((acc, v, t) => acc + v * z[k].z[t], 0) / n / s2 + (i === k ? 1e-4 / s2 : 0) + (a[i] * a[k]) / se ** 2),
    );
    const rhs = Array.from({ length: p }, (_, i) => z[i].z.reduce((acc, v, t) => acc + v * (y[t] - mean), 0) / n / s2 + (a[i] * lift) / se ** 2);
    const inv = invertSymmetricPositiveDefinite(P)!;
    const reference = a[dudAt] * inv[dudAt].reduce((acc, v, k) => acc + v * rhs[k], 0);
    const referenceSd = Math.sqrt(a[dudAt] ** 2 * inv[dudAt][dudAt]);
    expect(Math.abs(m.mean / reference - 1)).toBeLessThan(0.01);
    expect(Math.abs(m.sd / referenceSd - 1)).toBeLessThan(0.15);
  });

  it("the point model's coefficients take a lift study in, and keep the intercept at its bound 0 where the terms would push it below", () => {
    const avg = y.reduce((a, v) => a + v, 0) / n;
    const opts = { fourierOrder: 2, adstock: 'geometric' as const, saturation: 'hill' as const };
    const hp = Float64Array.from([0.3, 1.5, 0.6, 1e-4]);
    // Revenue lowered so the ridge fit's intercept sits just above 0 (1.2 x the mean off) or at its bound (1.5 x).
    for (const shift of [1.2, 1.5]) {
      const data = { ...s.data, target: Float64Array.from(y, (v) => v - shift * avg) };
      const plain = buildSearchProblem(data, resolveFitOptions(opts));
      const design = mediaDesign(plain, hp);
      const fit = ridgeOnRows(plain, design, allWeeks(n), n, 1e-4);
      const there = effectOver(plain, design, fit.coef[plain.nb], 0, 40, 60);
      const pr = buildSearchProblem(data, resolveFitOptions({ ...opts, calibration: [study(s.data.channels[0].name, 2 * there, 0.02 * there)] }));
      const cf = conditionalFit(pr, hp, design, n, [s.data.channels[0].values.reduce((a, v) => a + v, 0)]);
      if (shift === 1.5) expect(fit.intercept).toBe(0);
      else expect(fit.intercept).toBeGreaterThan(0);
      expect(cf.intercept, `shift ${shift}`).toBe(0);
      expect(effectOver(pr, design, cf.coef[pr.nb], 0, 40, 60) / there, `shift ${shift}`).toBeGreaterThan(1.5);
      // The fitted values are the coefficients' own, with no intercept.
      let f = 0;
      for (let j = 0; j < pr.nb + pr.nm; j++) f += cf.coef[j] * design.cols[j * n + 7];
      expect(cf.fitted[7]).toBeCloseTo(f, 6);
    }
  });

  it('takes a Gaussian ROAS or share prior into the draws in the same way', () => {
    const dud = Float64Array.from(y, (v) => Math.max(100, 5000 - 2 * (v - mean)));
    const data = { ...s.data, channels: [...s.data.channels, { name: 'dud_spend', values: dud }] };
    const hp = Float64Array.from([0.3, 1.5, 0.6, 0.3, 1.5, 0.6, 1e-4]);
    const pr = buildSearchProblem(data, resolveFitOptions({ fourierOrder: 2, adstock: 'geometric', saturation: 'hill', priors: { dud_spend: { roas: { mean: 0.8, sd: 0.005 } } } }));
    const design = mediaDesign(pr, hp);
    const totals = data.channels.map((c) => c.values.reduce((a, v) => a + v, 0));
    const rng = new Rng(8, 1);
    const roas = Array.from({ length: 400 }, (_, b) => gaussianDraw(pr, hp, design, n, rng, b, 0, totals).roas[1]);
    expect(Math.min(...roas)).toBeGreaterThan(0.5);
    expect(Math.abs(momentsOf(roas).mean / 0.8 - 1)).toBeLessThan(0.05);
    // A share prior: the channel's effect as a share of the target's total, 5% with sd 0.05 pp.
    const yTotal = y.reduce((a, v) => a + v, 0);
    const shared = buildSearchProblem(data, resolveFitOptions({ fourierOrder: 2, adstock: 'geometric', saturation: 'hill', priors: { dud_spend: { contribution: { mean: 0.05, sd: 0.0005 } } } }));
    const shares = Array.from({ length: 400 }, (_, b) => gaussianDraw(shared, hp, design, n, rng, b, 0, totals).contribution[1] / yTotal);
    expect(Math.abs(momentsOf(shares).mean / 0.05 - 1)).toBeLessThan(0.05);
  });
});
