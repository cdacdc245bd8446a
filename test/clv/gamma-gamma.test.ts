import { describe, expect, it } from 'vitest';
import { fitGammaGamma, gammaGammaExpectedOrderValue, gammaGammaExpectedOrderValues, simulateCustomers, summariseTransactions } from '../../src/clv/index.ts';
import { ConvergenceError, ValidationError } from '../../src/core/errors.ts';
import { Rng } from '../../src/core/rng.ts';
import { CDNOW_CALIBRATION_END_DAY, readCdnowOrders } from './cdnow-fixture.ts';

const summary = summariseTransactions(readCdnowOrders(), { calibrationEndDay: CDNOW_CALIBRATION_END_DAY });

describe('fitGammaGamma on CDNOW repeat customers', () => {
  const fit = fitGammaGamma(summary.frequency, summary.monetaryValue);

  it('gives p, q, v = 6.25, 3.74, 15.44 (lifetimes and BTYD documentation) within 0.01', () => {
    expect(Math.abs(fit.params.p - 6.25)).toBeLessThan(0.01);
    expect(Math.abs(fit.params.q - 3.74)).toBeLessThan(0.01);
    expect(Math.abs(fit.params.v - 15.44)).toBeLessThan(0.01);
    expect(fit.customers).toBe(946); // customers with frequency > 0 in the calibration period
    expect(fit.excludedNonPositiveSpend).toBe(0);
    expect(fit.warnings).toEqual([]);
    expect(fit.standardErrors!.q).toBeGreaterThan(0);
  });

  it("shrinks a customer's mean spend towards the population mean p v / (q - 1), more for fewer purchases", () => {
    const { p, q, v } = fit.params;
    const populationMean = (p * v) / (q - 1);
    expect(gammaGammaExpectedOrderValue(fit.params, 0, 0)).toBeCloseTo(populationMean, 12);
    const one = gammaGammaExpectedOrderValue(fit.params, 1, 100);
    const ten = gammaGammaExpectedOrderValue(fit.params, 10, 100);
    expect(one).toBeGreaterThan(populationMean);
    expect(ten).toBeGreaterThan(one);
    expect(ten).toBeLessThan(100);
    // Hardie note 025 eq. 5 as lifetimes writes it: (1 - w) * population mean + w * m, w = p x / (p x + q - 1)
    const w = (p * 10) / (p * 10 + q - 1);
    expect(ten).toBeCloseTo((1 - w) * populationMean + w * 100, 10);
  });
});

describe('fitGammaGamma edge cases', () => {
  it('leaves out repeat customers with zero mean spend and says how many in a warning', () => {
    const frequency = [...summary.frequency, 3, 2];
    const monetary = [...summary.monetaryValue, 0, 0];
    const fit = fitGammaGamma(frequency, monetary);
    expect(fit.excludedNonPositiveSpend).toBe(2);
    expect(fit.warnings).toEqual(['Gamma-Gamma: 2 repeat customer(s) with zero or negative mean spend left out of the fit']);
    expect(fit.customers).toBe(946);
    const values = gammaGammaExpectedOrderValues(fit.params, frequency, monetary);
    expect(values.every((x) => x > 0 && Number.isFinite(x))).toBe(true);
  });

  it('recovers known p, q, v from simulated repeat customers within 3 standard errors', () => {
    const spend = { p: 4, q: 5, v: 60 };
    const sim = simulateCustomers(new Rng(11), { r: 1.5, alpha: 8, a: 0.6, b: 3 }, 20_000, { minAgeWeeks: 20, maxAgeWeeks: 104, spend });
    const fit = fitGammaGamma(sim.frequency, sim.monetaryValue);
    expect(fit.customers).toBeGreaterThan(5000);
    for (const key of ['p', 'q', 'v'] as const) {
      expect(Math.abs(fit.params[key] - spend[key]) / fit.standardErrors![key], key).toBeLessThan(3);
    }
  });

  it('raises ConvergenceError, not a negative CLV, when the fitted q is at most 1 (infinite mean spend)', () => {
    const sim = simulateCustomers(new Rng(5), { r: 1.5, alpha: 8, a: 0.6, b: 3 }, 5000, { minAgeWeeks: 20, maxAgeWeeks: 104, spend: { p: 3, q: 0.6, v: 20 } });
    let caught: unknown;
    try {
      fitGammaGamma(sim.frequency, sim.monetaryValue);
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(ConvergenceError);
    expect((caught as Error).message).toMatch(
      /^Gamma-Gamma fit gave q = 0\.\d{4} <= 1: the population mean spend p\*v\/\(q-1\) is infinite, so expected order values and CLV are undefined \(spend is too heavy-tailed; check for outliers or fit with a penalty\)$/,
    );
    expect(() => gammaGammaExpectedOrderValue({ p: 2, q: 1, v: 3 }, 1, 10)).toThrow(new ValidationError('Gamma-Gamma q must be > 1 for a finite mean order value, got 1'));
  });

  it('rejects data without a usable repeat customer and mismatched arrays', () => {
    expect(() => fitGammaGamma([0, 0, 2], [0, 0, 0])).toThrow('fitGammaGamma: no repeat customers with positive mean spend to fit');
    expect(() => fitGammaGamma([1, 2], [3])).toThrow('frequency and monetary value must have the same length (got 2, 1)');
    expect(() => fitGammaGamma([1, 2], [3, Infinity])).toThrow('row 2 column "monetary_value": monetary value must be finite, got Infinity');
  });
});
