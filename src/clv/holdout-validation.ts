/**
 * Holdout validation of the BG/NBD model: mean predicted against mean actual
 * purchases in the holdout period, by calibration frequency (Fader, Hardie &
 * Lee 2005, Figure 4).
 */
import { ValidationError } from '../core/errors.ts';
import type { ValidationRow } from './types.ts';

/**
 * Groups customers by calibration frequency into buckets "0".."(topBucket-1)" and "topBucket+"
 * and returns, per non-empty bucket, the number of customers and the mean actual and predicted
 * holdout purchases.
 * @param predictedHoldout expected purchases over the holdout length per customer
 * @param topBucket first frequency pooled into the last bucket (default 7, giving "7+")
 * @throws ValidationError for arrays of different lengths
 */
export function holdoutValidationTable(frequency: ArrayLike<number>, actualHoldout: ArrayLike<number>, predictedHoldout: ArrayLike<number>, topBucket = 7): ValidationRow[] {
  const n = frequency.length;
  if (actualHoldout.length !== n || predictedHoldout.length !== n) {
    throw new ValidationError(`frequency, actual and predicted holdout purchases must have the same length (got ${n}, ${actualHoldout.length}, ${predictedHoldout.length})`);
  }
  const count = new Float64Array(topBucket + 1);
  const actual = new Float64Array(topBucket + 1);
  const predicted = new Float64Array(topBucket + 1);
  for (let i = 0; i < n; i++) {
    const k = Math.min(frequency[i], topBucket);
    count[k]++;
    actual[k] += actualHoldout[i];
    predicted[k] += predictedHoldout[i];
  }
  const rows: ValidationRow[] = [];
  for (let k = 0; k <= topBucket; k++) {
    if (count[k] === 0) continue;
    rows.push({ bucket: k === topBucket ? `${k}+` : String(k), customers: count[k], actualMean: actual[k] / count[k], predictedMean: predicted[k] / count[k] });
  }
  return rows;
}
