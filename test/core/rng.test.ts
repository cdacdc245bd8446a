import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/core/rng.ts';

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const variance = (xs: number[]) => {
  const m = mean(xs);
  return xs.reduce((a, b) => a + (b - m) ** 2, 0) / (xs.length - 1);
};

describe('Rng', () => {
  it('gives the same sequence for the same seed and different ones for different seeds or streams', () => {
    const a = Array.from(
      { length: 5 },
      (
        (r) => () =>
          r.nextUint32()
      )(new Rng(7)),
    );
    const b = Array.from(
      { length: 5 },
      (
        (r) => () =>
          r.nextUint32()
      )(new Rng(7)),
    );
    const c = Array.from(
      { length: 5 },
      (
        (r) => () =>
          r.nextUint32()
      )(new Rng(8)),
    );
    const d = Array.from(
      { length: 5 },
      (
        (r) => () =>
          r.nextUint32()
      )(new Rng(7, 1)),
    );
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
    expect(a).not.toEqual(d);
  });

  it('draws uniforms in [0, 1) with mean 1/2 and variance 1/12', () => {
    const r = new Rng(1);
    const xs = Array.from({ length: 100_000 }, () => r.uniform());
    expect(Math.min(...xs)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...xs)).toBeLessThan(1);
    expect(mean(xs)).toBeCloseTo(0.5, 2);
    expect(variance(xs)).toBeCloseTo(1 / 12, 3);
  });

  it('matches the moments of the normal, gamma, beta, Poisson and binomial laws', () => {
    const r = new Rng(2);
    const n = 60_000;
    const normals = Array.from({ length: n }, () => r.normal());
    expect(mean(normals)).toBeCloseTo(0, 1);
    expect(variance(normals)).toBeCloseTo(1, 1);
    for (const shape of [0.3, 1, 4.5]) {
      const g = Array.from({ length: n }, () => r.gamma(shape)); // mean = var = shape
      expect(mean(g) / shape).toBeCloseTo(1, 1);
      expect(variance(g) / shape).toBeCloseTo(1, 1);
    }
    const be = Array.from({ length: n }, () => r.beta(2, 5)); // mean 2/7
    expect(mean(be)).toBeCloseTo(2 / 7, 2);
    for (const lambda of [0.5, 12, 250]) {
      const p = Array.from({ length: n / 3 }, () => r.poisson(lambda));
      expect(p.every((v) => Number.isInteger(v) && v >= 0)).toBe(true);
      expect(mean(p) / lambda).toBeCloseTo(1, 1);
      expect(variance(p) / lambda).toBeCloseTo(1, 1);
    }
    const bi = Array.from({ length: n / 3 }, () => r.binomial(200, 0.3)); // mean 60, var 42
    expect(mean(bi)).toBeCloseTo(60, 0);
    expect(variance(bi) / 42).toBeCloseTo(1, 1);
  });

  it('refuses invalid parameters with an error naming the function', () => {
    const r = new Rng(3);
    expect(() => r.gamma(0)).toThrow('Rng.gamma requires shape > 0, got 0');
    expect(() => r.poisson(-1)).toThrow('Rng.poisson requires lambda >= 0, got -1');
    expect(() => new Rng(Number.NaN)).toThrow('Rng requires a finite seed');
  });
});
