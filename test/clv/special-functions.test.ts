import { describe, expect, it } from 'vitest';
// mpmath values below: fixtures/reference-values.py.
import { digamma, expm1OverX, hyp2f1, logAddExp, logGamma } from '../../src/clv/index.ts';

describe('logGamma', () => {
  it('matches exact values: ln Γ(1/2) = ln √π, ln Γ(10) = ln 9!, ln Γ(1) = ln Γ(2) = 0', () => {
    expect(logGamma(0.5)).toBeCloseTo(0.5 * Math.log(Math.PI), 14);
    expect(logGamma(10)).toBeCloseTo(Math.log(362880), 13);
    expect(Math.abs(logGamma(1))).toBeLessThan(1e-14);
    expect(Math.abs(logGamma(2))).toBeLessThan(1e-14);
  });

  it('matches mpmath loggamma for small and large arguments', () => {
    // mpmath 1.3 at 30 digits: loggamma(0.2425982), loggamma(100), loggamma(10000.5)
    expect(logGamma(0.2425982)).toBeCloseTo(1.3197933201716093, 13);
    expect(logGamma(100)).toBeCloseTo(359.1342053695754, 11);
    expect(logGamma(10000.5) / 82104.32265412837).toBeCloseTo(1, 14);
  });

  it('satisfies the recurrence ln Γ(x+1) = ln Γ(x) + ln x across the series switch at 10', () => {
    for (const x of [0.01, 0.7, 3.3, 9.5, 9.999, 10.2, 57.1, 1e4]) {
      expect(logGamma(x + 1)).toBeCloseTo(logGamma(x) + Math.log(x), 11);
    }
  });

  it('returns NaN outside the domain', () => {
    expect(logGamma(0)).toBeNaN();
    expect(logGamma(-1.5)).toBeNaN();
  });
});

describe('digamma', () => {
  it('matches exact values: ψ(1) = -γ, ψ(1/2) = -γ - 2 ln 2', () => {
    const eulerGamma = 0.5772156649015329;
    expect(digamma(1)).toBeCloseTo(-eulerGamma, 14);
    expect(digamma(0.5)).toBeCloseTo(-eulerGamma - 2 * Math.log(2), 14);
  });

  it('matches mpmath digamma', () => {
    // mpmath 1.3 at 30 digits: digamma(0.2425982), digamma(7.3)
    expect(digamma(0.2425982)).toBeCloseTo(-4.358394610230204, 13);
    expect(digamma(7.3)).toBeCloseTo(1.917820335637986, 14);
  });

  it('satisfies ψ(x+1) = ψ(x) + 1/x and is the derivative of ln Γ', () => {
    for (const x of [0.05, 0.9, 4.2, 9.99, 12.5, 300]) {
      expect(digamma(x + 1)).toBeCloseTo(digamma(x) + 1 / x, 11);
      const h = 1e-5 * Math.max(1, x);
      expect(digamma(x)).toBeCloseTo((logGamma(x + h) - logGamma(x - h)) / (2 * h), 6);
    }
  });
});

describe('hyp2f1', () => {
  it('matches closed forms (Abramowitz & Stegun 15.1.3, 15.1.5, 15.1.8)', () => {
    for (const z of [0.1, 0.5, 0.9, 0.99]) expect(hyp2f1(1, 1, 2, z)).toBeCloseTo(-Math.log(1 - z) / z, 12);
    expect(hyp2f1(0.5, 0.5, 1.5, 0.25)).toBeCloseTo(Math.PI / 3, 14); // arcsin(1/2) / (1/2)
    expect(hyp2f1(3, 2, 2, 0.9) / 1000).toBeCloseTo(1, 12); // (1 - z)^-3, through Euler's transformation
    expect(hyp2f1(1, 1, 2, -1)).toBeCloseTo(Math.log(2), 14); // through Pfaff's transformation
    expect(hyp2f1(2.5, 1.3, 4.1, 0)).toBe(1);
  });

  it('matches mpmath hyp2f1 at the BG/NBD arguments of CDNOW customer 1516 and of a new customer', () => {
    // mpmath 1.3: hyp2f1(r+x, b+x, a+b+x-1, 52/(alpha+31+52)) with BTYD's CDNOW estimates, x = 26
    expect(hyp2f1(26.2425982, 28.4261667, 28.2191566, 52 / (4.4136842 + 31 + 52)) / 23724039037.711224).toBeCloseTo(1, 12);
    // mpmath 1.3: hyp2f1(r, b, a+b-1, 52/(alpha+52))
    expect(hyp2f1(0.2425982, 2.4261667, 2.2191566, 52 / (4.4136842 + 52))).toBeCloseTo(2.1054100817111962, 13);
  });

  it('refuses z >= 1 and non-positive integer c', () => {
    expect(() => hyp2f1(1, 1, 2, 1)).toThrow('hyp2f1 requires a finite z < 1, got 1');
    expect(() => hyp2f1(1, 1, -2, 0.5)).toThrow('hyp2f1 requires c not a non-positive integer, got -2');
  });
});

describe('logAddExp and expm1OverX', () => {
  it('adds in log space without overflow or underflow', () => {
    expect(logAddExp(1000, 1000)).toBeCloseTo(1000 + Math.log(2), 12);
    expect(logAddExp(-1000, -1001)).toBeCloseTo(-1000 + Math.log1p(Math.exp(-1)), 12);
    expect(logAddExp(-Infinity, 3)).toBe(3);
  });

  it('is continuous at 0', () => {
    expect(expm1OverX(0)).toBe(1);
    expect(expm1OverX(1e-6)).toBeCloseTo(Math.expm1(1e-6) / 1e-6, 14);
    expect(expm1OverX(2)).toBeCloseTo((Math.exp(2) - 1) / 2, 14);
  });
});
