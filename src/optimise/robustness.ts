/**
 * Robustness of an allocation: its objective under alternative response
 * curves (e.g. the MMM's bootstrap draws), summarised by mean and the 5th and
 * 95th percentiles.
 */
import { quantileSorted } from '../core/quantile.ts';
import { ValidationError } from '../core/errors.ts';
import { evaluatePlan } from './evaluate.ts';
import type { CurveSpec, ResolvedProblem } from './types.ts';
import { parseCurveSets } from './schema.ts';

/** Summary of the objective over curve draws. */
export interface RobustnessSummary {
  draws: number;
  mean: number;
  sd: number;
  p5: number;
  p50: number;
  p95: number;
  /** Objective per draw, in draw order. */
  values: number[];
}

export { quantileSorted };

/**
 * Evaluates a fixed allocation under each alternative curve set and
 * summarises the objective (same objective definition as the solve: weights
 * and CLV mix included; "efficiency" problems report revenue, since spend
 * does not depend on the curves).
 * @param problem the resolved problem the allocation was made for
 * @param plan spend X[t][i] (period t, channel i); a single-period plan may be given as X[0]
 * @param curveSets each draw maps channel name -> revenue curve (channels missing from a draw keep their curve)
 * @param measure "objective" (default) or "revenue": the plan's unweighted revenue response under each draw
 * @throws ValidationError if a draw names an unknown channel or holds a bad curve, or there are no draws
 */
export function evaluateUnderCurveDraws(
  problem: ResolvedProblem,
  plan: number[][],
  curveSets: readonly Record<string, CurveSpec>[],
  measure: 'objective' | 'revenue' = 'objective',
): RobustnessSummary {
  if (curveSets.length === 0) throw new ValidationError('evaluateUnderCurveDraws requires at least one curve set');
  const index = new Map(problem.channelNames.map((n, i) => [n, i]));
  curveSets.forEach((set, d) => {
    for (const name of Object.keys(set)) if (!index.has(name)) throw new ValidationError(`curveSets[${d}].${name}: unknown channel "${name}"`);
  });
  const values = parseCurveSets(curveSets).map((set) => {
    const alt: ResolvedProblem = {
      ...problem,
      periods: problem.periods.map((p) => ({
        ...p,
        channels: p.channels.map((ch) => (set[ch.name] ? { ...ch, revenue: set[ch.name] } : ch)),
      })),
    };
    const tot = evaluatePlan(alt, plan);
    return measure === 'revenue' || problem.objective === 'efficiency' ? tot.revenue : tot.objective;
  });
  const sorted = [...values].sort((a, b) => a - b);
  const mean = values.reduce((s, v) => s + v, 0) / values.length;
  const sd = values.length > 1 ? Math.sqrt(values.reduce((s, v) => s + (v - mean) ** 2, 0) / (values.length - 1)) : 0;
  return { draws: values.length, mean, sd, p5: quantileSorted(sorted, 0.05), p50: quantileSorted(sorted, 0.5), p95: quantileSorted(sorted, 0.95), values };
}
