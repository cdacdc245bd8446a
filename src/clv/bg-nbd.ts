/**
 * BG/NBD model (Fader, Hardie & Lee 2005, "Counting your customers the easy
 * way", Marketing Science 24(2)): likelihood with analytic gradient, maximum
 * likelihood fit over unique (x, t_x, T) patterns, and predictions.
 * Time is in weeks.
 */
import { ConvergenceError, ValidationError } from '../core/errors.ts';
import { asRfmPatterns } from './compress-rfm-patterns.ts';
import { digamma, expm1OverX, logGamma } from './special-functions.ts';
import { invertSymmetricPositiveDefinite } from '../core/linalg.ts';
import { minimiseBfgs, numericalHessian } from './minimise-bfgs.ts';
import type { BgNbdFit, BgNbdFitOptions, BgNbdParams, BgNbdPredictions, RfmColumns, RfmPatterns } from './types.ts';

/** Index of each value in a table of its distinct values (readable form: `[...new Set(values)]` plus `indexOf`). */
function distinctValues(values: Float64Array): { table: Float64Array; index: Int32Array } {
  const seen = new Map<number, number>();
  const index = new Int32Array(values.length);
  const table: number[] = [];
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    let k = seen.get(v);
    if (k === undefined) {
      k = table.length;
      seen.set(v, k);
      table.push(v);
    }
    index[i] = k;
  }
  return { table: Float64Array.from(table), index };
}

/**
 * The patterns prepared for repeated likelihood evaluations: tables of distinct x, t_x and T
 * so the special functions and logarithms are computed once per distinct value, not per pattern.
 */
interface PreparedPatterns {
  count: number;
  weight: Float64Array;
  totalWeight: number;
  xValues: Float64Array;
  xIndex: Int32Array;
  /** Total weight per distinct x. */
  xWeight: Float64Array;
  tValues: Float64Array;
  tIndex: Int32Array;
  ageValues: Float64Array;
  ageIndex: Int32Array;
}

function preparePatterns(patterns: RfmPatterns): PreparedPatterns {
  const xs = distinctValues(patterns.frequency);
  const ts = distinctValues(patterns.recency);
  const ages = distinctValues(patterns.T);
  const xWeight = new Float64Array(xs.table.length);
  let totalWeight = 0;
  for (let i = 0; i < patterns.count; i++) {
    xWeight[xs.index[i]] += patterns.weight[i];
    totalWeight += patterns.weight[i];
  }
  return {
    count: patterns.count,
    weight: patterns.weight,
    totalWeight,
    xValues: xs.table,
    xIndex: xs.index,
    xWeight,
    tValues: ts.table,
    tIndex: ts.index,
    ageValues: ages.table,
    ageIndex: ages.index,
  };
}

/**
 * Log-likelihood summed over patterns (weights = customers per pattern) and its gradient in
 * (r, alpha, a, b). Per customer (FHL 2005 eq. 6, in log-sum-exp form):
 *   ln L = ln Γ(r+x) - ln Γ(r) + r ln α + ln Γ(a+b) + ln Γ(b+x) - ln Γ(b) - ln Γ(a+b+x)
 *        + logaddexp( -(r+x) ln(α+T),  [x>0] ln a - ln(b+x-1) - (r+x) ln(α+t_x) ).
 * Writes the gradient into `gradient` (length 4) and returns the log-likelihood.
 */
function logLikelihoodWithGradient(params: BgNbdParams, data: PreparedPatterns, gradient: Float64Array): number {
  const { r, alpha, a, b } = params;
  const nx = data.xValues.length;
  // Per distinct x: the parts that do not depend on t_x or T.
  const c4 = new Float64Array(nx);
  const dbOfA4 = new Float64Array(nx);
  let ll = 0;
  let gr = 0;
  let galpha = 0;
  let ga = 0;
  let gb = 0;
  const lnAlpha = Math.log(alpha);
  const lgR = logGamma(r);
  const lgB = logGamma(b);
  const lgAB = logGamma(a + b);
  const psiR = digamma(r);
  const psiB = digamma(b);
  const psiAB = digamma(a + b);
  for (let k = 0; k < nx; k++) {
    const x = data.xValues[k];
    const w = data.xWeight[k];
    const a1 = logGamma(r + x) - lgR + r * lnAlpha;
    const a2 = lgAB + logGamma(b + x) - lgB - logGamma(a + b + x);
    ll += w * (a1 + a2);
    const psiABX = digamma(a + b + x);
    gr += w * (digamma(r + x) - psiR + lnAlpha);
    galpha += (w * r) / alpha;
    ga += w * (psiAB - psiABX);
    gb += w * (psiAB + digamma(b + x) - psiB - psiABX);
    if (x > 0) {
      c4[k] = Math.log(a) - Math.log(b + x - 1);
      dbOfA4[k] = -1 / (b + x - 1);
    }
  }
  // Per distinct T and t_x: logarithms and reciprocals.
  const lnAgeTerm = new Float64Array(data.ageValues.length);
  const invAgeTerm = new Float64Array(data.ageValues.length);
  for (let j = 0; j < data.ageValues.length; j++) {
    const s = alpha + data.ageValues[j];
    lnAgeTerm[j] = Math.log(s);
    invAgeTerm[j] = 1 / s;
  }
  const lnRecencyTerm = new Float64Array(data.tValues.length);
  const invRecencyTerm = new Float64Array(data.tValues.length);
  for (let j = 0; j < data.tValues.length; j++) {
    const s = alpha + data.tValues[j];
    lnRecencyTerm[j] = Math.log(s);
    invRecencyTerm[j] = 1 / s;
  }
  const invA = 1 / a;
  const { weight, xIndex, tIndex, ageIndex, xValues } = data;
  for (let i = 0; i < data.count; i++) {
    const w = weight[i];
    const k = xIndex[i];
    const x = xValues[k];
    const jT = ageIndex[i];
    const rx = r + x;
    const lnAT = lnAgeTerm[jT];
    if (x === 0) {
      ll -= w * rx * lnAT;
      gr -= w * lnAT;
      galpha -= w * rx * invAgeTerm[jT];
      continue;
    }
    const jt = tIndex[i];
    const lnAt = lnRecencyTerm[jt];
    const A3 = -rx * lnAT;
    const A4 = c4[k] - rx * lnAt;
    // logaddexp(A3, A4) with the weights w3, w4 of each term (softmax), from one exp.
    let lse: number;
    let w3: number;
    let w4: number;
    if (A4 > A3) {
      const e = Math.exp(A3 - A4);
      lse = A4 + Math.log1p(e);
      w4 = 1 / (1 + e);
      w3 = e * w4;
    } else {
      const e = Math.exp(A4 - A3);
      lse = A3 + Math.log1p(e);
      w3 = 1 / (1 + e);
      w4 = e * w3;
    }
    ll += w * lse;
    gr -= w * (w3 * lnAT + w4 * lnAt);
    galpha -= w * rx * (w3 * invAgeTerm[jT] + w4 * invRecencyTerm[jt]);
    ga += w * w4 * invA;
    gb += w * w4 * dbOfA4[k];
  }
  gradient[0] = gr;
  gradient[1] = galpha;
  gradient[2] = ga;
  gradient[3] = gb;
  return ll;
}

function checkParams(params: BgNbdParams, what: string): void {
  for (const key of ['r', 'alpha', 'a', 'b'] as const) {
    const v = params[key];
    if (!(v > 0) || !Number.isFinite(v)) throw new ValidationError(`${what}: BG/NBD parameter ${key} must be finite and > 0, got ${v}`);
  }
}

/**
 * BG/NBD log-likelihood summed over customers (FHL 2005 eq. 6), evaluated over unique patterns.
 * @param params r, alpha, a, b > 0
 * @param rfm per-customer frequency, recency and T in weeks (optionally weights)
 * @throws ValidationError for invalid parameters or inputs
 */
export function bgNbdLogLikelihood(params: BgNbdParams, rfm: RfmColumns | RfmPatterns): number {
  checkParams(params, 'bgNbdLogLikelihood');
  const data = preparePatterns(asRfmPatterns(rfm));
  return logLikelihoodWithGradient(params, data, new Float64Array(4));
}

/**
 * Gradient of {@link bgNbdLogLikelihood} in (r, alpha, a, b), analytic (digamma terms and the
 * softmax weights of the two log-sum-exp terms).
 */
export function bgNbdLogLikelihoodGradient(params: BgNbdParams, rfm: RfmColumns | RfmPatterns): BgNbdParams {
  checkParams(params, 'bgNbdLogLikelihoodGradient');
  const data = preparePatterns(asRfmPatterns(rfm));
  const g = new Float64Array(4);
  logLikelihoodWithGradient(params, data, g);
  return { r: g[0], alpha: g[1], a: g[2], b: g[3] };
}

const fromVector = (u: Float64Array): BgNbdParams => ({ r: Math.exp(u[0]), alpha: Math.exp(u[1]), a: Math.exp(u[2]), b: Math.exp(u[3]) });

/**
 * Fits BG/NBD by maximum likelihood over unique (x, t_x, T) patterns with weights. Minimises
 * -ln L / N + penalty * Σ θ² in log-parameters u = ln θ with BFGS; standard errors come from the
 * numerical Hessian (central differences of the analytic gradient) of N times that objective in
 * u, mapped to θ by the delta method: se(θ) = θ * sqrt([H⁻¹]_uu).
 * @param rfm per-customer frequency, recency and T in weeks (weights optional)
 * @throws ValidationError for invalid inputs, no customers, or no repeat purchase at all
 * @throws ConvergenceError (with diagnostics) when BFGS does not converge or the optimum is not finite
 */
export function fitBgNbd(rfm: RfmColumns | RfmPatterns, options: BgNbdFitOptions = {}): BgNbdFit {
  const penalty = options.penalty ?? 0;
  if (!(penalty >= 0) || !Number.isFinite(penalty)) throw new ValidationError(`fitBgNbd: penalty must be finite and >= 0, got ${penalty}`);
  const patterns = asRfmPatterns(rfm);
  if (patterns.count === 0) throw new ValidationError('fitBgNbd: no customers to fit');
  if (!patterns.frequency.some((x) => x > 0)) {
    throw new ValidationError('no customer has a repeat purchase, so the BG/NBD purchase and dropout processes cannot be estimated');
  }
  const data = preparePatterns(patterns);
  const N = data.totalWeight;
  let initial = options.initial;
  if (initial) checkParams(initial, 'fitBgNbd initial values');
  else {
    let sumT = 0;
    let sumX = 0;
    for (let i = 0; i < patterns.count; i++) {
      sumT += patterns.weight[i] * patterns.T[i];
      sumX += patterns.weight[i] * patterns.frequency[i];
    }
    initial = { r: 1, alpha: Math.max(sumT / Math.max(sumX, 1), 1e-3), a: 1, b: 1 };
  }
  const gradTheta = new Float64Array(4);
  const objective = (u: Float64Array, gradient: Float64Array): number => {
    const theta = fromVector(u);
    const ll = logLikelihoodWithGradient(theta, data, gradTheta);
    const values = [theta.r, theta.alpha, theta.a, theta.b];
    let pen = 0;
    for (let i = 0; i < 4; i++) {
      pen += values[i] * values[i];
      gradient[i] = (-values[i] * gradTheta[i]) / N + 2 * penalty * values[i] * values[i];
    }
    return -ll / N + penalty * pen;
  };
  const start = Float64Array.from([initial.r, initial.alpha, initial.a, initial.b].map(Math.log));
  const bfgs = { maxIterations: options.maxIterations, gradientTolerance: options.gradientTolerance };
  const run = restartNearLimit(objective, minimiseBfgs(objective, start, bfgs), bfgs);
  const params = fromVector(run.u);
  const diagnostics = {
    converged: run.converged,
    iterations: run.iterations,
    evaluations: run.evaluations,
    gradientNorm: run.gradientNorm,
    reason: run.reason,
  };
  const finite = [params.r, params.alpha, params.a, params.b].every((v) => Number.isFinite(v) && v > 0);
  if (!run.converged || !finite) {
    throw new ConvergenceError(`BG/NBD fit did not converge: ${run.reason}`, { ...diagnostics, params, customers: N, patterns: patterns.count });
  }
  const logLikelihood = logLikelihoodWithGradient(params, data, gradTheta);
  // Hessian of N * objective in log-parameters.
  const scaled = (u: Float64Array, g: Float64Array): number => {
    const f = objective(u, g);
    for (let i = 0; i < 4; i++) g[i] *= N;
    return f * N;
  };
  const covariance = invertSymmetricPositiveDefinite(numericalHessian(scaled, run.u));
  const standardErrors = covariance
    ? {
        r: params.r * Math.sqrt(covariance[0][0]),
        alpha: params.alpha * Math.sqrt(covariance[1][1]),
        a: params.a * Math.sqrt(covariance[2][2]),
        b: params.b * Math.sqrt(covariance[3][3]),
      }
    : null;
  const constantDropout = constantDropoutLimit(params, covariance);
  const warnings: string[] = [];
  if (constantDropout) {
    const p = constantDropout.p;
    const se = constantDropout.standardError;
    warnings.push(
      `BG/NBD dropout heterogeneity not identified: a and b diverge (a = ${params.a.toPrecision(3)}, b = ${params.b.toPrecision(3)}) ` +
        `with a/(a+b) = ${p.toFixed(3)}${se === null ? '' : ` (se ${se.toPrecision(2)})`}, so the Beta dropout distribution is a point mass ` +
        `and predictions are those of the constant-dropout-probability limit p = ${p.toFixed(3)}; the standard errors of a and b are meaningless ` +
        `(the optional bgNbd.penalty keeps them finite, at the cost of shrinking all four parameters)`,
    );
  }
  return { params, standardErrors, logLikelihood, penalty, customers: N, patterns: patterns.count, diagnostics, constantDropout, warnings };
}

/**
 * a + b above which a fit is reported as the constant-dropout limit: the Beta(a, b) dropout
 * distribution then has a standard deviation sqrt(p(1-p)/(a+b+1)) < 0.005, i.e. no heterogeneity
 * left, and an MLE this far out means the likelihood kept rising towards a, b -> infinity.
 */
const DIVERGED_DROPOUT_CONCENTRATION = 1e4;

/** a + b of the restart near the constant-dropout limit: far enough out to be the limit, near enough for exact arithmetic. */
const LIMIT_RESTART = 1e6;

/**
 * A run that failed on its way to the constant-dropout limit (a + b past {@link DIVERGED_DROPOUT_CONCENTRATION})
 * often overshot it, to a + b of 1e14 and more, where the likelihood's arithmetic fails: restarted from the same
 * r, alpha and a/(a+b) at a + b = {@link LIMIT_RESTART}, it converges. Returns the restart when it converged.
 */
function restartNearLimit(objective: Parameters<typeof minimiseBfgs>[0], run: ReturnType<typeof minimiseBfgs>, bfgs: Parameters<typeof minimiseBfgs>[2]): ReturnType<typeof minimiseBfgs> {
  const [a, b] = [Math.exp(run.u[2]), Math.exp(run.u[3])];
  if (run.converged || !(a + b > DIVERGED_DROPOUT_CONCENTRATION) || !Number.isFinite(a + b)) return run;
  const p = a / (a + b);
  const again = minimiseBfgs(objective, Float64Array.from([run.u[0], run.u[1], Math.log(p * LIMIT_RESTART), Math.log((1 - p) * LIMIT_RESTART)]), bfgs);
  return again.converged ? { ...again, iterations: run.iterations + again.iterations, evaluations: run.evaluations + again.evaluations } : run;
}

/**
 * The constant-dropout limit p = a/(a+b) with its delta-method standard error
 * (dp/d ln a = p(1-p) = -dp/d ln b) when a + b > 1e4, else null.
 */
function constantDropoutLimit(params: BgNbdParams, covariance: Float64Array[] | null): BgNbdFit['constantDropout'] {
  if (!(params.a + params.b > DIVERGED_DROPOUT_CONCENTRATION)) return null;
  const p = params.a / (params.a + params.b);
  if (!covariance) return { p, standardError: null };
  const variance = (p * (1 - p)) ** 2 * (covariance[2][2] + covariance[3][3] - 2 * covariance[2][3]);
  return { p, standardError: variance >= 0 && Number.isFinite(variance) ? Math.sqrt(variance) : null };
}

/** ln(a / (b+x-1)) + (r+x) ln((α+T)/(α+t_x)): the log odds of "dead" against "alive" given x > 0. */
function logOddsDead(params: BgNbdParams, x: number, tx: number, T: number): number {
  const { r, alpha, a, b } = params;
  return Math.log(a) - Math.log(b + x - 1) + (r + x) * (Math.log(alpha + T) - Math.log(alpha + tx));
}

/**
 * P(alive | x, t_x, T) = 1 / (1 + [x>0] a/(b+x-1) ((α+T)/(α+t_x))^(r+x)) (FHL 2005 eq. 13 / Hardie's note),
 * computed as a logistic function of the log odds, so no overflow for large x.
 * @example bgNbdProbabilityAlive({ r: 0.2425982, alpha: 4.4136842, a: 0.7929899, b: 2.4261667 }, 26, 30.857, 31); // ≈ 0.96885
 */
export function bgNbdProbabilityAlive(params: BgNbdParams, x: number, tx: number, T: number): number {
  if (x === 0) return 1;
  const z = logOddsDead(params, x, tx, T);
  return z > 0 ? Math.exp(-z) / (1 + Math.exp(-z)) : 1 / (1 + Math.exp(z));
}

/** Rescaling step of the large-a series below: sums are kept as value * e^offset so (1-z)^(-s) cannot overflow. */
const RESCALE_ABOVE = 1e200;
const LN_RESCALE = Math.log(RESCALE_ABOVE);
/** Largest number of terms of the large-a series (reached only for z within ~1e-6 of 1 with p tiny). */
const MAX_LARGE_A_TERMS = 50_000_000;

/**
 * The bracket of FHL 2005 eq. 10 times (a-1), G = 1 - (1-z)^s 2F1(s, B; C; z) with s = r+x, B = b+x,
 * C = a+b+x-1 = B + (a-1), for a > 1 large enough that the Euler-transformed series of
 * {@link purchaseBracket} would need about a·z terms (a, b -> infinity at a fixed a/(a+b) is the
 * constant-dropout-probability limit, reached by boundary fits). Two exact series, both with
 * positive terms and ratios bounded by z·max(1, (s+k)/(k+1)), so independent of a and b:
 *
 * - z <= 0.9, difference form: with u_k = (s)_k z^k / k! (the binomial series of (1-z)^(-s)) and
 *   ρ_k = (B)_k/(C)_k = Π_{j<k} (1 - (a-1)/(C+j)), 2F1(s, B; C; z) = Σ u_k ρ_k, so
 *   G = (1-z)^s Σ_{k>=1} u_k (1 - ρ_k), and 1 - ρ_k = -expm1(Σ_{j<k} log1p(-(a-1)/(C+j))):
 *   no subtraction anywhere, relative error a few hundred ulps at most.
 * - z > 0.9: G = -expm1(s ln(1-z) + ln 2F1(s, B; C; z)) with the Gauss series (terms fall like
 *   ((1-p) z)^k while k << C). The two logarithms cancel only partly; for a concentrated Beta
 *   (the case this path serves) the relative error is about 2 eps / (1 - ln(1-(1-p)z) / ln(1-z)),
 *   p = a/(a+b): at most ~1e-13 for p >= 1e-3 and ~1e-10 for p = 1e-6.
 * Each sum stops when the geometric bound on its tail, term·q/(1-q) with q the ratio bound, is
 * below 1e-17 of the sum.
 */
function largeABracketTimesAMinusOne(s: number, B: number, C: number, aMinusOne: number, z: number, lnOneMinusZ: number): number {
  if (z <= 0.9) {
    let term = 1; // u_k scaled by e^(-offset)
    let offset = 0;
    let sum = 0;
    let lnRho = 0;
    for (let k = 1; k < MAX_LARGE_A_TERMS; k++) {
      term *= ((s + k - 1) / k) * z;
      lnRho += Math.log1p(-aMinusOne / (C + k - 1));
      sum += term * -Math.expm1(lnRho);
      if (term > RESCALE_ABOVE) {
        term /= RESCALE_ABOVE;
        sum /= RESCALE_ABOVE;
        offset += LN_RESCALE;
      }
      const q = z * Math.max(1, (s + k) / (k + 1));
      if (q < 1 && (term * q) / (1 - q) <= 1e-17 * sum) return sum * Math.exp(offset + s * lnOneMinusZ);
    }
  } else {
    let term = 1; // c_k z^k of the Gauss series, scaled by e^(-offset)
    let offset = 0;
    let sum = 1;
    for (let k = 0; k < MAX_LARGE_A_TERMS; k++) {
      term *= (((s + k) * (B + k)) / ((C + k) * (k + 1))) * z;
      sum += term;
      if (term > RESCALE_ABOVE) {
        term /= RESCALE_ABOVE;
        sum /= RESCALE_ABOVE;
        offset += LN_RESCALE;
      }
      const q = z * Math.max(1, (s + k + 1) / (k + 2));
      if (q < 1 && (term * q) / (1 - q) <= 1e-17 * sum) return -Math.expm1(s * lnOneMinusZ + offset + Math.log(sum));
    }
  }
  throw new Error(`BG/NBD expectation series did not converge (s=${s}, a-1=${aMinusOne}, z=${z})`);
}

/**
 * [1 - ((α+T)/(α+T+t))^(r+x) 2F1(r+x, b+x; a+b+x-1; t/(α+T+t))] / (a-1), the bracket of FHL 2005 eq. 10.
 *
 * When (a-1) z <= 8 (always for a <= 1, e.g. CDNOW's a = 0.79): Euler's transformation
 * (1-z)^(r+x) 2F1(r+x, b+x; c; z) = (1-z)^(a-1) 2F1(a+b-1-r, a-1; c; z) with c = a+b+x-1. Writing
 * 2F1(A', a-1; c; z) = 1 + (a-1) S, S = Σ_{k>=1} (A')_k (a)_{k-1} / ((c)_k k!) z^k, gives
 *   bracket = (1 - (1-z)^(a-1)) / (a-1) - (1-z)^(a-1) S,
 * which has no singularity at a = 1, and whose series has small terms even for large x.
 * Otherwise (large a, e.g. a boundary fit with a, b in the millions, where that series needs ~a·z
 * terms, overflows and ends in NaN): {@link largeABracketTimesAMinusOne}, whose cost does not depend on a or b.
 */
function purchaseBracket(params: BgNbdParams, x: number, T: number, t: number): number {
  if (t === 0) return 0;
  const { r, alpha, a, b } = params;
  const z = t / (alpha + T + t);
  const lnOneMinusZ = -Math.log1p(t / (alpha + T));
  if ((a - 1) * z > 8) return largeABracketTimesAMinusOne(r + x, b + x, a + b + x - 1, a - 1, z, lnOneMinusZ) / (a - 1);
  const power = Math.exp((a - 1) * lnOneMinusZ);
  const first = -lnOneMinusZ * expm1OverX((a - 1) * lnOneMinusZ);
  const aPrime = a + b - 1 - r;
  const c = a + b + x - 1;
  let term = (aPrime * z) / c;
  let sum = term;
  const tailFactor = 1 / (1 - z);
  for (let k = 1; k < 50_000_000; k++) {
    const ratio = ((aPrime + k) * (a + k - 1) * z) / ((c + k) * (k + 1));
    term *= ratio;
    sum += term;
    if (term === 0 || (Math.abs(ratio) < 1 && Math.abs(term) * tailFactor <= 1e-16 * Math.max(Math.abs(sum), Math.abs(first)))) {
      return first - power * sum;
    }
  }
  throw new Error(`BG/NBD expectation series did not converge (x=${x}, T=${T}, t=${t})`);
}

/**
 * Expected purchases in the next t weeks of a customer with history (x, t_x, T) (FHL 2005 eq. 10):
 *   E[Y(t) | x, t_x, T] = (a+b+x-1)/(a-1) [1 - ((α+T)/(α+T+t))^(r+x) 2F1(r+x, b+x; a+b+x-1; t/(α+T+t))] · P(alive).
 * Stable for large x and T (see the bracket's transformation) and at a = 1.
 * @param t horizon in weeks, >= 0
 * @example bgNbdConditionalExpectedPurchases({ r: 0.2425982, alpha: 4.4136842, a: 0.7929899, b: 2.4261667 }, 52, 26, 30.857, 31); // ≈ 25.7566
 */
export function bgNbdConditionalExpectedPurchases(params: BgNbdParams, t: number, x: number, tx: number, T: number): number {
  return (params.a + params.b + x - 1) * purchaseBracket(params, x, T, t) * bgNbdProbabilityAlive(params, x, tx, T);
}

/**
 * Expected purchases of a new customer in t weeks after the first purchase (FHL 2005 eq. 7):
 *   E[X(t)] = (a+b-1)/(a-1) [1 - (α/(α+t))^r 2F1(r, b; a+b-1; t/(α+t))],
 * which equals the conditional expectation at x = t_x = T = 0.
 * @param t weeks, >= 0
 */
export function bgNbdExpectedPurchasesNewCustomer(params: BgNbdParams, t: number): number {
  return (params.a + params.b - 1) * purchaseBracket(params, 0, 0, t);
}

/**
 * Per-customer P(alive) and expected purchases in the next `horizonWeeks`, computed once per
 * unique (x, t_x, T) pattern and copied to the customers.
 * @throws ValidationError for invalid parameters, inputs or horizon
 */
export function predictBgNbd(params: BgNbdParams, rfm: RfmColumns | RfmPatterns, horizonWeeks: number): BgNbdPredictions {
  checkParams(params, 'predictBgNbd');
  if (!(horizonWeeks >= 0) || !Number.isFinite(horizonWeeks)) throw new ValidationError(`predictBgNbd: horizonWeeks must be finite and >= 0, got ${horizonWeeks}`);
  const patterns = asRfmPatterns(rfm);
  const patternAlive = new Float64Array(patterns.count);
  const patternExpected = new Float64Array(patterns.count);
  for (let p = 0; p < patterns.count; p++) {
    const x = patterns.frequency[p];
    const alive = bgNbdProbabilityAlive(params, x, patterns.recency[p], patterns.T[p]);
    patternAlive[p] = alive;
    patternExpected[p] = (params.a + params.b + x - 1) * purchaseBracket(params, x, patterns.T[p], horizonWeeks) * alive;
  }
  const n = patterns.patternOfCustomer.length;
  const pAlive = new Float64Array(n);
  const expectedPurchases = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const p = patterns.patternOfCustomer[i];
    pAlive[i] = patternAlive[p];
    expectedPurchases[i] = patternExpected[p];
  }
  return { pAlive, expectedPurchases };
}

/**
 * Discounted expected purchases per customer, lifetimes' `_customer_lifetime_value` without the
 * spend factor: Σ_{m=1..M} (E[Y(m·f)] - E[Y((m-1)·f)]) / (1 + d)^m with f weeks per month.
 * Computed once per pattern.
 * @returns per-customer discounted expected purchases (multiply by expected order value for CLV)
 */
export function bgNbdDiscountedPurchases(params: BgNbdParams, rfm: RfmColumns | RfmPatterns, months: number, monthlyDiscountRate: number, weeksPerMonth: number): Float64Array {
  checkParams(params, 'bgNbdDiscountedPurchases');
  if (!(months >= 0) || !Number.isInteger(months)) throw new ValidationError(`months must be a whole number >= 0, got ${months}`);
  if (!(monthlyDiscountRate > -1) || !Number.isFinite(monthlyDiscountRate)) throw new ValidationError(`monthly discount rate must be finite and > -1, got ${monthlyDiscountRate}`);
  if (!(weeksPerMonth > 0) || !Number.isFinite(weeksPerMonth)) throw new ValidationError(`weeks per month must be finite and > 0, got ${weeksPerMonth}`);
  const patterns = asRfmPatterns(rfm);
  const perPattern = new Float64Array(patterns.count);
  for (let p = 0; p < patterns.count; p++) {
    const x = patterns.frequency[p];
    const T = patterns.T[p];
    const scale = (params.a + params.b + x - 1) * bgNbdProbabilityAlive(params, x, patterns.recency[p], T);
    let previous = 0;
    let total = 0;
    for (let m = 1; m <= months; m++) {
      const current = purchaseBracket(params, x, T, m * weeksPerMonth);
      total += (scale * (current - previous)) / (1 + monthlyDiscountRate) ** m;
      previous = current;
    }
    perPattern[p] = total;
  }
  const out = new Float64Array(patterns.patternOfCustomer.length);
  for (let i = 0; i < out.length; i++) out[i] = perPattern[patterns.patternOfCustomer[i]];
  return out;
}
