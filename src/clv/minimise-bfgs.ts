/**
 * Unconstrained minimisation for the small (3-4 parameter) likelihoods of the
 * CLV models: BFGS with a strong-Wolfe line search (Nocedal & Wright 2006,
 * Algorithms 6.1, 3.5 and 3.6), plus a numerical Hessian of an analytic
 * gradient and a symmetric positive-definite inverse for standard errors.
 */

/** Objective: writes the gradient at `u` into `gradient` and returns the value (may be non-finite outside the domain). */
export type ObjectiveWithGradient = (u: Float64Array, gradient: Float64Array) => number;

/** Settings of {@link minimiseBfgs}; every field has a default. */
export interface BfgsOptions {
  /** Converged when the largest absolute gradient component is at most this (default 1e-9). */
  gradientTolerance?: number;
  /** Largest number of BFGS iterations (default 500). */
  maxIterations?: number;
  /** Largest change of any coordinate in one step (default 5; the models work in log-parameters). */
  maxStep?: number;
}

/** Outcome of {@link minimiseBfgs}: the point reached and how it got there. */
export interface BfgsResult {
  u: Float64Array;
  value: number;
  gradient: Float64Array;
  gradientNorm: number;
  iterations: number;
  evaluations: number;
  converged: boolean;
  /** Why the iteration stopped, in words. */
  reason: string;
}

const C1 = 1e-4;
const C2 = 0.9;

function dot(x: Float64Array, y: Float64Array): number {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += x[i] * y[i];
  return s;
}

function maxAbs(x: Float64Array): number {
  let m = 0;
  for (let i = 0; i < x.length; i++) m = Math.max(m, Math.abs(x[i]));
  return m;
}

/**
 * Minimises a smooth function with BFGS (inverse-Hessian update, Nocedal & Wright eq. 6.17,
 * first step scaled by eq. 6.20) and a strong-Wolfe line search (c1 = 1e-4, c2 = 0.9) that
 * treats non-finite values as "too far". Does not throw on failure: the caller reads
 * `converged` and `reason` and raises its own typed error.
 * @param objective value and gradient at a point
 * @param start starting point (not modified)
 */
export function minimiseBfgs(objective: ObjectiveWithGradient, start: Float64Array, options: BfgsOptions = {}): BfgsResult {
  const gradientTolerance = options.gradientTolerance ?? 1e-9;
  const maxIterations = options.maxIterations ?? 500;
  const maxStep = options.maxStep ?? 5;
  const n = start.length;
  let evaluations = 0;
  const u = Float64Array.from(start);
  const g = new Float64Array(n);
  let f = objective(u, g);
  evaluations++;
  const result = (iterations: number, converged: boolean, reason: string): BfgsResult => ({
    u,
    value: f,
    gradient: g,
    gradientNorm: maxAbs(g),
    iterations,
    evaluations,
    converged,
    reason,
  });
  if (!Number.isFinite(f) || !g.every(Number.isFinite)) return result(0, false, 'objective is not finite at the starting point');

  // Inverse Hessian approximation, row-major.
  const H = new Float64Array(n * n);
  for (let i = 0; i < n; i++) H[i * n + i] = 1;
  const direction = new Float64Array(n);
  const trialU = new Float64Array(n);
  const trialG = new Float64Array(n);
  const s = new Float64Array(n);
  const y = new Float64Array(n);
  const Hy = new Float64Array(n);
  let firstUpdate = true;

  for (let iteration = 1; iteration <= maxIterations; iteration++) {
    if (maxAbs(g) <= gradientTolerance) return result(iteration - 1, true, 'gradient below tolerance');
    for (let i = 0; i < n; i++) {
      let acc = 0;
      for (let j = 0; j < n; j++) acc -= H[i * n + j] * g[j];
      direction[i] = acc;
    }
    let slope = dot(direction, g);
    if (!(slope < 0)) {
      // Not a descent direction (lost curvature information): restart from steepest descent.
      H.fill(0);
      for (let i = 0; i < n; i++) H[i * n + i] = 1;
      for (let i = 0; i < n; i++) direction[i] = -g[i];
      slope = dot(direction, g);
      firstUpdate = true;
    }
    const longest = maxAbs(direction);
    const stepCap = longest > 0 ? maxStep / longest : 1;

    // Strong-Wolfe line search on phi(alpha) = f(u + alpha * direction).
    let lastAlpha = NaN;
    let lastF = NaN;
    const fStart = f;
    const phi = (alpha: number): LinePoint => {
      for (let i = 0; i < n; i++) trialU[i] = u[i] + alpha * direction[i];
      const value = objective(trialU, trialG);
      evaluations++;
      lastAlpha = alpha;
      lastF = value;
      const finite = Number.isFinite(value) && trialG.every(Number.isFinite);
      // A point that already meets the tolerance without raising f beyond summation noise ends the search.
      const done = finite && maxAbs(trialG) <= gradientTolerance && value <= fStart + 1e-12 * Math.max(1, Math.abs(fStart));
      return { value: finite ? value : Infinity, slope: finite ? dot(trialG, direction) : NaN, done };
    };
    const accepted = strongWolfe(phi, f, slope, Math.min(1, stepCap), stepCap);
    if (accepted === null) {
      const gn = maxAbs(g);
      // At the limit of double precision the line search cannot decrease f any more.
      if (gn <= Math.sqrt(gradientTolerance)) return result(iteration - 1, true, 'no further decrease possible (precision limit)');
      return result(iteration - 1, false, `line search failed (largest gradient component ${gn.toExponential(3)})`);
    }
    if (lastAlpha !== accepted) phi(accepted);
    for (let i = 0; i < n; i++) {
      s[i] = trialU[i] - u[i];
      y[i] = trialG[i] - g[i];
    }
    const fPrevious = f;
    u.set(trialU);
    g.set(trialG);
    f = lastF;
    const sy = dot(s, y);
    if (sy > 1e-300) {
      if (firstUpdate) {
        const scale = sy / dot(y, y);
        H.fill(0);
        for (let i = 0; i < n; i++) H[i * n + i] = scale;
        firstUpdate = false;
      }
      // H <- (I - rho s y') H (I - rho y s') + rho s s'
      const rho = 1 / sy;
      for (let i = 0; i < n; i++) {
        let acc = 0;
        for (let j = 0; j < n; j++) acc += H[i * n + j] * y[j];
        Hy[i] = acc;
      }
      const yHy = dot(y, Hy);
      for (let i = 0; i < n; i++) {
        for (let j = 0; j < n; j++) {
          H[i * n + j] += -rho * (Hy[i] * s[j] + s[i] * Hy[j]) + (rho * rho * yHy + rho) * s[i] * s[j];
        }
      }
    }
    if (maxAbs(g) <= gradientTolerance) return result(iteration, true, 'gradient below tolerance');
    if (fPrevious - f <= 1e-16 * Math.max(1, Math.abs(f)) && maxAbs(g) <= Math.sqrt(gradientTolerance)) {
      return result(iteration, true, 'no further decrease possible (precision limit)');
    }
  }
  return result(maxIterations, false, `no convergence in ${maxIterations} iterations (largest gradient component ${maxAbs(g).toExponential(3)})`);
}

interface LinePoint {
  value: number;
  slope: number;
  /** The point meets the convergence test itself: accept it. */
  done: boolean;
}

/** Nocedal & Wright Algorithm 3.5 (bracketing) with 3.6 (zoom, cubic interpolation safeguarded by bisection). */
function strongWolfe(phi: (alpha: number) => LinePoint, f0: number, d0: number, alphaStart: number, alphaMax: number): number | null {
  let alphaPrevious = 0;
  let fPrevious = f0;
  let dPrevious = d0;
  let alpha = alphaStart;
  for (let i = 0; i < 40; i++) {
    const { value, slope, done } = phi(alpha);
    if (done) return alpha;
    if (value > f0 + C1 * alpha * d0 || (i > 0 && value >= fPrevious)) {
      return zoom(phi, f0, d0, alphaPrevious, fPrevious, dPrevious, alpha, value, slope);
    }
    if (Math.abs(slope) <= -C2 * d0) return alpha;
    if (slope >= 0) return zoom(phi, f0, d0, alpha, value, slope, alphaPrevious, fPrevious, dPrevious);
    if (alpha >= alphaMax) return alpha; // longest allowed step still descending: take it
    alphaPrevious = alpha;
    fPrevious = value;
    dPrevious = slope;
    alpha = Math.min(2 * alpha, alphaMax);
  }
  return null;
}

function zoom(phi: (alpha: number) => LinePoint, f0: number, d0: number, lo: number, fLo: number, dLo: number, hi: number, fHi: number, dHi: number): number | null {
  for (let j = 0; j < 40; j++) {
    const left = Math.min(lo, hi);
    const width = Math.abs(hi - lo);
    if (width < 1e-12 * Math.max(1, Math.abs(lo))) break;
    let trial = cubicMinimiser(lo, fLo, dLo, hi, fHi, dHi);
    if (!Number.isFinite(trial) || trial < left + 0.1 * width || trial > left + 0.9 * width) trial = 0.5 * (lo + hi);
    const { value, slope, done } = phi(trial);
    if (done) return trial;
    if (value > f0 + C1 * trial * d0 || value >= fLo) {
      hi = trial;
      fHi = value;
      dHi = slope;
    } else {
      if (Math.abs(slope) <= -C2 * d0) return trial;
      if (slope * (hi - lo) >= 0) {
        hi = lo;
        fHi = fLo;
        dHi = dLo;
      }
      lo = trial;
      fLo = value;
      dLo = slope;
    }
  }
  // Sufficient decrease without the curvature condition is still progress.
  return lo > 0 && fLo < f0 ? lo : null;
}

/** Minimiser of the cubic through (x0, f0, d0) and (x1, f1, d1) (N&W eq. 3.59); NaN when it has none. */
function cubicMinimiser(x0: number, f0: number, d0: number, x1: number, f1: number, d1: number): number {
  if (!Number.isFinite(f1) || !Number.isFinite(d1) || !Number.isFinite(f0) || !Number.isFinite(d0)) return NaN;
  const e1 = d0 + d1 - (3 * (f0 - f1)) / (x0 - x1);
  const radicand = e1 * e1 - d0 * d1;
  if (radicand < 0) return NaN;
  const e2 = Math.sign(x1 - x0) * Math.sqrt(radicand);
  return x1 - ((x1 - x0) * (d1 + e2 - e1)) / (d1 - d0 + 2 * e2);
}

/**
 * Hessian by central differences of an analytic gradient, symmetrised:
 * H_ij = (g_j(u + h e_i) - g_j(u - h e_i)) / (2h), then (H + H') / 2.
 * @param step the difference step h (default 1e-5, suited to log-parameters)
 */
export function numericalHessian(objective: ObjectiveWithGradient, u: Float64Array, step = 1e-5): Float64Array[] {
  const n = u.length;
  const plus = new Float64Array(n);
  const minus = new Float64Array(n);
  const point = Float64Array.from(u);
  const rows: Float64Array[] = [];
  for (let i = 0; i < n; i++) {
    point[i] = u[i] + step;
    objective(point, plus);
    point[i] = u[i] - step;
    objective(point, minus);
    point[i] = u[i];
    const row = new Float64Array(n);
    for (let j = 0; j < n; j++) row[j] = (plus[j] - minus[j]) / (2 * step);
    rows.push(row);
  }
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < i; j++) {
      const mean = 0.5 * (rows[i][j] + rows[j][i]);
      rows[i][j] = mean;
      rows[j][i] = mean;
    }
  }
  return rows;
}
