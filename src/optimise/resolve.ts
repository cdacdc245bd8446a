/**
 * Resolves a checked allocation problem into the form the solver works on:
 * every default filled, bounds made absolute, channel names turned into
 * indices. The checks are the schema's (schema.ts); this module assumes them.
 */
import { ValidationError } from '../core/errors.ts';
import { keyPath, pathPrefix } from '../core/schema.ts';
import { channelFloor, type EffectiveEntry, isBroken, ownBounds, periodLayout } from './layout.ts';
import type { CheckedAllocationProblem, ResolvedChannel, ResolvedConstraint, ResolvedProblem } from './types.ts';

type Objective = ResolvedProblem['objective'];

/** A channel as it applies in a period with the given budget. */
function resolveChannel(e: EffectiveEntry, budget: number | null, capAtBudget: boolean, currentOverride: number | undefined): ResolvedChannel {
  const c = e.entry;
  const b = ownBounds(c);
  return {
    name: e.name,
    path: keyPath(e.path),
    revenue: c.response!,
    clvCurve: c.valueResponse ?? null,
    clvPerRevenue: c.clvPerRevenue ?? 0,
    lo: channelFloor(b),
    hi: budget === null || !capAtBudget ? b.hi : Math.min(b.hi, budget),
    minIfActive: b.lo > 0 ? 0 : b.minIfActive,
    weight: c.weight ?? 1,
    current: currentOverride ?? c.current ?? c.recent ?? null,
  };
}

/** The constraints with channel indices and ids (`constraints[1] "tv cap"`); a ROAS target comes first as `target.roas`. */
function resolveConstraints(p: CheckedAllocationProblem, index: ReadonlyMap<string, number>): ResolvedConstraint[] {
  const out: ResolvedConstraint[] = [];
  if (p.target?.roas !== undefined) out.push({ kind: 'roasFloor', id: 'target.roas', value: p.target.roas });
  const idx = (names: string[]) => names.map((n) => index.get(n)!);
  (p.constraints ?? []).forEach((c, j) => {
    const id = c.name ? `constraints[${j}] "${c.name}"` : `constraints[${j}]`;
    if (c.type === 'group') out.push({ kind: 'group', id, channels: idx(c.channels), min: c.min ?? null, max: c.max ?? null });
    else if (c.type === 'ratio') out.push({ kind: 'ratio', id, left: idx(c.left), right: idx(c.right), sense: c.sense, factor: c.factor ?? 1 });
    else out.push({ kind: 'roasFloor', id, value: c.value });
  });
  return out;
}

/** The current plan per period and channel, or null (with a warning when only some channels' current spend is known). */
function currentPlan(periods: ResolvedProblem['periods'], channelNames: string[], warnings: string[]): number[][] | null {
  const known = periods.reduce((s, p) => s + p.channels.filter((c) => c.current !== null).length, 0);
  if (known === 0) return null;
  if (known < periods.length * channelNames.length) {
    const missing = channelNames.filter((_, i) => periods.some((p) => p.channels[i].current === null));
    warnings.push(`no comparison with the current plan: current spend unknown for ${missing.join(', ')}`);
    return null;
  }
  return periods.map((p) => p.channels.map((c) => c.current as number));
}

/** The objective solved and its coefficients (see {@link ResolvedProblem}); "efficiency" with only a ROAS target becomes "revenue". */
function objectiveOf(p: CheckedAllocationProblem, margin: number, warnings: string[]) {
  const given: Objective = p.objective ?? 'revenue';
  if (p.clvWeight !== undefined && given !== 'weighted') warnings.push('clvWeight is only used by the "weighted" objective; ignored');
  let objective = given;
  if (given === 'efficiency' && p.target?.revenue === undefined) {
    // the most revenue whose ROAS stays at or above the floor
    objective = 'revenue';
    warnings.push('objective "efficiency" with only target.roas: maximising revenue subject to ROAS >= target.roas');
  }
  return {
    objective,
    spendAll: p.spendAll ?? given !== 'profit',
    revenueCoef: objective === 'clv' ? 0 : objective === 'profit' ? margin : 1,
    clvCoef: objective === 'clv' ? 1 : objective === 'weighted' ? (p.clvWeight ?? 1) : 0,
    spendCost: objective === 'profit' ? 1 : 0,
  };
}

/**
 * Resolves a checked allocation problem (defaults in the schema's key docs,
 * schema.ts): bounds absolute and capped at the period budget (unless budgets
 * are reinvested), channels in one order in every period, constraints by
 * channel index, the current plan when every channel's is known.
 * @param p a problem that passed {@link parseAllocationProblem} (or was built
 *   by code that keeps its rules); its rules are not checked again
 * @returns the resolved problem and warnings about keys that were ignored
 * @throws ValidationError only when `p` breaks the channel layout rules (it was not checked)
 */
export function resolveProblem(p: CheckedAllocationProblem): { problem: ResolvedProblem; warnings: string[] } {
  const warnings: string[] = [];
  const layout = periodLayout(p);
  if (isBroken(layout)) throw new ValidationError(`${pathPrefix(layout.path)}${layout.message}`);
  const margin = p.margin ?? 1;
  const { objective, spendAll, revenueCoef, clvCoef, spendCost } = objectiveOf(p, margin, warnings);
  const reinvestRate = p.reinvestRate ?? 0;
  const { channelNames } = layout;
  const periods = layout.periods.map((period) => ({
    budget: period.budget,
    channels: period.entries.map((e) => resolveChannel(e, period.budget, reinvestRate === 0, p.current?.[e.name])),
  }));
  const maxChange = typeof p.maxChange === 'number' ? { absolute: p.maxChange } : p.maxChange;
  return {
    problem: {
      objective,
      revenueCoef,
      clvCoef,
      spendCost,
      margin,
      spendAll,
      targetRevenue: p.target?.revenue ?? null,
      channelNames,
      periods,
      constraints: resolveConstraints(p, new Map(channelNames.map((n, i) => [n, i]))),
      maxChangeAbsolute: maxChange?.absolute ?? null,
      maxChangeRelative: maxChange?.relative ?? null,
      reinvestRate,
      current: currentPlan(periods, channelNames, warnings),
      tolerance: p.tolerance ?? 1e-4,
      multiPeriod: p.periods !== undefined,
    },
    warnings,
  };
}
