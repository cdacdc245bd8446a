/**
 * The numerical kernel of the MMM: media transforms written into caller-owned
 * buffers, the bound-constrained ridge solve, and the per-candidate evaluator
 * of the hyperparameter search.
 *
 * This module has NO imports and only top-level `function` declarations that
 * call each other and JavaScript globals. That is deliberate: the search ships
 * the source text of these functions to plain worker threads (see
 * `search-worker.ts`), which then start in ~40 ms instead of ~400 ms for a
 * worker that has to load the TypeScript toolchain. Keep it that way: no
 * imports, no module-level constants, no closures over module state.
 *
 * Public, allocating and argument-checking versions of these functions live in
 * `transforms.ts` and `ridge.ts`; use those outside hot loops.
 */

/** Adstock kinds as small integers (kernel encoding). */
export function adstockCode(kind: string): number {
  if (kind === 'geometric') return 0;
  if (kind === 'weibull_cdf') return 1;
  if (kind === 'weibull_pdf') return 2;
  if (kind === 'binomial') return 3;
  throw new Error(`unknown adstock kind "${kind}"`);
}

/**
 * Geometric adstock into `out`: d[t] = x[t] + theta * d[t-1], d[-1] = `carry`;
 * if `normalised`, the written series is (1 - theta) * d. Returns the last
 * unnormalised state d[n-1] (the carry for the following week).
 */
export function geometricAdstockInto(x: Float64Array, xOff: number, n: number, theta: number, normalised: boolean, carry: number, out: Float64Array, outOff: number): number {
  let d = carry;
  const f = normalised ? 1 - theta : 1;
  for (let t = 0; t < n; t++) {
    d = x[xOff + t] + theta * d;
    out[outOff + t] = f * d;
  }
  return d;
}

/** R's round(): to nearest integer, halves to even (IEC 60559), as Robyn's `round(quantile(...), 0)`. */
export function roundHalfEven(v: number): number {
  const r = Math.round(v);
  return Math.abs(v % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/**
 * Weibull adstock weights for lags 0..windowLength-1, as Robyn's
 * `adstock_weibull` (R/transformation.R): scaleTrans = round(quantile(1:L, scale))
 * = round(1 + scale (L - 1)); CDF: w = cumprod(c(1, 1 - pweibull(1:(L-1), shape, scaleTrans)));
 * PDF: w = min-max-normalised dweibull(1:L, shape, scaleTrans). shape = 0 gives all zeros.
 */
export function weibullWeightsInto(kind: number, shape: number, scale: number, windowLength: number, out: Float64Array): void {
  const L = windowLength;
  if (shape === 0) {
    for (let l = 0; l < L; l++) out[l] = 0;
    return;
  }
  const lambda = roundHalfEven(1 + scale * (L - 1));
  if (kind === 1) {
    // 1 - pweibull(i) = exp(-(i/lambda)^shape); cumulative product = exp(-sum of the powers).
    let acc = 0;
    out[0] = 1;
    for (let l = 1; l < L; l++) {
      acc += (l / lambda) ** shape;
      out[l] = Math.exp(-acc);
    }
    return;
  }
  // PDF: dweibull(x) = (k/lam) (x/lam)^(k-1) exp(-(x/lam)^k) at x = 1..L, then min-max normalised.
  let lo = Infinity;
  let hi = -Infinity;
  for (let l = 0; l < L; l++) {
    const z = (l + 1) / lambda;
    const v = (shape / lambda) * z ** (shape - 1) * Math.exp(-(z ** shape));
    out[l] = v;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  const range = hi - lo;
  if (!(range > 0)) {
    out[0] = 1;
    for (let l = 1; l < L; l++) out[l] = 0;
    return;
  }
  for (let l = 0; l < L; l++) out[l] = (out[l] - lo) / range;
}

/**
 * Convolution adstock: out[t] = sum_{l=0..t+h} w[l] x[t-l] where the series
 * x has `h` weeks of history before offset xOff (x[xOff - h .. xOff - 1]), so
 * spend before the written window still carries over. Lags beyond the weight
 * vector's length contribute nothing.
 */
export function convolveAdstockInto(x: Float64Array, xOff: number, history: number, n: number, w: Float64Array, wLen: number, out: Float64Array, outOff: number): void {
  for (let t = 0; t < n; t++) {
    let s = 0;
    const maxLag = Math.min(t + history, wLen - 1);
    const base = xOff + t;
    for (let l = 0; l <= maxLag; l++) s += w[l] * x[base - l];
    out[outOff + t] = s;
  }
}

/**
 * Hill saturation in place: a -> a^alpha / (a^alpha + k^alpha) (0 for a <= 0),
 * computed as 1 / (1 + exp(alpha (ln k - ln a))). k <= 0 gives 1 for a > 0.
 */
export function hillInPlace(a: Float64Array, off: number, n: number, alpha: number, k: number): void {
  if (!(k > 0)) {
    for (let t = 0; t < n; t++) a[off + t] = a[off + t] > 0 ? 1 : 0;
    return;
  }
  const lk = Math.log(k);
  for (let t = 0; t < n; t++) {
    const v = a[off + t];
    a[off + t] = v > 0 ? 1 / (1 + Math.exp(alpha * (lk - Math.log(v)))) : 0;
  }
}

/** Log saturation in place: a -> log1p(a / s) for s > 0 (a >= 0). */
export function logSaturationInPlace(a: Float64Array, off: number, n: number, s: number): void {
  const inv = s > 0 ? 1 / s : 0;
  for (let t = 0; t < n; t++) a[off + t] = Math.log1p(a[off + t] * inv);
}

/**
 * Cholesky solve of the sub-system A[idx, idx] z = c[idx] (A row-major p x p,
 * symmetric positive definite on the subset). `L` is scratch of size m*m.
 * A pivot that is not positive (numerically singular subset) is replaced by a
 * tiny positive number, which pins that coordinate near zero.
 */
export function choleskySubsetSolve(p: number, A: Float64Array, c: Float64Array, idx: Int32Array, m: number, L: Float64Array, z: Float64Array): void {
  for (let i = 0; i < m; i++) {
    const ii = idx[i];
    for (let j = 0; j <= i; j++) {
      let s = A[ii * p + idx[j]];
      for (let k = 0; k < j; k++) s -= L[i * m + k] * L[j * m + k];
      if (i === j) {
        L[i * m + i] = Math.sqrt(Math.max(s, 1e-300));
      } else {
        L[i * m + j] = s / L[j * m + j];
      }
    }
  }
  for (let i = 0; i < m; i++) {
    let s = c[idx[i]];
    for (let k = 0; k < i; k++) s -= L[i * m + k] * z[k];
    z[i] = s / L[i * m + i];
  }
  for (let i = m - 1; i >= 0; i--) {
    let s = z[i];
    for (let k = i + 1; k < m; k++) s -= L[k * m + i] * z[k];
    z[i] = s / L[i * m + i];
  }
}

/**
 * Exact minimiser of (1/2) x'Ax - c'x subject to sign bounds, A symmetric
 * positive definite (p x p, row-major). sign[i] = 0: free; 1: x_i >= 0;
 * -1: x_i <= 0. Method: the unconstrained solution if it is feasible, else the
 * Lawson-Hanson active-set method (Lawson & Hanson 1974, ch. 23) generalised
 * to a quadratic with free variables; it terminates in finitely many steps at
 * the KKT point. Writes x; returns the number of active-set iterations.
 * `work` needs p*p + 3p doubles, `iwork` 2p ints.
 */
export function solveBoundedQp(p: number, A: Float64Array, c: Float64Array, sign: Int8Array, x: Float64Array, work: Float64Array, iwork: Int32Array): number {
  const L = work;
  const z = work.subarray(p * p, p * p + p);
  const cf = work.subarray(p * p + p, p * p + 2 * p);
  const w = work.subarray(p * p + 2 * p, p * p + 3 * p);
  const idx = iwork;
  const passive = iwork.subarray(p, 2 * p); // 1 if in passive (free to move) set
  // Flip columns with sign -1 so every bound reads x_i >= 0: A'_ij = s_i s_j A_ij, c'_i = s_i c_i.
  // Done implicitly: cf holds flipped c; A entries are multiplied on use via sgn().
  let anyNeg = false;
  for (let i = 0; i < p; i++) {
    if (sign[i] === -1) anyNeg = true;
    cf[i] = sign[i] === -1 ? -c[i] : c[i];
  }
  let Af = A;
  if (anyNeg) {
    // Rare path (negative-signed controls): build the flipped matrix in w-sized pieces is not
    // possible in place, so allocate once here.
    Af = new Float64Array(p * p);
    for (let i = 0; i < p; i++) {
      const si = sign[i] === -1 ? -1 : 1;
      for (let j = 0; j < p; j++) Af[i * p + j] = si * (sign[j] === -1 ? -1 : 1) * A[i * p + j];
    }
  }
  // 1) Unconstrained solve.
  for (let i = 0; i < p; i++) idx[i] = i;
  choleskySubsetSolve(p, Af, cf, idx, p, L, z);
  let feasible = true;
  for (let i = 0; i < p; i++) if (sign[i] !== 0 && z[i] < 0) feasible = false;
  let iterations = 0;
  if (feasible) {
    for (let i = 0; i < p; i++) x[i] = z[i];
  } else {
    // 2) Lawson-Hanson: start with every bounded variable at its bound (0), free ones passive.
    let m = 0;
    for (let i = 0; i < p; i++) {
      passive[i] = sign[i] === 0 ? 1 : 0;
      x[i] = 0;
      if (passive[i]) idx[m++] = i;
    }
    if (m > 0) {
      choleskySubsetSolve(p, Af, cf, idx, m, L, z);
      for (let k = 0; k < m; k++) x[idx[k]] = z[k];
    }
    let scale = 0;
    for (let i = 0; i < p; i++) scale = Math.max(scale, Math.abs(cf[i]));
    const tol = 1e-11 * (scale > 0 ? scale : 1);
    const maxIter = 10 * p + 10;
    while (iterations < maxIter) {
      iterations++;
      // Negative gradient w = c - A x on the bounded, active variables.
      let best = -1;
      let bestW = tol;
      for (let i = 0; i < p; i++) {
        if (passive[i]) continue;
        let s = cf[i];
        for (let j = 0; j < p; j++) s -= Af[i * p + j] * x[j];
        w[i] = s;
        if (s > bestW) {
          bestW = s;
          best = i;
        }
      }
      if (best < 0) break;
      passive[best] = 1;
      for (let inner = 0; inner <= p; inner++) {
        m = 0;
        for (let i = 0; i < p; i++) if (passive[i]) idx[m++] = i;
        choleskySubsetSolve(p, Af, cf, idx, m, L, z);
        let alpha = 2;
        for (let k = 0; k < m; k++) {
          const i = idx[k];
          if (sign[i] !== 0 && z[k] <= 0) {
            const a = x[i] / (x[i] - z[k]);
            if (a < alpha) alpha = a;
          }
        }
        if (alpha === 2) {
          for (let i = 0; i < p; i++) x[i] = 0;
          for (let k = 0; k < m; k++) x[idx[k]] = z[k];
          break;
        }
        // Step towards z until the first bounded variable hits zero; release those at zero.
        const zk = w; // reuse: expand z to full length
        for (let i = 0; i < p; i++) zk[i] = 0;
        for (let k = 0; k < m; k++) zk[idx[k]] = z[k];
        for (let i = 0; i < p; i++) {
          if (!passive[i]) continue;
          x[i] += alpha * (zk[i] - x[i]);
          if (sign[i] !== 0 && x[i] <= 1e-15 * (1 + Math.abs(zk[i]))) {
            x[i] = 0;
            passive[i] = 0;
          }
        }
      }
    }
  }
  if (anyNeg) for (let i = 0; i < p; i++) if (sign[i] === -1) x[i] = -x[i];
  return iterations;
}

/**
 * Weighted standardised ridge with sign bounds on the rows listed in `rows`
 * (a row may repeat: bootstrap). Columns are centred and scaled by their mean
 * and standard deviation over those rows; the intercept is not penalised.
 * Minimises (1/n)||y - b0 - Z b||^2 + lambda ||b||^2 over b with sign bounds.
 * cols: nCols columns of length nWeeks, column-major. Writes coefficients in
 * original units into coefRaw and returns the intercept (original units).
 * A column with no variation over the rows gets coefficient 0. interceptSign
 * 1 bounds the intercept (original units) at >= 0, 0 leaves it free.
 */
export function fitRidgeRows(
  nCols: number,
  nWeeks: number,
  cols: Float64Array,
  y: Float64Array,
  rows: Int32Array,
  nRows: number,
  lambda: number,
  sign: Int8Array,
  coefRaw: Float64Array,
  interceptSign: number,
): number {
  const p = nCols;
  const mean = new Float64Array(p);
  const sd = new Float64Array(p);
  let ybar = 0;
  for (let r = 0; r < nRows; r++) ybar += y[rows[r]];
  ybar /= nRows;
  const active = new Int32Array(p);
  let q = 0;
  for (let j = 0; j < p; j++) {
    const o = j * nWeeks;
    let s = 0;
    for (let r = 0; r < nRows; r++) s += cols[o + rows[r]];
    const mu = s / nRows;
    let ss = 0;
    for (let r = 0; r < nRows; r++) {
      const d = cols[o + rows[r]] - mu;
      ss += d * d;
    }
    mean[j] = mu;
    sd[j] = Math.sqrt(ss / nRows);
    const scale = Math.max(Math.abs(mu), sd[j]);
    if (sd[j] > 1e-10 * (scale > 0 ? scale : 1)) active[q++] = j;
    coefRaw[j] = 0;
  }
  const A = new Float64Array(q * q);
  const c = new Float64Array(q);
  const sgn = new Int8Array(q);
  for (let a = 0; a < q; a++) {
    const ja = active[a];
    const oa = ja * nWeeks;
    sgn[a] = sign[ja];
    let sc = 0;
    for (let r = 0; r < nRows; r++) sc += (cols[oa + rows[r]] - mean[ja]) * (y[rows[r]] - ybar);
    c[a] = sc / (nRows * sd[ja]);
    for (let b = 0; b <= a; b++) {
      const jb = active[b];
      const ob = jb * nWeeks;
      let s = 0;
      for (let r = 0; r < nRows; r++) s += (cols[oa + rows[r]] - mean[ja]) * (cols[ob + rows[r]] - mean[jb]);
      const v = s / (nRows * sd[ja] * sd[jb]);
      A[a * q + b] = v;
      A[b * q + a] = v;
    }
    A[a * q + a] += lambda;
  }
  const bStd = new Float64Array(q);
  const work = new Float64Array(q * q + 3 * q);
  const iwork = new Int32Array(2 * q);
  if (q > 0) solveBoundedQp(q, A, c, sgn, bStd, work, iwork);
  let intercept = ybar;
  for (let a = 0; a < q; a++) intercept -= (bStd[a] / sd[active[a]]) * mean[active[a]];
  if (interceptSign === 1 && intercept < 0 && q > 0) {
    // The intercept at its bound 0: the exact constrained optimum (the only other constraints
    // are sign bounds, and the objective is strictly convex) is the fit without an intercept on
    // the scaled, uncentred columns u = x / sd: (1/n) u'u = A + m m' and (1/n) u'y = c + m ybar,
    // m = mean / sd. Robyn does the same (refit without intercept when it comes out negative).
    for (let a = 0; a < q; a++) {
      const ma = mean[active[a]] / sd[active[a]];
      for (let b = 0; b < q; b++) A[a * q + b] += ma * (mean[active[b]] / sd[active[b]]);
      c[a] += ma * ybar;
    }
    solveBoundedQp(q, A, c, sgn, bStd, work, iwork);
    intercept = 0;
  }
  for (let a = 0; a < q; a++) coefRaw[active[a]] = bStd[a] / sd[active[a]];
  return intercept;
}

/** Logistic saturation in place (PyMC-Marketing's): a -> (1 - e^(-a/k)) / (1 + e^(-a/k)) = tanh(a / 2k), k > 0. */
export function logisticInPlace(a: Float64Array, off: number, n: number, k: number): void {
  const inv = k > 0 ? 0.5 / k : 0;
  for (let t = 0; t < n; t++) a[off + t] = Math.tanh(a[off + t] * inv);
}

/** Michaelis-Menten saturation in place: a -> a / (k + a) (Hill with alpha 1; Meridian's default slope), 0 for a <= 0. */
export function michaelisMentenInPlace(a: Float64Array, off: number, n: number, k: number): void {
  for (let t = 0; t < n; t++) {
    const v = a[off + t];
    a[off + t] = v > 0 ? v / (k + v) : 0;
  }
}

/** Number of parameters of an adstock kind (geometric: theta; Weibull: shape, scale). */
export function adstockParamCount(adstock: number): number {
  return adstock === 0 || adstock === 3 ? 1 : 2;
}

/**
 * Meridian's binomial adstock weights (meridian/model/adstock_hill.py) for lags
 * 0..maxLag: w_l = (1 - l / (maxLag + 1))^(1 / decay - 1), decay in (0, 1]
 * (1: every lag alike; towards 0: the week of spend only). Unnormalised (the
 * saturation's scale is relative to the largest adstocked value).
 */
export function binomialWeightsInto(decay: number, maxLag: number, out: Float64Array): void {
  const e = 1 / Math.max(decay, 1e-9) - 1;
  for (let l = 0; l <= maxLag; l++) out[l] = (1 - l / (maxLag + 1)) ** e;
}

/** Number of parameters of a saturation kind (Hill: alpha, gamma; log, logistic, Michaelis-Menten: gamma). */
export function saturationParamCount(saturation: number): number {
  return saturation === 0 ? 2 : 1;
}

/**
 * Writes one media column's transformed series (adstock then saturation) for
 * the parameters p[pOff..] (adstock kind 0 geometric [theta], 1/2 Weibull CDF/PDF
 * [shape, scale], 3 binomial over 8 lags [decay]; then saturation kind 0 Hill [alpha, gamma], 1 log [gamma],
 * 2 logistic [lam], 3 Michaelis-Menten [ec]). The spend series has N
 * weeks of which the first `warm` only warm up the adstock: the n = N - warm
 * window weeks are written to out[outOff..outOff+n). The saturation's scale
 * k, with M the largest adstocked value over the window: gamma M (Hill, log),
 * M / lam (logistic), ec M (Michaelis-Menten). Returns k.
 * `wbuf` holds >= 2N doubles (adstocked series, then Weibull weights).
 */
export function transformChannelInto(
  spend: Float64Array,
  sOff: number,
  N: number,
  warm: number,
  adstock: number,
  normalised: boolean,
  saturation: number,
  p: Float64Array,
  pOff: number,
  out: Float64Array,
  outOff: number,
  wbuf: Float64Array,
): number {
  let h = pOff;
  if (adstock === 0) {
    geometricAdstockInto(spend, sOff, N, p[h], normalised, 0, wbuf, 0);
    h += 1;
  } else if (adstock === 3) {
    const w = wbuf.subarray(N, 2 * N);
    const L = Math.min(8, N - 1);
    binomialWeightsInto(p[h], L, w);
    convolveAdstockInto(spend, sOff, 0, N, w, L + 1, wbuf, 0);
    h += 1;
  } else {
    const w = wbuf.subarray(N, 2 * N);
    weibullWeightsInto(adstock, p[h], p[h + 1], N, w);
    convolveAdstockInto(spend, sOff, 0, N, w, N, wbuf, 0);
    h += 2;
  }
  const n = N - warm;
  let mx = 0;
  for (let t = 0; t < n; t++) {
    const v = wbuf[warm + t];
    out[outOff + t] = v;
    if (v > mx) mx = v;
  }
  if (saturation === 0) {
    const k = p[h + 1] * mx;
    hillInPlace(out, outOff, n, p[h], k);
    return k;
  }
  // log: s = gamma max; logistic: k = max / lam (PyMC's lam on max-scaled media); Michaelis-Menten: k = ec max.
  const k = saturation === 2 ? mx / p[h] : p[h] * mx;
  if (saturation === 1) logSaturationInPlace(out, outOff, n, k);
  else if (saturation === 2) logisticInPlace(out, outOff, n, k);
  else michaelisMentenInPlace(out, outOff, n, k);
  return k;
}

/**
 * The family of media column j in a candidate and its decoded parameters
 * (written to p[0..]): with one family (st.famCount[j] = 1) the parameters are
 * hp[hpOff[j]..] as decoded by decodeUnitInto; with several, hp[hpOff[j]] in
 * [0, 1) selects family floor(u x count) and the following unit values are
 * mapped onto that family's ranges (famLo, famHi, log10 where famLog), in the
 * same way decodeUnitInto maps a dimension. Returns the family index.
 */
export function columnFamilyInto(st: any, j: number, hp: Float64Array, p: Float64Array): number {
  const F = st.maxFam;
  const count = st.famCount[j];
  const o = st.hpOff[j];
  if (count === 1) {
    const np = adstockParamCount(st.famAd[j * F]) + saturationParamCount(st.famSat[j * F]);
    for (let k = 0; k < np; k++) p[k] = hp[o + k];
    return 0;
  }
  let f = Math.floor(hp[o] * count);
  if (f >= count) f = count - 1;
  if (f < 0) f = 0;
  const g = j * F + f;
  const np = adstockParamCount(st.famAd[g]) + saturationParamCount(st.famSat[g]);
  for (let k = 0; k < np; k++) {
    const r = g * 4 + k;
    const v = st.famLo[r] + hp[o + 1 + k] * (st.famHi[r] - st.famLo[r]);
    p[k] = st.famLog[r] ? 10 ** v : v;
  }
  return f;
}

/**
 * Writes media column j's transformed window series for candidate `hp` (see
 * columnFamilyInto and transformChannelInto); st carries spend, nWeeks,
 * warmup, normalised and the family tables. `pbuf` holds >= 4 doubles.
 * Returns the saturation scale k.
 */
export function transformColumnInto(st: any, j: number, hp: Float64Array, out: Float64Array, outOff: number, wbuf: Float64Array, pbuf: Float64Array): number {
  const f = columnFamilyInto(st, j, hp, pbuf);
  const g = j * st.maxFam + f;
  const N = st.nWeeks + st.warmup;
  return transformChannelInto(st.spend, j * N, N, st.warmup, st.famAd[g], st.normalised, st.famSat[g], pbuf, 0, out, outOff, wbuf);
}

/**
 * Weak prior on the Hill alphas, as a relative penalty on the validation error:
 * sum over media columns with a Hill alpha of z^2, z = ln(alpha / c) / ln(sqrt(hi / lo)),
 * c = sqrt(lo hi) the geometric middle of the column's alpha range [lo, hi]
 * (z = -1 and 1 at its ends). alphaDim[j] is the index of column j's alpha in
 * hp (-1: none); lower/upper are the search bounds. Columns with a fixed or
 * non-positive alpha range contribute 0.
 */
export function alphaPriorTerm(hp: Float64Array, alphaDim: Int32Array, lower: Float64Array, upper: Float64Array): number {
  let s = 0;
  for (let j = 0; j < alphaDim.length; j++) {
    const d = alphaDim[j];
    if (d < 0) continue;
    const lo = lower[d];
    const hi = upper[d];
    if (!(hi > lo) || !(lo > 0)) continue;
    const z = Math.log(hp[d] / Math.sqrt(lo * hi)) / Math.log(Math.sqrt(hi / lo));
    s += z * z;
  }
  return s;
}

/**
 * Builds the reusable state of the candidate evaluator from a plain spec (see
 * `SearchSpec` in search.ts). Columns are standardised over all weeks; column
 * 0 of the system is the (unpenalised) intercept. The search scores a
 * candidate by rolling-origin validation: fold k fits on weeks [0, cuts[k])
 * and predicts weeks [cuts[k], cuts[k] + horizon). Everything that does not
 * depend on the candidate (the baseline block of every prefix Gram matrix) is
 * computed here once, and every buffer the evaluation needs is allocated here.
 */
export function createEvaluator(spec: any): any {
  const n = spec.nWeeks;
  const nb = spec.nBase;
  const nc = spec.nMedia;
  const nPaid = spec.nChannels;
  const nCal = (spec.calChannel ?? []).length;
  const N = n + spec.warmup;
  const q = 1 + nb + nc;
  const K = spec.cuts.length;
  const ends = new Int32Array(K + 1);
  for (let k = 0; k < K; k++) ends[k] = spec.cuts[k];
  ends[K] = n;
  const y = spec.y;
  let ybar = 0;
  for (let t = 0; t < n; t++) ybar += y[t];
  ybar /= n;
  const yc = new Float64Array(n);
  for (let t = 0; t < n; t++) yc[t] = y[t] - ybar;
  // Standardised baseline columns over all weeks; mcol[a] = mean / sd of column a (the intercept constraint's shift).
  const zb = new Float64Array(nb * n);
  const mcol = new Float64Array(q);
  for (let j = 0; j < nb; j++) {
    let s = 0;
    for (let t = 0; t < n; t++) s += spec.baseline[j * n + t];
    const mu = s / n;
    let ss = 0;
    for (let t = 0; t < n; t++) {
      const d = spec.baseline[j * n + t] - mu;
      ss += d * d;
    }
    const sd = Math.sqrt(ss / n);
    const inv = sd > 0 ? 1 / sd : 0;
    mcol[1 + j] = mu * inv;
    for (let t = 0; t < n; t++) zb[j * n + t] = (spec.baseline[j * n + t] - mu) * inv;
  }
  // Prefix sums of the intercept/baseline block: G[k] = sum_{t < ends[k]} z_t z_t', cy[k] = sum z_t yc_t.
  const Gbase = new Float64Array((K + 1) * q * q);
  const cyBase = new Float64Array((K + 1) * q);
  for (let k = 0; k <= K; k++) {
    const e = ends[k];
    const G = k * q * q;
    for (let a = 0; a <= nb; a++) {
      for (let b = 0; b <= a; b++) {
        let s = 0;
        if (a === 0) s = e;
        else if (b === 0) for (let t = 0; t < e; t++) s += zb[(a - 1) * n + t];
        else for (let t = 0; t < e; t++) s += zb[(a - 1) * n + t] * zb[(b - 1) * n + t];
        Gbase[G + a * q + b] = s;
        Gbase[G + b * q + a] = s;
      }
      let sc = 0;
      if (a === 0) for (let t = 0; t < e; t++) sc += yc[t];
      else for (let t = 0; t < e; t++) sc += zb[(a - 1) * n + t] * yc[t];
      cyBase[k * q + a] = sc;
    }
  }
  // Sum of squared centred target per segment [ends[k-1], ends[k]) (segment 0 starts at week 0).
  const yySeg = new Float64Array(K + 1);
  for (let k = 0; k <= K; k++) {
    let s = 0;
    for (let t = k === 0 ? 0 : ends[k - 1]; t < ends[k]; t++) s += yc[t] * yc[t];
    yySeg[k] = s;
  }
  // Validation blocks coincide with the segments between prefix cuts when horizon = cut spacing:
  // then each fold's squared error comes from the Gram matrices, without a pass over the weeks.
  let aligned = true;
  for (let k = 0; k < K; k++) if (ends[k] + spec.horizon !== ends[k + 1]) aligned = false;
  let vMin = Infinity;
  let vMax = -Infinity;
  for (let t = ends[0]; t < n; t++) {
    if (y[t] < vMin) vMin = y[t];
    if (y[t] > vMax) vMax = y[t];
  }
  let aMin = Infinity;
  let aMax = -Infinity;
  for (let t = 0; t < n; t++) {
    if (y[t] < aMin) aMin = y[t];
    if (y[t] > aMax) aMax = y[t];
  }
  const sign = new Int8Array(q);
  for (let j = 0; j < nb; j++) sign[1 + j] = spec.baseSign[j];
  for (let j = 0; j < nc; j++) sign[1 + nb + j] = 1;
  // Spend shares of the paid channels over the window's weeks (DECOMP.RSSD); organic columns have none.
  const spendShare = new Float64Array(nPaid);
  let spendTotal = 0;
  for (let j = 0; j < nPaid; j++) {
    let s = 0;
    for (let t = spec.warmup; t < N; t++) s += spec.spend[j * N + t];
    spendShare[j] = s;
    spendTotal += s;
  }
  const spendTotals = Float64Array.from(spendShare);
  for (let j = 0; j < nPaid; j++) spendShare[j] = spendTotal > 0 ? spendShare[j] / spendTotal : 0;
  const sign2 = sign.subarray(1);
  return {
    n,
    N,
    warmup: spec.warmup,
    nb,
    nc,
    nPaid,
    q,
    K,
    ends,
    horizon: spec.horizon,
    ybar,
    yc,
    zb,
    mcol,
    Gbase,
    cyBase,
    yySeg,
    aligned,
    vRange: vMax - vMin > 0 ? vMax - vMin : 1,
    aRange: aMax - aMin > 0 ? aMax - aMin : 1,
    sign,
    sign2,
    interceptSign: spec.interceptSign,
    spendShare,
    alphaPrior: Math.max(spec.alphaPrior, 0),
    alphaDim: spec.alphaDim,
    calChannel: spec.calChannel ?? new Int32Array(0),
    calFrom: spec.calFrom ?? new Int32Array(0),
    calTo: spec.calTo ?? new Int32Array(0),
    calLift: spec.calLift ?? new Float64Array(0),
    calWeight: spec.calWeight ?? 0,
    mapeLift: 0,
    calEffect: new Float64Array((spec.calChannel ?? []).length),
    calMass: new Float64Array(nCal),
    // coefficientVariances: L^-1 e_c per paid channel (rows of q) and s^2 / nu; the joint terms' scratch (logPosterior):
    // at most a ROAS and a share prior per paid channel and one term per lift study.
    coefY: new Float64Array(nPaid * q),
    coefS2: 0,
    termCh: new Int32Array(2 * nPaid + nCal),
    termT: new Float64Array(2 * nPaid + nCal),
    termR: new Float64Array(2 * nPaid + nCal),
    termV: new Float64Array(2 * nPaid + nCal),
    termC: new Float64Array((2 * nPaid + nCal) ** 2),
    // Gaussian terms on what the coefficients imply need their variance (coefficientVariances).
    needVar: nCal > 0 || anyPositive(spec.posterior?.roasSd) || anyPositive(spec.posterior?.shareSd),
    Lv: new Float64Array(q * q),
    posterior: spec.posterior ? 1 : 0,
    nu: spec.posterior?.nu ?? n,
    spendTotal: spendTotals,
    yTotal: ybar * n,
    roasMean: spec.posterior?.roasMean,
    roasSd: spec.posterior?.roasSd,
    roasLogMean: spec.posterior?.roasLogMean,
    roasLogSd: spec.posterior?.roasLogSd,
    shareMean: spec.posterior?.shareMean,
    shareSd: spec.posterior?.shareSd,
    liftSe: spec.posterior?.liftSe,
    spend: spec.spend,
    maxFam: spec.maxFam,
    famCount: spec.famCount,
    famAd: spec.famAd,
    famSat: spec.famSat,
    famLo: spec.famLo,
    famHi: spec.famHi,
    famLog: spec.famLog,
    hpOff: spec.hpOff,
    normalised: !!spec.normalised,
    nWeeks: n,
    pbuf: new Float64Array(4),
    lower: spec.lower,
    upper: spec.upper,
    logScale: spec.logScale,
    dims: spec.dims,
    hp: new Float64Array(spec.dims),
    media: new Float64Array(nc * n),
    zm: new Float64Array(nc * n),
    mSum: new Float64Array(nc),
    mSd: new Float64Array(nc),
    G: new Float64Array((K + 1) * q * q),
    cy: new Float64Array((K + 1) * q),
    run: new Float64Array(nc * (q + 1)),
    A: new Float64Array(q * q),
    c: new Float64Array(q),
    b: new Float64Array(q),
    work: new Float64Array(q * q + 3 * q),
    iwork: new Int32Array(2 * q),
    A2: new Float64Array((q - 1) * (q - 1)),
    c2: new Float64Array(q - 1),
    b2: new Float64Array(q - 1),
    wbuf: new Float64Array(2 * N),
    contrib: new Float64Array(nPaid),
  };
}

/** Maps a point of the unit cube to hyperparameters (linear, or log10-linear where logScale[i] = 1). */
export function decodeUnitInto(st: any, u: Float64Array, uOff: number, hp: Float64Array): void {
  for (let i = 0; i < st.dims; i++) {
    const v = st.lower[i] + u[uOff + i] * (st.upper[i] - st.lower[i]);
    hp[i] = st.logScale[i] ? 10 ** v : v;
  }
}

/**
 * Solves the ridge system of prefix k (mean Gram + lambda on all but the
 * intercept) into st.b. With st.interceptSign = 1, an intercept below 0 in
 * original units (ybar + b0 - sum_a b_a mcol_a) is put at its bound instead
 * (see solvePrefixAtZeroIntercept).
 */
export function solvePrefix(st: any, k: number, lambda: number): void {
  const q = st.q;
  const e = st.ends[k];
  const G = st.G;
  const A = st.A;
  const c = st.c;
  const inv = 1 / e;
  const o = k * q * q;
  for (let i = 0; i < q * q; i++) A[i] = G[o + i] * inv;
  for (let i = 0; i < q; i++) c[i] = st.cy[k * q + i] * inv;
  for (let i = 1; i < q; i++) A[i * q + i] += lambda;
  solveBoundedQp(q, A, c, st.sign, st.b, st.work, st.iwork);
  if (st.interceptSign !== 1) return;
  let c0 = st.ybar + st.b[0];
  for (let a = 1; a < q; a++) c0 -= st.b[a] * st.mcol[a];
  if (c0 < 0) solvePrefixAtZeroIntercept(st, k, lambda);
}

/**
 * The ridge fit of prefix k with the intercept (original units) fixed at 0:
 * regressors u_a = z_a + mcol_a = x_a / sd_a, so u_a'u_b = G_ab + mcol_a G_0b
 * + mcol_b G_0a + mcol_a mcol_b e and u_a'y = cy_a + ybar G_0a + mcol_a (cy_0 + ybar e)
 * come from the prefix Gram matrix (e weeks). Writes st.b in the centred
 * layout (b0 = sum_a b_a mcol_a - ybar), so predictions need no change. This is
 * the exact optimum under the bound: the objective is strictly convex and the
 * other constraints are sign bounds.
 */
export function solvePrefixAtZeroIntercept(st: any, k: number, lambda: number): void {
  const q = st.q;
  const r = q - 1;
  const e = st.ends[k];
  const inv = 1 / e;
  const G = st.G;
  const o = k * q * q;
  const m = st.mcol;
  const ybar = st.ybar;
  const cy0 = st.cy[k * q];
  for (let a = 1; a < q; a++) {
    for (let b = 1; b < q; b++) st.A2[(a - 1) * r + b - 1] = (G[o + a * q + b] + m[a] * G[o + b] + m[b] * G[o + a] + m[a] * m[b] * e) * inv;
    st.A2[(a - 1) * r + a - 1] += lambda;
    st.c2[a - 1] = (st.cy[k * q + a] + ybar * G[o + a] + m[a] * (cy0 + ybar * e)) * inv;
  }
  solveBoundedQp(r, st.A2, st.c2, st.sign2, st.b2, st.work, st.iwork);
  let b0 = -ybar;
  for (let a = 1; a < q; a++) {
    st.b[a] = st.b2[a - 1];
    b0 += st.b2[a - 1] * m[a];
  }
  st.b[0] = b0;
}

/** Prediction (centred units) of week t from the coefficients in st.b. */
export function predictWeek(st: any, t: number): number {
  const n = st.n;
  const nb = st.nb;
  const b = st.b;
  let f = b[0];
  for (let a = 0; a < nb; a++) f += b[1 + a] * st.zb[a * n + t];
  for (let j = 0; j < st.nc; j++) f += b[1 + nb + j] * st.zm[j * n + t];
  return f;
}

/**
 * Scores one candidate (a point u of the unit cube; its last dimension is the
 * ridge lambda). Writes out[oOff] = the search objective: validation NRMSE
 * (RMSE pooled over the rolling-origin validation weeks / range of the actuals
 * over those weeks) x (1 + alphaPrior x alphaPriorTerm), see alphaPriorTerm,
 * x (1 + calWeight x MAPE.LIFT) when lift studies are given (MAPE.LIFT, the
 * mean absolute percentage error of the all-weeks fit's channel effect over
 * each study's weeks against the study's measured lift, is left in st.mapeLift);
 * out[oOff+1] = DECOMP.RSSD of the candidate fitted on all weeks: sqrt of the
 * summed squared differences between each paid channel's share of the paid
 * media effect and its share of spend; out[oOff+2] = in-sample NRMSE of that all-weeks fit.
 * Allocation-free.
 */
export function evaluateCandidate(st: any, u: Float64Array, uOff: number, out: Float64Array, oOff: number): void {
  const n = st.n;
  const nb = st.nb;
  const nc = st.nc;
  const q = st.q;
  const K = st.K;
  const hp = st.hp;
  const media = st.media;
  const zm = st.zm;
  const zb = st.zb;
  const yc = st.yc;
  const G = st.G;
  const cy = st.cy;
  const run = st.run;
  decodeUnitInto(st, u, uOff, hp);
  const lambda = hp[st.dims - 1];
  for (let j = 0; j < nc; j++) {
    const o = j * n;
    transformColumnInto(st, j, hp, media, o, st.wbuf, st.pbuf);
    let s = 0;
    let s2 = 0;
    for (let t = 0; t < n; t++) {
      const v = media[o + t];
      s += v;
      s2 += v * v;
    }
    const mu = s / n;
    st.mSum[j] = s;
    const varm = s2 / n - mu * mu;
    const sd = Math.sqrt(Math.max(varm, 0));
    const ok = sd > 1e-12 * (mu > 0 ? mu : 1);
    st.mSd[j] = ok ? sd : 0;
    const inv = ok ? 1 / sd : 0;
    st.mcol[1 + nb + j] = mu * inv;
    for (let t = 0; t < n; t++) zm[o + t] = (media[o + t] - mu) * inv;
  }
  // Prefix Gram matrices: baseline block copied, media rows accumulated segment by segment.
  G.set(st.Gbase);
  cy.set(st.cyBase);
  run.fill(0);
  let start = 0;
  // run layout per media j: [q entries: cross with intercept, baseline, media] then [y]
  const stride = q + 1;
  for (let k = 0; k <= K; k++) {
    const end = st.ends[k];
    for (let j = 0; j < nc; j++) {
      const o = j * n;
      const r = j * stride;
      let s0 = 0;
      let sy = 0;
      for (let t = start; t < end; t++) {
        s0 += zm[o + t];
        sy += zm[o + t] * yc[t];
      }
      run[r] += s0;
      run[r + q] += sy;
      for (let a = 0; a < nb; a++) {
        const oa = a * n;
        let s = 0;
        for (let t = start; t < end; t++) s += zm[o + t] * zb[oa + t];
        run[r + 1 + a] += s;
      }
      for (let m = 0; m <= j; m++) {
        const om = m * n;
        let s = 0;
        for (let t = start; t < end; t++) s += zm[o + t] * zm[om + t];
        run[r + 1 + nb + m] += s;
      }
    }
    const Go = k * q * q;
    for (let j = 0; j < nc; j++) {
      const row = 1 + nb + j;
      const r = j * stride;
      for (let a = 0; a <= 1 + nb + j; a++) {
        G[Go + row * q + a] = run[r + a];
        G[Go + a * q + row] = run[r + a];
      }
      cy[k * q + row] = run[r + q];
      if (st.mSd[j] === 0) G[Go + row * q + row] = 1;
    }
    start = end;
  }
  // Rolling-origin folds.
  let sse = 0;
  let cnt = 0;
  const b = st.b;
  for (let k = 0; k < K; k++) {
    solvePrefix(st, k, lambda);
    const e = st.ends[k];
    if (st.aligned) {
      // Block [ends[k], ends[k+1]): SSE = y'y - 2 b'X'y + b'X'X b from the prefix differences.
      const G1 = (k + 1) * q * q;
      const G0 = k * q * q;
      let quad = 0;
      let lin = 0;
      for (let i = 0; i < q; i++) {
        let r = 0;
        for (let j = 0; j < q; j++) r += (G[G1 + i * q + j] - G[G0 + i * q + j]) * b[j];
        quad += b[i] * r;
        lin += b[i] * (cy[(k + 1) * q + i] - cy[k * q + i]);
      }
      const blockSse = st.yySeg[k + 1] - 2 * lin + quad;
      sse += Math.max(blockSse, 0);
      cnt += st.ends[k + 1] - e;
    } else {
      const to = Math.min(n, e + st.horizon);
      for (let t = e; t < to; t++) {
        const d = yc[t] - predictWeek(st, t);
        sse += d * d;
        cnt++;
      }
    }
  }
  // All-weeks fit: in-sample error (from the Gram matrix) and DECOMP.RSSD.
  solvePrefix(st, K, lambda);
  let yyAll = 0;
  for (let k = 0; k <= K; k++) yyAll += st.yySeg[k];
  let quadAll = 0;
  let linAll = 0;
  const GK = K * q * q;
  for (let i = 0; i < q; i++) {
    let r = 0;
    for (let j = 0; j < q; j++) r += G[GK + i * q + j] * b[j];
    quadAll += b[i] * r;
    linAll += b[i] * cy[K * q + i];
  }
  const sseAllRaw = yyAll - 2 * linAll + quadAll;
  const sseAll = Math.max(sseAllRaw, 0);
  let total = 0;
  for (let j = 0; j < st.nPaid; j++) {
    const sd = st.mSd[j];
    const eff = sd > 0 ? (b[1 + nb + j] / sd) * st.mSum[j] : 0;
    st.contrib[j] = eff;
    total += eff;
  }
  let rssd = 0;
  for (let j = 0; j < st.nPaid; j++) {
    const share = total > 0 ? st.contrib[j] / total : 0;
    const d = share - st.spendShare[j];
    rssd += d * d;
  }
  const prior = st.alphaPrior > 0 ? st.alphaPrior * alphaPriorTerm(hp, st.alphaDim, st.lower, st.upper) : 0;
  // Lift-test calibration (MAPE.LIFT, as Robyn's calibration): each study's measured lift against
  // the channel's effect over the study's weeks in the all-weeks fit.
  let cal = 0;
  const nCal = st.calChannel.length;
  if (nCal > 0) {
    let e = 0;
    for (let k = 0; k < nCal; k++) {
      const j = st.calChannel[k];
      const sd = st.mSd[j];
      let m = 0;
      for (let t = st.calFrom[k]; t <= st.calTo[k]; t++) m += media[j * n + t];
      const eff = sd > 0 ? (b[1 + nb + j] / sd) * m : 0;
      st.calEffect[k] = eff;
      st.calMass[k] = m;
      e += Math.abs(eff - st.calLift[k]) / st.calLift[k];
    }
    st.mapeLift = e / nCal;
    cal = st.calWeight * st.mapeLift;
  }
  if (st.posterior && st.needVar) coefficientVariances(st, sseAll);
  out[oOff] = st.posterior ? -logPosterior(st, sseAll) : (cnt > 0 ? Math.sqrt(sse / cnt) / st.vRange : 0) * (1 + prior) * (1 + cal);
  out[oOff + 1] = Math.sqrt(rssd);
  out[oOff + 2] = Math.sqrt(sseAll / n) / st.aRange;
}

/** Whether an array (or undefined) holds a value above 0. */
export function anyPositive(v: ArrayLike<number> | undefined): boolean {
  if (!v) return false;
  for (let i = 0; i < v.length; i++) if (v[i] > 0) return true;
  return false;
}

/**
 * The lower Cholesky factor L of a p x p symmetric positive definite A (row-major; L may be A
 * itself) and ln det A. A pivot under 1e-12 of its diagonal (a numerically singular A) is
 * raised to that, so a near-singular system gives a large variance, not an infinite one.
 */
export function choleskyLower(A: Float64Array, p: number, L: Float64Array): number {
  let logDet = 0;
  for (let i = 0; i < p; i++) {
    for (let j = 0; j <= i; j++) {
      let s = A[i * p + j];
      for (let k = 0; k < j; k++) s -= L[i * p + k] * L[j * p + k];
      if (i === j) {
        const d = Math.sqrt(Math.max(s, 1e-12 * A[i * p + i], 1e-300));
        L[i * p + i] = d;
        logDet += 2 * Math.log(d);
      } else L[i * p + j] = s / L[j * p + j];
    }
  }
  return logDet;
}

/**
 * What the data leave uncertain in each paid channel's coefficient given the
 * curves: Cov(b_c / sd_c, b_d / sd_d) = (s^2 / nu) (A^-1)_cd / (sd_c sd_d),
 * with A the all-weeks ridge system (st.A, standardised columns), s^2 = SSE /
 * (n - q), as the coefficient draws take it. (A^-1)_cd is y_c . y_d with
 * y_c = L^-1 e_c, L the Cholesky factor of A: st.coefY holds y_c / sd_c per
 * channel (zero for a column without variation), st.coefS2 holds s^2 / nu.
 */
export function coefficientVariances(st: any, sseAll: number): void {
  const q = st.q;
  const L = st.Lv;
  choleskyLower(st.A, q, L);
  st.coefS2 = sseAll / Math.max(1, st.n - q) / st.nu;
  for (let j = 0; j < st.nPaid; j++) {
    const c = 1 + st.nb + j;
    const sd = st.mSd[j];
    const y = st.coefY;
    const o = j * q;
    for (let i = 0; i < q; i++) y[o + i] = 0;
    if (!(sd > 0)) continue;
    for (let i = c; i < q; i++) {
      let s = i === c ? 1 : 0;
      for (let k = c; k < i; k++) s -= L[i * q + k] * y[o + k];
      y[o + i] = s / L[i * q + i];
    }
    for (let i = c; i < q; i++) y[o + i] /= sd;
  }
}

/** The data's covariance of paid channels c and d's coefficients (per unit of their transformed columns), from {@link coefficientVariances}. */
export function coefficientCovariance(st: any, c: number, d: number): number {
  const q = st.q;
  let s = 0;
  for (let i = 0; i < q; i++) s += st.coefY[c * q + i] * st.coefY[d * q + i];
  return st.coefS2 * s;
}

/**
 * Log posterior density of the candidate just scored (up to a constant), from
 * its all-weeks fit: -(nu / 2) ln SSE (Gaussian likelihood with the noise sd
 * and the coefficients profiled out; nu is the effective number of weeks,
 * n when the residuals are independent), plus the Gaussian terms on what the
 * coefficients imply: each paid channel's ROAS (roasMean, roasSd; sd 0 =
 * none), its share of the target's total (shareMean, shareSd) and its effect
 * over each lift study's weeks (standard error liftSe). They are taken
 * jointly as the density of the measured values given the curves, the
 * coefficients integrated out: mean the fit's values, covariance the terms'
 * own variances plus what the data leave uncertain in the fit's values
 * (coefficientCovariance), so terms on one channel share that uncertainty and
 * a precise term does not count as if the coefficient could not move. The
 * ln ROAS prior for the channels without one (roasLogMean, roasLogSd; a ROAS
 * below 0.001 counts as 0.001) is taken at the fit's value. The
 * hyperparameters' prior is uniform on the search box.
 */
export function logPosterior(st: any, sseAll: number): number {
  let lp = -0.5 * st.nu * Math.log(Math.max(sseAll, 1e-300));
  let K = 0;
  for (let j = 0; j < st.nPaid; j++) {
    const mass = st.mSum[j];
    if (st.roasSd[j] > 0) K = addTerm(st, K, j, mass / st.spendTotal[j], st.roasMean[j] - st.contrib[j] / st.spendTotal[j], st.roasSd[j] * st.roasSd[j]);
    if (st.roasLogSd[j] > 0) {
      const z = (Math.log(Math.max(st.contrib[j] / st.spendTotal[j], 1e-3)) - st.roasLogMean[j]) / st.roasLogSd[j];
      lp -= 0.5 * z * z;
    }
    if (st.shareSd[j] > 0) K = addTerm(st, K, j, mass / st.yTotal, st.shareMean[j] - st.contrib[j] / st.yTotal, st.shareSd[j] * st.shareSd[j]);
  }
  for (let k = 0; k < st.calChannel.length; k++) K = addTerm(st, K, st.calChannel[k], st.calMass[k], st.calLift[k] - st.calEffect[k], st.liftSe[k] * st.liftSe[k]);
  return K ? lp + jointGaussianTerms(st, K) : lp;
}

/** Appends a term (channel, factor, residual, own variance) to the scratch arrays; returns the new count. */
export function addTerm(st: any, K: number, channel: number, factor: number, residual: number, variance: number): number {
  st.termCh[K] = channel;
  st.termT[K] = factor;
  st.termR[K] = residual;
  st.termV[K] = variance;
  return K + 1;
}

/** -0.5 (r' C^-1 r + ln det C) for the first K terms, C = diag(own variances) + t t' * the coefficients' covariance (Cholesky in place). */
export function jointGaussianTerms(st: any, K: number): number {
  const C = st.termC;
  for (let a = 0; a < K; a++) {
    for (let b = 0; b <= a; b++) {
      const cov = st.termT[a] * st.termT[b] * coefficientCovariance(st, st.termCh[a], st.termCh[b]);
      C[a * K + b] = cov + (a === b ? st.termV[a] : 0);
    }
  }
  const logDet = choleskyLower(C, K, C);
  // |L^-1 r|^2 by forward substitution.
  let quad = 0;
  const z = st.termR;
  for (let a = 0; a < K; a++) {
    let s = z[a];
    for (let k = 0; k < a; k++) s -= C[a * K + k] * z[k];
    z[a] = s / C[a * K + a];
    quad += z[a] * z[a];
  }
  return -0.5 * (quad + logDet);
}
