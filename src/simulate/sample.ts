/**
 * The sampling kernel of the Monte Carlo forecast, shared by the main thread
 * and the worker threads. Draw i belongs to chunk floor(i / CHUNK) and uses
 * the random stream `new Rng(seed, chunk)`, so the draws are the same whatever
 * the number of threads.
 */
import { Rng } from '../core/rng.ts';

/** Draws per random stream. */
export const CHUNK = 1000;

/** What every thread needs: mean paths per parameter draw and plan, and the noise model. */
export interface SampleSpec {
  /** Weeks in the horizon. */
  horizon: number;
  /** Parameter (bootstrap) draws. */
  paramDraws: number;
  /** Mean path per plan: paramDraws x horizon, row-major. */
  means: Float64Array[];
  /** In-sample residuals (actual - fitted), in time order. */
  residuals: Float64Array;
  /** Factor applied to resampled residuals (out-of-sample inflation). */
  noiseScale: number;
  /** Moving-block length in weeks. */
  blockLength: number;
  seed: number;
}

/**
 * Fills `out[p]` (draws x horizon, row-major, for draws [from, to)) with
 * simulated weekly revenue for each plan p: the mean path of a randomly chosen
 * parameter draw plus a moving-block resample of the residuals. All plans share
 * the parameter draw and the noise of a simulation draw (common random numbers),
 * so their difference reflects the plans only.
 */
export function sampleDraws(spec: SampleSpec, from: number, to: number, out: Float64Array[]): void {
  const { horizon: H, paramDraws: B, means, residuals, noiseScale, blockLength, seed } = spec;
  const n = residuals.length;
  const L = Math.max(1, Math.min(blockLength, n));
  const noise = new Float64Array(H);
  let rng: Rng | null = null;
  let chunk = -1;
  for (let i = from; i < to; i++) {
    const c = Math.floor(i / CHUNK);
    if (c !== chunk) {
      chunk = c;
      rng = new Rng(seed, c);
      // Skip to this draw's position inside its chunk (only when a range starts mid-chunk).
      for (let k = c * CHUNK; k < i; k++) advance(rng, H, L, n, B);
    }
    const b = rng!.int(B);
    for (let t = 0; t < H; t += L) {
      const start = n > L ? rng!.int(n - L + 1) : 0;
      for (let k = 0; k < L && t + k < H; k++) noise[t + k] = residuals[start + k] * noiseScale;
    }
    const row = (i - from) * H;
    for (let p = 0; p < means.length; p++) {
      const m = means[p];
      const o = out[p];
      for (let t = 0; t < H; t++) o[row + t] = m[b * H + t] + noise[t];
    }
  }
}

/** Consumes the random numbers of one draw (keeps streams aligned when a range starts mid-chunk). */
function advance(rng: Rng, H: number, L: number, n: number, B: number): void {
  rng.int(B);
  for (let t = 0; t < H; t += L) if (n > L) rng.int(n - L + 1);
}
