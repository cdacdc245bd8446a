/**
 * The posterior estimator: draws of the model whose transform
 * hyperparameters and families come from the posterior (posterior.ts), each
 * with its coefficients drawn given its curves, and the point model as the
 * draw whose channel contributions are closest to the draws' medians. The
 * intervals thus carry the uncertainty of the curves' shape and carryover,
 * not only of the coefficients given one chosen shape.
 */
import { invertSymmetricPositiveDefinite } from '../core/linalg.ts';
import { Rng } from '../core/rng.ts';
import { drawFromCoefficients, movingBlockRows, refitDraw } from './intervals.ts';
import { coefficientSigns } from './refit.ts';
import type { Design } from './refit.ts';
import { samplePosterior } from './posterior.ts';
import type { PosteriorSample } from './posterior.ts';
import { unitToValues } from './problem.ts';
import type { SearchProblem } from './problem.ts';
import { channelContributions } from './decompose.ts';
import { allWeeks, mediaDesign, ridgeOnRows } from './refit.ts';
import type { Refit } from './refit.ts';
import type { PosteriorTerms, SearchResult, SearchSpec } from './search.ts';
import type { BootstrapDraw, MmmModel } from './types.ts';

/** What the posterior step returns: the draws, the point model's hyperparameters, and a summary for model.json. */
export interface PosteriorEstimate {
  draws: BootstrapDraw[];
  /** Hyperparameters (kernel layout, lambda last) of the point model. */
  point: Float64Array;
  /** The point model's all-weeks fit given its curves ({@link conditionalFit}). */
  pointFit: Refit;
  summary: NonNullable<MmmModel['posterior']>;
}

/**
 * Effective number of weeks of the likelihood: n (1 - rho) / (1 + rho), rho
 * the lag-1 autocorrelation of the residuals clamped to [0, 0.9] (the
 * variance inflation of a mean of AR(1) errors), so residuals that run in
 * streaks, as when the baseline's form is not the truth's, do not make the
 * posterior narrower than the data allow.
 */
export function effectiveWeeks(y: Float64Array, fitted: Float64Array): number {
  let sse = 0;
  let ac = 0;
  for (let t = 0; t < y.length; t++) {
    const e = y[t] - fitted[t];
    sse += e * e;
    if (t > 0) ac += e * (y[t - 1] - fitted[t - 1]);
  }
  const rho = Math.min(0.9, Math.max(0, sse > 0 ? ac / sse : 0));
  return (y.length * (1 - rho)) / (1 + rho);
}

/** The user's priors and lift studies as the kernel's posterior terms. */
function posteriorTerms(pr: SearchProblem, nu: number): PosteriorTerms {
  const { o, nc } = pr;
  const t: PosteriorTerms = {
    nu,
    roasMean: new Float64Array(nc),
    roasSd: new Float64Array(nc),
    roasLogMean: new Float64Array(nc),
    roasLogSd: new Float64Array(nc),
    shareMean: new Float64Array(nc),
    shareSd: new Float64Array(nc),
    liftSe: new Float64Array(pr.cal.channel.length),
  };
  pr.data.channels.forEach((ch, j) => {
    const p = o.priors[ch.name];
    if (p?.roas) [t.roasMean[j], t.roasSd[j]] = [p.roas.mean, p.roas.sd];
    else if (o.roasPrior) [t.roasLogMean[j], t.roasLogSd[j]] = [o.roasPrior.logMean, o.roasPrior.logSd];
    if (p?.contribution) [t.shareMean[j], t.shareSd[j]] = [p.contribution.mean, p.contribution.sd];
  });
  o.calibration.forEach((st, k) => {
    t.liftSe[k] = st.se ?? o.liftStandardError * st.lift;
  });
  return t;
}

/** The posterior problem: the search's spec scoring the all-weeks fit only, lambda fixed at the chosen model's. */
function posteriorSpec(pr: SearchProblem, lambda: number, nu: number): SearchSpec {
  const lower = Float64Array.from(pr.spec.lower);
  const upper = Float64Array.from(pr.spec.upper);
  lower[pr.dims - 1] = upper[pr.dims - 1] = Math.log10(lambda);
  return { ...pr.spec, cuts: new Int32Array(0), lower, upper, posterior: posteriorTerms(pr, nu) };
}

/** Starting archive: up to 10 x dims candidates drawn from the search's near-optimal set (the chosen one first). */
function startingArchive(pr: SearchProblem, search: SearchResult, chosen: number, rng: Rng, minimum: number): Float64Array {
  const s = search.scores;
  const count = search.trials * search.iterations;
  let best = Infinity;
  for (let i = 0; i < count; i++) if (s[i * 3] < best) best = s[i * 3];
  const near: number[] = [];
  for (let i = 0; i < count; i++) if (i !== chosen && s[i * 3] <= best * (1 + pr.o.bootstrapTolerance)) near.push(i);
  const picks = [chosen, ...rng.shuffle(near).slice(0, Math.max(minimum, 10 * pr.dims) - 1)];
  while (picks.length < minimum) picks.push(picks[picks.length % Math.max(1, picks.length)]);
  const D = pr.dims;
  const out = new Float64Array(picks.length * D);
  picks.forEach((i, k) => out.set(search.units.subarray(i * D, (i + 1) * D), k * D));
  return out;
}

/** Indices (generation x chains + chain) of `count` states spread evenly over the second half of the run. */
function drawIndices(sample: PosteriorSample, count: number): number[] {
  const burn = Math.floor(sample.generations / 2);
  const kept = (sample.generations - burn) * sample.chains;
  return Array.from({ length: count }, (_, b) => burn * sample.chains + Math.floor(((b + 0.5) * kept) / count));
}

/** The draw whose contributions are closest to the draws' medians, each channel scaled by its draws' 90% range. */
function medoid(contributions: Float64Array[]): number {
  const nc = contributions[0].length;
  const med = new Float64Array(nc);
  const scale = new Float64Array(nc);
  for (let j = 0; j < nc; j++) {
    const v = Float64Array.from(contributions, (c) => c[j]).sort();
    const q = (p: number) => v[Math.min(v.length - 1, Math.floor(p * v.length))];
    med[j] = q(0.5);
    scale[j] = Math.max(q(0.95) - q(0.05), 1e-9 * Math.abs(med[j]), 1e-12);
  }
  let best = 0;
  let bestD = Infinity;
  contributions.forEach((c, b) => {
    let d = 0;
    for (let j = 0; j < nc; j++) d += Math.abs(c[j] - med[j]) / scale[j];
    if (d < bestD) [best, bestD] = [b, d];
  });
  return best;
}

/** One run of the posterior sampler at likelihood weight nu, and `count` of its kept states with their media designs. */
interface PosteriorRun {
  spec: SearchSpec;
  sample: PosteriorSample;
  nu: number;
  states: { index: number; hp: Float64Array; design: Design }[];
}

/** Samples the posterior with nu effective weeks (the sampler seeded by `seed`), starting from the search's near-optimal candidates picked with rng. */
async function runPosterior(
  pr: SearchProblem,
  search: SearchResult,
  chosen: number,
  lambda: number,
  nu: number,
  threads: number,
  count: number,
  seed: number,
  rng: Rng,
  onProgress?: (done: number, total: number) => void,
): Promise<PosteriorRun> {
  const { o, dims } = pr;
  const spec = posteriorSpec(pr, lambda, nu);
  const free = new Uint8Array(dims).fill(1);
  free[dims - 1] = 0;
  const sample = await samplePosterior(spec, {
    seed,
    chains: o.posteriorChains,
    generations: o.posteriorGenerations,
    threads,
    free,
    start: startingArchive(pr, search, chosen, rng, o.posteriorChains),
    onProgress,
  });
  const states = drawIndices(sample, count).map((i) => {
    const hp = unitToValues(spec, sample.states, i * dims);
    return { index: i, hp, design: mediaDesign(pr, hp) };
  });
  return { spec, sample, nu, states };
}

/**
 * Samples the posterior from the search's near-optimal candidates and turns
 * `o.bootstrap` evenly spaced states of the chains' second halves into
 * draws: each state's coefficients drawn given its curves (or refitted on a
 * moving-block resample of the weeks; seeded by o.seed). The draws come
 * from the posterior with the likelihood at weight o.likelihoodWeight, widened
 * for a model that cannot write the truth; the point model, by
 * o.posteriorPoint (see pointHyperparameters), from the same run or, with
 * another o.pointLikelihoodWeight, from a second run at that weight.
 * @param chosen the search's selected candidate (index, hyperparameters); its all-weeks refit gives lambda and the residuals' autocorrelation
 */
export async function posteriorDraws(
  pr: SearchProblem,
  search: SearchResult,
  chosen: number,
  chosenHp: Float64Array,
  chosenRefit: Refit,
  lambda: number,
  threads: number,
  spendTotals: number[],
): Promise<PosteriorEstimate> {
  const { o, n } = pr;
  const rng = new Rng(o.seed, 0x64726177);
  const weeks = o.likelihoodTempering === 'autocorrelation' ? effectiveWeeks(pr.y, chosenRefit.fitted) : n;
  const nu = o.likelihoodWeight * weeks;
  // Without bootstrap draws, 100 states still choose the point model.
  const count = o.bootstrap > 0 ? o.bootstrap : 100;
  const pointWeight = o.pointLikelihoodWeight ?? o.likelihoodWeight;
  const ownPoint = pointWeight !== o.likelihoodWeight && o.posteriorPoint !== 'search';
  const runs = ownPoint ? 2 : 1;
  const progress = (run: number) => (o.onProgress ? (d: number, t: number) => o.onProgress!('posterior', run * t + d, runs * t) : undefined);
  const main = await runPosterior(pr, search, chosen, lambda, nu, threads, count, o.seed, rng, progress(0));
  const pointNu = pointWeight * weeks;
  const pointRun = ownPoint ? await runPosterior(pr, search, chosen, lambda, pointNu, threads, count, o.seed + 1, new Rng(o.seed, 0x706f696e), progress(1)) : main;
  const all = allWeeks(n);
  // The point model's coefficients given its curves, at its run's weight: the fit it was chosen by is the one reported.
  const pointFitOf = (hp: Float64Array, design: Design) => conditionalFit(pr, hp, design, pointRun.nu, spendTotals);
  const point = pointHyperparameters(pr, pointRun, chosenHp, pointFitOf);
  const draws =
    o.bootstrap === 0
      ? []
      : main.states.map((st, b) => {
          o.onProgress?.('bootstrap', b + 1, count);
          if (o.posteriorCoefficients === 'gaussian') return gaussianDraw(pr, st.hp, st.design, nu, rng, b, st.index, spendTotals);
          const rows = o.posteriorCoefficients === 'bootstrap' ? movingBlockRows(n, o.blockLength, rng) : all;
          return refitDraw(pr, st.hp, st.design, rows, b, st.index, spendTotals);
        });
  return {
    draws,
    point,
    pointFit: pointFitOf(point, mediaDesign(pr, point)),
    summary: {
      chains: main.sample.chains,
      generations: main.sample.generations,
      acceptance: main.sample.acceptance,
      effectiveWeeks: nu,
      ...(ownPoint ? { pointEffectiveWeeks: pointRun.nu } : {}),
      draws: count,
      families: familyShares(
        pr,
        main.states.map((st) => st.hp),
      ),
    },
  };
}

/**
 * The point model's hyperparameters by o.posteriorPoint: 'medoid' the run's state whose
 * all-weeks contributions are closest to its states' medians, 'map' the run's kept state with the
 * highest log posterior, 'search' the search's selected candidate.
 */
function pointHyperparameters(pr: SearchProblem, run: PosteriorRun, chosenHp: Float64Array, fitOf: (hp: Float64Array, design: Design) => Refit): Float64Array {
  const rule = pr.o.posteriorPoint;
  if (rule === 'search') return Float64Array.from(chosenHp);
  const { sample, spec, states } = run;
  if (rule === 'map') {
    let best = Math.floor(sample.generations / 2) * sample.chains;
    for (let i = best; i < sample.generations * sample.chains; i++) if (sample.logp[i] > sample.logp[best]) best = i;
    return unitToValues(spec, sample.states, best * sample.dims);
  }
  return states[medoid(states.map((st) => channelContributions(pr, fitOf(st.hp, st.design)).subarray(0, pr.nc)))].hp;
}

/** Each media column's family index in a hyperparameter vector (0 with one family). */
function familiesOf(pr: SearchProblem, hp: Float64Array): number[] {
  return pr.media.map((m) => (m.families.length < 2 ? 0 : Math.min(m.families.length - 1, Math.floor(hp[m.offset] * m.families.length))));
}

/** Share of the draws in each family, per media column with several families (absent when none has). */
function familyShares(pr: SearchProblem, hps: Float64Array[]): Record<string, Record<string, number>> | undefined {
  const out: Record<string, Record<string, number>> = {};
  const families = hps.map((hp) => familiesOf(pr, hp));
  pr.media.forEach((m, j) => {
    if (m.families.length < 2) return;
    const counts: Record<string, number> = {};
    for (const fs of families) {
      const key = `${m.families[fs[j]].adstock}+${m.families[fs[j]].saturation}`;
      counts[key] = (counts[key] ?? 0) + 1 / hps.length;
    }
    out[m.name] = counts;
  });
  return Object.keys(out).length ? out : undefined;
}

/** Means, standard deviations and the columns with variation (`active`) of a design's columns. */
function columnScales(cols: Float64Array, n: number, p: number): { mean: Float64Array; sd: Float64Array; active: number[] } {
  const mean = new Float64Array(p);
  const sd = new Float64Array(p);
  const active: number[] = [];
  for (let j = 0; j < p; j++) {
    let s = 0;
    for (let t = 0; t < n; t++) s += cols[j * n + t];
    mean[j] = s / n;
    let ss = 0;
    for (let t = 0; t < n; t++) ss += (cols[j * n + t] - mean[j]) ** 2;
    sd[j] = Math.sqrt(ss / n);
    if (sd[j] > 1e-10 * Math.max(Math.abs(mean[j]), sd[j], 1e-300)) active.push(j);
  }
  return { mean, sd, active };
}

/** A = Z'Z / n + lambda I over the active columns standardised (q x q, row-major). */
function ridgeGram(cols: Float64Array, n: number, sc: ReturnType<typeof columnScales>, lambda: number): Float64Array {
  const { mean, sd, active } = sc;
  const q = active.length;
  const A = new Float64Array(q * q);
  for (let a = 0; a < q; a++) {
    for (let b = 0; b <= a; b++) {
      const [ja, jb] = [active[a], active[b]];
      let s = 0;
      for (let t = 0; t < n; t++) s += (cols[ja * n + t] - mean[ja]) * (cols[jb * n + t] - mean[jb]);
      A[a * q + b] = A[b * q + a] = s / (n * sd[ja] * sd[jb]) + (a === b ? lambda : 0);
    }
  }
  return A;
}

/** x ~ N(0, A^-1) for a q x q positive definite A (x = L^-T z with L L' = A). */
function gaussianWithPrecision(A: Float64Array, q: number, rng: Rng): Float64Array {
  const L = new Float64Array(q * q);
  for (let a = 0; a < q; a++) {
    for (let b = 0; b <= a; b++) {
      let s = A[a * q + b];
      for (let k = 0; k < b; k++) s -= L[a * q + k] * L[b * q + k];
      L[a * q + b] = a === b ? Math.sqrt(Math.max(s, 1e-300)) : s / L[b * q + b];
    }
  }
  const x = Float64Array.from({ length: q }, () => rng.normal());
  for (let a = q - 1; a >= 0; a--) {
    let s = x[a];
    for (let k = a + 1; k < q; k++) s -= L[k * q + a] * x[k];
    x[a] = s / L[a * q + a];
  }
  return x;
}

/**
 * A standard normal truncated to [a, inf): rejection from the normal for a <= 0.5, else
 * from a shifted exponential with rate (a + sqrt(a^2 + 4)) / 2 (Robert 1995, Statistics and
 * Computing 5:121), exact and quick however far out a is.
 * @throws RangeError for a bound of +inf or NaN (no draw lies there)
 */
export function truncatedStandardNormal(rng: Rng, a: number): number {
  // No draw lies at or beyond +inf, and NaN compares false: either would loop forever.
  if (!(a < Number.POSITIVE_INFINITY)) throw new RangeError(`truncatedStandardNormal: the bound must be below +inf (got ${a})`);
  if (a <= 0.5) {
    for (;;) {
      const z = rng.normal();
      if (z >= a) return z;
    }
  }
  const rate = (a + Math.hypot(a, 2)) / 2; // hypot: a * a would overflow to +inf for a above 1e154
  for (;;) {
    const z = a + rng.exponential() / rate;
    if (rng.uniform() <= Math.exp(-0.5 * (z - rate) ** 2)) return z;
  }
}

/** A Gaussian measurement of a linear function of the standardised active coefficients: a'beta ~ N(value, 1 / precision). */
interface LinearTerm {
  a: Float64Array;
  value: number;
  precision: number;
}

/**
 * The user's lift studies and Gaussian ROAS and share priors as measurements
 * of linear functions of the coefficients (each is a channel's coefficient
 * times a sum of its transformed column), as the curves' posterior takes them
 * (posteriorTerms). The ln ROAS prior (`roasPrior`) is not linear and enters
 * the curves' posterior only.
 */
function linearTerms(pr: SearchProblem, cols: Float64Array, sc: ReturnType<typeof columnScales>, spendTotals: number[]): LinearTerm[] {
  const { n, nb, y } = pr;
  const t = posteriorTerms(pr, n);
  const out: LinearTerm[] = [];
  const term = (j: number, from: number, to: number, scale: number, value: number, se: number): void => {
    const a = sc.active.indexOf(nb + j);
    if (a < 0 || !(se > 0) || !(scale > 0)) return;
    let m = 0;
    for (let w = from; w <= to; w++) m += cols[(nb + j) * n + w];
    const vec = new Float64Array(sc.active.length);
    vec[a] = m / sc.sd[nb + j] / scale;
    out.push({ a: vec, value, precision: 1 / (se * se) });
  };
  pr.cal.channel.forEach((j, k) => term(j, pr.cal.from[k], pr.cal.to[k], 1, pr.cal.lift[k], t.liftSe[k]));
  const yTotal = y.reduce((s, v) => s + v, 0);
  for (let j = 0; j < pr.nc; j++) {
    if (t.roasSd[j] > 0) term(j, 0, n - 1, spendTotals[j], t.roasMean[j], t.roasSd[j]);
    if (t.shareSd[j] > 0) term(j, 0, n - 1, yTotal, t.shareMean[j], t.shareSd[j]);
  }
  return out;
}

/**
 * The coefficients' Gaussian posterior given the transforms, with the linear
 * terms: precision (A + scale sum a a' p) / scale and mean solving
 * (A + scale sum a a' p) mu = A b + scale sum a v p (b the ridge fit), and,
 * per coordinate, what the terms add to the data's normal equations (`rhs`,
 * for the conditional of a coefficient at its bound). Without terms: A, b, 0.
 */
function withTerms(A: Float64Array, b: number[], terms: LinearTerm[], scale: number, dataRhs?: number[]): { P: Float64Array; mu: number[]; rhs: Float64Array } {
  const q = b.length;
  const rhs = new Float64Array(q);
  if (!terms.length) return { P: A, mu: b, rhs };
  const P = Float64Array.from(A);
  for (const { a, value, precision } of terms) {
    for (let i = 0; i < q; i++) {
      if (a[i] === 0) continue;
      rhs[i] += scale * a[i] * value * precision;
      for (let k = 0; k < q; k++) P[i * q + k] += scale * a[i] * a[k] * precision;
    }
  }
  const inv = invertSymmetricPositiveDefinite(Array.from({ length: q }, (_, i) => P.subarray(i * q, (i + 1) * q)));
  if (!inv) throw new Error("the coefficients' posterior with the lift studies and priors is not positive definite");
  const data = dataRhs ?? b.map((_, i) => b.reduce((s, bk, k) => s + A[i * q + k] * bk, 0));
  const Ab = data.map((v, i) => v + rhs[i]);
  return { P, mu: inv.map((row) => row.reduce((s, v, k) => s + v * Ab[k], 0)), rhs };
}

/**
 * One draw with the coefficients from their Gaussian posterior given the
 * transforms: the all-weeks ridge fit b on standardised columns Z, plus
 * L z with L L' = s^2 A^-1 / nu, A = Z'Z / n + lambda I, s^2 = SSE / (n - p - 1),
 * z standard normal, and the intercept keeping the fitted mean. Lift studies
 * and Gaussian ROAS or share priors are measurements of linear functions of
 * the coefficients and move both (withTerms), so a channel a lift test pins
 * is pinned in every draw. A
 * sign-bounded coefficient (media, signed controls) inside its bound is
 * floored there if its draw crosses it. One the fit leaves at its bound is
 * drawn from its conditional given the others' draws, N(m, s^2 / A_jj / nu)
 * truncated to its side, m where the data (and the terms) alone would put
 * it: near 0 when they push hard against the bound, spread above it when
 * they say little.
 * Columns without variation keep coefficient 0.
 */
export function gaussianDraw(pr: SearchProblem, hp: Float64Array, design: Design, nu: number, rng: Rng, draw: number, candidate: number, spendTotals: number[]): BootstrapDraw {
  const cp = coefficientPosterior(pr, hp, design, nu, spendTotals);
  const { fit, sc, scale, A, mu, rhs, sign } = cp;
  const { n, y } = pr;
  const cols = design.cols;
  const { mean, sd, active } = sc;
  const q = active.length;
  const x = gaussianWithPrecision(A, q, rng);
  // Standardised coefficients: the posterior mean plus the Gaussian noise.
  const beta = active.map((_, a) => mu[a] + Math.sqrt(scale) * x[a]);
  let ybar = 0;
  for (let t = 0; t < n; t++) ybar += y[t] / n;
  active.forEach((j, a) => {
    if (fit.coef[j] !== 0 || sign[j] === 0) return;
    let c = 0;
    for (let t = 0; t < n; t++) c += ((cols[j * n + t] - mean[j]) / sd[j]) * (y[t] - ybar);
    let m = c / n + cp.m[a] * ybar + rhs[a];
    for (let k = 0; k < q; k++) if (k !== a) m -= A[a * q + k] * beta[k];
    m /= A[a * q + a];
    const s = Math.sqrt(scale / A[a * q + a]);
    // A fit with no residual left (s = 0) leaves nothing to draw: the mean, held to its side of the bound.
    if (!(s > 0)) beta[a] = sign[j] === 1 ? Math.max(m, 0) : Math.min(m, 0);
    else beta[a] = sign[j] === 1 ? m + s * truncatedStandardNormal(rng, -m / s) : m - s * truncatedStandardNormal(rng, m / s);
  });
  const r = withCoefficients(pr, cp, design, beta);
  let sseDraw = 0;
  for (let t = 0; t < n; t++) sseDraw += (y[t] - r.fitted[t]) ** 2;
  return drawFromCoefficients(pr, hp, design, r.coef, r.intercept, sseDraw, draw, candidate, spendTotals);
}

/**
 * The coefficients' Gaussian posterior given a state's curves: the all-weeks ridge fit, the
 * standardised columns, the noise scale s^2 / nu, and the precision, mean and right-hand side of
 * {@link withTerms} with the user's lift studies and Gaussian priors.
 */
function coefficientPosterior(pr: SearchProblem, hp: Float64Array, design: Design, nu: number, spendTotals: number[], pin = false) {
  const { n, nb, nm, dims, y } = pr;
  const lambda = hp[dims - 1];
  const fit = ridgeOnRows(pr, design, allWeeks(n), n, lambda);
  const cols = design.cols;
  const sc = columnScales(cols, n, nb + nm);
  let sse = 0;
  for (let t = 0; t < n; t++) sse += (y[t] - fit.fitted[t]) ** 2;
  const scale = sse / Math.max(1, n - sc.active.length - 1) / nu;
  const terms = linearTerms(pr, cols, sc, spendTotals);
  const A = ridgeGram(cols, n, sc, lambda);
  // With terms and the intercept held at its bound 0, the coefficients move in the fit without an intercept, on
  // the uncentred columns x / sd: Gram A + m m' and right-hand side c + m ybar, m = mean / sd (as fitRidgeRows).
  const pinned = terms.length > 0 && pr.spec.interceptSign === 1 && (pin || fit.intercept === 0);
  const m = sc.active.map((j) => (pinned ? sc.mean[j] / sc.sd[j] : 0));
  if (pinned) for (let a = 0; a < m.length; a++) for (let b = 0; b < m.length; b++) A[a * m.length + b] += m[a] * m[b];
  // Held at 0, the data's right-hand side is the no-intercept fit's own: (1/n) sum (x / sd) y.
  const dataRhs = pinned ? sc.active.map((j) => design.cols.subarray(j * n, (j + 1) * n).reduce((acc, v, t) => acc + (v / sc.sd[j]) * y[t], 0) / n) : undefined;
  const post = withTerms(
    A,
    Array.from(sc.active, (j) => fit.coef[j] * sc.sd[j]),
    terms,
    scale,
    dataRhs,
  );
  return { fit, sc, scale, pinned, m, A: post.P, mu: post.mu, rhs: post.rhs, sign: coefficientSigns(pr) };
}

/**
 * The fit with standardised coefficients `beta` (active columns), each floored at its sign's bound, the
 * intercept keeping the fitted mean (or held at 0 when the fit held it there).
 */
function withCoefficients(pr: SearchProblem, cp: ReturnType<typeof coefficientPosterior>, design: Design, beta: number[]): Refit {
  const { n, nb, nm } = pr;
  const { fit, sc, sign } = cp;
  const coef = Float64Array.from(fit.coef);
  let intercept = cp.pinned ? 0 : fit.intercept;
  sc.active.forEach((j, a) => {
    let cj = beta[a] / sc.sd[j];
    if ((sign[j] === 1 && cj < 0) || (sign[j] === -1 && cj > 0)) cj = 0;
    if (!cp.pinned) intercept -= (cj - fit.coef[j]) * sc.mean[j];
    coef[j] = cj;
  });
  const fitted = new Float64Array(n).fill(intercept);
  for (let j = 0; j < nb + nm; j++) for (let t = 0; t < n; t++) fitted[t] += coef[j] * design.cols[j * n + t];
  return { design, coef, intercept, fitted };
}

/**
 * A state's all-weeks fit given its curves: the ridge fit, or, with lift studies or Gaussian
 * priors and Gaussian coefficient draws, the coefficients' posterior mean given those terms
 * (floored at the sign bounds), so the point model agrees with what the draws take from them.
 */
export function conditionalFit(pr: SearchProblem, hp: Float64Array, design: Design, nu: number, spendTotals: number[]): Refit {
  const terms = pr.cal.channel.length > 0 || Object.values(pr.o.priors).some((p) => p.roas || p.contribution);
  if (!terms || pr.o.posteriorCoefficients !== 'gaussian') return ridgeOnRows(pr, design, allWeeks(pr.n), pr.n, hp[pr.dims - 1]);
  const cp = coefficientPosterior(pr, hp, design, nu, spendTotals);
  const free = withCoefficients(pr, cp, design, cp.mu);
  if (!(pr.spec.interceptSign === 1 && free.intercept < 0)) return free;
  // The terms would take the intercept below its bound 0: hold it there, as the ridge fit does.
  const pinned = coefficientPosterior(pr, hp, design, nu, spendTotals, true);
  return withCoefficients(pr, pinned, design, pinned.mu);
}
