/**
 * Hyperparameter search: seeded differential evolution (our own code) over the
 * unit cube of per-channel transform parameters plus the ridge lambda, scoring
 * every candidate on two objectives (validation NRMSE x the alpha prior's factor, DECOMP.RSSD), keeping
 * the Pareto front and choosing one model by an error-led rule.
 */
import { Rng } from '../core/rng.ts';
import { yieldToEventLoop } from '../core/workers.ts';
import { createEvaluator, evaluateCandidate } from './kernel.ts';
import { EvaluatorPool } from './search-worker.ts';

/** Plain-data description of the search problem (structured-clone safe; sent to workers). */
export interface SearchSpec {
  /** Weeks of the modelling window (the regression's rows). */
  nWeeks: number;
  /** Weeks before the window whose spend only warms up the adstock (0: none). */
  warmup: number;
  /** Rolling-origin fold starts (ascending): fold k fits weeks [0, cuts[k]) and validates the next `horizon` weeks. */
  cuts: Int32Array;
  horizon: number;
  nBase: number;
  /** Paid channels: the first nChannels media columns (they have spend; DECOMP.RSSD and lift studies are about them). */
  nChannels: number;
  /** Media columns: paid channels, then organic variables (transformed alike, no spend). */
  nMedia: number;
  /** Target, nWeeks values. */
  y: Float64Array;
  /** Baseline columns, column-major nBase x nWeeks. */
  baseline: Float64Array;
  /** Sign code per baseline column: 0 free, 1 >= 0, -1 <= 0. */
  baseSign: Int8Array;
  /** 1: the intercept (original units) is >= 0; 0: free. */
  interceptSign: number;
  /** Spend or activity, column-major nMedia x (warmup + nWeeks). */
  spend: Float64Array;
  /**
   * Transform families each media column may take (the data choose among them): famCount[j] of
   * them, family f of column j being adstock famAd[j * maxFam + f] (0 geometric, 1 Weibull CDF,
   * 2 Weibull PDF) and saturation famSat[j * maxFam + f] (0 Hill, 1 log, 2 logistic,
   * 3 Michaelis-Menten). See columnFamilyInto in kernel.ts.
   */
  maxFam: number;
  famCount: Int8Array;
  famAd: Int8Array;
  famSat: Int8Array;
  /** Range of parameter p of family f of column j at ((j * maxFam + f) * 4 + p), log10 where famLog (used with several families). */
  famLo: Float64Array;
  famHi: Float64Array;
  famLog: Uint8Array;
  /** First dimension of media column j in a candidate (a family selector first when famCount[j] > 1); hpOff[nMedia] = dims - 1. */
  hpOff: Int32Array;
  /** Index of media column j's Hill alpha in a candidate, -1 when it has none (for the alpha prior). */
  alphaDim: Int32Array;
  normalised: boolean;
  /** Dimensions: every media column's hyperparameters + 1 (lambda last). */
  dims: number;
  lower: Float64Array;
  upper: Float64Array;
  /** 1 where the dimension is searched on a log10 scale (lambda). */
  logScale: Uint8Array;
  /** Weight of the Hill-alpha prior in the objective (0 = plain validation NRMSE; see alphaPriorTerm in kernel.ts). */
  alphaPrior: number;
  /** Lift studies (may be empty): channel index, first and last week index (inclusive), measured lift. */
  calChannel: Int32Array;
  calFrom: Int32Array;
  calTo: Int32Array;
  calLift: Float64Array;
  /** Weight of MAPE.LIFT in the objective (objective x (1 + calWeight x MAPE.LIFT)). */
  calWeight: number;
  /** Present: candidates are scored by minus their log posterior (see logPosterior in kernel.ts) instead of the search objective. */
  posterior?: PosteriorTerms;
}

/** The terms of the log posterior (see logPosterior in kernel.ts); arrays per paid channel (sd 0 = no prior) and per lift study. */
export interface PosteriorTerms {
  /** Effective number of weeks of the likelihood. */
  nu: number;
  roasMean: Float64Array;
  roasSd: Float64Array;
  /** The default prior on ln ROAS (mean, sd; sd 0 = none) per paid channel without a ROAS prior of the user's. */
  roasLogMean: Float64Array;
  roasLogSd: Float64Array;
  shareMean: Float64Array;
  shareSd: Float64Array;
  liftSe: Float64Array;
}

/** Scores of every candidate of every trial, in (trial, evaluation order). */
export interface SearchResult {
  trials: number;
  iterations: number;
  populationSize: number;
  dims: number;
  /** Unit-cube points, (trials * iterations) x dims. */
  units: Float64Array;
  /** (objective = validation NRMSE x (1 + alpha prior), DECOMP.RSSD, training NRMSE) per candidate. */
  scores: Float64Array;
}

/** Search settings resolved by the caller. */
export interface SearchSettings {
  seed: number;
  trials: number;
  iterations: number;
  populationSize: number;
  threads: number;
  onProgress?: (done: number, total: number) => void;
}

/**
 * Runs `trials` independent differential-evolution runs of `iterations`
 * candidates each (trial i draws from Rng(seed, i), so results are the same
 * for any thread count). Strategy DE/current-to-best/1/bin (Storn & Price
 * 1997; Das & Suganthan 2011): v = x_i + F (x_best - x_i) + F (x_r1 - x_r2),
 * F ~ U(0.5, 1) per vector, binomial crossover CR = 0.9, out-of-range genes
 * bounce back halfway to the parent; greedy selection on the objective
 * (validation NRMSE x (1 + alpha prior), scores[i * 3]).
 * Trials advance in lockstep so each generation's candidates of all trials
 * form one batch, scored by this thread and the workers of a pool kept
 * between fits, through shared memory (see search-worker.ts).
 */
export async function runSearch(spec: SearchSpec, s: SearchSettings): Promise<SearchResult> {
  const D = spec.dims;
  const T = s.trials;
  const I = s.iterations;
  const NP = Math.max(4, Math.min(s.populationSize, I));
  const units = new Float64Array(T * I * D);
  const scores = new Float64Array(T * I * 3);
  const rngs = Array.from({ length: T }, (_, t) => new Rng(s.seed, t));
  const pop = Array.from({ length: T }, () => new Float64Array(NP * D));
  const fit = Array.from({ length: T }, () => new Float64Array(NP));
  const done = new Int32Array(T);
  const workers = s.threads - 1;
  const poolReady = workers > 0 ? EvaluatorPool.acquire(spec, workers, T * NP, D) : null;
  const local = createEvaluator(spec);
  const evalLocal = (units: Float64Array, from: number, to: number, out: Float64Array): void => {
    for (let i = from; i < to; i++) evaluateCandidate(local, units, i * D, out, i * 3);
  };
  let pool: EvaluatorPool | null = null;
  const evaluate = async (batch: Float64Array, count: number): Promise<Float64Array> => {
    if (pool) return pool.evaluate(batch, count, D, evalLocal);
    const out = new Float64Array(count * 3);
    evalLocal(batch, 0, count, out);
    return out;
  };
  let failed = false;
  try {
    if (poolReady) pool = await poolReady;
    const batch = new Float64Array(T * NP * D);
    const owner = new Int32Array(T * NP);
    const member = new Int32Array(T * NP);
    let generation = 0;
    for (;;) {
      let count = 0;
      for (let t = 0; t < T; t++) {
        const m = Math.min(NP, I - done[t]);
        const rng = rngs[t];
        const P = pop[t];
        let best = 0;
        if (generation > 0) for (let i = 1; i < NP; i++) if (fit[t][i] < fit[t][best]) best = i;
        for (let i = 0; i < m; i++) {
          const o = count * D;
          if (generation === 0) {
            for (let d = 0; d < D; d++) batch[o + d] = rng.uniform();
          } else {
            let r1 = rng.int(NP - 1);
            if (r1 >= i) r1++;
            let r2 = rng.int(NP - 1);
            if (r2 >= i) r2++;
            while (r2 === r1) {
              r2 = rng.int(NP - 1);
              if (r2 >= i) r2++;
            }
            const F = 0.5 + 0.5 * rng.uniform();
            const jRand = rng.int(D);
            for (let d = 0; d < D; d++) {
              const xi = P[i * D + d];
              if (d === jRand || rng.uniform() < 0.9) {
                let v = xi + F * (P[best * D + d] - xi) + F * (P[r1 * D + d] - P[r2 * D + d]);
                if (v < 0) v = xi / 2;
                else if (v > 1) v = (xi + 1) / 2;
                batch[o + d] = v;
              } else batch[o + d] = xi;
            }
          }
          owner[count] = t;
          member[count] = i;
          count++;
        }
      }
      if (count === 0) break;
      // Timers and signals get a turn between batches (the store lock's refresh, SIGTERM); results are unchanged.
      await yieldToEventLoop();
      const res = await evaluate(batch.subarray(0, count * D), count);
      for (let k = 0; k < count; k++) {
        const t = owner[k];
        const i = member[k];
        const at = t * I + done[t] + i; // members of a trial are batched in order 0..m-1
        units.set(batch.subarray(k * D, k * D + D), at * D);
        scores[at * 3] = res[k * 3];
        scores[at * 3 + 1] = res[k * 3 + 1];
        scores[at * 3 + 2] = res[k * 3 + 2];
        const f = Number.isFinite(res[k * 3]) ? res[k * 3] : Infinity;
        if (generation === 0 || f <= fit[t][i]) {
          fit[t][i] = f;
          pop[t].set(batch.subarray(k * D, k * D + D), i * D);
        }
      }
      let total = 0;
      for (let t = 0; t < T; t++) {
        done[t] += Math.min(NP, I - done[t]);
        total += done[t];
      }
      generation++;
      s.onProgress?.(total, T * I);
    }
  } catch (e) {
    failed = true;
    throw e;
  } finally {
    await pool?.finish(failed);
  }
  return { trials: T, iterations: I, populationSize: NP, dims: D, units, scores };
}

/**
 * Indices of the Pareto-optimal candidates (no other candidate is at least as
 * good on both objective (scores[i * 3]) and DECOMP.RSSD and better on one), sorted by
 * objective. Non-finite scores are never on the front.
 */
export function paretoFront(scores: Float64Array, count: number): number[] {
  const idx: number[] = [];
  for (let i = 0; i < count; i++) if (Number.isFinite(scores[i * 3]) && Number.isFinite(scores[i * 3 + 1])) idx.push(i);
  idx.sort((a, b) => scores[a * 3] - scores[b * 3] || scores[a * 3 + 1] - scores[b * 3 + 1] || a - b);
  const front: number[] = [];
  let bestRssd = Infinity;
  for (const i of idx) {
    if (scores[i * 3 + 1] < bestRssd) {
      front.push(i);
      bestRssd = scores[i * 3 + 1];
    }
  }
  return front;
}

/**
 * The selection rule (error leads): let v* be the lowest objective (validation
 * NRMSE x the alpha prior's factor, scores[i * 3]) of all candidates; among
 * candidates with objective <= v* (1 + tolerance),
 * take the lowest DECOMP.RSSD (ties: lower NRMSE, then earlier candidate).
 * DECOMP.RSSD is only a tie-break: it pulls effect shares toward spend shares,
 * which biases ROAS when the truth is not proportional to spend.
 * @returns the index of the chosen candidate
 * @throws Error when no candidate has a finite score
 */
export function chooseCandidate(scores: Float64Array, count: number, tolerance: number): number {
  let best = -1;
  for (let i = 0; i < count; i++) {
    const v = scores[i * 3];
    if (Number.isFinite(v) && (best < 0 || v < scores[best * 3])) best = i;
  }
  if (best < 0) throw new Error('chooseCandidate: no candidate has a finite validation error');
  const limit = scores[best * 3] * (1 + tolerance);
  let chosen = best;
  for (let i = 0; i < count; i++) {
    const v = scores[i * 3];
    if (!(v <= limit)) continue;
    const r = scores[i * 3 + 1];
    const rc = scores[chosen * 3 + 1];
    if (r < rc || (r === rc && v < scores[chosen * 3])) chosen = i;
  }
  return chosen;
}

/**
 * Consensus selection (error leads, the decomposition is stabilised): the
 * near-best set is every candidate whose validation NRMSE is <= v* (1 +
 * tolerance), v* the lowest; each member's channel contributions (all-weeks
 * fit) come from `contributionsOf`; the chosen candidate is the member whose
 * contributions are closest, in L1 distance, to the per-channel medians of
 * the set (the set's medoid; ties: lower NRMSE, then earlier). A single best
 * validation score over 10,000 candidates is partly luck; the models the data
 * cannot tell apart agree on the median decomposition more than on any one
 * extreme, and unlike DECOMP.RSSD the rule does not pull effect shares toward
 * spend shares. Members beyond `maxMembers` (by validation NRMSE) are ignored.
 * @returns the chosen candidate index and the near-best set (ascending NRMSE)
 * @throws Error when no candidate has a finite score
 */
export function consensusCandidate(scores: Float64Array, count: number, tolerance: number, maxMembers: number, contributionsOf: (i: number) => Float64Array): { chosen: number; members: number[] } {
  let best = -1;
  for (let i = 0; i < count; i++) {
    const v = scores[i * 3];
    if (Number.isFinite(v) && (best < 0 || v < scores[best * 3])) best = i;
  }
  if (best < 0) throw new Error('consensusCandidate: no candidate has a finite validation error');
  const limit = scores[best * 3] * (1 + tolerance);
  const members: number[] = [];
  for (let i = 0; i < count; i++) if (scores[i * 3] <= limit) members.push(i);
  members.sort((a, b) => scores[a * 3] - scores[b * 3] || a - b);
  if (members.length > maxMembers) members.length = maxMembers;
  const contrib = members.map(contributionsOf);
  const nc = contrib[0].length;
  const median = new Float64Array(nc);
  const col = new Float64Array(members.length);
  for (let j = 0; j < nc; j++) {
    for (let m = 0; m < members.length; m++) col[m] = contrib[m][j];
    const sorted = Float64Array.from(col).sort();
    const h = (sorted.length - 1) / 2;
    median[j] = (sorted[Math.floor(h)] + sorted[Math.ceil(h)]) / 2;
  }
  let chosen = 0;
  let bestD = Infinity;
  for (let m = 0; m < members.length; m++) {
    let d = 0;
    for (let j = 0; j < nc; j++) d += Math.abs(contrib[m][j] - median[j]);
    if (d < bestD) {
      bestD = d;
      chosen = m;
    }
  }
  return { chosen: members[chosen], members };
}
