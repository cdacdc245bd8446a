import { describe, expect, it } from 'vitest';
import {
  bgNbdConditionalExpectedPurchases,
  bgNbdExpectedPurchasesNewCustomer,
  bgNbdLogLikelihood,
  bgNbdLogLikelihoodGradient,
  bgNbdProbabilityAlive,
  compressRfmPatterns,
  fitBgNbd,
  predictBgNbd,
  simulateCustomers,
  summariseTransactions,
} from '../../src/clv/index.ts';
import type { BgNbdParams } from '../../src/clv/index.ts';
import { ConvergenceError, ValidationError } from '../../src/core/errors.ts';
import { Rng } from '../../src/core/rng.ts';
import { BTYD_BGNBD, CDNOW_CALIBRATION_END_DAY, readCdnowOrders } from './cdnow-fixture.ts';

const summary = summariseTransactions(readCdnowOrders(), { calibrationEndDay: CDNOW_CALIBRATION_END_DAY });

describe('fitBgNbd on CDNOW (calibration end 1997-09-30)', () => {
  const fit = fitBgNbd(summary);

  it('matches BTYD: r, alpha, a, b within 0.1% and log-likelihood -9582.429 within 0.01', () => {
    // BTYD walkthrough (R reference implementation): r = 0.2425982, alpha = 4.4136842, a = 0.7929899, b = 2.4261667, LL = -9582.429
    for (const key of ['r', 'alpha', 'a', 'b'] as const) {
      expect(Math.abs(fit.params[key] / BTYD_BGNBD[key] - 1), key).toBeLessThan(1e-3);
    }
    expect(fit.logLikelihood).toBeGreaterThan(-9582.429 - 0.01);
    expect(fit.logLikelihood).toBeLessThan(-9582.429 + 0.01);
    expect(fit.diagnostics.converged).toBe(true);
    expect(fit.customers).toBe(2357);
    expect(fit.patterns).toBeLessThan(2357);
  });

  it('has the standard errors of an independent inverse Hessian (scipy 1.17, second differences of ln L)', () => {
    // fixtures/reference-values.py: scipy Nelder-Mead MLE on the same summary, Hessian of -ln L by central second
    // differences in (r, alpha, a, b), numpy inverse: se = 0.01255737, 0.37822393, 0.18573231, 0.70540828
    const reference = { r: 0.01255737, alpha: 0.37822393, a: 0.18573231, b: 0.70540828 };
    const se = fit.standardErrors!;
    for (const key of ['r', 'alpha', 'a', 'b'] as const) expect(se[key] / reference[key], key).toBeCloseTo(1, 3);
  });

  it('gets a smaller r, a and b with an L2 penalty, and reports the penalty', () => {
    const penalised = fitBgNbd(summary, { penalty: 0.1 });
    expect(penalised.penalty).toBe(0.1);
    expect(penalised.logLikelihood).toBeLessThan(fit.logLikelihood);
    expect(penalised.params.alpha).toBeLessThan(fit.params.alpha);
  });
});

// 50-digit values below: fixtures/reference-values.py (mpmath 1.3).
describe('BG/NBD predictions', () => {
  const i1516 = summary.customerIds.indexOf('1516');

  it("gives BTYD's values for customer 1516: 25.7566 purchases in 52 weeks, P(alive) 0.96885", () => {
    // BTYD walkthrough: x = 26, t_x = 30.857, T = 31, expected 25.75659 in 52 weeks, P(alive) 0.9688523
    const x = summary.frequency[i1516];
    const tx = summary.recency[i1516];
    const T = summary.T[i1516];
    expect([x, Math.round(tx * 1000) / 1000, T]).toEqual([26, 30.857, 31]);
    expect(Math.abs(bgNbdConditionalExpectedPurchases(BTYD_BGNBD, 52, x, tx, T) - 25.7566)).toBeLessThan(1e-4);
    expect(Math.abs(bgNbdProbabilityAlive(BTYD_BGNBD, x, tx, T) - 0.96885)).toBeLessThan(1e-4);
    const perCustomer = predictBgNbd(BTYD_BGNBD, summary, 52);
    expect(perCustomer.expectedPurchases[i1516]).toBe(bgNbdConditionalExpectedPurchases(BTYD_BGNBD, 52, x, tx, T));
    expect(perCustomer.pAlive[i1516]).toBe(bgNbdProbabilityAlive(BTYD_BGNBD, x, tx, T));
  });

  it('matches the closed form evaluated in 50-digit arithmetic (mpmath 1.3 hyp2f1)', () => {
    expect(bgNbdExpectedPurchasesNewCustomer(BTYD_BGNBD, 52)).toBeCloseTo(1.4440048010359273, 12);
    expect(bgNbdConditionalExpectedPurchases(BTYD_BGNBD, 52, 0, 0, 520)).toBeCloseTo(0.023701601278920794, 14);
    expect(bgNbdConditionalExpectedPurchases(BTYD_BGNBD, 520, 3, 10, 12)).toBeCloseTo(16.946711668782304, 11);
    expect(bgNbdConditionalExpectedPurchases(BTYD_BGNBD, 52, 10000, 520, 520) / 954.7145964609029).toBeCloseTo(1, 12);
    expect(bgNbdProbabilityAlive(BTYD_BGNBD, 10000, 520, 520)).toBeCloseTo(0.9999207186037834, 14);
    // A customer silent for the last 20 weeks after 10,000 purchases is almost surely gone (1.68e-165), without underflow to NaN.
    expect(bgNbdProbabilityAlive(BTYD_BGNBD, 10000, 500, 520) / 1.6793445535951139e-165).toBeCloseTo(1, 9);
    expect(bgNbdConditionalExpectedPurchases(BTYD_BGNBD, 52, 10000, 500, 520) / 1.6034218793296919e-162).toBeCloseTo(1, 9);
  });

  it('is continuous at a = 1 where the closed form has a removable singularity', () => {
    const at = (a: number) => bgNbdConditionalExpectedPurchases({ ...BTYD_BGNBD, a }, 39, 4, 20, 30);
    expect(at(1)).toBeCloseTo((at(1 - 1e-7) + at(1 + 1e-7)) / 2, 9);
    expect(Number.isFinite(at(1))).toBe(true);
  });

  it('is increasing and concave in the horizon, zero at zero, and P(alive) lies in (0, 1]', () => {
    const customers: [number, number, number][] = [
      [0, 0, 10],
      [1, 2, 39],
      [26, 30.857, 31],
      [3, 1, 60],
      [10_000, 519, 520],
      [5000, 100, 520],
    ];
    for (const [x, tx, T] of customers) {
      let previous = 0;
      let previousStep = Infinity;
      expect(bgNbdConditionalExpectedPurchases(BTYD_BGNBD, 0, x, tx, T)).toBe(0);
      for (let t = 4; t <= 520; t += 4) {
        const value = bgNbdConditionalExpectedPurchases(BTYD_BGNBD, t, x, tx, T);
        expect(Number.isFinite(value)).toBe(true);
        expect(value).toBeGreaterThanOrEqual(previous);
        expect(value - previous).toBeLessThanOrEqual(previousStep * (1 + 1e-9) + 1e-300);
        previousStep = value - previous;
        previous = value;
      }
      const alive = bgNbdProbabilityAlive(BTYD_BGNBD, x, tx, T);
      expect(alive).toBeGreaterThanOrEqual(0);
      expect(alive).toBeLessThanOrEqual(1);
    }
  });

  it('predicts more purchases for more recent and more frequent customers', () => {
    const e = (x: number, tx: number) => bgNbdConditionalExpectedPurchases(BTYD_BGNBD, 52, x, tx, 39);
    expect(e(5, 38)).toBeGreaterThan(e(5, 20));
    expect(e(8, 38)).toBeGreaterThan(e(5, 38));
  });
});

describe('BG/NBD likelihood', () => {
  it('has an analytic gradient equal to central differences', () => {
    const rfm = { frequency: summary.frequency, recency: summary.recency, T: summary.T };
    const at: BgNbdParams = { r: 0.3, alpha: 5, a: 0.9, b: 2 };
    const g = bgNbdLogLikelihoodGradient(at, rfm);
    for (const key of ['r', 'alpha', 'a', 'b'] as const) {
      const h = 1e-6 * at[key];
      const numeric = (bgNbdLogLikelihood({ ...at, [key]: at[key] + h }, rfm) - bgNbdLogLikelihood({ ...at, [key]: at[key] - h }, rfm)) / (2 * h);
      expect(g[key] / numeric, key).toBeCloseTo(1, 6);
    }
  });

  it('gives the same fit from precompressed patterns as from per-customer columns', () => {
    const patterns = compressRfmPatterns(summary);
    expect(patterns.count).toBeLessThan(summary.customerIds.length);
    expect(fitBgNbd(patterns).params).toEqual(fitBgNbd(summary).params);
    const fromPatterns = predictBgNbd(BTYD_BGNBD, patterns, 10);
    expect(Array.from(fromPatterns.expectedPurchases)).toEqual(Array.from(predictBgNbd(BTYD_BGNBD, summary, 10).expectedPurchases));
  });

  it('counts weights as repeated customers', () => {
    const one = bgNbdLogLikelihood(BTYD_BGNBD, { frequency: [2, 0], recency: [5, 0], T: [10, 8], weight: [3, 2] });
    const many = bgNbdLogLikelihood(BTYD_BGNBD, { frequency: [2, 2, 2, 0, 0], recency: [5, 5, 5, 0, 0], T: [10, 10, 10, 8, 8] });
    expect(one).toBeCloseTo(many, 12);
  });

  it('stays finite for frequency up to 10,000 and T up to 520 weeks, and a fit including them converges', () => {
    const frequency = [...summary.frequency, 10_000, 5_000, 0, 1];
    const recency = [...summary.recency, 519.9, 200, 0, 520];
    const T = [...summary.T, 520, 520, 520, 520];
    const ll = bgNbdLogLikelihood(BTYD_BGNBD, { frequency, recency, T });
    expect(Number.isFinite(ll)).toBe(true);
    const g = bgNbdLogLikelihoodGradient(BTYD_BGNBD, { frequency, recency, T });
    expect(Object.values(g).every(Number.isFinite)).toBe(true);
    const fit = fitBgNbd({ frequency, recency, T });
    expect(Object.values(fit.params).every((v) => Number.isFinite(v) && v > 0)).toBe(true);
    const predicted = predictBgNbd(fit.params, { frequency, recency, T }, 52);
    expect(predicted.expectedPurchases.every((v) => Number.isFinite(v) && v >= 0)).toBe(true);
    expect(predicted.pAlive.every((v) => v >= 0 && v <= 1)).toBe(true);
  });
});

describe('fitBgNbd recovery and failures', () => {
  it('recovers known parameters from 50,000 simulated customers within 3 standard errors', () => {
    const truth = { r: 0.5, alpha: 6, a: 0.7, b: 3 };
    const sim = simulateCustomers(new Rng(42), truth, 50_000, { minAgeWeeks: 10, maxAgeWeeks: 104 });
    const fit = fitBgNbd(sim);
    for (const key of ['r', 'alpha', 'a', 'b'] as const) {
      expect(Math.abs(fit.params[key] - truth[key]) / fit.standardErrors![key], key).toBeLessThan(3);
    }
  });

  it('recovers the parameters on a daily grid too, where same-day purchases merge (within 3 se, 20,000 customers)', () => {
    const truth = { r: 0.5, alpha: 6, a: 0.7, b: 3 };
    const sim = simulateCustomers(new Rng(7), truth, 20_000, { minAgeWeeks: 10, maxAgeWeeks: 104, dayGrid: true });
    for (let i = 0; i < 200; i++) expect(Number.isInteger(Math.round(sim.T[i] * 7 * 1e9) / 1e9)).toBe(true);
    const fit = fitBgNbd(sim);
    expect(fit.patterns).toBeLessThan(20_000);
    for (const key of ['r', 'alpha', 'a', 'b'] as const) {
      expect(Math.abs(fit.params[key] - truth[key]) / fit.standardErrors![key], key).toBeLessThan(3);
    }
  });

  it('raises ConvergenceError with diagnostics when the iteration limit is reached', () => {
    let caught: unknown;
    try {
      fitBgNbd(summary, { maxIterations: 2 });
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(ConvergenceError);
    const error = caught as ConvergenceError;
    expect(error.message).toMatch(/^BG\/NBD fit did not converge: no convergence in 2 iterations \(largest gradient component \d\.\d{3}e[-+]\d+\)$/);
    expect(error.diagnostics.iterations).toBe(2);
    expect(error.diagnostics.converged).toBe(false);
    expect(error.diagnostics.patterns).toBe(fitBgNbd(summary).patterns);
  });

  it('rejects invalid customers and data without any repeat purchase', () => {
    expect(() => fitBgNbd({ frequency: [0, 0], recency: [0, 0], T: [3, 4] })).toThrow(
      new ValidationError('no customer has a repeat purchase, so the BG/NBD purchase and dropout processes cannot be estimated'),
    );
    expect(() => fitBgNbd({ frequency: [1, 2], recency: [5, 3], T: [4, 4] })).toThrow('row 1 column "recency": recency must be between 0 and T = 4, got 5');
    expect(() => fitBgNbd({ frequency: [1.5], recency: [1], T: [4] })).toThrow('row 1 column "frequency": frequency must be a whole number >= 0, got 1.5');
    expect(() => fitBgNbd({ frequency: [0], recency: [1], T: [4] })).toThrow('row 1 column "recency": recency must be 0 when frequency is 0, got 1');
    expect(() => fitBgNbd({ frequency: [1], recency: [1], T: [NaN] })).toThrow('row 1 column "T": T must be finite and >= 0, got NaN');
    expect(() => bgNbdLogLikelihood({ ...BTYD_BGNBD, a: -1 }, summary)).toThrow('bgNbdLogLikelihood: BG/NBD parameter a must be finite and > 0, got -1');
  });
});
