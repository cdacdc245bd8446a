/**
 * RFM summary of a transaction log, as lifetimes' `summary_data_from_transaction_data`
 * and `calibration_and_holdout_data` compute it with daily periods and weeks as the unit
 * (freq = 'D', freq_multiplier = 7).
 */
import { ValidationError } from '../core/errors.ts';
import type { ClvTransactions, RfmSummary, SummaryOptions } from './types.ts';

const DAYS_PER_WEEK = 7;

/**
 * Summarises orders per customer:
 * - orders on the same day are merged into one purchase (amounts summed);
 * - a customer's first purchase is their earliest order day, so no order can precede it;
 * - calibration is every order on or before `calibrationEndDay`; customers whose first order is
 *   later are not in the summary (counted in `customersFirstSeenInHoldout`);
 * - frequency x = purchase days in calibration - 1; recency t_x = (last - first) / 7 weeks;
 *   T = (calibrationEndDay - first) / 7 weeks; monetary value = mean amount of the repeat purchase
 *   days (0 when x = 0);
 * - orders after the calibration end and up to `holdoutEndDay` (default: the last order day) are
 *   the holdout: `holdoutFrequency` counts their distinct days per customer; orders after
 *   `holdoutEndDay` are ignored and counted.
 * Customers keep the order of their first appearance in the input. A customer's channel is the
 * channel on the earliest order (the first such row on that day), "unknown" when missing or empty.
 * @throws ValidationError naming the 1-based row and the column for a non-integer day, a negative
 *   or non-finite amount, an empty customer id; and for arrays of different lengths, no orders on or
 *   before the calibration end, or a holdout end not after the calibration end
 * @example summariseTransactions({ customerIds: ['a', 'a', 'a'], days: [0, 0, 14], amounts: [5, 5, 20] }, { calibrationEndDay: 21 })
 *   // => frequency [1], recency [2], T [3], monetaryValue [20]
 */
export function summariseTransactions(transactions: ClvTransactions, options: SummaryOptions): RfmSummary {
  const { customerIds, days, amounts, channels } = transactions;
  const n = customerIds.length;
  if (days.length !== n || amounts.length !== n || (channels && channels.length !== n)) {
    throw new ValidationError(
      `customer ids, days, amounts${channels ? ' and channels' : ''} must have the same length (got ${n}, ${days.length}, ${amounts.length}${channels ? `, ${channels.length}` : ''})`,
    );
  }
  const calibrationEndDay = options.calibrationEndDay;
  if (!Number.isInteger(calibrationEndDay)) throw new ValidationError(`calibration end must be a whole day number, got ${calibrationEndDay}`);
  if (options.holdoutEndDay !== undefined && !(Number.isInteger(options.holdoutEndDay) && options.holdoutEndDay > calibrationEndDay)) {
    throw new ValidationError(`holdout end (day ${options.holdoutEndDay}) must be a whole day number after the calibration end (day ${calibrationEndDay})`);
  }

  // Customer index per order, in order of first appearance.
  const indexOf = new Map<string, number>();
  const names: string[] = [];
  const customerOfOrder = new Int32Array(n);
  let lastDay = -Infinity;
  for (let i = 0; i < n; i++) {
    const id = customerIds[i];
    if (typeof id !== 'string' || id.trim() === '') throw new ValidationError('empty customer id', { row: i + 1, column: 'customer' });
    const d = days[i];
    if (!Number.isInteger(d)) throw new ValidationError(`day must be a whole day number, got ${d}`, { row: i + 1, column: 'day' });
    const amount = amounts[i];
    if (!Number.isFinite(amount)) throw new ValidationError(`amount is not a finite number: ${amount}`, { row: i + 1, column: 'amount' });
    if (amount < 0) throw new ValidationError(`negative amount ${amount}`, { row: i + 1, column: 'amount' });
    let k = indexOf.get(id);
    if (k === undefined) {
      k = names.length;
      indexOf.set(id, k);
      names.push(id);
    }
    customerOfOrder[i] = k;
    if (d > lastDay) lastDay = d;
  }
  const holdoutEndDay = options.holdoutEndDay ?? (lastDay > calibrationEndDay ? lastDay : null);

  // Counting sort of orders by customer (stable), then by day within each customer.
  const customers = names.length;
  const start = new Int32Array(customers + 1);
  for (let i = 0; i < n; i++) start[customerOfOrder[i] + 1]++;
  for (let k = 0; k < customers; k++) start[k + 1] += start[k];
  const order = new Int32Array(n);
  const fill = start.slice(0, customers);
  for (let i = 0; i < n; i++) order[fill[customerOfOrder[i]]++] = i;
  for (let k = 0; k < customers; k++) {
    // Insertion sort by day (stable); customers have few orders each.
    for (let j = start[k] + 1; j < start[k + 1]; j++) {
      const o = order[j];
      const d = days[o];
      let m = j - 1;
      while (m >= start[k] && days[order[m]] > d) {
        order[m + 1] = order[m];
        m--;
      }
      order[m + 1] = o;
    }
  }

  const ids: string[] = [];
  const frequency: number[] = [];
  const recency: number[] = [];
  const T: number[] = [];
  const monetaryValue: number[] = [];
  const firstPurchaseDay: number[] = [];
  const channel: string[] = [];
  const holdoutFrequency: number[] = [];
  let customersFirstSeenInHoldout = 0;
  let ordersAfterHoldout = 0;
  for (let k = 0; k < customers; k++) {
    const first = order[start[k]];
    const firstDay = days[first];
    if (firstDay > calibrationEndDay) {
      customersFirstSeenInHoldout++;
      for (let j = start[k]; j < start[k + 1]; j++) if (holdoutEndDay !== null && days[order[j]] > holdoutEndDay) ordersAfterHoldout++;
      continue;
    }
    let purchaseDays = 0;
    let previousDay = NaN;
    let repeatSpend = 0;
    let lastCalibrationDay = firstDay;
    let holdoutDays = 0;
    let previousHoldoutDay = NaN;
    for (let j = start[k]; j < start[k + 1]; j++) {
      const o = order[j];
      const d = days[o];
      if (d <= calibrationEndDay) {
        if (d !== previousDay) {
          purchaseDays++;
          previousDay = d;
          lastCalibrationDay = d;
        }
        if (purchaseDays > 1) repeatSpend += amounts[o];
      } else if (holdoutEndDay !== null && d <= holdoutEndDay) {
        if (d !== previousHoldoutDay) {
          holdoutDays++;
          previousHoldoutDay = d;
        }
      } else {
        ordersAfterHoldout++;
      }
    }
    const x = purchaseDays - 1;
    ids.push(names[k]);
    frequency.push(x);
    recency.push((lastCalibrationDay - firstDay) / DAYS_PER_WEEK);
    T.push((calibrationEndDay - firstDay) / DAYS_PER_WEEK);
    monetaryValue.push(x > 0 ? repeatSpend / x : 0);
    firstPurchaseDay.push(firstDay);
    const c = channels?.[first];
    channel.push(c === undefined || c.trim() === '' ? 'unknown' : c);
    holdoutFrequency.push(holdoutDays);
  }
  if (ids.length === 0) throw new ValidationError(`no orders on or before the calibration end (day ${calibrationEndDay})`);
  return {
    customerIds: ids,
    frequency: Float64Array.from(frequency),
    recency: Float64Array.from(recency),
    T: Float64Array.from(T),
    monetaryValue: Float64Array.from(monetaryValue),
    firstPurchaseDay: Int32Array.from(firstPurchaseDay),
    channel,
    holdoutFrequency: holdoutEndDay === null ? null : Float64Array.from(holdoutFrequency),
    holdoutWeeks: holdoutEndDay === null ? null : (holdoutEndDay - calibrationEndDay) / DAYS_PER_WEEK,
    customersFirstSeenInHoldout,
    ordersAfterHoldout,
  };
}
