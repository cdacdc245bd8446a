/** Ridge regression with an intercept on standardised features and sign-bounded coefficients. */
import { fitRidgeRows, solveBoundedQp } from './kernel.ts';
import type { CoefficientSign } from './types.ts';

const signCode = (s: CoefficientSign): number => (s === 'positive' ? 1 : s === 'negative' ? -1 : 0);

/**
 * Exact minimiser of (1/2) x'Ax - c'x with x_i >= 0 ('positive'), x_i <= 0
 * ('negative') or free, for symmetric positive definite A (Lawson-Hanson
 * active set; see kernel.ts). Returns x.
 * @throws RangeError when the sizes disagree
 */
export function solveSignBoundedQuadratic(A: ArrayLike<number>, c: ArrayLike<number>, signs: CoefficientSign[]): Float64Array {
  const p = c.length;
  if (A.length !== p * p || signs.length !== p) throw new RangeError(`solveSignBoundedQuadratic: A must be ${p}x${p} and signs ${p} long`);
  const x = new Float64Array(p);
  solveBoundedQp(p, Float64Array.from(A), Float64Array.from(c), Int8Array.from(signs.map(signCode)), x, new Float64Array(p * p + 3 * p), new Int32Array(2 * p));
  return x;
}

/**
 * Ridge with intercept: columns are standardised over the rows used (mean 0,
 * sd 1, population sd), then min (1/n)||y - b0 - Zb||^2 + lambda ||b||^2 subject
 * to the sign of each coefficient (glmnet's `lower.limits` analogue, solved
 * exactly). A column without variation over the rows gets 0.
 * @param columns one array per feature, each as long as y
 * @param rows the rows to fit on (repeats allowed, for the bootstrap); default all
 * @param interceptSign 'non_negative' bounds the intercept at >= 0 (the fit without an intercept when it would be negative); default 'free'
 * @returns intercept and coefficients in the original units of the columns
 */
export function fitSignedRidge(
  columns: ArrayLike<number>[],
  y: ArrayLike<number>,
  lambda: number,
  signs: CoefficientSign[],
  rows?: ArrayLike<number>,
  interceptSign: 'free' | 'non_negative' = 'free',
): { intercept: number; coefficients: Float64Array } {
  const n = y.length;
  const p = columns.length;
  if (signs.length !== p) throw new RangeError(`fitSignedRidge: ${p} columns but ${signs.length} signs`);
  if (!(lambda >= 0)) throw new RangeError(`fitSignedRidge: lambda must be >= 0, got ${lambda}`);
  const cols = new Float64Array(p * n);
  columns.forEach((col, j) => {
    if (col.length !== n) throw new RangeError(`fitSignedRidge: column ${j} has ${col.length} values, y has ${n}`);
    for (let t = 0; t < n; t++) cols[j * n + t] = col[t];
  });
  const r = rows ? Int32Array.from(rows) : Int32Array.from({ length: n }, (_, i) => i);
  const coefficients = new Float64Array(p);
  const intercept = fitRidgeRows(p, n, cols, Float64Array.from(y), r, r.length, lambda, Int8Array.from(signs.map(signCode)), coefficients, interceptSign === 'non_negative' ? 1 : 0);
  return { intercept, coefficients };
}
