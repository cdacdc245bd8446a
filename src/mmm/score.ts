/**
 * scoreHyperparameters: any hyperparameters scored by the search's own
 * objective, on the search's own design and folds.
 */
import { UsageError } from '../core/errors.ts';
import { alphaPriorTerm, createEvaluator, evaluateCandidate } from './kernel.ts';
import { resolveFitOptions } from './options.ts';
import { buildSearchProblem } from './problem.ts';
import type { FitOptions, WeeklyData } from './types.ts';

/** Scores of one set of hyperparameters by the search's own objectives (see scoreHyperparameters). */
export interface HyperparameterScore {
  /** The search objective: validation NRMSE x the alpha prior's factor [x the calibration factor] (lower is better). */
  objective: number;
  /** Rolling-origin validation NRMSE. */
  validationNrmse: number;
  /** DECOMP.RSSD of the fit on all weeks. */
  decompRssd: number;
  /** In-sample NRMSE of the fit on all weeks. */
  trainNrmse: number;
  /** MAPE.LIFT against the calibration studies (only when there are studies). */
  mapeLift?: number;
}

/**
 * Scores given hyperparameters exactly as the search scores a candidate (same
 * checks, design, folds and objective as fitMmm with these options). Used to
 * ask whether a model the search did not choose, e.g. the true transforms of
 * synthetic data, would have won: if the truth's objective is worse than the
 * chosen model's, no search for that objective could have picked it.
 * @param hyperparameters per channel (and organic variable) name, every parameter of the adstock and saturation families (e.g. theta, alpha, gamma)
 * @param lambda ridge penalty on standardised features
 * @throws UsageError when a channel or parameter is missing; ValidationError for bad data
 */
export function scoreHyperparameters(data: WeeklyData, options: FitOptions, hyperparameters: Record<string, Record<string, number>>, lambda: number): HyperparameterScore {
  const pr = buildSearchProblem(data, resolveFitOptions(options));
  const u = new Float64Array(pr.dims);
  for (const m of pr.media) {
    const h = hyperparameters[m.name];
    if (!h) throw new UsageError(`scoreHyperparameters: no hyperparameters for ${m.role === 'paid' ? 'channel' : 'organic variable'} ${m.name}`);
    if (m.families.length > 1) throw new UsageError(`scoreHyperparameters: ${m.name} has several families; score one family at a time`);
    m.families[0].names.forEach((nm, k) => {
      const v = h[nm];
      if (!Number.isFinite(v)) throw new UsageError(`scoreHyperparameters: ${m.name}.${nm} must be a finite number`);
      const d = m.offset + k;
      const x = pr.logScale[d] ? Math.log10(v) : v;
      // Values outside the search range decode correctly (the map is affine), so they are scored too.
      u[d] = pr.upper[d] > pr.lower[d] ? (x - pr.lower[d]) / (pr.upper[d] - pr.lower[d]) : 0;
    });
  }
  if (!(lambda > 0)) throw new UsageError(`scoreHyperparameters: lambda must be > 0, got ${lambda}`);
  const d = pr.dims - 1;
  u[d] = pr.upper[d] > pr.lower[d] ? (Math.log10(lambda) - pr.lower[d]) / (pr.upper[d] - pr.lower[d]) : 0;
  const ev = createEvaluator(pr.spec);
  const out = new Float64Array(3);
  evaluateCandidate(ev, u, 0, out, 0);
  const prior = pr.spec.alphaPrior > 0 ? pr.spec.alphaPrior * alphaPriorTerm(ev.hp as Float64Array, pr.spec.alphaDim, pr.lower, pr.upper) : 0;
  const calFactor = pr.cal.channel.length > 0 ? 1 + pr.o.calibrationWeight * (ev.mapeLift as number) : 1;
  const score: HyperparameterScore = { objective: out[0], validationNrmse: out[0] / ((1 + prior) * calFactor), decompRssd: out[1], trainNrmse: out[2] };
  if (pr.cal.channel.length > 0) score.mapeLift = ev.mapeLift as number;
  return score;
}
