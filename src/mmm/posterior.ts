/**
 * The posterior over the transform hyperparameters (and each channel's
 * family) with the linear coefficients profiled out: each evaluation is one
 * ridge solve (see logPosterior in kernel.ts), so thousands are cheap. Sampled
 * by differential-evolution Markov chain Monte Carlo with an archive of past
 * states (DE-MCz; ter Braak & Vrugt 2008, Statistics and Computing 18:435),
 * whose proposals x + g (z1 - z2) + e scale themselves to the posterior's
 * spread and correlations, and run as batches on the search's worker pool.
 */
import { Rng } from '../core/rng.ts';
import { yieldToEventLoop } from '../core/workers.ts';
import { createEvaluator, evaluateCandidate } from './kernel.ts';
import { EvaluatorPool } from './search-worker.ts';
import type { SearchSpec } from './search.ts';

/** Settings of {@link samplePosterior}. */
export interface PosteriorSettings {
  seed: number;
  /** Chains advanced together (one batch per generation). */
  chains: number;
  generations: number;
  threads: number;
  /** Starting archive: unit-cube points (rows of spec.dims); the chains start at its first `chains` rows. */
  start: Float64Array;
  /** Dimensions the sampler moves (the others keep their starting values, e.g. a fixed lambda). */
  free: Uint8Array;
  onProgress?: (done: number, total: number) => void;
}

/** The chains' states and log posteriors by generation, and the acceptance rate. */
export interface PosteriorSample {
  chains: number;
  generations: number;
  dims: number;
  /** generations x chains x dims unit-cube points. */
  states: Float64Array;
  /** generations x chains log posterior densities. */
  logp: Float64Array;
  acceptance: number;
}

/** Reflects v into [0, 1] (the unit cube's walls; keeps the proposal symmetric). */
function reflect(v: number): number {
  let x = v;
  for (let i = 0; i < 4 && (x < 0 || x > 1); i++) x = x < 0 ? -x : 2 - x;
  return Math.min(1, Math.max(0, x));
}

/**
 * Runs DE-MCz: each generation proposes, for every chain i, x_i + g (z_a - z_b)
 * + e on the free dimensions (z_a, z_b two distinct archive states, g =
 * 2.38 / sqrt(2 d) or 1 every tenth generation to jump between modes, e ~
 * N(0, 1e-4^2)), reflected into the unit cube, and accepts it with probability
 * min(1, exp(logp(proposal) - logp(x_i))); every chain's state joins the
 * archive every generation. Deterministic for a seed, whatever the thread count.
 * @throws Error when the starting archive has fewer than 3 points
 */
export async function samplePosterior(spec: SearchSpec, s: PosteriorSettings): Promise<PosteriorSample> {
  const D = spec.dims;
  const N = s.chains;
  const M0 = s.start.length / D;
  if (M0 < 3) throw new Error('samplePosterior: the starting archive needs at least 3 points');
  const freeDims = Array.from(s.free.keys()).filter((d) => s.free[d] === 1);
  const g0 = 2.38 / Math.sqrt(2 * Math.max(1, freeDims.length));
  const rng = new Rng(s.seed, 0x706f7374);
  const archive: number[][] = Array.from({ length: M0 }, (_, i) => Array.from(s.start.subarray(i * D, (i + 1) * D)));
  const x = new Float64Array(N * D);
  for (let i = 0; i < N; i++) x.set(s.start.subarray((i % M0) * D, ((i % M0) + 1) * D), i * D);
  const local = createEvaluator(spec);
  const evalLocal = (units: Float64Array, from: number, to: number, out: Float64Array): void => {
    for (let i = from; i < to; i++) evaluateCandidate(local, units, i * D, out, i * 3);
  };
  const pool = s.threads > 1 ? await EvaluatorPool.acquire(spec, s.threads - 1, N, D) : null;
  const score = (batch: Float64Array): Float64Array => {
    if (pool) return pool.evaluate(batch, N, D, evalLocal);
    const out = new Float64Array(N * 3);
    evalLocal(batch, 0, N, out);
    return out;
  };
  const states = new Float64Array(s.generations * N * D);
  const logp = new Float64Array(s.generations * N);
  const lp = new Float64Array(N);
  let accepted = 0;
  let failed = false;
  try {
    const first = score(x);
    for (let i = 0; i < N; i++) lp[i] = Number.isFinite(first[i * 3]) ? -first[i * 3] : -Infinity;
    const proposal = new Float64Array(N * D);
    for (let g = 0; g < s.generations; g++) {
      const gamma = g % 10 === 9 ? 1 : g0;
      for (let i = 0; i < N; i++) {
        const a = rng.int(archive.length);
        let b = rng.int(archive.length - 1);
        if (b >= a) b++;
        const za = archive[a];
        const zb = archive[b];
        for (let d = 0; d < D; d++) proposal[i * D + d] = x[i * D + d];
        for (const d of freeDims) proposal[i * D + d] = reflect(x[i * D + d] + gamma * (za[d] - zb[d]) + 1e-4 * rng.normal());
      }
      const res = score(proposal);
      for (let i = 0; i < N; i++) {
        const cand = Number.isFinite(res[i * 3]) ? -res[i * 3] : -Infinity;
        if (cand - lp[i] >= 0 || Math.log(rng.uniform()) < cand - lp[i]) {
          x.set(proposal.subarray(i * D, (i + 1) * D), i * D);
          lp[i] = cand;
          accepted++;
        }
      }
      states.set(x, g * N * D);
      logp.set(lp, g * N);
      for (let i = 0; i < N; i++) archive.push(Array.from(x.subarray(i * D, (i + 1) * D)));
      s.onProgress?.(g + 1, s.generations);
      // Let timers and signals in now and then (the store lock's refresh, SIGTERM): scheduling only, results unchanged.
      if (g % 16 === 15) await yieldToEventLoop();
    }
  } catch (e) {
    failed = true;
    throw e;
  } finally {
    await pool?.finish(failed);
  }
  return { chains: N, generations: s.generations, dims: D, states, logp, acceptance: accepted / (N * s.generations) };
}
