/**
 * Customer lifetime value as lifetimes computes it (`customer_lifetime_value` in
 * lifetimes/utils.py and GammaGammaFitter), and its aggregation per group.
 */
import { ValidationError } from '../core/errors.ts';
import { bgNbdDiscountedPurchases } from './bg-nbd.ts';
import { gammaGammaExpectedOrderValues } from './gamma-gamma.ts';
import type { BgNbdParams, ClvGroup, ClvValueOptions, GammaGammaParams, RfmPatterns } from './types.ts';

/**
 * Discounted CLV per customer over a horizon of months (lifetimes, freq = 'W'):
 *   CLV = E[Z | x, m] · Σ_{k=1..months} (E[Y(k·f) | x, t_x, T] - E[Y((k-1)·f) | x, t_x, T]) / (1 + d)^k,
 * with f = weeksPerMonth (4.345), d the monthly discount rate, E[Y] the BG/NBD conditional expectation
 * and E[Z | x, m] the Gamma-Gamma expected order value (customers with x = 0 get the population mean).
 * @param rfm frequency, recency, T (weeks) and mean repeat spend per customer
 * @param patterns optional precomputed patterns of the same customers (saves compressing again)
 * @throws ValidationError for invalid inputs or options; when q <= 1
 */
export function customerLifetimeValue(
  bgNbd: BgNbdParams,
  gammaGamma: GammaGammaParams,
  rfm: { frequency: ArrayLike<number>; recency: ArrayLike<number>; T: ArrayLike<number>; monetaryValue: ArrayLike<number> },
  options: ClvValueOptions = {},
  patterns?: RfmPatterns,
): Float64Array {
  const months = options.months ?? 12;
  const monthlyDiscountRate = options.monthlyDiscountRate ?? 0.01;
  const weeksPerMonth = options.weeksPerMonth ?? 4.345;
  if (rfm.monetaryValue.length !== rfm.frequency.length) {
    throw new ValidationError(`monetary value and frequency must have the same length (got ${rfm.monetaryValue.length}, ${rfm.frequency.length})`);
  }
  const orderValue = gammaGammaExpectedOrderValues(gammaGamma, rfm.frequency, rfm.monetaryValue);
  const purchases = bgNbdDiscountedPurchases(bgNbd, patterns ?? rfm, months, monthlyDiscountRate, weeksPerMonth);
  const clv = new Float64Array(purchases.length);
  for (let i = 0; i < clv.length; i++) clv[i] = purchases[i] * orderValue[i];
  return clv;
}

/**
 * Count, mean and total CLV (and mean expected purchases and P(alive)) of the customers in each
 * group, sorted by group name.
 * @param groupOfCustomer group label per customer (e.g. acquisition channel or cohort)
 */
export function aggregateClvByGroup(groupOfCustomer: readonly string[], clv: ArrayLike<number>, expectedPurchases: ArrayLike<number>, pAlive: ArrayLike<number>): (ClvGroup & { group: string })[] {
  const n = groupOfCustomer.length;
  if (clv.length !== n || expectedPurchases.length !== n || pAlive.length !== n) {
    throw new ValidationError(`group, clv, expected purchases and P(alive) must have the same length (got ${n}, ${clv.length}, ${expectedPurchases.length}, ${pAlive.length})`);
  }
  const sums = new Map<string, { customers: number; clv: number; purchases: number; alive: number }>();
  for (let i = 0; i < n; i++) {
    let s = sums.get(groupOfCustomer[i]);
    if (!s) {
      s = { customers: 0, clv: 0, purchases: 0, alive: 0 };
      sums.set(groupOfCustomer[i], s);
    }
    s.customers++;
    s.clv += clv[i];
    s.purchases += expectedPurchases[i];
    s.alive += pAlive[i];
  }
  return [...sums.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([group, s]) => ({
      group,
      customers: s.customers,
      meanClv: s.clv / s.customers,
      totalClv: s.clv,
      meanExpectedPurchases: s.purchases / s.customers,
      meanPAlive: s.alive / s.customers,
    }));
}
