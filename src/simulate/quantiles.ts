/**
 * Quantile of sorted values by linear interpolation between order statistics
 * (Hyndman & Fan type 7, R's default and numpy's "linear").
 * @param sorted ascending values, at least one
 * @param q in [0, 1]
 * @example quantileSorted([1, 2, 3, 4], 0.5) // => 2.5
 */
export function quantileSorted(sorted: ArrayLike<number>, q: number): number {
  const n = sorted.length;
  if (n === 0) throw new RangeError('quantileSorted requires at least one value');
  const h = (n - 1) * q;
  const lo = Math.floor(h);
  const hi = Math.min(n - 1, lo + 1);
  return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
}

/** P5, P50, P95 and mean of a set of values. */
export interface Band {
  p5: number;
  p50: number;
  p95: number;
  mean: number;
}

/** The band of the values (sorted in a copy; the input is not changed). */
export function bandOf(values: Float64Array): Band {
  const s = Float64Array.from(values).sort();
  let sum = 0;
  for (let i = 0; i < s.length; i++) sum += s[i];
  return { p5: quantileSorted(s, 0.05), p50: quantileSorted(s, 0.5), p95: quantileSorted(s, 0.95), mean: sum / s.length };
}
