/**
 * True-curve evaluation of a plan: objective, revenue, CLV value, spend, and
 * the worst constraint violation. Used for the reported objective (never the
 * linearised one), for feasibility checks of every returned allocation, and
 * by the robustness helper.
 */
import { curvature, marginalRoi, responseValue } from './curves.ts';
import { clvMarginal, clvValue } from './breakpoints.ts';
import type { ResolvedChannel, ResolvedProblem } from './types.ts';

/** Value of one channel's spend under the problem's objective: weight (revenueCoef f + clvCoef g) - spendCost x. */
export function channelValue(problem: ResolvedProblem, ch: ResolvedChannel, x: number): number {
  const f = problem.revenueCoef !== 0 ? responseValue(ch.revenue, x) : 0;
  const g = problem.clvCoef !== 0 ? clvValue(ch, x) : 0;
  return ch.weight * (problem.revenueCoef * f + problem.clvCoef * g) - problem.spendCost * Math.max(0, x);
}

/** d channelValue / d x. */
export function channelMarginalValue(problem: ResolvedProblem, ch: ResolvedChannel, x: number): number {
  const f = problem.revenueCoef !== 0 ? marginalRoi(ch.revenue, x) : 0;
  const g = problem.clvCoef !== 0 ? clvMarginal(ch, x) : 0;
  return ch.weight * (problem.revenueCoef * f + problem.clvCoef * g) - problem.spendCost;
}

/** d^2 channelValue / d x^2 (0 on piecewise-linear curves). */
export function channelCurvature(problem: ResolvedProblem, ch: ResolvedChannel, x: number): number {
  const f = curvature(ch.revenue, x);
  const g = ch.clvCurve ? curvature(ch.clvCurve, x) : ch.clvPerRevenue * f;
  return ch.weight * (problem.revenueCoef * f + problem.clvCoef * g);
}

/** Totals of a plan X[t][i] on the true curves. */
export interface PlanTotals {
  /** The objective: value (max objectives) or total spend ("efficiency"). */
  objective: number;
  value: number;
  revenue: number;
  clv: number;
  spend: number;
  perPeriod: { objective: number; value: number; revenue: number; clv: number; spend: number }[];
}

/** Evaluates a plan on the true curves. X[t][i] is the spend of channel i in period t. */
export function evaluatePlan(problem: ResolvedProblem, X: number[][]): PlanTotals {
  const perPeriod = problem.periods.map((p, t) => {
    let value = 0;
    let revenue = 0;
    let clv = 0;
    let spend = 0;
    p.channels.forEach((ch, i) => {
      const x = X[t][i];
      value += channelValue(problem, ch, x);
      revenue += responseValue(ch.revenue, x);
      clv += clvValue(ch, x);
      spend += x;
    });
    return { objective: problem.objective === 'efficiency' ? spend : value, value, revenue, clv, spend };
  });
  const sum = (k: 'objective' | 'value' | 'revenue' | 'clv' | 'spend') => perPeriod.reduce((s, p) => s + p[k], 0);
  return { objective: sum('objective'), value: sum('value'), revenue: sum('revenue'), clv: sum('clv'), spend: sum('spend'), perPeriod };
}

/** One violated constraint: how far (in money or revenue units) it is off. */
export interface Violation {
  id: string;
  amount: number;
}

/**
 * Every constraint of the problem checked on the true curves. Returns the
 * violations larger than `tol * max(1, |limit|)` (relative tolerance).
 * @param previous the spend and revenue before period 0 (rolling plans), if any
 */
export function constraintViolations(problem: ResolvedProblem, X: number[][], tol = 1e-7, previous: { x: number[]; revenue: number } | null = null): Violation[] {
  const out: Violation[] = [];
  const check = (id: string, value: number, lo: number, hi: number) => {
    const scale = Math.max(1, Math.abs(lo === -Infinity ? hi : lo), Math.abs(hi === Infinity ? lo : hi));
    if (value < lo - tol * scale) out.push({ id, amount: lo - value });
    if (value > hi + tol * scale) out.push({ id, amount: value - hi });
  };
  const totals = evaluatePlan(problem, X);
  const pfx = (t: number) => (problem.multiPeriod ? `periods[${t}].` : '');
  problem.periods.forEach((p, t) => {
    const x = X[t];
    p.channels.forEach((ch, i) => {
      if (!(x[i] >= 0) || !Number.isFinite(x[i])) out.push({ id: `${pfx(t)}channels[${ch.name}]`, amount: Number.isFinite(x[i]) ? -x[i] : Infinity });
      const activeOk = ch.minIfActive === 0 || x[i] <= tol * Math.max(1, ch.minIfActive) || x[i] >= ch.minIfActive * (1 - tol);
      if (!activeOk) out.push({ id: `${pfx(t)}channels[${ch.name}].minIfActive`, amount: ch.minIfActive - x[i] });
      check(`${pfx(t)}channels[${ch.name}].min`, x[i], ch.lo, Infinity);
      check(`${pfx(t)}channels[${ch.name}].max`, x[i], -Infinity, ch.hi);
    });
    const spend = totals.perPeriod[t].spend;
    const revenue = totals.perPeriod[t].revenue;
    if (p.budget !== null) {
      let budget = p.budget;
      if (problem.reinvestRate > 0) {
        if (t > 0) budget += problem.reinvestRate * totals.perPeriod[t - 1].revenue;
        else if (previous) budget += problem.reinvestRate * previous.revenue;
      }
      const all = problem.spendAll && problem.objective !== 'efficiency';
      check(`${pfx(t)}budget`, spend, all ? budget : -Infinity, budget);
    }
    for (const c of problem.constraints) {
      const id = `${pfx(t)}${c.id}`;
      if (c.kind === 'group') {
        check(
          id,
          c.channels.reduce((s, i) => s + x[i], 0),
          c.min ?? -Infinity,
          c.max ?? Infinity,
        );
      } else if (c.kind === 'ratio') {
        const l = c.left.reduce((s, i) => s + x[i], 0);
        const r = c.factor * c.right.reduce((s, i) => s + x[i], 0);
        check(id, l - r, c.sense === '<=' ? -Infinity : 0, c.sense === '>=' ? Infinity : 0);
      } else {
        check(id, revenue - c.value * spend, 0, Infinity);
      }
    }
    if (problem.targetRevenue !== null) check(`${pfx(t)}target.revenue`, revenue, problem.targetRevenue, Infinity);
    const prev = t > 0 ? X[t - 1] : (previous?.x ?? null);
    if (prev) {
      p.channels.forEach((ch, i) => {
        const d = x[i] - prev[i];
        if (problem.maxChangeAbsolute !== null) check(`${pfx(t)}maxChange[${ch.name}]`, d, -problem.maxChangeAbsolute, problem.maxChangeAbsolute);
        if (problem.maxChangeRelative !== null) check(`${pfx(t)}maxChange[${ch.name}].relative`, d, -problem.maxChangeRelative * prev[i], problem.maxChangeRelative * prev[i]);
      });
    }
  });
  return out;
}

/**
 * Which of its own bounds each channel's spend sits at (single period):
 * "off" for a minIfActive channel at 0, "min"/"max" at lo/hi (relative
 * tolerance 1e-6), else null.
 * @param x spend per channel of period 0
 */
export function boundsHeld(problem: ResolvedProblem, x: number[]): Record<string, 'min' | 'max' | 'off' | null> {
  const near = (a: number, b: number) => Math.abs(a - b) <= 1e-6 * Math.max(1, Math.abs(b));
  return Object.fromEntries(
    problem.periods[0].channels.map((ch, i) => {
      if (ch.minIfActive > 0 && x[i] === 0) return [ch.name, 'off'];
      if (Number.isFinite(ch.hi) && near(x[i], ch.hi)) return [ch.name, 'max'];
      if (near(x[i], ch.lo)) return [ch.name, 'min'];
      return [ch.name, null];
    }),
  );
}
