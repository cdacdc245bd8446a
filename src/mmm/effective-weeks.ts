/**
 * Effective number of weeks of a regression's residuals: how many independent
 * weeks carry the same information about a mean as the n correlated ones.
 * n_eff = n gamma_0 / LRV, with gamma_0 the residuals' variance and LRV their
 * long-run variance (the sum of all autocovariances, 2 pi times the spectral
 * density at frequency 0).
 */

/** Autocovariances gamma_0..gamma_maxLag of e about its mean (divisor n, so the sequence is positive definite). */
export function autocovariances(e: Float64Array, maxLag: number): Float64Array {
  const n = e.length;
  let mean = 0;
  for (let t = 0; t < n; t++) mean += e[t] / n;
  const g = new Float64Array(maxLag + 1);
  for (let j = 0; j <= maxLag && j < n; j++) {
    let s = 0;
    for (let t = j; t < n; t++) s += (e[t] - mean) * (e[t - j] - mean);
    g[j] = s / n;
  }
  return g;
}

/**
 * Bartlett-kernel (Newey-West 1987) long-run variance with bandwidth S:
 * gamma_0 + 2 sum_{j=1}^{floor(S)} (1 - j / (S + 1)) gamma_j. Never negative.
 * @param bandwidth S >= 0 in weeks (0 gives gamma_0)
 */
export function bartlettLongRunVariance(e: Float64Array, bandwidth: number): number {
  const L = Math.min(e.length - 1, Math.floor(bandwidth));
  const g = autocovariances(e, Math.max(0, L));
  let s = g[0];
  for (let j = 1; j <= L; j++) s += 2 * (1 - j / (bandwidth + 1)) * g[j];
  return Math.max(s, 0);
}

/**
 * Newey & West (1994) automatic bandwidth for the Bartlett kernel:
 * S = 1.1447 (s1 / s0)^(2/3) n^(1/3), with s0 = sum_{|j|<=m} gamma_j,
 * s1 = sum_{|j|<=m} |j| gamma_j and pre-bandwidth m = floor(4 (n / 100)^(2/9)).
 * Clamped to [0, n / 2]; 0 when the residuals show no positive correlation.
 */
export function neweyWestBandwidth(e: Float64Array, preBandwidth = Math.floor(4 * (e.length / 100) ** (2 / 9))): number {
  const m = Math.min(e.length - 1, preBandwidth);
  const g = autocovariances(e, m);
  let s0 = g[0];
  let s1 = 0;
  for (let j = 1; j <= m; j++) {
    s0 += 2 * g[j];
    s1 += 2 * j * g[j];
  }
  if (!(s0 > 0) || !(s1 > 0)) return 0;
  return Math.min(e.length / 2, 1.1447 * (s1 / s0) ** (2 / 3) * e.length ** (1 / 3));
}
