/**
 * Gauss hypergeometric function 2F1(a, b; c; z) for real z < 1, by its power
 * series after the transformation that keeps the terms small.
 */

/** Largest number of series terms before giving up (z within about 1e-5 of 1 needs this many). */
const MAX_TERMS = 2_000_000;

/**
 * Sums Σ_k (a)_k (b)_k / ((c)_k k!) z^k for 0 <= z < 1 (the plain series).
 * Stops when the next term, bounded by a geometric tail, is below 1e-16 of the sum.
 */
function hypergeometricSeries(a: number, b: number, c: number, z: number): number {
  let term = 1;
  let sum = 1;
  for (let k = 0; k < MAX_TERMS; k++) {
    const ratio = ((a + k) * (b + k)) / ((c + k) * (k + 1));
    term *= ratio * z;
    sum += term;
    if (term === 0) return sum;
    // Once the ratio is below 1 and decreasing towards z, the tail is at most |term| * z / (1 - z).
    if (Math.abs(ratio * z) < 1 && Math.abs(term) * (1 / (1 - z)) <= 1e-16 * Math.abs(sum) && k > 1) return sum;
  }
  throw new Error(`hyp2f1(${a}, ${b}; ${c}; ${z}) did not converge in ${MAX_TERMS} terms`);
}

/**
 * Gauss hypergeometric function 2F1(a, b; c; z) = Σ_k (a)_k (b)_k / ((c)_k k!) z^k
 * (Abramowitz & Stegun 15.1.1) for real z < 1.
 *
 * - 0 <= z < 1: the series itself when c - a - b >= 0; otherwise Euler's transformation
 *   2F1(a, b; c; z) = (1-z)^(c-a-b) 2F1(c-a, c-b; c; z) (A&S 15.3.3), whose series stays bounded as z -> 1.
 * - z < 0: Pfaff's transformation 2F1(a, b; c; z) = (1-z)^(-a) 2F1(a, c-b; c; z/(z-1)) (A&S 15.3.4) maps z into [0, 1).
 *
 * Convergence slows like z^k as z -> 1; z up to 1 - 1e-5 is supported.
 * @param c not zero or a negative integer
 * @throws Error when c is a non-positive integer, z >= 1 or z is not finite
 * @example hyp2f1(1, 1, 2, 0.5); // => 1.3862943611198906 (= -ln(1 - z) / z)
 */
export function hyp2f1(a: number, b: number, c: number, z: number): number {
  if (c <= 0 && Number.isInteger(c)) throw new Error(`hyp2f1 requires c not a non-positive integer, got ${c}`);
  if (!(z < 1) || !Number.isFinite(z)) throw new Error(`hyp2f1 requires a finite z < 1, got ${z}`);
  if (z === 0 || a === 0 || b === 0) return 1;
  if (z < 0) return (1 - z) ** -a * hyp2f1(a, c - b, c, z / (z - 1));
  if (c - a - b < 0) return (1 - z) ** (c - a - b) * hypergeometricSeries(c - a, c - b, c, z);
  return hypergeometricSeries(a, b, c, z);
}
