/**
 * Quantile of sorted values by linear interpolation between order statistics
 * (Hyndman & Fan type 7, R's default and numpy's "linear"). The one quantile
 * of the project: bootstrap intervals, robustness summaries, Monte Carlo bands.
 * @param sorted ascending values, at least one
 * @param q in [0, 1]
 * @throws RangeError for no values
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
