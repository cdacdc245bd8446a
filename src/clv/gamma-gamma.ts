/**
 * Gamma-Gamma model of spend per order (Fader, Hardie & Lee 2005, "RFM and CLV:
 * using iso-value curves", JMR 42; Hardie, "The Gamma-Gamma model of monetary
 * value", note 025): order values z ~ Gamma(p, ν) per customer, ν ~ Gamma(q, v).
 */
import { ConvergenceError, ValidationError } from '../core/errors.ts';
import { digamma, logGamma } from './special-functions.ts';
import { invertSymmetricPositiveDefinite } from '../core/linalg.ts';
import { minimiseBfgs, numericalHessian } from './minimise-bfgs.ts';
import type { GammaGammaFit, GammaGammaFitOptions, GammaGammaParams } from './types.ts';

/** Repeat customers grouped by frequency: x values and, per group, Σ ln m; customers' m and group. */
interface SpendData {
  xValues: Float64Array;
  groupSize: Float64Array;
  sumLogM: Float64Array;
  group: Int32Array;
  m: Float64Array;
  customers: number;
}

/**
 * Log-likelihood and gradient in (p, q, v), summed over customers (Hardie note 025, eq. 1a):
 *   ln f(m | x) = ln Γ(px+q) - ln Γ(px) - ln Γ(q) + q ln v + (px-1) ln m + px ln x - (px+q) ln(xm+v).
 * Terms that depend only on x are computed once per distinct x; per customer only ln(xm+v) and 1/(xm+v).
 */
function logLikelihoodWithGradient(params: GammaGammaParams, data: SpendData, gradient: Float64Array): number {
  const { p, q, v } = params;
  const groups = data.xValues.length;
  const sumLog = new Float64Array(groups);
  const sumInv = new Float64Array(groups);
  for (let i = 0; i < data.customers; i++) {
    const k = data.group[i];
    const s = data.xValues[k] * data.m[i] + v;
    sumLog[k] += Math.log(s);
    sumInv[k] += 1 / s;
  }
  const lgQ = logGamma(q);
  const psiQ = digamma(q);
  const lnV = Math.log(v);
  let ll = 0;
  let gp = 0;
  let gq = 0;
  let gv = 0;
  for (let k = 0; k < groups; k++) {
    const x = data.xValues[k];
    const n = data.groupSize[k];
    const px = p * x;
    const lnX = Math.log(x);
    const psiPXQ = digamma(px + q);
    ll += n * (logGamma(px + q) - logGamma(px) - lgQ + q * lnV + px * lnX) + (px - 1) * data.sumLogM[k] - (px + q) * sumLog[k];
    gp += n * x * (psiPXQ - digamma(px) + lnX) + x * data.sumLogM[k] - x * sumLog[k];
    gq += n * (psiPXQ - psiQ + lnV) - sumLog[k];
    gv += (n * q) / v - (px + q) * sumInv[k];
  }
  gradient[0] = gp;
  gradient[1] = gq;
  gradient[2] = gv;
  return ll;
}

const fromVector = (u: Float64Array): GammaGammaParams => ({ p: Math.exp(u[0]), q: Math.exp(u[1]), v: Math.exp(u[2]) });

/**
 * Fits the Gamma-Gamma model by maximum likelihood on repeat customers (frequency > 0) with
 * positive mean spend; repeat customers with zero or negative mean spend are left out and counted
 * in a warning. Minimises -ln L / N + penalty * (p² + q² + v²) in log-parameters with BFGS;
 * standard errors by the delta method from the numerical Hessian of the analytic gradient.
 * @param frequency repeat purchase days per customer (whole numbers >= 0)
 * @param monetaryValue mean spend of the repeat purchases per customer
 * @throws ValidationError for arrays of different lengths, invalid values, or no usable customers
 * @throws ConvergenceError when BFGS does not converge, or when q <= 1 (the population mean spend
 *   p v / (q - 1) is then infinite and expected order values are undefined)
 */
export function fitGammaGamma(frequency: ArrayLike<number>, monetaryValue: ArrayLike<number>, options: GammaGammaFitOptions = {}): GammaGammaFit {
  if (frequency.length !== monetaryValue.length) {
    throw new ValidationError(`frequency and monetary value must have the same length (got ${frequency.length}, ${monetaryValue.length})`);
  }
  const penalty = options.penalty ?? 0;
  if (!(penalty >= 0) || !Number.isFinite(penalty)) throw new ValidationError(`fitGammaGamma: penalty must be finite and >= 0, got ${penalty}`);
  const groupOf = new Map<number, number>();
  const xs: number[] = [];
  const sizes: number[] = [];
  const sums: number[] = [];
  const group: number[] = [];
  const m: number[] = [];
  let excluded = 0;
  for (let i = 0; i < frequency.length; i++) {
    const x = frequency[i];
    const value = monetaryValue[i];
    if (!(x >= 0) || !Number.isInteger(x)) throw new ValidationError(`frequency must be a whole number >= 0, got ${x}`, { row: i + 1, column: 'frequency' });
    if (!Number.isFinite(value)) throw new ValidationError(`monetary value must be finite, got ${value}`, { row: i + 1, column: 'monetary_value' });
    if (x === 0) continue;
    if (value <= 0) {
      excluded++;
      continue;
    }
    let k = groupOf.get(x);
    if (k === undefined) {
      k = xs.length;
      groupOf.set(x, k);
      xs.push(x);
      sizes.push(0);
      sums.push(0);
    }
    sizes[k]++;
    sums[k] += Math.log(value);
    group.push(k);
    m.push(value);
  }
  const warnings: string[] = [];
  if (excluded > 0) warnings.push(`Gamma-Gamma: ${excluded} repeat customer(s) with zero or negative mean spend left out of the fit`);
  if (m.length === 0) throw new ValidationError('fitGammaGamma: no repeat customers with positive mean spend to fit');
  const data: SpendData = {
    xValues: Float64Array.from(xs),
    groupSize: Float64Array.from(sizes),
    sumLogM: Float64Array.from(sums),
    group: Int32Array.from(group),
    m: Float64Array.from(m),
    customers: m.length,
  };
  const N = data.customers;
  let initial = options.initial;
  if (initial) {
    for (const key of ['p', 'q', 'v'] as const) {
      if (!(initial[key] > 0) || !Number.isFinite(initial[key])) throw new ValidationError(`fitGammaGamma: initial ${key} must be finite and > 0, got ${initial[key]}`);
    }
  } else {
    let mean = 0;
    for (let i = 0; i < N; i++) mean += data.m[i] / N;
    initial = { p: 1, q: 2, v: mean };
  }
  const gradTheta = new Float64Array(3);
  const objective = (u: Float64Array, gradient: Float64Array): number => {
    const theta = fromVector(u);
    const ll = logLikelihoodWithGradient(theta, data, gradTheta);
    const values = [theta.p, theta.q, theta.v];
    let pen = 0;
    for (let i = 0; i < 3; i++) {
      pen += values[i] * values[i];
      gradient[i] = (-values[i] * gradTheta[i]) / N + 2 * penalty * values[i] * values[i];
    }
    return -ll / N + penalty * pen;
  };
  const start = Float64Array.from([initial.p, initial.q, initial.v].map(Math.log));
  const run = minimiseBfgs(objective, start, { maxIterations: options.maxIterations, gradientTolerance: options.gradientTolerance });
  const params = fromVector(run.u);
  const diagnostics = { converged: run.converged, iterations: run.iterations, evaluations: run.evaluations, gradientNorm: run.gradientNorm, reason: run.reason };
  if (!run.converged || ![params.p, params.q, params.v].every((x) => Number.isFinite(x) && x > 0)) {
    throw new ConvergenceError(`Gamma-Gamma fit did not converge: ${run.reason}`, { ...diagnostics, params, customers: N });
  }
  if (params.q <= 1) {
    throw new ConvergenceError(
      `Gamma-Gamma fit gave q = ${params.q.toPrecision(4)} <= 1: the population mean spend p*v/(q-1) is infinite, so expected order values and CLV are undefined (spend is too heavy-tailed; check for outliers or fit with a penalty)`,
      { ...diagnostics, params, customers: N },
    );
  }
  const logLikelihood = logLikelihoodWithGradient(params, data, gradTheta);
  const scaled = (u: Float64Array, g: Float64Array): number => {
    const f = objective(u, g);
    for (let i = 0; i < 3; i++) g[i] *= N;
    return f * N;
  };
  const covariance = invertSymmetricPositiveDefinite(numericalHessian(scaled, run.u));
  const standardErrors = covariance ? { p: params.p * Math.sqrt(covariance[0][0]), q: params.q * Math.sqrt(covariance[1][1]), v: params.v * Math.sqrt(covariance[2][2]) } : null;
  return { params, standardErrors, logLikelihood, penalty, customers: N, excludedNonPositiveSpend: excluded, warnings, diagnostics };
}

/**
 * Conditional expected average order value (Hardie note 025, eq. 5; lifetimes'
 * `conditional_expected_average_profit`): a weighted mean of the population mean p v / (q - 1)
 * and the customer's mean spend m with weight p x / (p x + q - 1):
 *   E[Z | x, m] = p (v + x m) / (p x + q - 1).
 * Customers with x = 0 get the population mean.
 * @throws ValidationError when q <= 1 (infinite population mean)
 * @example gammaGammaExpectedOrderValue({ p: 6.25, q: 3.74, v: 15.44 }, 0, 0); // ≈ 35.22 (= p v / (q - 1))
 */
export function gammaGammaExpectedOrderValue(params: GammaGammaParams, x: number, m: number): number {
  const { p, q, v } = params;
  if (!(q > 1)) throw new ValidationError(`Gamma-Gamma q must be > 1 for a finite mean order value, got ${q}`);
  return (p * (v + x * m)) / (p * x + q - 1);
}

/**
 * {@link gammaGammaExpectedOrderValue} for every customer. A repeat customer's mean spend below 0 is
 * taken as 0 (they were left out of the fit; their value shrinks towards the population mean).
 */
export function gammaGammaExpectedOrderValues(params: GammaGammaParams, frequency: ArrayLike<number>, monetaryValue: ArrayLike<number>): Float64Array {
  const out = new Float64Array(frequency.length);
  for (let i = 0; i < out.length; i++) out[i] = gammaGammaExpectedOrderValue(params, frequency[i], Math.max(0, monetaryValue[i]));
  return out;
}
