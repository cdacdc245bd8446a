/**
 * Seeded simulation of customers from known BG/NBD and Gamma-Gamma
 * parameters, for recovery tests and benchmarks.
 */
import { ValidationError } from '../core/errors.ts';
import type { Rng } from '../core/rng.ts';
import type { BgNbdParams, GammaGammaParams } from './types.ts';

/** Options of {@link simulateCustomers}; every field has a default. */
export interface SimulationOptions {
  /** Shortest customer age T at the calibration end, weeks (default 1). */
  minAgeWeeks?: number;
  /** Longest customer age T, weeks (default 52); ages are uniform in between. */
  maxAgeWeeks?: number;
  /** Holdout length after T in weeks over which purchases are also counted (default 0: none). */
  holdoutWeeks?: number;
  /** Put purchases on whole days like a real log summarised by day: T and recency are whole days / 7, same-day purchases merge (default false: continuous time). */
  dayGrid?: boolean;
  /** Spend model; when given, `monetaryValue` holds each repeat customer's mean spend (default none). */
  spend?: GammaGammaParams;
}

/** Simulated customers: RFM in weeks and, when asked for, mean spend and holdout purchases. */
export interface SimulatedCustomers {
  frequency: Float64Array;
  recency: Float64Array;
  T: Float64Array;
  monetaryValue: Float64Array;
  holdoutFrequency: Float64Array;
}

/**
 * Draws customers from the BG/NBD story (FHL 2005, section 2): purchase rate λ ~ Gamma(r, rate α),
 * dropout probability p ~ Beta(a, b); purchases follow a Poisson process with rate λ from the first
 * purchase at time 0, and after each repeat purchase the customer drops out with probability p.
 * With `spend`, each customer has ν ~ Gamma(q, rate v) and each purchase amount ~ Gamma(p, rate ν);
 * the mean of x repeat amounts is drawn as Gamma(p x, rate x ν).
 * @param rng seeded random source (advanced)
 * @param n number of customers, a whole number >= 0
 * @throws ValidationError for invalid parameters or options
 */
export function simulateCustomers(rng: Rng, params: BgNbdParams, n: number, options: SimulationOptions = {}): SimulatedCustomers {
  const { r, alpha, a, b } = params;
  for (const [k, v] of Object.entries(params)) if (!(v > 0) || !Number.isFinite(v)) throw new ValidationError(`simulateCustomers: ${k} must be finite and > 0, got ${v}`);
  if (!Number.isInteger(n) || n < 0) throw new ValidationError(`simulateCustomers: n must be a whole number >= 0, got ${n}`);
  const minAge = options.minAgeWeeks ?? 1;
  const maxAge = options.maxAgeWeeks ?? 52;
  const holdout = options.holdoutWeeks ?? 0;
  if (!(minAge >= 0 && maxAge >= minAge && Number.isFinite(maxAge))) throw new ValidationError(`simulateCustomers: need 0 <= minAgeWeeks <= maxAgeWeeks, got ${minAge} and ${maxAge}`);
  if (!(holdout >= 0) || !Number.isFinite(holdout)) throw new ValidationError(`simulateCustomers: holdoutWeeks must be finite and >= 0, got ${holdout}`);
  const dayGrid = options.dayGrid ?? false;
  const spend = options.spend;
  const frequency = new Float64Array(n);
  const recency = new Float64Array(n);
  const T = new Float64Array(n);
  const monetaryValue = new Float64Array(n);
  const holdoutFrequency = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const lambda = rng.gamma(r) / alpha;
    const p = rng.beta(a, b);
    let age = minAge + rng.uniform() * (maxAge - minAge);
    let x = 0;
    let last = 0;
    let holdoutCount = 0;
    let t = 0;
    if (dayGrid) {
      // Whole days: the first purchase happens at a uniform time of day `offset`; a purchase at
      // time t (weeks after the first) falls on day floor(offset + 7 t); the calibration covers the
      // first purchase day through day D = 7 T inclusive, the holdout the next round(7 h) days.
      const lastCalibrationDay = Math.round(age * 7);
      age = lastCalibrationDay / 7;
      const lastHoldoutDay = lastCalibrationDay + Math.round(holdout * 7);
      const offset = rng.uniform();
      let previousDay = 0;
      for (;;) {
        t += rng.exponential() / lambda;
        const day = Math.floor(offset + 7 * t);
        if (!(day <= lastHoldoutDay)) break;
        if (day !== previousDay) {
          if (day <= lastCalibrationDay) {
            x++;
            last = day / 7;
          } else holdoutCount++;
          previousDay = day;
        }
        if (rng.uniform() < p) break; // drops out after this purchase
      }
    } else {
      const end = age + holdout;
      for (;;) {
        t += rng.exponential() / lambda;
        if (!(t <= end)) break;
        if (t <= age) {
          x++;
          last = t;
        } else holdoutCount++;
        if (rng.uniform() < p) break; // drops out after this purchase
      }
    }
    frequency[i] = x;
    recency[i] = last;
    T[i] = age;
    holdoutFrequency[i] = holdoutCount;
    if (spend && x > 0) {
      const nu = rng.gamma(spend.q) / spend.v;
      monetaryValue[i] = rng.gamma(spend.p * x) / (x * nu);
    }
  }
  return { frequency, recency, T, monetaryValue, holdoutFrequency };
}
