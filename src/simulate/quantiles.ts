import { quantileSorted } from '../core/quantile.ts';

export { quantileSorted };

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
