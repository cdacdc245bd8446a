import { describe, expect, it } from 'vitest';
import { summariseTransactions } from '../../src/clv/index.ts';
import { ValidationError } from '../../src/core/errors.ts';
import { CDNOW_CALIBRATION_END_DAY, readCdnowCsv, readCdnowOrders } from './cdnow-fixture.ts';

describe('summariseTransactions on CDNOW', () => {
  const orders = readCdnowOrders();
  const summary = summariseTransactions(orders, { calibrationEndDay: CDNOW_CALIBRATION_END_DAY });
  const rowOf = new Map(summary.customerIds.map((id, i) => [id, i]));

  it('reproduces cdnow_customers_summary.csv row for row (2 decimals, as published by lifetimes)', () => {
    const published = readCdnowCsv('cdnow_customers_summary.csv');
    expect(summary.customerIds.length).toBe(2357);
    expect(published.length).toBe(2357);
    for (const [id, frequency, recency, T] of published) {
      const i = rowOf.get(id);
      expect(i, `customer ${id}`).toBeDefined();
      expect(summary.frequency[i!]).toBe(Number(frequency));
      expect(Math.round(summary.recency[i!] * 100) / 100).toBe(Number(recency));
      expect(Math.round(summary.T[i!] * 100) / 100).toBe(Number(T));
    }
  });

  it('reproduces zbar (mean spend of repeat purchase days) of cdnow_customers_summary_with_transactions.csv', () => {
    // The file rounds half-cent means (x = 2) either way, so the check is |ours - published| <= 0.005.
    const published = readCdnowCsv('cdnow_customers_summary_with_transactions.csv');
    let exact = 0;
    for (const [id, x, tx, T, zbar] of published) {
      const i = rowOf.get(id)!;
      expect(summary.frequency[i]).toBe(Number(x));
      expect(Math.abs(summary.recency[i] - Number(tx))).toBeLessThanOrEqual(0.005 + 1e-9);
      expect(Math.abs(summary.T[i] - Number(T))).toBeLessThanOrEqual(0.005 + 1e-9);
      expect(Math.abs(summary.monetaryValue[i] - Number(zbar))).toBeLessThanOrEqual(0.005 + 1e-9);
      if ((Math.round(summary.monetaryValue[i] * 100) / 100).toFixed(2) === Number(zbar).toFixed(2)) exact++;
    }
    expect(exact).toBeGreaterThan(2357 - 100);
  });

  it('puts orders after 1997-09-30 into a holdout of 39 weeks (to 1998-06-30)', () => {
    expect(summary.holdoutWeeks).toBe(39);
    expect(summary.customersFirstSeenInHoldout).toBe(0);
    const holdoutOrderDays = new Set<string>();
    orders.customerIds.forEach((id, k) => {
      if (orders.days[k] > CDNOW_CALIBRATION_END_DAY) holdoutOrderDays.add(`${id}|${orders.days[k]}`);
    });
    let total = 0;
    for (const v of summary.holdoutFrequency!) total += v;
    expect(total).toBe(holdoutOrderDays.size);
  });
});

describe('summariseTransactions rules', () => {
  it('merges same-day orders, measures weeks from the first purchase and averages repeat days only', () => {
    // a: day 0 twice (merged, 5 + 5), day 14 (20), day 21 (10 + 30 merged); calibration ends on day 28.
    const s = summariseTransactions(
      { customerIds: ['a', 'a', 'b', 'a', 'a', 'a'], days: [0, 0, 7, 14, 21, 21], amounts: [5, 5, 100, 20, 10, 30], channels: ['search', 'email', 'tv', 'x', 'y', 'z'] },
      { calibrationEndDay: 28 },
    );
    expect(s.customerIds).toEqual(['a', 'b']);
    expect(Array.from(s.frequency)).toEqual([2, 0]);
    expect(Array.from(s.recency)).toEqual([3, 0]);
    expect(Array.from(s.T)).toEqual([4, 3]);
    expect(Array.from(s.monetaryValue)).toEqual([30, 0]); // (20 + 40) / 2
    expect(s.channel).toEqual(['search', 'tv']); // channel of the first order row
    expect(s.holdoutFrequency).toBeNull();
  });

  it('uses the earliest order as the first purchase whatever the row order, and counts holdout days', () => {
    const s = summariseTransactions({ customerIds: ['a', 'a', 'a', 'a', 'c'], days: [35, 14, 0, 35, 30], amounts: [1, 2, 3, 4, 5] }, { calibrationEndDay: 28 });
    expect(Array.from(s.frequency)).toEqual([1]);
    expect(Array.from(s.recency)).toEqual([2]);
    expect(Array.from(s.monetaryValue)).toEqual([2]);
    expect(s.holdoutWeeks).toBe(1);
    expect(Array.from(s.holdoutFrequency!)).toEqual([1]); // two orders on day 35 are one purchase
    expect(s.customersFirstSeenInHoldout).toBe(1); // c
    expect(s.channel).toEqual(['unknown']);
  });

  it('ignores orders after an explicit holdout end and counts them', () => {
    const s = summariseTransactions({ customerIds: ['a', 'a', 'a'], days: [0, 10, 40], amounts: [1, 1, 1] }, { calibrationEndDay: 7, holdoutEndDay: 21 });
    expect(Array.from(s.holdoutFrequency!)).toEqual([1]);
    expect(s.holdoutWeeks).toBe(2);
    expect(s.ordersAfterHoldout).toBe(1);
  });

  it('does not modify its input', () => {
    const input = Object.freeze({ customerIds: Object.freeze(['a', 'a']), days: Object.freeze([3, 1]), amounts: Object.freeze([1, 2]) });
    summariseTransactions(input, { calibrationEndDay: 7 });
    expect(input.days).toEqual([3, 1]);
  });

  it('rejects bad orders with the row and column', () => {
    const base = { customerIds: ['a', 'b'], days: [0, 1], amounts: [1, 2] };
    const err = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        expect(e).toBeInstanceOf(ValidationError);
        return (e as Error).message;
      }
      return 'no error';
    };
    expect(err(() => summariseTransactions({ ...base, amounts: [1, -2] }, { calibrationEndDay: 5 }))).toBe('row 2 column "amount": negative amount -2');
    expect(err(() => summariseTransactions({ ...base, amounts: [NaN, 2] }, { calibrationEndDay: 5 }))).toBe('row 1 column "amount": amount is not a finite number: NaN');
    expect(err(() => summariseTransactions({ ...base, days: [0, 1.5] }, { calibrationEndDay: 5 }))).toBe('row 2 column "day": day must be a whole day number, got 1.5');
    expect(err(() => summariseTransactions({ ...base, customerIds: ['a', ' '] }, { calibrationEndDay: 5 }))).toBe('row 2 column "customer": empty customer id');
    expect(err(() => summariseTransactions({ ...base, amounts: [1] }, { calibrationEndDay: 5 }))).toBe('customer ids, days, amounts must have the same length (got 2, 2, 1)');
    expect(err(() => summariseTransactions(base, { calibrationEndDay: -1 }))).toBe('no orders on or before the calibration end (day -1)');
    expect(err(() => summariseTransactions(base, { calibrationEndDay: 5, holdoutEndDay: 5 }))).toBe('holdout end (day 5) must be a whole day number after the calibration end (day 5)');
  });
});
