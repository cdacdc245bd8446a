/**
 * The default allocation problem (Robyn's default scenario): the next
 * `horizonWeeks` weeks get the last `horizonWeeks` weeks' total spend, each
 * channel between 0.5x and 2x its recent spend, and the current plan is the
 * recent spend repeated.
 */
import { ValidationError } from '../core/errors.ts';
import type { AllocationProblem, CurveSpec } from './types.ts';

/** A fitted channel curve and its recent spend. */
export interface ChannelCurveInput {
  name: string;
  /** Weekly response curve: weekly spend -> weekly incremental revenue. */
  response: CurveSpec;
  /** Total spend of the channel over the last `horizonWeeks` weeks. */
  recentSpend: number;
}

/** Options of {@link defaultProblemFromCurves}. */
export interface DefaultProblemOptions {
  /** Weeks in the horizon and in the look-back (default 13). */
  horizonWeeks?: number;
  /** Lower bound as a multiple of recent weekly spend (default 0.5). */
  minMultiple?: number;
  /** Upper bound as a multiple of recent weekly spend (default 2). */
  maxMultiple?: number;
  /** Default "revenue". */
  objective?: 'revenue';
  /**
   * false (default): one period standing for an average week of the horizon
   * (budget = total / horizonWeeks; multiply allocation and objective by
   * horizonWeeks for horizon totals). true: `horizonWeeks` periods, each with
   * the weekly budget and the same curves.
   */
  periods?: boolean;
}

/**
 * Builds the default problem from fitted curves.
 * @example defaultProblemFromCurves([{ name: 'tv', response: { type: 'log', beta: 5, s: 2 }, recentSpend: 26 }]).budget; // => 2
 * @throws ValidationError when there are no curves, names repeat, or a recent spend is negative or not finite
 */
export function defaultProblemFromCurves(curves: readonly ChannelCurveInput[], opts: DefaultProblemOptions = {}): AllocationProblem {
  const weeks = opts.horizonWeeks ?? 13;
  const minMultiple = opts.minMultiple ?? 0.5;
  const maxMultiple = opts.maxMultiple ?? 2;
  if (curves.length === 0) throw new ValidationError('defaultProblemFromCurves requires at least one channel curve');
  if (!(Number.isInteger(weeks) && weeks >= 1)) throw new ValidationError(`defaultProblemFromCurves: horizonWeeks must be a positive integer, got ${weeks}`);
  const seen = new Set<string>();
  for (const c of curves) {
    if (seen.has(c.name)) throw new ValidationError(`defaultProblemFromCurves: duplicate channel "${c.name}"`);
    seen.add(c.name);
    if (!(Number.isFinite(c.recentSpend) && c.recentSpend >= 0)) throw new ValidationError(`defaultProblemFromCurves: recentSpend of "${c.name}" must be a finite number >= 0, got ${c.recentSpend}`);
  }
  const weekly = curves.map((c) => c.recentSpend / weeks);
  const budget = weekly.reduce((s, v) => s + v, 0);
  const channels = curves.map((c, i) => ({ name: c.name, response: c.response, recent: weekly[i], minMultiple, maxMultiple }));
  const current = Object.fromEntries(curves.map((c, i) => [c.name, weekly[i]]));
  if (!opts.periods) return { budget, spendAll: true, objective: opts.objective ?? 'revenue', channels, current };
  return {
    spendAll: true,
    objective: opts.objective ?? 'revenue',
    channels,
    current,
    periods: Array.from({ length: weeks }, () => ({ budget, channels: [] })),
  };
}
