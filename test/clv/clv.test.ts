import { describe, expect, it } from 'vitest';
import {
  aggregateClvByGroup,
  analyseClv,
  bgNbdConditionalExpectedPurchases,
  customerLifetimeValue,
  fitBgNbd,
  fitGammaGamma,
  gammaGammaExpectedOrderValue,
  holdoutValidationTable,
  predictBgNbd,
  simulateCustomers,
  summariseTransactions,
} from '../../src/clv/index.ts';
import { ValidationError } from '../../src/core/errors.ts';
import { Rng } from '../../src/core/rng.ts';
import { CDNOW_CALIBRATION_END_DAY, readCdnowOrders } from './cdnow-fixture.ts';

const orders = readCdnowOrders();
const summary = summariseTransactions(orders, { calibrationEndDay: CDNOW_CALIBRATION_END_DAY });
const bg = fitBgNbd(summary);
const gg = fitGammaGamma(summary.frequency, summary.monetaryValue);

describe('customerLifetimeValue', () => {
  const clv = customerLifetimeValue(bg.params, gg.params, summary);

  it('totals 71,507.95 over the CDNOW customers over 12 months at 1% a month, as lifetimes gives for weekly data', () => {
    // lifetimes GammaGammaFitter.customer_lifetime_value(bgf, ..., time=12, discount_rate=0.01, freq='W') summed: 71,507.95
    let total = 0;
    for (const v of clv) total += v;
    expect(Math.abs(total / 71507.95 - 1)).toBeLessThan(1e-3);
  });

  it('is the expected order value times the discounted monthly increments of expected purchases (lifetimes utils._customer_lifetime_value)', () => {
    for (const i of [0, 5, summary.customerIds.indexOf('1516')]) {
      const x = summary.frequency[i];
      let expected = 0;
      for (let m = 1; m <= 12; m++) {
        const increment =
          bgNbdConditionalExpectedPurchases(bg.params, m * 4.345, x, summary.recency[i], summary.T[i]) -
          bgNbdConditionalExpectedPurchases(bg.params, (m - 1) * 4.345, x, summary.recency[i], summary.T[i]);
        expected += increment / 1.01 ** m;
      }
      expected *= gammaGammaExpectedOrderValue(gg.params, x, summary.monetaryValue[i]);
      expect(clv[i]).toBeCloseTo(expected, 9);
    }
  });

  it('values customers without repeat purchases at the population mean spend p v / (q - 1), as lifetimes does', () => {
    const i = summary.frequency.indexOf(0);
    const { p, q, v } = gg.params;
    const discounted = customerLifetimeValue(bg.params, { p: 1, q: 2, v: 1 }, { frequency: [0], recency: [0], T: [summary.T[i]], monetaryValue: [0] });
    // With p = 1, q = 2, v = 1 the population mean is 1, so `discounted` is the discounted expected purchases.
    expect(clv[i]).toBeCloseTo(discounted[0] * ((p * v) / (q - 1)), 9);
  });

  it('falls with the discount rate, grows with the horizon, and is zero over zero months', () => {
    const one = { frequency: [3], recency: [20], T: [30], monetaryValue: [40] };
    const at = (months: number, rate: number) => customerLifetimeValue(bg.params, gg.params, one, { months, monthlyDiscountRate: rate })[0];
    expect(at(0, 0.01)).toBe(0);
    expect(at(12, 0.02)).toBeLessThan(at(12, 0.01));
    expect(at(24, 0.01)).toBeGreaterThan(at(12, 0.01));
    expect(at(12, 0)).toBeGreaterThan(at(12, 0.01));
    expect(() => at(1.5, 0.01)).toThrow('months must be a whole number >= 0, got 1.5');
  });
});

describe('aggregateClvByGroup', () => {
  it('counts, sums and averages per group, sorted by name', () => {
    const groups = aggregateClvByGroup(['b', 'a', 'b'], [1, 2, 3], [0.5, 1, 1.5], [1, 0.5, 0]);
    expect(groups).toEqual([
      { group: 'a', customers: 1, meanClv: 2, totalClv: 2, meanExpectedPurchases: 1, meanPAlive: 0.5 },
      { group: 'b', customers: 2, meanClv: 2, totalClv: 4, meanExpectedPurchases: 1, meanPAlive: 0.5 },
    ]);
    expect(() => aggregateClvByGroup(['a'], [1, 2], [1], [1])).toThrow(new ValidationError('group, clv, expected purchases and P(alive) must have the same length (got 1, 2, 1, 1)'));
  });
});

describe('analyseClv on the CDNOW transaction log', () => {
  const channelNames = ['search', 'social', 'email'];
  const channels = orders.customerIds.map((id) => channelNames[Number(id) % 3]);
  const result = analyseClv({ ...orders, channels }, { calibrationEndDay: CDNOW_CALIBRATION_END_DAY });

  it('fits the same models as the separate steps and totals the same CLV', () => {
    expect(result.bgNbd.params).toEqual(bg.params);
    expect(result.gammaGamma.params).toEqual(gg.params);
    expect(Math.abs(result.clvTotal / 71507.95 - 1)).toBeLessThan(1e-3);
    expect(result.warnings).toEqual([]);
  });

  it('splits customers and CLV by acquisition channel and by first-purchase month without losing any', () => {
    expect(result.byChannel.map((g) => g.channel)).toEqual(['email', 'search', 'social']);
    expect(result.byCohort.map((g) => g.cohort)).toEqual(['1997-01', '1997-02', '1997-03']);
    for (const groups of [result.byChannel, result.byCohort]) {
      expect(groups.reduce((s, g) => s + g.customers, 0)).toBe(2357);
      expect(groups.reduce((s, g) => s + g.totalClv, 0)).toBeCloseTo(result.clvTotal, 6);
    }
    const search = result.summary.channel.map((c, i) => (c === 'search' ? result.clv[i] : 0)).reduce((s, v) => s + v, 0);
    expect(result.byChannel[1].totalClv).toBeCloseTo(search, 9);
  });

  it('validates on the 39-week holdout: actual means by frequency bucket and model predictions within 15% in total', () => {
    const validation = result.validation!;
    expect(validation.holdoutWeeks).toBe(39);
    expect(validation.rows.map((r) => r.bucket)).toEqual(['0', '1', '2', '3', '4', '5', '6', '7+']);
    expect(validation.rows.reduce((s, r) => s + r.customers, 0)).toBe(2357);
    const predicted = predictBgNbd(result.bgNbd.params, summary, 39).expectedPurchases;
    let actualTotal = 0;
    let predictedTotal = 0;
    for (const row of validation.rows) {
      actualTotal += row.actualMean * row.customers;
      predictedTotal += row.predictedMean * row.customers;
    }
    let directActual = 0;
    let directPredicted = 0;
    for (let i = 0; i < summary.customerIds.length; i++) {
      directActual += summary.holdoutFrequency![i];
      directPredicted += predicted[i];
    }
    expect(actualTotal).toBeCloseTo(directActual, 9);
    expect(predictedTotal).toBeCloseTo(directPredicted, 9);
    // FHL 2005 (Figures 2 and 4): the BG/NBD tracks the CDNOW holdout closely.
    expect(Math.abs(predictedTotal / actualTotal - 1)).toBeLessThan(0.15);
  });
});

describe('holdoutValidationTable', () => {
  it('predicts the holdout of customers simulated from the model within sampling error in every bucket', () => {
    const truth = { r: 0.6, alpha: 5, a: 0.8, b: 2.5 };
    const sim = simulateCustomers(new Rng(99), truth, 40_000, { minAgeWeeks: 10, maxAgeWeeks: 60, holdoutWeeks: 26 });
    const fit = fitBgNbd(sim);
    const predicted = predictBgNbd(fit.params, sim, 26).expectedPurchases;
    const rows = holdoutValidationTable(sim.frequency, sim.holdoutFrequency, predicted);
    expect(rows.map((r) => r.bucket)).toEqual(['0', '1', '2', '3', '4', '5', '6', '7+']);
    for (const row of rows) {
      // Holdout counts are overdispersed; a generous 4-sigma band with sd <= sqrt(3 * mean + 1).
      const band = (4 * Math.sqrt(3 * row.actualMean + 1)) / Math.sqrt(row.customers);
      expect(Math.abs(row.predictedMean - row.actualMean), row.bucket).toBeLessThan(band);
    }
  });

  it('pools frequencies of 7 and above into "7+" and skips empty buckets', () => {
    expect(holdoutValidationTable([0, 9, 7, 2], [1, 4, 2, 0], [0.5, 3, 3, 1])).toEqual([
      { bucket: '0', customers: 1, actualMean: 1, predictedMean: 0.5 },
      { bucket: '2', customers: 1, actualMean: 0, predictedMean: 1 },
      { bucket: '7+', customers: 2, actualMean: 3, predictedMean: 3 },
    ]);
  });
});
