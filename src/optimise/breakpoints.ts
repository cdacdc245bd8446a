/**
 * Piecewise-linear (PWL) approximations of response curves: where to put
 * breakpoints, and how to refine them around a solution. Knots of points/tiers
 * curves are always breakpoints, so those curves are represented exactly;
 * smooth curves get breakpoints by recursive bisection until the chord error
 * is below a tolerance (coarser where the curve is convex: there chords lie
 * above the curve, an optimistic error the refinement loop corrects).
 */
import { curvature, inflectionPoint, kinksWithin, marginalRoi, responseValue } from './curves.ts';
import type { CurveSpec } from './types.ts';

/** A channel's PWL: breakpoints 0 = bp[0] < ... < bp[K] (finite), values there, and an optional unbounded tail after bp[K]. */
export interface ChannelPwl {
  bp: number[];
  rev: number[];
  clv: number[];
  /** Slopes of the unbounded last piece (x > bp[K]); null when spend is capped at bp[K]. */
  tail: { rev: number; clv: number } | null;
  /** True when bp[K] is an artificial cap of a smooth curve (may be extended). */
  softCap: boolean;
}

/** The curves of one channel in one period, and how value is scored. */
export interface ChannelCurves {
  revenue: CurveSpec;
  /** CLV value curve, or null with clvPerRevenue scaling revenue. */
  clvCurve: CurveSpec | null;
  clvPerRevenue: number;
}

/** CLV value of spend x: the separate value curve, or clvPerRevenue * revenue. */
export function clvValue(c: ChannelCurves, x: number): number {
  return c.clvCurve ? responseValue(c.clvCurve, x) : c.clvPerRevenue * responseValue(c.revenue, x);
}

/** d CLV value / d spend at x. */
export function clvMarginal(c: ChannelCurves, x: number): number {
  return c.clvCurve ? marginalRoi(c.clvCurve, x) : c.clvPerRevenue * marginalRoi(c.revenue, x);
}

/**
 * Builds breakpoints on [lower, upper] (upper finite, lower default 0) for the curves, bisecting
 * until the chord error of revenue (scaled by revScale) and CLV (by clvScale)
 * is at most tolConcave on concave stretches and tolConvex on convex ones.
 * `extra` points (bounds, current spend) are always breakpoints.
 */
export function buildBreakpoints(
  c: ChannelCurves,
  upper: number,
  tol: { concave: number; convex: number; revScale: number; clvScale: number },
  extra: number[],
  tail: boolean,
  softCap: boolean,
  lower = 0,
): ChannelPwl {
  const pts = new Set<number>([lower, upper]);
  const add = (v: number) => {
    if (v > lower && v < upper && Number.isFinite(v)) pts.add(v);
  };
  for (const v of extra) add(v);
  for (const v of kinksWithin(c.revenue, upper)) add(v);
  if (c.clvCurve) for (const v of kinksWithin(c.clvCurve, upper)) add(v);
  for (const curve of [c.revenue, c.clvCurve]) {
    if (!curve) continue;
    const infl = inflectionPoint(curve);
    if (infl !== null) {
      add(infl);
      add(tangentFromOrigin(curve, upper));
    }
  }
  const sorted = [...pts].sort((a, b) => a - b);
  const out: number[] = [sorted[0]];
  for (let j = 1; j < sorted.length; j++) bisect(c, sorted[j - 1], sorted[j], tol, out, 0);
  return makePwl(c, out, tail ? upper : null, softCap);
}

/** Evaluates curve values at breakpoints and the tail slopes. */
export function makePwl(c: ChannelCurves, bp: number[], tailFrom: number | null, softCap: boolean): ChannelPwl {
  const rev = bp.map((x) => responseValue(c.revenue, x));
  const clv = bp.map((x) => clvValue(c, x));
  const last = bp[bp.length - 1];
  const tail = tailFrom === null ? null : { rev: marginalRoi(c.revenue, last), clv: clvMarginal(c, last) };
  return { bp, rev, clv, tail, softCap };
}

function chordError(fn: (x: number) => number, a: number, b: number): { err: number; convex: boolean } {
  const fa = fn(a);
  const fb = fn(b);
  let err = 0;
  let signed = 0;
  for (const t of [0.25, 0.5, 0.75]) {
    const x = a + t * (b - a);
    const d = fn(x) - (fa + t * (fb - fa));
    if (Math.abs(d) > err) {
      err = Math.abs(d);
      signed = d;
    }
  }
  return { err, convex: signed < 0 };
}

function bisect(c: ChannelCurves, a: number, b: number, tol: { concave: number; convex: number; revScale: number; clvScale: number }, out: number[], depth: number): void {
  let split = false;
  if (depth < 48 && b - a > 1e-12 * Math.max(1, b)) {
    const r = chordError((x) => responseValue(c.revenue, x), a, b);
    const rErr = r.err * tol.revScale;
    if (rErr > (r.convex ? tol.convex : tol.concave)) split = true;
    if (!split && tol.clvScale > 0 && c.clvCurve) {
      const v = chordError((x) => responseValue(c.clvCurve!, x), a, b);
      if (v.err * tol.clvScale > (v.convex ? tol.convex : tol.concave)) split = true;
    }
  }
  if (split) {
    const mid = 0.5 * (a + b);
    bisect(c, a, mid, tol, out, depth + 1);
    bisect(c, mid, b, tol, out, depth + 1);
  } else {
    out.push(b);
  }
}

/**
 * The point x_t where the line from the origin touches an S-shaped curve
 * (f(x_t)/x_t = f'(x_t), the highest average ROI), capped at `upper`.
 */
export function tangentFromOrigin(curve: CurveSpec, upper: number): number {
  const infl = inflectionPoint(curve);
  if (infl === null) return 0;
  // g(x) = f'(x) x - f(x) is > 0 before x_t (after the inflection) and < 0 after it
  const g = (x: number) => marginalRoi(curve, x) * x - responseValue(curve, x);
  let lo = infl;
  let hi = Math.max(2 * infl, 1e-12);
  while (g(hi) > 0 && hi < 1e300) hi *= 2;
  for (let it = 0; it < 200 && hi - lo > 1e-13 * hi; it++) {
    const mid = 0.5 * (lo + hi);
    if (g(mid) > 0) lo = mid;
    else hi = mid;
  }
  return Math.min(0.5 * (lo + hi), upper);
}

/** PWL revenue and CLV value at spend x (interpolation; tail beyond the last breakpoint). */
export function pwlValues(p: ChannelPwl, x: number): { rev: number; clv: number } {
  const bp = p.bp;
  const K = bp.length - 1;
  if (x >= bp[K]) {
    const dx = x - bp[K];
    return { rev: p.rev[K] + (p.tail && dx > 0 ? p.tail.rev * dx : 0), clv: p.clv[K] + (p.tail && dx > 0 ? p.tail.clv * dx : 0) };
  }
  let lo = 0;
  let hi = K;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (bp[mid] <= x) lo = mid;
    else hi = mid;
  }
  const t = (x - bp[lo]) / (bp[hi] - bp[lo]);
  return { rev: p.rev[lo] + t * (p.rev[hi] - p.rev[lo]), clv: p.clv[lo] + t * (p.clv[hi] - p.clv[lo]) };
}

/**
 * Refines a smooth curve's PWL around spend x: inserts x, x +- h and x +- h/4,
 * with h = max(w/4, minHalfWidth) and w the width of the piece holding x, so
 * the pieces around a solution shrink 4x per round unless the solution is
 * still moving (minHalfWidth = twice its last move). Returns the new PWL and whether anything changed. Knot-only
 * (piecewise-linear) curves are exact and are returned unchanged.
 */
export function refineAround(c: ChannelCurves, p: ChannelPwl, x: number, minHalfWidth = 0): { pwl: ChannelPwl; changed: boolean } {
  const smooth = c.revenue.type === 'hill' || c.revenue.type === 'log' || (c.clvCurve !== null && (c.clvCurve.type === 'hill' || c.clvCurve.type === 'log'));
  if (!smooth) return { pwl: p, changed: false };
  const bp = p.bp;
  const K = bp.length - 1;
  if (x >= bp[K]) return { pwl: p, changed: false };
  let j = 0;
  while (j < K - 1 && bp[j + 1] <= x) j++;
  const width = bp[j + 1] - bp[j];
  const eps = 1e-11 * Math.max(1, bp[K]);
  const nearBp = [bp[j], bp[j + 1]].find((b) => Math.abs(b - x) <= eps);
  let w = width;
  if (nearBp !== undefined) {
    const k = bp.indexOf(nearBp);
    w = Math.min(k > 0 ? bp[k] - bp[k - 1] : Infinity, k < K ? bp[k + 1] - bp[k] : Infinity);
  }
  if (w <= 1e-9 * Math.max(1, bp[K])) return { pwl: p, changed: false };
  // the window shrinks 4x per round, but not below how far the solution just moved (else it could not travel)
  const h = Math.max(w / 4, minHalfWidth);
  const cand = [x, x - h, x + h, x - h / 4, x + h / 4].filter((v) => v > 0 && v < bp[K]);
  const set = new Set(bp);
  let changed = false;
  for (const v of cand) {
    if (bp.every((b) => Math.abs(b - v) > eps)) {
      set.add(v);
      changed = true;
    }
  }
  if (!changed) return { pwl: p, changed: false };
  return {
    pwl: makePwl(
      c,
      [...set].sort((a, b) => a - b),
      p.tail ? bp[K] : null,
      p.softCap,
    ),
    changed,
  };
}

/** Largest |f''| scale helper for tests and diagnostics: max chord error of the revenue PWL on [0, bp[K]]. */
export function maxChordError(c: ChannelCurves, p: ChannelPwl): number {
  let worst = 0;
  for (let j = 1; j < p.bp.length; j++) {
    const a = p.bp[j - 1];
    const b = p.bp[j];
    for (const t of [0.25, 0.5, 0.75]) {
      const x = a + t * (b - a);
      worst = Math.max(worst, Math.abs(responseValue(c.revenue, x) - (p.rev[j - 1] + t * (p.rev[j] - p.rev[j - 1]))));
    }
  }
  return worst;
}

/** Whether the curve bends at all (smooth); exported for the solver's convergence test. */
export function isSmooth(c: ChannelCurves): boolean {
  return curvature(c.revenue, 1) !== 0 || c.revenue.type === 'hill' || c.revenue.type === 'log' || (c.clvCurve !== null && (c.clvCurve.type === 'hill' || c.clvCurve.type === 'log'));
}

/**
 * Rigorous bound on how far a curve rises above its chord on [a, b]:
 * 0 where the curve is convex (the chord lies above it) or piecewise linear
 * between knots; on a concave stretch the gap between the chord and the lower
 * of the two end tangents, at their intersection (a concave curve lies below
 * each of its tangents). A piece that straddles an inflection point gets the
 * coarse bound f(b) - f(a) (response curves increase).
 */
function chordLift(curve: CurveSpec, a: number, b: number): number {
  if (curve.type === 'points' || curve.type === 'tiers' || !(b > a)) return 0;
  const infl = inflectionPoint(curve);
  if (infl !== null && b <= infl) return 0;
  const fa = responseValue(curve, a);
  const fb = responseValue(curve, b);
  if (infl !== null && a < infl) return Math.max(0, fb - fa);
  const s = (fb - fa) / (b - a);
  const da = marginalRoi(curve, a);
  const db = marginalRoi(curve, b);
  let gap: number;
  if (!Number.isFinite(da))
    gap = fb - db * (b - a) - fa; // tangent at b, evaluated at a, minus the chord there
  else if (da - db <= 1e-15 * Math.max(1, Math.abs(da))) gap = 0;
  else {
    const xc = Math.min(b, Math.max(a, (fb - fa + da * a - db * b) / (da - db)));
    gap = fa + da * (xc - a) - (fa + s * (xc - a));
  }
  // round-off margin
  return Math.max(0, gap) * (1 + 1e-9) + 1e-12 * Math.max(Math.abs(fa), Math.abs(fb));
}

/** Values at breakpoints lifted by the chord gaps of the adjacent pieces, then raised to their upper concave hull on every run of lifted (concave) pieces. */
function liftValues(curve: CurveSpec, bp: number[], values: number[]): number[] {
  const K = bp.length - 1;
  const lift = bp.slice(0, K).map((a, k) => chordLift(curve, a, bp[k + 1]));
  const u = values.map((v, j) => v + Math.max(j > 0 ? lift[j - 1] : 0, j < K ? lift[j] : 0));
  let k = 0;
  while (k < K) {
    if (lift[k] === 0) {
      k++;
      continue;
    }
    let e = k;
    while (e < K && lift[e] > 0) e++;
    // upper concave hull of points k..e
    const hull: number[] = [];
    for (let j = k; j <= e; j++) {
      while (hull.length >= 2) {
        const p = hull[hull.length - 2];
        const q = hull[hull.length - 1];
        // q lies on or below the line p -> j: drop it
        if ((u[q] - u[p]) * (bp[j] - bp[p]) <= (u[j] - u[p]) * (bp[q] - bp[p])) hull.pop();
        else break;
      }
      hull.push(j);
    }
    for (let h = 0; h + 1 < hull.length; h++) {
      const p = hull[h];
      const q = hull[h + 1];
      for (let j = p + 1; j < q; j++) u[j] = Math.max(u[j], u[p] + ((u[q] - u[p]) * (bp[j] - bp[p])) / (bp[q] - bp[p]));
    }
    k = e;
  }
  return u;
}

/**
 * An upper-bounding PWL on the same breakpoints: every value is >= the true
 * curve at every spend in [bp[0], bp[K]] (convex pieces: the chord; concave
 * pieces: chord lifted by its rigorous gap bound, kept concave), and the tail
 * (a tangent line of a concave curve, lifted) stays above the curve beyond.
 * A MIP on lifted PWLs is a relaxation of the true problem when objective
 * weights are >= 0 and revenue enters rows only as "revenue >= ...", so its
 * optimum bounds the true optimum (the certificate of global optimality).
 */
export function liftPwl(c: ChannelCurves, p: ChannelPwl): ChannelPwl {
  const rev = liftValues(c.revenue, p.bp, p.rev);
  const clv = c.clvCurve ? liftValues(c.clvCurve, p.bp, p.clv) : rev.map((v) => c.clvPerRevenue * v);
  return { ...p, rev, clv };
}
