/**
 * The least-squares system both profile likelihoods share: the target and a
 * fixed set of columns (baseline, other channels' true media), all centred
 * and scaled, with one more column that changes from point to point (the
 * profiled channel's transformed spend). Each point then costs one
 * sign-bounded solve of a small system, not a refit over the weeks.
 */
import { solveSignBoundedQuadratic } from '../mmm/ridge.ts';
import type { CoefficientSign } from '../mmm/types.ts';

/** The fixed part: Gram matrix and cross products of the standardised columns, the last row and column left for the profiled one. */
export interface ProfileSystem {
  n: number;
  fixed: Float64Array[];
  signs: CoefficientSign[];
  A: Float64Array;
  c: Float64Array;
  y: Float64Array;
  yy: number;
  ySd: number;
}

/** Centred and scaled copy of a series (all zeros when it does not vary) and its standard deviation. */
export function standardise(v: ArrayLike<number>): { z: Float64Array; sd: number } {
  const n = v.length;
  let mu = 0;
  for (let t = 0; t < n; t++) mu += v[t] / n;
  let ss = 0;
  for (let t = 0; t < n; t++) ss += (v[t] - mu) ** 2;
  const sd = Math.sqrt(ss / n);
  const z = new Float64Array(n);
  if (sd > 0) for (let t = 0; t < n; t++) z[t] = (v[t] - mu) / sd;
  return { z, sd };
}

function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let v = 0;
  for (let t = 0; t < a.length; t++) v += a[t] * b[t];
  return v;
}

/**
 * Builds the system for a target and fixed columns with their signs; the
 * profiled column is positive. A fixed column without variation gets a unit
 * diagonal and coefficient 0.
 */
export function profileSystem(target: ArrayLike<number>, columns: ArrayLike<number>[], signs: CoefficientSign[]): ProfileSystem {
  const fixed = columns.map((v) => standardise(v).z);
  const { z: y, sd: ySd } = standardise(target);
  const p0 = fixed.length;
  const p = p0 + 1;
  const A = new Float64Array(p * p);
  const c = new Float64Array(p);
  for (let a = 0; a < p0; a++) {
    for (let b = 0; b <= a; b++) A[a * p + b] = A[b * p + a] = dot(fixed[a], fixed[b]);
    if (A[a * p + a] === 0) A[a * p + a] = 1;
    c[a] = dot(fixed[a], y);
  }
  return { n: target.length, fixed, signs: [...signs, 'positive'], A, c, y, yy: dot(y, y), ySd };
}

/**
 * Fits the system with `raw` as the profiled column: the Gaussian
 * log-likelihood with the noise profiled out, -(n/2) ln SSE, and the
 * column's coefficient in the target's units per unit of `raw`.
 * Overwrites the system's last row and column.
 */
export function profileColumn(sys: ProfileSystem, raw: ArrayLike<number>): { ll: number; coef: number } {
  const { n, fixed, A, c, y, yy, ySd } = sys;
  const p0 = fixed.length;
  const p = p0 + 1;
  const { z: m, sd } = standardise(raw);
  for (let a = 0; a < p0; a++) A[a * p + p0] = A[p0 * p + a] = dot(fixed[a], m);
  A[p0 * p + p0] = sd > 0 ? dot(m, m) : 1;
  c[p0] = dot(m, y);
  const b = solveSignBoundedQuadratic(A, c, sys.signs);
  let quad = 0;
  let lin = 0;
  for (let a = 0; a < p; a++) {
    let r = 0;
    for (let k = 0; k < p; k++) r += A[a * p + k] * b[k];
    quad += b[a] * r;
    lin += b[a] * c[a];
  }
  const sse = Math.max(yy - 2 * lin + quad, 1e-300) * ySd * ySd;
  return { ll: -(n / 2) * Math.log(sse), coef: sd > 0 ? (b[p0] * ySd) / sd : 0 };
}
