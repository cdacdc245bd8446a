import { describe, expect, it } from 'vitest';
import { binomialAdstock, geometricAdstock, hillSaturation, logisticSaturation, logSaturation, michaelisMenten, weibullAdstock, weibullWeights } from '../../src/mmm/index.ts';

const close = (a: ArrayLike<number>, b: number[], digits = 10): void => {
  expect(a.length).toBe(b.length);
  b.forEach((v, i) => expect(a[i]).toBeCloseTo(v, digits));
};

describe('geometric adstock', () => {
  it('carries theta of last week into this week (by hand: 100, 50, 25, 12.5 + 50)', () => {
    close(geometricAdstock([100, 0, 0, 50], 0.5), [100, 50, 25, 62.5]);
  });
  it('normalised form is (1 - theta) times the plain form and keeps the total of an impulse in the long run', () => {
    close(geometricAdstock([100, 0, 0, 50], 0.5, { normalised: true }), [50, 25, 12.5, 31.25]);
    const long = geometricAdstock([100, ...new Array(200).fill(0)], 0.7, { normalised: true });
    expect(long.reduce((a, b) => a + b, 0)).toBeCloseTo(100, 8);
  });
  it('starts from the carry-in state', () => {
    close(geometricAdstock([0, 0], 0.5, { carryIn: 80 }), [40, 20]);
  });
  it('is linear, monotone in theta and leaves its input unchanged', () => {
    const x = Object.freeze([3, 1, 4, 1, 5, 9, 2, 6]) as unknown as number[];
    const a = geometricAdstock(x, 0.3);
    const b = geometricAdstock(
      x.map((v) => 2 * v),
      0.3,
    );
    a.forEach((v, i) => expect(b[i]).toBeCloseTo(2 * v, 12));
    const c = geometricAdstock(x, 0.6);
    a.forEach((v, i) => expect(c[i]).toBeGreaterThanOrEqual(v));
    expect(x).toEqual([3, 1, 4, 1, 5, 9, 2, 6]);
  });
  it('rejects theta outside [0, 1)', () => {
    expect(() => geometricAdstock([1], 1)).toThrow('geometricAdstock: theta must be in [0, 1), got 1');
    expect(() => geometricAdstock([NaN], 0.1)).toThrow('geometricAdstock: value at index 0 is not finite (NaN)');
  });
});

describe('Weibull adstock (Robyn adstock_weibull)', () => {
  // Reference: numpy, following Robyn's R code: scaleTrans = round(quantile(1:5, 0.5)) = 3,
  // CDF w = cumprod(c(1, 1 - pweibull(1:4, shape, 3))), PDF w = minmax(dweibull(1:5, shape, 3)).
  it('CDF weights and series match the numpy reference (shape 0.5 and 2)', () => {
    close(weibullWeights('cdf', 0.5, 0.5, 5), [1.0, 0.5613839137989282, 0.24811898984595482, 0.09127787532855264, 0.028766395716557945]);
    close(weibullAdstock([100, 0, 0, 50, 0], 'cdf', 0.5, 0.5), [100.0, 56.138391379892816, 24.81189898459548, 59.127787532855265, 30.945835261602202], 8);
    close(weibullAdstock([100, 0, 0, 50, 0], 'cdf', 2, 0.5), [100.0, 89.48393168143699, 57.37534207374328, 71.10720877910902, 48.30936517544374], 8);
  });
  it('PDF weights peak after lag 0 when shape > 1 (lagged effect), as the numpy reference', () => {
    close(weibullWeights('pdf', 2, 0.5, 5), [0.6011012112282292, 1.0, 0.8160303944006244, 0.37589176758804727, 0.0]);
    close(weibullAdstock([100, 0, 0, 50, 0], 'pdf', 0.5, 0.5), [100.0, 43.23496873208527, 20.39519277221151, 57.89082113187258, 21.617484366042635], 8);
  });
  it('CDF weights are non-increasing and within [0, 1]; shape 0 switches the channel off', () => {
    const w = weibullWeights('cdf', 1.3, 0.07, 156);
    for (let i = 1; i < w.length; i++) expect(w[i]).toBeLessThanOrEqual(w[i - 1]);
    expect(w[0]).toBe(1);
    expect(Array.from(weibullWeights('cdf', 0, 0.5, 4))).toEqual([0, 0, 0, 0]);
  });
});

describe('Hill saturation', () => {
  // Reference by hand/numpy: k = 0.5 * max = 100, x^3 / (x^3 + 100^3).
  it('uses k = gamma * max(x) and matches the reference values', () => {
    close(hillSaturation([100, 150, 170, 190, 200], 3, 0.5), [0.5, 0.7714285714285715, 0.8308811094199222, 0.8727573482631378, 0.8888888888888888]);
  });
  it('is 0 at 0, 1/2 at k, increasing and below 1', () => {
    const x = Array.from({ length: 50 }, (_, i) => i * 4);
    const h = hillSaturation(x, 1.7, 0.4);
    expect(h[0]).toBe(0);
    for (let i = 1; i < h.length; i++) {
      expect(h[i]).toBeGreaterThan(h[i - 1]);
      expect(h[i]).toBeLessThan(1);
    }
    expect(hillSaturation([50], 2.5, 1, 50)[0]).toBeCloseTo(0.5, 14);
  });
  it('rejects a non-positive alpha', () => {
    expect(() => hillSaturation([1], 0, 0.5)).toThrow('hillSaturation: alpha must be > 0, got 0');
  });
});

describe('log saturation', () => {
  it('is log1p(x / s) (numpy reference)', () => {
    close(logSaturation([100, 150, 170, 190, 200], 50), [1.0986122886681098, 1.3862943611198906, 1.4816045409242156, 1.5686159179138452, 1.6094379124341003]);
    expect(() => logSaturation([1], 0)).toThrow('logSaturation: s must be > 0, got 0');
  });
});

describe('logistic saturation (PyMC-Marketing logistic_saturation)', () => {
  // Reference: PyMC-Marketing's formula (1 - exp(-lam x)) / (1 + exp(-lam x)) on media scaled by its maximum,
  // evaluated here with Math.exp (not the kernel's tanh form).
  it('matches the PyMC formula on max-scaled media', () => {
    const a = [0, 0.5, 1, 2, 4];
    const lam = 3;
    const ref = a.map((v) => (1 - Math.exp((-lam * v) / 4)) / (1 + Math.exp((-lam * v) / 4)));
    close(logisticSaturation(a, lam), ref, 12);
    // The PyMC notebook's lam 4 at x = 0.5 (already on [0, 1]): (1 - e^-2) / (1 + e^-2) = 0.7615941559557649.
    expect(logisticSaturation([0.5, 1], 4)[0]).toBeCloseTo(0.7615941559557649, 12);
  });
  it('is concave, increasing and below 1, with slope lam / (2 max) at 0', () => {
    const x = Array.from({ length: 50 }, (_, i) => i / 10);
    const s = logisticSaturation(x, 2.5);
    for (let i = 1; i < x.length; i++) expect(s[i]).toBeGreaterThan(s[i - 1]);
    for (let i = 2; i < x.length; i++) expect(s[i] - s[i - 1]).toBeLessThan(s[i - 1] - s[i - 2] + 1e-15);
    expect(s[s.length - 1]).toBeLessThan(1);
    expect(logisticSaturation([1e-6, 4.9], 2.5)[0] / 1e-6).toBeCloseTo(2.5 / (2 * 4.9), 6);
    expect(() => logisticSaturation([1], 0)).toThrow('logisticSaturation: lam must be > 0, got 0');
  });
});

describe('Michaelis-Menten saturation', () => {
  it('is the Hill curve with alpha 1 and half-saturation at ec x max', () => {
    const a = [0, 1, 3, 7, 10];
    close(
      michaelisMenten(a, 0.4),
      a.map((v) => v / (4 + v)),
      12,
    );
    close(michaelisMenten(a, 0.4), Array.from(hillSaturation(a, 1, 0.4)), 12);
    expect(michaelisMenten([5, 10], 0.5)[0]).toBeCloseTo(0.5, 12);
    expect(() => michaelisMenten([1], -1)).toThrow('michaelisMenten: ec must be > 0, got -1');
  });
});

describe('binomial adstock (Meridian)', () => {
  it('weights lag l by (1 - l / (L + 1))^(1 / decay - 1) (by hand)', () => {
    close(binomialAdstock([9, 0, 0, 0], 0.5, 2), [9, 6, 3, 0]);
    // decay 1: every lag alike (a flat window of L + 1 weeks); decay 1/3: exponent 2.
    close(binomialAdstock([1, 0, 0, 0, 0], 1, 3), [1, 1, 1, 1, 0]);
    close(binomialAdstock([1, 0, 0], 1 / 3, 2), [1, 4 / 9, 1 / 9]);
    expect(() => binomialAdstock([1], 0)).toThrow('binomialAdstock: decay must be in (0, 1], got 0');
  });
});
