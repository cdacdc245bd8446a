import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/core/rng.ts';
import { fitSignedRidge, solveSignBoundedQuadratic } from '../../src/mmm/index.ts';
import type { CoefficientSign } from '../../src/mmm/index.ts';

function randomSpd(p: number, rng: Rng): Float64Array {
  const M = Array.from({ length: p * p }, () => rng.normal());
  const A = new Float64Array(p * p);
  for (let i = 0; i < p; i++)
    for (let j = 0; j < p; j++) {
      let s = 0;
      for (let k = 0; k < p; k++) s += M[i * p + k] * M[j * p + k];
      A[i * p + j] = s + (i === j ? 0.1 : 0);
    }
  return A;
}

describe('sign-bounded quadratic solve', () => {
  it('solves a 2x2 case by hand: min x1^2 + x2^2 - 2x1 + 4x2 with x >= 0 gives (1, 0)', () => {
    // (1/2) x'Ax - c'x with A = 2I, c = (2, -4): unconstrained (1, -2); x2 >= 0 binds.
    const x = solveSignBoundedQuadratic([2, 0, 0, 2], [2, -4], ['positive', 'positive']);
    expect(x[0]).toBeCloseTo(1, 12);
    expect(x[1]).toBe(0);
  });
  it('satisfies the KKT conditions on random problems (feasible, zero gradient on free/positive coordinates, right-signed multipliers)', () => {
    const rng = new Rng(42);
    for (let rep = 0; rep < 200; rep++) {
      const p = 2 + rng.int(12);
      const A = randomSpd(p, rng);
      const c = Float64Array.from({ length: p }, () => 3 * rng.normal());
      const signs: CoefficientSign[] = Array.from({ length: p }, () => (['positive', 'negative', 'free'] as const)[rng.int(3)]);
      const x = solveSignBoundedQuadratic(A, c, signs);
      for (let i = 0; i < p; i++) {
        let g = -c[i];
        for (let j = 0; j < p; j++) g += A[i * p + j] * x[j];
        const tol = 1e-7 * (1 + Math.abs(c[i]));
        if (signs[i] === 'positive') {
          expect(x[i]).toBeGreaterThanOrEqual(0);
          if (x[i] > 0) expect(Math.abs(g)).toBeLessThan(tol);
          else expect(g).toBeGreaterThan(-tol);
        } else if (signs[i] === 'negative') {
          expect(x[i]).toBeLessThanOrEqual(0);
          if (x[i] < 0) expect(Math.abs(g)).toBeLessThan(tol);
          else expect(g).toBeLessThan(tol);
        } else expect(Math.abs(g)).toBeLessThan(tol);
      }
    }
  });
});

describe('ridge with intercept on standardised features', () => {
  it('recovers exact linear coefficients with lambda 0 (y = 5 + 2 a - 3 b)', () => {
    const a = [1, 2, 3, 4, 5, 6, 7, 8];
    const b = [2, 1, 4, 3, 6, 5, 8, 9];
    const y = a.map((v, i) => 5 + 2 * v - 3 * b[i]);
    const fit = fitSignedRidge([a, b], y, 0, ['free', 'free']);
    expect(fit.intercept).toBeCloseTo(5, 9);
    expect(fit.coefficients[0]).toBeCloseTo(2, 9);
    expect(fit.coefficients[1]).toBeCloseTo(-3, 9);
  });
  it('matches the closed form on one standardised feature: b_std = cov/(var (1 + lambda))', () => {
    // x = 1..4: mean 2.5, population sd sqrt(1.25); y = 2x so cov/sd = 2 sd; b_std = 2 sd / (1 + lambda).
    const x = [1, 2, 3, 4];
    const fit = fitSignedRidge(
      [x],
      x.map((v) => 2 * v),
      0.25,
      ['free'],
    );
    expect(fit.coefficients[0]).toBeCloseTo(2 / 1.25, 12);
    expect(fit.intercept).toBeCloseTo(2 * 2.5 - (2 / 1.25) * 2.5, 12);
  });
  it('holds a media coefficient at zero when the unconstrained fit would be negative', () => {
    const m = [1, 3, 2, 5, 4, 6, 3, 7];
    const y = m.map((v, i) => 10 - 0.5 * v + (i % 2));
    const fit = fitSignedRidge([m], y, 0, ['positive']);
    expect(fit.coefficients[0]).toBe(0);
    expect(fit.intercept).toBeCloseTo(y.reduce((s, v) => s + v, 0) / y.length, 12);
  });
});
