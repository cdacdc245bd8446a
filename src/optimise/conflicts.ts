/**
 * Naming why an allocation problem is infeasible. First simple conflicts that
 * can be read off the data (spend-all budget above the sum of maximums, group
 * floors above what their channels may take, ratios that the bounds rule
 * out, ...); otherwise a deletion filter over the problem's constraints: drop
 * each constraint in turn and keep it dropped if the rest is still
 * infeasible. What remains is an irreducible conflicting set (every
 * constraint in it is needed for the conflict).
 */
import type { Highs } from 'highs';
import type { ChannelPwl } from './breakpoints.ts';
import { formulate } from './formulate.ts';
import { solveLinearModel } from './solver.ts';
import type { ResolvedProblem } from './types.ts';

/** An amount for a message: at most 2 decimals. */
const amount = (v: number): number => Math.round(v * 100) / 100;

/** A named conflict. */
export interface Conflict {
  constraints: string[];
  explanation: string;
}

/**
 * Conflicts visible from bounds alone, checked per period.
 * @returns the first conflict found, or null
 */
export function simpleConflict(problem: ResolvedProblem): Conflict | null {
  const pfx = (t: number) => (problem.multiPeriod ? `periods[${t}].` : '');
  for (let t = 0; t < problem.periods.length; t++) {
    const p = problem.periods[t];
    const ch = p.channels;
    const maxOf = (i: number) => ch[i].hi;
    const minOf = (i: number) => ch[i].lo;
    const name = (i: number) => ch[i].name;
    const sumMax = ch.reduce((s, c) => s + c.hi, 0);
    const sumMin = ch.reduce((s, c) => s + c.lo, 0);
    // With reinvestment a later period's budget also takes the earlier revenue: only the bounds can tell there.
    if (p.budget !== null && sumMin > p.budget * (1 + 1e-12) && (problem.reinvestRate === 0 || t === 0)) {
      return {
        constraints: [`${pfx(t)}budget`, ...ch.filter((c) => c.lo > 0).map((c) => `${pfx(t)}channels[${c.name}].min`)],
        explanation: `the budget ${amount(p.budget)} is below the channel minimums, which add up to ${amount(sumMin)}`,
      };
    }
    if (p.budget !== null && problem.spendAll && problem.objective !== 'efficiency' && problem.reinvestRate === 0 && sumMax < p.budget * (1 - 1e-12)) {
      return {
        constraints: [`${pfx(t)}budget`, ...ch.map((c) => `${pfx(t)}channels[${c.name}].max`)],
        explanation: `the budget ${amount(p.budget)} must be spent in full but the channel maximums add up to only ${amount(sumMax)}`,
      };
    }
    for (const c of problem.constraints) {
      const id = `${pfx(t)}${c.id}`;
      if (c.kind === 'group') {
        const gMax = c.channels.reduce((s, i) => s + maxOf(i), 0);
        const gMin = c.channels.reduce((s, i) => s + minOf(i), 0);
        if (c.min !== null && gMax < c.min * (1 - 1e-12)) {
          return {
            constraints: [id, ...c.channels.map((i) => `${pfx(t)}channels[${name(i)}].max`)],
            explanation: `${id} needs at least ${amount(c.min)} but its channels may take at most ${amount(gMax)}`,
          };
        }
        if (c.max !== null && gMin > c.max * (1 + 1e-12)) {
          return {
            constraints: [id, ...c.channels.filter((i) => minOf(i) > 0).map((i) => `${pfx(t)}channels[${name(i)}].min`)],
            explanation: `${id} allows at most ${amount(c.max)} but its channels' minimums add up to ${amount(gMin)}`,
          };
        }
        if (c.min !== null && p.budget !== null && c.min > p.budget * (1 + 1e-12) && problem.reinvestRate === 0) {
          return { constraints: [id, `${pfx(t)}budget`], explanation: `${id} needs at least ${amount(c.min)}, more than the budget ${amount(p.budget)}` };
        }
      } else if (c.kind === 'ratio') {
        const lMin = c.left.reduce((s, i) => s + minOf(i), 0);
        const lMax = c.left.reduce((s, i) => s + maxOf(i), 0);
        const rMin = c.factor * c.right.reduce((s, i) => s + minOf(i), 0);
        const rMax = c.factor * c.right.reduce((s, i) => s + maxOf(i), 0);
        const ids = (side: number[], what: 'min' | 'max') => side.map((i) => `${pfx(t)}channels[${name(i)}].${what}`);
        if (c.sense !== '>=' && lMin > rMax * (1 + 1e-12)) {
          return {
            constraints: [id, ...ids(c.left, 'min'), ...ids(c.right, 'max')],
            explanation: `${id} needs left <= ${c.factor} x right, but the left minimums (${amount(lMin)}) exceed ${c.factor} x the right maximums (${amount(rMax)})`,
          };
        }
        if (c.sense !== '<=' && lMax < rMin * (1 - 1e-12)) {
          return {
            constraints: [id, ...ids(c.left, 'max'), ...ids(c.right, 'min')],
            explanation: `${id} needs left >= ${c.factor} x right, but the left maximums (${amount(lMax)}) are below ${c.factor} x the right minimums (${amount(rMin)})`,
          };
        }
      }
    }
  }
  return null;
}

/** Constraint items of a problem that a deletion filter may drop, with their user-facing names. */
function relaxableItems(problem: ResolvedProblem): { item: string; label: string }[] {
  const items: { item: string; label: string }[] = [];
  if (problem.periods.some((p) => p.budget !== null)) items.push({ item: 'budget', label: 'budget' });
  if (problem.targetRevenue !== null) items.push({ item: 'target.revenue', label: 'target.revenue' });
  problem.constraints.forEach((c, j) => items.push({ item: c.id === 'target.roas' ? 'target.roas' : `constraint:${j}`, label: c.id }));
  if (problem.maxChangeAbsolute !== null || problem.maxChangeRelative !== null) items.push({ item: 'maxChange', label: 'maxChange' });
  problem.channelNames.forEach((nm, i) => {
    const chans = problem.periods.map((p) => p.channels[i]);
    if (chans.some((c) => c.lo > 0)) items.push({ item: `min:${i}`, label: `channels[${nm}].min` });
    if (chans.some((c) => Number.isFinite(c.hi))) items.push({ item: `max:${i}`, label: `channels[${nm}].max` });
    if (chans.some((c) => c.minIfActive > 0)) items.push({ item: `minIfActive:${i}`, label: `channels[${nm}].minIfActive` });
  });
  return items;
}

/**
 * Deletion filter over the problem's constraints (on the given PWLs) to find
 * an irreducible infeasible set. Each test is one LP/MIP feasibility solve.
 */
export function findConflict(highs: Highs, problem: ResolvedProblem, pwls: ChannelPwl[][]): Conflict {
  const items = relaxableItems(problem);
  const feasible = (omit: Set<string>) => {
    const { model } = formulate(problem, pwls, { omit, feasibilityOnly: true });
    const s = solveLinearModel(highs, model, { timeLimit: 20 });
    return s.status === 'optimal' || s.status === 'unbounded';
  };
  if (!feasible(new Set(items.map((x) => x.item)))) {
    return { constraints: ['channels (non-negative spend)'], explanation: 'no allocation satisfies even the bare requirements of the problem' };
  }
  const omit = new Set<string>();
  if (items.length <= 120) {
    for (const it of items) {
      omit.add(it.item);
      if (feasible(omit)) omit.delete(it.item);
    }
  }
  const kept = items.filter((it) => !omit.has(it.item)).map((it) => it.label);
  return {
    constraints: kept,
    explanation: `these constraints cannot all hold together: ${kept.join(', ')}${problem.constraints.some((c) => c.kind === 'roasFloor') || problem.targetRevenue !== null ? ' (revenue checked on the response curves)' : ''}`,
  };
}
