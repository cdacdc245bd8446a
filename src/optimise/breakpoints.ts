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
 * Builds breakpoints on [0, upper] (upper finite) for the curves, bisecting
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
): ChannelPwl {
  const pts = new Set<number>([0, upper]);
  const add = (v: number) => {
    if (v > 0 && v < upper && Number.isFinite(v)) pts.add(v);
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

function bisect(
  c: ChannelCurves,
  a: number,
  b: number,
  tol: { concave: number; convex: number; revScale: number; clvScale: number },
  out: number[],
  depth: number,
): void {
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
  return { pwl: makePwl(c, [...set].sort((a, b) => a - b), p.tail ? bp[K] : null, p.softCap), changed };
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
