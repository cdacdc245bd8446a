/**
 * Response curves: spend of one channel -> incremental response, its marginal
 * ROI, and the shape facts the solver needs (concavity, kinks, inflection).
 * Pure functions of a validated {@link CurveSpec}.
 */
import type { CurveSpec, PointsCurve, TiersCurve } from './types.ts';

/** Breakpoints and values of a piecewise-linear curve (points or tiers), starting at (0, 0). Last slope applies beyond the last knot (0 for points, the last tier's roi if unlimited). */
interface Knots {
  x: number[];
  y: number[];
  /** Slope after the last knot. */
  tailSlope: number;
}

const knotCache = new WeakMap<object, Knots>();

function pointsKnots(c: PointsCurve): Knots {
  const x: number[] = [];
  const y: number[] = [];
  if (c.spend[0] > 0) {
    x.push(0);
    y.push(0);
  }
  for (let j = 0; j < c.spend.length; j++) {
    x.push(c.spend[j]);
    y.push(c.response[j]);
  }
  return { x, y, tailSlope: 0 };
}

function tierKnots(c: TiersCurve): Knots {
  const x = [0];
  const y = [0];
  let tailSlope = 0;
  for (const t of c.tiers) {
    if (t.width === undefined || t.width === null) {
      tailSlope = t.roi;
      break;
    }
    x.push(x[x.length - 1] + t.width);
    y.push(y[y.length - 1] + t.width * t.roi);
  }
  return { x, y, tailSlope };
}

/** The knots of a piecewise-linear curve (points or tiers); null for smooth curves. */
export function curveKnots(curve: CurveSpec): Knots | null {
  if (curve.type !== 'points' && curve.type !== 'tiers') return null;
  let k = knotCache.get(curve);
  if (!k) {
    k = curve.type === 'points' ? pointsKnots(curve) : tierKnots(curve);
    knotCache.set(curve, k);
  }
  return k;
}

/** Index j with x[j] <= v < x[j+1] (last index when v >= the last knot). */
function knotSegment(x: number[], v: number): number {
  let lo = 0;
  let hi = x.length - 1;
  if (v >= x[hi]) return hi;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (x[mid] <= v) lo = mid;
    else hi = mid;
  }
  return lo;
}

/**
 * Incremental response of spending `x` (>= 0) on a channel.
 * - hill: `beta * x^alpha / (x^alpha + k^alpha)`
 * - log: `beta * ln(1 + x / s)`
 * - points: linear interpolation, flat beyond the last point
 * - tiers: `sum_j min(remaining, width_j) * roi_j`, tiers filled in order
 * @param x spend in money (negative spend is treated as 0)
 * @example responseValue({ type: 'hill', beta: 9, alpha: 2, k: 1.5 }, 1.5); // => 4.5
 * @example responseValue({ type: 'log', beta: 2, s: 1 }, Math.E - 1); // => 2
 */
export function responseValue(curve: CurveSpec, x: number): number {
  if (!(x > 0)) return 0;
  switch (curve.type) {
    case 'hill': {
      // beta * x^a / (x^a + k^a) written as beta / (1 + (k/x)^a) to avoid overflow of x^a
      const r = (curve.k / x) ** curve.alpha;
      return curve.beta / (1 + r);
    }
    case 'log':
      return curve.beta * Math.log1p(x / curve.s);
    case 'points':
    case 'tiers': {
      const kn = curveKnots(curve)!;
      const j = knotSegment(kn.x, x);
      if (j === kn.x.length - 1) return kn.y[j] + kn.tailSlope * (x - kn.x[j]);
      const t = (x - kn.x[j]) / (kn.x[j + 1] - kn.x[j]);
      return kn.y[j] + t * (kn.y[j + 1] - kn.y[j]);
    }
  }
}

/**
 * Marginal ROI d response / d spend at `x` (response per extra unit of money).
 * For piecewise-linear curves it is the slope of the piece to the right of `x`
 * (at the last point of a points curve, 0). Hill at x = 0: +Infinity if
 * alpha < 1, beta/k if alpha = 1, 0 if alpha > 1.
 * @example marginalRoi({ type: 'log', beta: 2, s: 1 }, 1); // => 1
 */
export function marginalRoi(curve: CurveSpec, x: number): number {
  const v = Math.max(0, x);
  switch (curve.type) {
    case 'hill': {
      const { beta, alpha, k } = curve;
      if (v === 0) return alpha < 1 ? Infinity : alpha === 1 ? beta / k : 0;
      // beta * a * k^a * x^(a-1) / (x^a + k^a)^2 = beta * a * r / (x (1 + r)^2), r = (k/x)^a
      const r = (k / v) ** alpha;
      if (!Number.isFinite(r)) return alpha < 1 ? Infinity : alpha === 1 ? beta / k : 0;
      return (beta * alpha * r) / (v * (1 + r) * (1 + r));
    }
    case 'log':
      return curve.beta / (curve.s + v);
    case 'points':
    case 'tiers': {
      const kn = curveKnots(curve)!;
      const j = knotSegment(kn.x, v);
      if (j === kn.x.length - 1) return kn.tailSlope;
      return (kn.y[j + 1] - kn.y[j]) / (kn.x[j + 1] - kn.x[j]);
    }
  }
}

/** Average ROI `response(x) / x` (the marginal ROI at 0 when x = 0). */
export function averageRoi(curve: CurveSpec, x: number): number {
  return x > 0 ? responseValue(curve, x) / x : marginalRoi(curve, 0);
}

/**
 * Second derivative of a smooth curve at x > 0 (0 for piecewise-linear curves
 * between knots). Used to place breakpoints where the curve bends.
 */
export function curvature(curve: CurveSpec, x: number): number {
  if (curve.type === 'log') return -curve.beta / ((curve.s + x) * (curve.s + x));
  if (curve.type !== 'hill' || !(x > 0)) return 0;
  // f'(x) = beta a r / (x (1+r)^2), r = (k/x)^a, dr/dx = -a r / x
  // f''(x) = beta a r / (x^2 (1+r)^3) * ((a - 1) - (a + 1) r)
  const { beta, alpha } = curve;
  const r = (curve.k / x) ** alpha;
  if (!Number.isFinite(r)) return 0;
  return ((beta * alpha * r) / (x * x * (1 + r) ** 3)) * (alpha - 1 - (alpha + 1) * r);
}

/**
 * The inflection point of an S-shaped Hill curve, `k * ((alpha-1)/(alpha+1))^(1/alpha)`:
 * convex before, concave after. null for curves that are concave from 0.
 */
export function inflectionPoint(curve: CurveSpec): number | null {
  if (curve.type !== 'hill' || curve.alpha <= 1) return null;
  return curve.k * ((curve.alpha - 1) / (curve.alpha + 1)) ** (1 / curve.alpha);
}

/**
 * Whether the curve is concave on [0, upper] (so a piecewise-linear LP fills
 * its pieces in order without binaries). Hill with alpha <= 1 and log are
 * concave; a points or tiers curve is concave when its slopes never rise
 * (within [0, upper]); an S-shaped Hill curve (alpha > 1) is convex first, so
 * never concave on a non-empty [0, upper].
 */
export function isConcaveOn(curve: CurveSpec, upper: number): boolean {
  if (curve.type === 'log') return true;
  if (curve.type === 'hill') return curve.alpha <= 1 || !(upper > 0);
  const kn = curveKnots(curve)!;
  let prev = Infinity;
  for (let j = 0; j + 1 < kn.x.length && kn.x[j] < upper; j++) {
    const s = (kn.y[j + 1] - kn.y[j]) / (kn.x[j + 1] - kn.x[j]);
    if (s > prev + 1e-12 * Math.max(1, Math.abs(prev))) return false;
    prev = s;
  }
  if (kn.x[kn.x.length - 1] < upper && kn.tailSlope > prev + 1e-12 * Math.max(1, Math.abs(prev))) return false;
  return true;
}

/** The knot positions of a piecewise-linear curve inside (0, upper); [] for smooth curves. */
export function kinksWithin(curve: CurveSpec, upper: number): number[] {
  const kn = curveKnots(curve);
  if (!kn) return [];
  return kn.x.filter((v) => v > 0 && v < upper);
}

/**
 * Supremum of the response over spend >= 0: beta for hill, the largest knot
 * value for a flat-ended points curve, Infinity for log or an unlimited tier
 * with positive roi.
 */
export function curveSupremum(curve: CurveSpec): number {
  switch (curve.type) {
    case 'hill':
      return curve.beta;
    case 'log':
      return curve.beta > 0 ? Infinity : 0;
    default: {
      const kn = curveKnots(curve)!;
      if (kn.tailSlope > 0) return Infinity;
      return Math.max(0, ...kn.y);
    }
  }
}

/**
 * Smallest spend at which the curve's response stops increasing, if any:
 * the last knot of a points curve or of finite tiers; Infinity for hill, log
 * and unlimited positive tiers. Spending beyond it never adds response.
 */
export function saturationSpend(curve: CurveSpec): number {
  if (curve.type === 'hill' || curve.type === 'log') return curve.beta > 0 ? Infinity : 0;
  const kn = curveKnots(curve)!;
  if (kn.tailSlope > 0) return Infinity;
  // last knot where the value reaches its maximum
  let best = 0;
  let bestY = 0;
  for (let j = 0; j < kn.x.length; j++) {
    if (kn.y[j] > bestY) {
      bestY = kn.y[j];
      best = kn.x[j];
    }
  }
  return best;
}

/**
 * Least spend with response >= level on a curve that is increasing up to its
 * supremum (bisection on [0, hi]); Infinity if the level is not reachable.
 */
export function spendForResponse(curve: CurveSpec, level: number): number {
  if (level <= 0) return 0;
  if (curveSupremum(curve) <= level) {
    if (curve.type === 'hill' || curve.type === 'log') return Infinity;
    if (curveSupremum(curve) < level) return Infinity;
  }
  let hi = 1;
  while (responseValue(curve, hi) < level) {
    hi *= 2;
    if (hi > 1e300) return Infinity;
  }
  let lo = 0;
  for (let it = 0; it < 200 && hi - lo > 1e-12 * hi; it++) {
    const mid = 0.5 * (lo + hi);
    if (responseValue(curve, mid) >= level) hi = mid;
    else lo = mid;
  }
  return hi;
}
