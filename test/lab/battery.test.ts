import { describe, expect, it } from 'vitest';
import { fitMmm } from '../../src/mmm/index.ts';
import { FAMILIES, generateCase, pymcCase } from '../../src/lab/index.ts';

describe('generator battery (src/lab/battery.ts)', () => {
  it('each family keeps its truth: ROAS = summed effect / spend, target = noise-free + noise of the stated size, shapes within the issue ranges', () => {
    for (const family of FAMILIES) {
      for (const seed of [1, 2, 3]) {
        const c = generateCase(family, seed);
        const n = c.data.dates.length;
        expect(n).toBeGreaterThanOrEqual(100);
        expect(n).toBeLessThanOrEqual(260);
        expect(c.channels.length).toBeGreaterThanOrEqual(2);
        expect(c.channels.length).toBeLessThanOrEqual(8);
        c.channels.forEach((ch, j) => {
          const spend = c.data.channels[j].values;
          expect(Math.min(...spend)).toBeGreaterThanOrEqual(0);
          expect(ch.spend).toBeCloseTo(
            spend.reduce((a, v) => a + v, 0),
            6,
          );
          expect(ch.contribution).toBeCloseTo(
            ch.effect.reduce((a, v) => a + v, 0),
            6,
          );
          expect(ch.roas).toBeCloseTo(ch.contribution / ch.spend, 12);
          expect(Math.min(...ch.effect)).toBeGreaterThanOrEqual(0);
        });
        // Residual noise: target - expected has sd within 30% of the stated noise sd (n >= 100 weeks).
        let ss = 0;
        for (let t = 0; t < n; t++) ss += (c.data.target[t] - c.expected[t]) ** 2;
        const sd = Math.sqrt(ss / n);
        expect(sd / c.noiseSd).toBeGreaterThan(0.7);
        expect(sd / c.noiseSd).toBeLessThan(1.3);
        const mean = c.expected.reduce((a, v) => a + v, 0) / n;
        expect(c.noiseSd / mean).toBeGreaterThanOrEqual(0.0199);
        expect(c.noiseSd / mean).toBeLessThanOrEqual(0.0501);
      }
    }
  });
  it("seed 0 of 'pymc' is PyMC-Marketing's notebook: 179 weeks from 2018-04-02, x2 spends in about 20% of weeks, effect 3 x logistic(4 x normalised adstock) (by hand)", () => {
    const c = pymcCase(0);
    expect(c.data.dates.length).toBe(179);
    const x1 = c.data.channels[0].values.map((v) => v / 1000);
    const x2 = c.data.channels[1].values;
    const active = x2.filter((v) => v > 0).length / 179;
    expect(active).toBeGreaterThan(0.12);
    expect(active).toBeLessThan(0.28);
    // Week 10: normalised geometric adstock with alpha 0.4 over 8 lags, logistic with lam 4, beta 3, in thousands.
    const w = Array.from({ length: 8 }, (_, l) => 0.4 ** l);
    const ws = w.reduce((a, b) => a + b, 0);
    const a = w.reduce((s, wl, l) => s + (wl / ws) * x1[10 - l], 0);
    // (spend is rounded to cents of the thousands-scaled units, so the by-hand value agrees to about 1e-5)
    const byHand = 1000 * 3 * ((1 - Math.exp(-4 * a)) / (1 + Math.exp(-4 * a)));
    expect(Math.abs(c.channels[0].effect[10] / byHand - 1)).toBeLessThan(1e-4);
    expect(c.noiseSd).toBe(250);
  });
});

describe('recovery on the battery (fast subset; bench/mmm-battery.ts has the full table)', () => {
  // PyMC-Marketing's notebook (the review's first family) and one data set of each other family,
  // pre-declared (budget 3 x 1000, 100 draws). Measured: total media +4.3% on the notebook's data
  // (+29%, -22%, +57% on the others: their totals are far less determined), 11 of the 12 true ROAS
  // inside their 90% intervals. Held: total media within 15% on the notebook's data, at least 80% of
  // the truths inside their intervals.
  it("fits the notebook's data within 15% of total media and covers most truths across the families", async () => {
    let covered = 0;
    let channels = 0;
    for (const [family, seed] of [
      ['pymc', 0],
      ['simmmulator', 2],
      ['meridian', 5],
      ['powerlaw', 2],
    ] as const) {
      const c = generateCase(family, seed);
      const f = await fitMmm(c.data, { seed: 1, threads: 1, trials: 3, iterations: 1000, bootstrap: 100 });
      if (family === 'pymc') {
        const total = f.model.channels.reduce((a, m) => a + m.contribution, 0);
        expect(Math.abs(total / c.totalContribution - 1)).toBeLessThan(0.15);
      }
      c.channels.forEach((ch, j) => {
        channels++;
        if (ch.roas >= f.model.channels[j].roasLow && ch.roas <= f.model.channels[j].roasHigh) covered++;
      });
    }
    expect(covered / channels).toBeGreaterThanOrEqual(0.8);
  }, 60_000);
});
