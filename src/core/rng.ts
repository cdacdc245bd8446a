/**
 * Seeded pseudo-random numbers. Every random choice in the project draws from
 * an {@link Rng} made from an explicit seed, so the same seed gives the same
 * bytes. Never `Math.random`.
 *
 * Generator: xoshiro128** (Blackman & Vigna 2018), 32-bit state words, seeded
 * through splitmix32 so that nearby integer seeds give unrelated streams.
 */

function splitmix32(state: number): [number, number] {
  state = (state + 0x9e3779b9) | 0;
  let z = state;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  z ^= z >>> 16;
  return [state, z >>> 0];
}

/** A seeded random source with the distributions the models need. */
export class Rng {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;
  private spareNormal: number | null = null;

  /**
   * @param seed any finite number; non-integers are hashed by their bits.
   * @param stream optional stream number: `new Rng(seed, k)` gives independent streams for workers.
   */
  constructor(seed: number, stream = 0) {
    if (!Number.isFinite(seed)) throw new Error('Rng requires a finite seed');
    let st = (Math.floor(seed) ^ Math.imul(stream + 1, 0x27d4eb2d)) | 0;
    st = (st + Math.floor(seed / 4294967296)) | 0;
    let v: number;
    [st, v] = splitmix32(st);
    this.s0 = v | 0;
    [st, v] = splitmix32(st);
    this.s1 = v | 0;
    [st, v] = splitmix32(st);
    this.s2 = v | 0;
    [st, v] = splitmix32(st);
    this.s3 = v | 0;
    if ((this.s0 | this.s1 | this.s2 | this.s3) === 0) this.s0 = 1;
  }

  /** Next 32-bit unsigned integer. */
  nextUint32(): number {
    const result = Math.imul(rotl(Math.imul(this.s1, 5), 7), 9);
    const t = this.s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotl(this.s3, 11);
    return result >>> 0;
  }

  /** Uniform on [0, 1) with 53 random bits. */
  uniform(): number {
    const hi = this.nextUint32() >>> 5; // 27 bits
    const lo = this.nextUint32() >>> 6; // 26 bits
    return (hi * 67108864 + lo) / 9007199254740992;
  }

  /** Uniform integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.uniform() * n);
  }

  /** Standard normal (Marsaglia polar method). */
  normal(): number {
    if (this.spareNormal !== null) {
      const s = this.spareNormal;
      this.spareNormal = null;
      return s;
    }
    let u: number, v: number, s: number;
    do {
      u = 2 * this.uniform() - 1;
      v = 2 * this.uniform() - 1;
      s = u * u + v * v;
    } while (s >= 1 || s === 0);
    const m = Math.sqrt((-2 * Math.log(s)) / s);
    this.spareNormal = v * m;
    return u * m;
  }

  /** Exponential with rate 1. */
  exponential(): number {
    return -Math.log(1 - this.uniform());
  }

  /** Gamma(shape, scale = 1) by Marsaglia & Tsang (2000); shape > 0. */
  gamma(shape: number): number {
    if (!(shape > 0)) throw new Error(`Rng.gamma requires shape > 0, got ${shape}`);
    if (shape < 1) {
      // Boost: G(a) = G(a + 1) * U^(1/a)
      return this.gamma(shape + 1) * (this.uniform() || 1e-300) ** (1 / shape);
    }
    const d = shape - 1 / 3;
    const c = 1 / Math.sqrt(9 * d);
    for (;;) {
      let x: number, v: number;
      do {
        x = this.normal();
        v = 1 + c * x;
      } while (v <= 0);
      v = v * v * v;
      const u = this.uniform();
      if (u < 1 - 0.0331 * x * x * x * x) return d * v;
      if (Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) return d * v;
    }
  }

  /** Beta(a, b) from two gammas. */
  beta(a: number, b: number): number {
    const x = this.gamma(a);
    const y = this.gamma(b);
    return x / (x + y);
  }

  /** Poisson(lambda): inversion for small lambda, PTRS-free normal-gamma split for large. */
  poisson(lambda: number): number {
    if (!(lambda >= 0)) throw new Error(`Rng.poisson requires lambda >= 0, got ${lambda}`);
    if (lambda === 0) return 0;
    if (lambda < 30) {
      const L = Math.exp(-lambda);
      let k = 0;
      let p = this.uniform();
      while (p > L) {
        k++;
        p *= this.uniform();
      }
      return k;
    }
    // Large lambda: count arrivals of gamma-distributed blocks (exact, Knuth / Ahrens-Dieter splitting).
    const m = Math.floor(lambda * 0.875);
    const g = this.gamma(m);
    if (g > lambda) return this.binomial(m - 1, lambda / g);
    return m + this.poisson(lambda - g);
  }

  /** Binomial(n, p) by waiting-time for small n*p, beta splitting otherwise (exact). */
  binomial(n: number, p: number): number {
    if (n <= 0 || p <= 0) return 0;
    if (p >= 1) return n;
    if (n < 40) {
      let k = 0;
      for (let i = 0; i < n; i++) if (this.uniform() < p) k++;
      return k;
    }
    const a = 1 + Math.floor(n / 2);
    const b = n + 1 - a;
    const x = this.beta(a, b);
    if (x >= p) return this.binomial(a - 1, p / x);
    return a + this.binomial(b - 1, (p - x) / (1 - x));
  }

  /** Fisher-Yates shuffle in place; returns the array. */
  shuffle<T>(arr: T[]): T[] {
    for (let i = arr.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const t = arr[i];
      arr[i] = arr[j];
      arr[j] = t;
    }
    return arr;
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}
