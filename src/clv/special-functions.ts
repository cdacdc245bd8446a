/**
 * Special functions the CLV models need: log-gamma, digamma, a stable
 * log(e^u + e^v), and expm1(y)/y. Double precision, no dependencies.
 */

const HALF_LOG_TWO_PI = 0.9189385332046728;
/** Below this argument the recurrences shift up before the asymptotic series is used. */
const ASYMPTOTIC_FROM = 10;

/**
 * ln Γ(x) for x > 0: Stirling's asymptotic series (terms to x^-13) for x >= 10,
 * shifted up with ln Γ(x) = ln Γ(x + n) - ln(x (x+1) ... (x+n-1)) below that.
 * Absolute error about 1e-15 (relative error about 1e-15 away from the zeros at 1 and 2).
 * @param x a positive finite number
 * @returns NaN for x <= 0 or NaN
 * @example logGamma(5); // => 3.1780538303479458 (= ln 24)
 */
export function logGamma(x: number): number {
  if (!(x > 0)) return NaN;
  if (x === Infinity) return Infinity;
  let shift = 0;
  if (x < ASYMPTOTIC_FROM) {
    // ln(x (x+1) ... (x+n-1)) as one product: n <= 10 factors below 10 cannot overflow.
    let product = 1;
    while (x < ASYMPTOTIC_FROM) {
      product *= x;
      x += 1;
    }
    shift = Math.log(product);
  }
  const inv = 1 / x;
  const inv2 = inv * inv;
  // 1/(12x) - 1/(360x^3) + 1/(1260x^5) - 1/(1680x^7) + 1/(1188x^9) - 691/(360360x^11) + 1/(156x^13)
  const series = inv * (1 / 12 + inv2 * (-1 / 360 + inv2 * (1 / 1260 + inv2 * (-1 / 1680 + inv2 * (1 / 1188 + inv2 * (-691 / 360360 + inv2 / 156))))));
  return (x - 0.5) * Math.log(x) - x + HALF_LOG_TWO_PI + series - shift;
}

/**
 * Digamma ψ(x) = d/dx ln Γ(x) for x > 0: asymptotic series (Bernoulli terms to x^-14)
 * for x >= 10, shifted with ψ(x) = ψ(x + 1) - 1/x below that. Absolute error about 1e-15.
 * @param x a positive finite number
 * @returns NaN for x <= 0 or NaN
 * @example digamma(1); // => -0.5772156649015329 (minus the Euler-Mascheroni constant)
 */
export function digamma(x: number): number {
  if (!(x > 0)) return NaN;
  if (x === Infinity) return Infinity;
  let shift = 0;
  while (x < ASYMPTOTIC_FROM) {
    shift += 1 / x;
    x += 1;
  }
  const inv = 1 / x;
  const inv2 = inv * inv;
  // ln x - 1/(2x) - [1/(12x^2) - 1/(120x^4) + 1/(252x^6) - 1/(240x^8) + 1/(132x^10) - 691/(32760x^12) + 1/(12x^14)]
  const series = inv2 * (1 / 12 + inv2 * (-1 / 120 + inv2 * (1 / 252 + inv2 * (-1 / 240 + inv2 * (1 / 132 + inv2 * (-691 / 32760 + inv2 / 12))))));
  return Math.log(x) - 0.5 * inv - series - shift;
}

/**
 * ln(e^u + e^v) without overflow or underflow (log-sum-exp of two terms).
 * @example logAddExp(1000, 1000); // => 1000.6931471805599
 */
export function logAddExp(u: number, v: number): number {
  if (u === -Infinity) return v;
  if (v === -Infinity) return u;
  return u > v ? u + Math.log1p(Math.exp(v - u)) : v + Math.log1p(Math.exp(u - v));
}

/**
 * (e^y - 1) / y, continuous at y = 0 (where it is 1). Used for (1 - (1-z)^(a-1)) / (a-1)
 * as a -> 1 in the BG/NBD expectations.
 * @example expm1OverX(0); // => 1
 */
export function expm1OverX(y: number): number {
  if (Math.abs(y) < 1e-5) return 1 + y * (0.5 + y * (1 / 6 + y / 24));
  return Math.expm1(y) / y;
}
