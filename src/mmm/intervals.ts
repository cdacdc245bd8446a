/**
 * Intervals: bootstrap draws of the model (each with hyperparameters from the
 * near-optimal candidates, coefficients refitted on a moving-block resample
 * of the weeks) and the percentile intervals of ROAS and contribution.
 */
import { quantileSorted } from '../core/quantile.ts';
import { Rng } from '../core/rng.ts';
import { fitRidgeRows } from './kernel.ts';
import { decodeUnit } from './problem.ts';
import type { SearchProblem } from './problem.ts';
import { channelResponses, coefficientSigns, mediaDesign } from './refit.ts';
import type { Design } from './refit.ts';
import type { SearchResult } from './search.ts';
import type { BootstrapDraw } from './types.ts';

/**
 * Indices of a moving-block bootstrap sample (Kunsch 1989): ceil(n / L) blocks
 * of L consecutive weeks with uniform random starts, concatenated and cut to n.
 */
export function movingBlockRows(n: number, blockLength: number, rng: Rng): Int32Array {
  const L = Math.min(blockLength, n);
  const rows = new Int32Array(n);
  let k = 0;
  while (k < n) {
    const start = rng.int(n - L + 1);
    for (let i = 0; i < L && k < n; i++) rows[k++] = start + i;
  }
  return rows;
}

/**
 * The candidates the data cannot tell apart from the chosen one: objective
 * within (1 + bootstrapTolerance) x the reference score, in index order.
 * The reference is the chosen candidate's objective when it is no worse than
 * candidate 0's, else the lowest finite objective.
 */
export function nearOptimalSet(pr: SearchProblem, search: SearchResult, chosen: number): number[] {
  const s = search.scores;
  const count = search.trials * search.iterations;
  const bestScore = s[chosen * 3] <= s[0] ? s[chosen * 3] : Math.min(...Array.from({ length: count }, (_, i) => s[i * 3]).filter(Number.isFinite));
  const near: number[] = [];
  for (let i = 0; i < count; i++) if (s[i * 3] <= bestScore * (1 + pr.o.bootstrapTolerance)) near.push(i);
  return near;
}

/**
 * `o.bootstrap` draws: draw 0 keeps the chosen hyperparameters, each other
 * draw takes a uniformly drawn member of the near-optimal set; the
 * coefficients are refitted on a moving-block resample of the weeks
 * (seeded by o.seed), so the draws carry the uncertainty of the transforms
 * as well as of the coefficients.
 * @param chosenDesign the chosen hyperparameters' design (reused, not rebuilt)
 */
export function bootstrapDraws(pr: SearchProblem, search: SearchResult, chosen: number, hp: Float64Array, chosenDesign: Design, spendTotals: number[]): BootstrapDraw[] {
  const { o, n } = pr;
  const near = nearOptimalSet(pr, search, chosen);
  const draws: BootstrapDraw[] = [];
  const rng = new Rng(o.seed, 0x6d6d6d);
  for (let b = 0; b < o.bootstrap; b++) {
    const pick = b === 0 || near.length === 0 ? chosen : near[rng.int(near.length)];
    const hpb = pick === chosen ? hp : decodeUnit(pr, search.units, pick);
    const db = pick === chosen ? chosenDesign : mediaDesign(pr, hpb);
    draws.push(refitDraw(pr, hpb, db, movingBlockRows(n, o.blockLength, rng), b, pick, spendTotals));
    o.onProgress?.('bootstrap', b + 1, o.bootstrap);
  }
  return draws;
}

/**
 * One draw of the model: the design of hyperparameters `hp` refitted on the
 * resampled weeks `rows`, with its channels' (and organic variables')
 * responses and contributions over all window weeks.
 * @param candidate the search candidate (or posterior state) the hyperparameters came from
 */
export function refitDraw(pr: SearchProblem, hp: Float64Array, design: Design, rows: Int32Array, draw: number, candidate: number, spendTotals: number[]): BootstrapDraw {
  const { n, nb, nm, dims, y } = pr;
  const p = nb + nm;
  const cb = new Float64Array(p);
  const ib = fitRidgeRows(p, n, design.cols, y, rows, rows.length, hp[dims - 1], coefficientSigns(pr), cb, pr.spec.interceptSign);
  let sseB = 0;
  for (let r = 0; r < rows.length; r++) {
    const t = rows[r];
    let f = ib;
    for (let j = 0; j < p; j++) f += cb[j] * design.cols[j * n + t];
    sseB += (y[t] - f) ** 2;
  }
  return drawFromCoefficients(pr, hp, design, cb, ib, sseB, draw, candidate, spendTotals);
}

/**
 * A draw of the model from its coefficients on a design: each channel's (and
 * organic variable's) response and contribution over all window weeks, ROAS,
 * and the residual sd from the draw's sum of squared errors `sse`.
 */
export function drawFromCoefficients(
  pr: SearchProblem,
  hp: Float64Array,
  design: Design,
  coef: Float64Array,
  intercept: number,
  sse: number,
  draw: number,
  candidate: number,
  spendTotals: number[],
): BootstrapDraw {
  const { n, nb, nc, nm, dims } = pr;
  const contribution = Array.from({ length: nm }, (_, j) => {
    let sum = 0;
    for (let t = 0; t < n; t++) sum += design.cols[(nb + j) * n + t];
    return coef[nb + j] * sum;
  });
  const responses = channelResponses(pr, hp, design.ks, coef);
  const out: BootstrapDraw = {
    draw,
    candidate,
    intercept,
    baselineCoefs: Array.from(coef.subarray(0, nb)),
    lambda: hp[dims - 1],
    residualSd: Math.sqrt(sse / Math.max(1, n - (nb + nm) - 1)),
    roas: contribution.slice(0, nc).map((c, j) => (spendTotals[j] > 0 ? c / spendTotals[j] : 0)),
    contribution: contribution.slice(0, nc),
    channels: responses.slice(0, nc),
  };
  if (nm > nc) {
    out.organic = responses.slice(nc);
    out.organicContribution = contribution.slice(nc);
  }
  return out;
}

/**
 * Percentile interval of the draws' values, recentred on the point estimate:
 * [point - (median - q_lo), point + (q_hi - median)], floored at 0 (media
 * coefficients are >= 0), q_lo and q_hi the (1 -+ level) / 2 quantiles. The
 * draws' spread is kept, and the point estimate always lies inside its own
 * interval (a plain percentile interval can miss it when the near-best
 * hyperparameters sit to one side of the chosen ones).
 * @param level interval coverage in (0, 1), e.g. 0.9
 */
export function recentredInterval(values: number[], point: number, level: number): [number, number] {
  const qLo = (1 - level) / 2;
  const s = Float64Array.from(values).sort();
  const med = quantileSorted(s, 0.5);
  return [Math.max(0, point - (med - quantileSorted(s, qLo))), point + (quantileSorted(s, 1 - qLo) - med)];
}

/**
 * Percentile interval of the draws' values, [q_lo, q_hi] with q_lo and q_hi
 * the (1 -+ level) / 2 quantiles, widened to hold the point estimate when it
 * falls outside (the posterior estimator's intervals: the draws come from the
 * posterior itself, so they are not recentred).
 * @param level interval coverage in (0, 1), e.g. 0.9
 */
export function percentileInterval(values: number[], point: number, level: number): [number, number] {
  const qLo = (1 - level) / 2;
  const s = Float64Array.from(values).sort();
  return [Math.min(point, quantileSorted(s, qLo)), Math.max(point, quantileSorted(s, 1 - qLo))];
}
