/**
 * The CLV analysis from a transaction log: RFM summary, BG/NBD and Gamma-Gamma
 * fits, per-customer predictions and CLV, aggregates per acquisition channel
 * and cohort, and holdout validation.
 */
import { ValidationError } from '../core/errors.ts';
import { fitBgNbd, predictBgNbd } from './bg-nbd.ts';
import { compressRfmPatterns } from './compress-rfm-patterns.ts';
import { aggregateClvByGroup, customerLifetimeValue } from './customer-lifetime-value.ts';
import { fitGammaGamma, gammaGammaExpectedOrderValues } from './gamma-gamma.ts';
import { holdoutValidationTable } from './holdout-validation.ts';
import { summariseTransactions } from './summarise-transactions.ts';
import type { AnalyseClvOptions, ClvResult, ClvTransactions } from './types.ts';

/** Calendar month (YYYY-MM, UTC) of a day number counted from 1970-01-01. */
function monthOfDay(day: number): string {
  return new Date(day * 86_400_000).toISOString().slice(0, 7);
}

/**
 * Runs the whole CLV analysis on transactions given as arrays (see {@link summariseTransactions}
 * for how orders become the RFM summary and the holdout):
 * 1. BG/NBD fit on (frequency, recency, T); Gamma-Gamma fit on repeat customers' mean spend;
 * 2. per customer: P(alive), expected purchases in the next `horizonWeeks` (default 52), expected
 *    order value, and CLV over `months` (default 12) discounted at `monthlyDiscountRate` (default 0.01)
 *    per month of `weeksPerMonth` (default 4.345) weeks, as lifetimes' `customer_lifetime_value` with freq 'W';
 * 3. count, mean and total CLV by acquisition channel (channel of the first order) and by cohort
 *    (month of the first order);
 * 4. with a holdout: mean predicted against actual holdout purchases by calibration frequency 0..6, 7+.
 * Day numbers are whole days (e.g. days since 1970-01-01); cohorts assume that epoch.
 * @throws ValidationError for invalid transactions or options
 * @throws ConvergenceError when a fit does not converge or Gamma-Gamma q <= 1
 */
export function analyseClv(transactions: ClvTransactions, options: AnalyseClvOptions): ClvResult {
  const horizonWeeks = options.horizonWeeks ?? 52;
  const months = options.months ?? 12;
  const monthlyDiscountRate = options.monthlyDiscountRate ?? 0.01;
  const weeksPerMonth = options.weeksPerMonth ?? 4.345;
  if (!(horizonWeeks > 0) || !Number.isFinite(horizonWeeks)) throw new ValidationError(`horizon must be a positive number of weeks, got ${horizonWeeks}`);
  const summary = summariseTransactions(transactions, options);
  const warnings: string[] = [];
  if (summary.customersFirstSeenInHoldout > 0) {
    warnings.push(`${summary.customersFirstSeenInHoldout} customer(s) whose first order is after the calibration end are not in the model`);
  }
  if (summary.ordersAfterHoldout > 0) warnings.push(`${summary.ordersAfterHoldout} order(s) after the holdout end were ignored`);
  const patterns = compressRfmPatterns(summary);
  const bgNbd = fitBgNbd(patterns, options.bgNbd);
  warnings.push(...bgNbd.warnings);
  const gammaGamma = fitGammaGamma(summary.frequency, summary.monetaryValue, options.gammaGamma);
  warnings.push(...gammaGamma.warnings);
  const { pAlive, expectedPurchases } = predictBgNbd(bgNbd.params, patterns, horizonWeeks);
  const expectedOrderValue = gammaGammaExpectedOrderValues(gammaGamma.params, summary.frequency, summary.monetaryValue);
  const clv = customerLifetimeValue(bgNbd.params, gammaGamma.params, summary, { months, monthlyDiscountRate, weeksPerMonth }, patterns);
  let clvTotal = 0;
  for (let i = 0; i < clv.length; i++) clvTotal += clv[i];
  const byChannel = aggregateClvByGroup(summary.channel, clv, expectedPurchases, pAlive).map(({ group, ...rest }) => ({ channel: group, ...rest }));
  const cohorts = Array.from(summary.firstPurchaseDay, monthOfDay);
  const byCohort = aggregateClvByGroup(cohorts, clv, expectedPurchases, pAlive).map(({ group, ...rest }) => ({ cohort: group, ...rest }));
  let validation: ClvResult['validation'] = null;
  if (summary.holdoutFrequency && summary.holdoutWeeks !== null) {
    const predicted = predictBgNbd(bgNbd.params, patterns, summary.holdoutWeeks).expectedPurchases;
    validation = { holdoutWeeks: summary.holdoutWeeks, rows: holdoutValidationTable(summary.frequency, summary.holdoutFrequency, predicted) };
  }
  return {
    summary,
    bgNbd,
    gammaGamma,
    pAlive,
    expectedPurchases,
    expectedOrderValue,
    clv,
    clvTotal,
    byChannel,
    byCohort,
    validation,
    warnings,
    settings: { horizonWeeks, months, monthlyDiscountRate, weeksPerMonth },
  };
}
