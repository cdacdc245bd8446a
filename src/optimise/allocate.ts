/**
 * The budget allocator: validated problem -> piecewise-linear LP/MIP (HiGHS)
 * -> adaptive refinement of breakpoints around the solution -> polish on the
 * true curves -> explanation (marginal ROI, binding constraints and shadow
 * prices, change against the current plan), or a named conflict when the
 * problem is infeasible.
 *
 * Accuracy: concave curves are solved as LPs on an inner PWL approximation
 * (chords below the curve, so ROAS floors and revenue targets that hold on the
 * PWL hold on the true curves), refined around the solution until the pieces
 * next to every channel's spend are within `tolerance` (default 1e-4) of the
 * curve in total. S-shaped curves and rising tiers are MIPs whose concave
 * stretches start at that accuracy everywhere (convex stretches are coarse:
 * their chords over-estimate, and refinement corrects wherever the MIP goes),
 * so the global optimum is found, not a local one.
 */
import type { Highs } from 'highs';
import { curveSupremum, inflectionPoint, isConcaveOn, marginalRoi, responseValue, saturationSpend, spendForResponse } from './curves.ts';
import { buildBreakpoints, liftPwl, makePwl, pwlValues, refineAround } from './breakpoints.ts';
import type { ChannelCurves, ChannelPwl } from './breakpoints.ts';
import { boundsHeld, channelMarginalValue, constraintViolations, evaluatePlan } from './evaluate.ts';
import { formulate } from './formulate.ts';
import type { ModelMap } from './formulate.ts';
import { polishPlan } from './polish.ts';
import { loadHighs, solveLinearModel } from './solver.ts';
import type { LinearModel, LinearSolution } from './solver.ts';
import { resolveProblem } from './resolve.ts';
import { parseAllocationProblem } from './schema.ts';
import { findConflict, simpleConflict } from './conflicts.ts';
import type { AllocationProblem, AllocationResult, BindingConstraint, PeriodResult, ResolvedChannel, ResolvedProblem, SolverDiagnostics } from './types.ts';

/** A number for a message: six significant digits (the exact value is in the result's `limit`). */
const short = (v: number | null): number | null => (v === null ? null : Number(v.toPrecision(6)));

const isSmoothCurve = (c: ResolvedChannel) => c.revenue.type === 'hill' || c.revenue.type === 'log' || (c.clvCurve !== null && (c.clvCurve.type === 'hill' || c.clvCurve.type === 'log'));

/** Result of the inner solve loop. */
export interface CoreSolve {
  status: 'optimal' | 'infeasible' | 'unbounded' | 'error';
  message: string;
  X: number[][];
  pwls: ChannelPwl[][];
  model: LinearModel | null;
  map: ModelMap | null;
  solution: LinearSolution | null;
  solves: number;
  linearisedObjective: number;
  mip: boolean;
  /** For MIPs solved in two stages: the problem restricted to the MIP's discrete choices (all concave), whose PWLs are `pwls`. */
  localProblem?: ResolvedProblem;
  /**
   * Proven bound on the true optimum (MIPs solved with upper-bounding PWLs):
   * no feasible plan has a larger objective (smaller for "efficiency"). NaN
   * when not computed (LPs, reinvestment, fallbacks).
   */
  bound: number;
}

/** The spend range a channel's PWL covers, and whether it is an artificial cap. */
function channelDomain(problem: ResolvedProblem, t: number, i: number, capScale: number): { upper: number; tail: boolean; softCap: boolean } {
  const ch = problem.periods[t].channels[i];
  if (Number.isFinite(ch.hi)) return { upper: Math.max(ch.hi, 0), tail: false, softCap: false };
  const forced = Math.max(ch.lo, ch.minIfActive, ...problem.constraints.map((c) => (c.kind === 'group' && c.channels.includes(i) && c.min !== null ? c.min : 0)));
  if (!isSmoothCurve(ch)) {
    const knots = [saturationSpend(ch.revenue), ch.clvCurve ? saturationSpend(ch.clvCurve) : 0].filter(Number.isFinite);
    const kn = ch.revenue.type === 'tiers' || ch.revenue.type === 'points' ? lastKnot(ch) : 0;
    return { upper: Math.max(forced, kn, ...knots, 1), tail: true, softCap: false };
  }
  let upper = Math.max(forced, capScale, (ch.current ?? 0) * 2);
  for (const curve of [ch.revenue, ch.clvCurve]) {
    if (!curve) continue;
    if (curve.type === 'hill') upper = Math.max(upper, 4 * curve.k);
    if (curve.type === 'log') upper = Math.max(upper, 4 * curve.s);
  }
  // Past the spend where the next unit stops paying (profit) or falls below every ROAS floor, so that the
  // tail beyond the cap cannot form an unbounded ray of the linearised model (smooth curves decline from 4k on).
  const floors = problem.constraints.filter((c) => c.kind === 'roasFloor').map((c) => c.value);
  const floor = floors.length ? Math.min(...floors) : Infinity;
  const pays = (x: number) => (problem.spendCost > 0 && channelMarginalValue(problem, ch, x) > 0) || marginalRoi(ch.revenue, x) >= floor;
  for (let guard = 0; guard < 200 && pays(upper); guard++) upper *= 2;
  if (problem.targetRevenue !== null) {
    const sup = curveSupremum(ch.revenue);
    const reach = spendForResponse(ch.revenue, Math.min(problem.targetRevenue, Number.isFinite(sup) ? 0.9999 * sup : Infinity));
    if (Number.isFinite(reach)) upper = Math.max(upper, reach);
  }
  return { upper, tail: true, softCap: true };
}

function lastKnot(ch: ResolvedChannel): number {
  const c = ch.revenue;
  if (c.type === 'points') return c.spend[c.spend.length - 1];
  if (c.type === 'tiers') return c.tiers.reduce((s, t) => s + (t.width ?? 0), 0);
  return 0;
}

function curvesOf(ch: ResolvedChannel): ChannelCurves {
  return { revenue: ch.revenue, clvCurve: ch.clvCurve, clvPerRevenue: ch.clvPerRevenue };
}

/** Whether every channel's PWL needs no binaries (all concave where it matters) and no minIfActive. */
function needsMip(problem: ResolvedProblem): boolean {
  return problem.periods.some((p) =>
    p.channels.some(
      (ch) =>
        (ch.minIfActive > 0 && ch.lo === 0) ||
        (ch.revenue.type === 'hill' && ch.revenue.alpha > 1 && ch.lo < inflectionPoint(ch.revenue)! && ch.hi > 0) ||
        (ch.clvCurve?.type === 'hill' && ch.clvCurve.alpha > 1 && ch.lo < inflectionPoint(ch.clvCurve)! && ch.hi > 0) ||
        (ch.hi > ch.lo && !(isConcaveOnRange(ch.revenue, ch.lo, ch.hi) && (!ch.clvCurve || isConcaveOnRange(ch.clvCurve, ch.lo, ch.hi)))),
    ),
  );
}

/** Whether a points/tiers curve's slopes never rise on the pieces meeting (lo, hi); smooth curves: true (handled by the caller). */
function isConcaveOnRange(c: ResolvedChannel['revenue'], lo: number, hi: number): boolean {
  if (c.type !== 'points' && c.type !== 'tiers') return true;
  const xs = c.type === 'points' ? [0, ...c.spend] : [0];
  const ys = c.type === 'points' ? [0, ...c.response] : [0];
  let tail = 0;
  if (c.type === 'tiers') {
    for (const t of c.tiers) {
      if (t.width === undefined || t.width === null) {
        tail = t.roi;
        break;
      }
      xs.push(xs[xs.length - 1] + t.width);
      ys.push(ys[ys.length - 1] + t.width * t.roi);
    }
  }
  xs.push(Infinity);
  let prev = Infinity;
  for (let j = 1; j < xs.length; j++) {
    if (xs[j] <= xs[j - 1]) continue;
    if (xs[j] <= lo || xs[j - 1] >= hi) continue;
    const s = xs[j] === Infinity ? tail : (ys[j] - ys[j - 1]) / (xs[j] - xs[j - 1]);
    if (s > prev + 1e-12 * Math.max(1, Math.abs(prev))) return false;
    prev = s;
  }
  return true;
}

/** Relative chord tolerance of the initial MIP grid's concave stretches (refined near the solution afterwards). */
const MIP_INITIAL_REL = 1e-3;

/** Initial PWLs: fine on concave stretches for MIPs (global optimum), coarse for LPs (refined locally). */
function initialPwls(problem: ResolvedProblem, mip: boolean, fromLower = false, relMip = MIP_INITIAL_REL, convexRel = 1e-2): ChannelPwl[][] {
  const budgets = problem.periods.map((p) => p.budget).filter((b): b is number => b !== null);
  const capScale = budgets.length ? Math.max(...budgets) : 0;
  return problem.periods.map((p, t) =>
    p.channels.map((ch, i) => {
      const dom = channelDomain(problem, t, i, capScale);
      const c = curvesOf(ch);
      const fU = Math.max(Math.abs(responseValue(ch.revenue, dom.upper)), 1e-300);
      const gU = ch.clvCurve ? Math.max(Math.abs(responseValue(ch.clvCurve, dom.upper)), 1e-300) : 1;
      // relative chord tolerance per channel
      const rel = mip ? Math.max(problem.tolerance, relMip) : 5e-3;
      const tol = { concave: 1, convex: mip ? convexRel / rel : 1, revScale: 1 / (rel * fU), clvScale: ch.clvCurve ? 1 / (rel * gU) : 0 };
      const extra = [ch.lo, ch.minIfActive, ch.current ?? 0];
      // the local stage's channels never go below lo (no minIfActive there): no pieces under it
      const lower = fromLower && ch.minIfActive === 0 ? Math.min(Math.max(ch.lo, 0), dom.upper) : 0;
      return buildBreakpoints(c, dom.upper, tol, extra, dom.tail, dom.softCap, lower);
    }),
  );
}

function extractPlan(problem: ResolvedProblem, map: ModelMap, sol: LinearSolution): number[][] {
  return problem.periods.map((p, t) =>
    p.channels.map((ch, i) => {
      let v = sol.colValues[map.x[t][i]];
      if (!(v > 0)) v = 0;
      if (v < 1e-11 * Math.max(1, Number.isFinite(ch.hi) ? ch.hi : 1)) v = 0;
      if (v < ch.lo) v = ch.lo;
      if (v > ch.hi) v = ch.hi;
      return v;
    }),
  );
}

/**
 * Makes spend sum exactly to the budget where it must, removing solver
 * round-off and, with reinvestment, the gap between the linearised and the
 * true revenue of the previous period; the difference goes to the channels
 * with the highest marginal value that have room (bounds kept).
 */
function snapBudgets(problem: ResolvedProblem, X: number[][], previous: { x: number[]; revenue: number } | null = null): number[][] {
  if (!problem.spendAll || problem.objective === 'efficiency') return X;
  const out = X.map((row) => [...row]);
  for (let t = 0; t < out.length; t++) {
    let budget = problem.periods[t].budget;
    if (budget === null) continue;
    if (problem.reinvestRate > 0) {
      const prevRevenue = t > 0 ? evaluatePlan(problem, out).perPeriod[t - 1].revenue : (previous?.revenue ?? 0);
      budget += problem.reinvestRate * prevRevenue;
    }
    const chans = problem.periods[t].channels;
    const row = out[t];
    let diff = budget - row.reduce((s, v) => s + v, 0);
    if (Math.abs(diff) > (problem.reinvestRate > 0 ? 1e-2 : 1e-7) * Math.max(1, budget)) continue;
    const order = row.map((_, i) => i).sort((a, b) => channelMarginalValue(problem, chans[b], row[b]) - channelMarginalValue(problem, chans[a], row[a]));
    for (const i of order) {
      if (diff === 0) break;
      if (row[i] === 0 && chans[i].minIfActive > 0) continue;
      const next = Math.min(chans[i].hi, Math.max(chans[i].lo, row[i] + diff));
      diff -= next - row[i];
      row[i] = next;
    }
  }
  return out;
}

/** Relative chord tolerance of the first global MIP's concave stretches (refined around its solution afterwards). */
const GLOBAL_INITIAL_REL = 5e-4;
/** Relative gap between the proven bound and the returned plan at which the global search stops (the 0.1%, tighter when the tolerance asks). */
const GLOBAL_GAP = 1e-3;
/** Chord tolerance (relative to the curve's top value) of the first global MIP's convex stretches: coarse, as chords there lie above the curve (sound for the bound) and each piece costs a binary. */
const GLOBAL_CONVEX_REL = 5e-2;
/** Global MIP rounds at most (each refines the bounding PWLs around the last MIP plan and the best plan). */
const GLOBAL_ROUNDS = 6;

/**
 * The inner loop: solve the PWL model, refine breakpoints around the
 * solution, repeat until the true objective stops improving and the pieces
 * around the solution are accurate; keeps the best plan that satisfies every
 * constraint on the true curves.
 *
 * Problems that need binaries (S-curves, rising tiers, minIfActive) are solved
 * by a certified global search (see {@link globalSearch}); with reinvestment
 * (revenue feeds the budget, so upper-bounding PWLs are no relaxation) by one
 * global MIP on the fine grid followed by LP refinement inside its choices.
 */
export function solveCore(highs: Highs, problem: ResolvedProblem, previous: { x: number[]; revenue: number } | null = null, maxRounds = 12): CoreSolve {
  if (!needsMip(problem) || maxRounds <= 1) return refineLoop(highs, problem, previous, maxRounds);
  if (problem.reinvestRate === 0) {
    const g = globalSearch(highs, problem, previous, maxRounds);
    if (g) return g;
  }
  // one global solve on the full grid decides the discrete structure (which channels are on,
  // which side of each S-curve's inflection, which tier); the refinement then runs as LPs inside it.
  const global = refineLoop(highs, problem, previous, 1, problem.tolerance);
  if (global.status !== 'optimal') return global;
  const local = localSolve(highs, problem, global.X, previous, maxRounds - 1);
  if (local && sign(problem) * local.value >= sign(problem) * evaluatePlan(problem, global.X).objective) {
    return { ...local.core, solves: local.core.solves + global.solves, mip: true };
  }
  return global;
}

const sign = (problem: ResolvedProblem) => (problem.objective === 'efficiency' ? -1 : 1);

/** LP refinement of the problem restricted to plan X's discrete choices; null unless it gives a plan feasible on the true curves. */
function localSolve(highs: Highs, problem: ResolvedProblem, X: number[][], previous: { x: number[]; revenue: number } | null, maxRounds: number): { core: CoreSolve; value: number } | null {
  const localProblem = restrictAround(problem, X);
  const local = refineLoop(highs, localProblem, previous, maxRounds, undefined, true);
  if (local.status !== 'optimal' || constraintViolations(problem, local.X, 1e-7, previous).length > 0) return null;
  return { core: { ...local, localProblem }, value: evaluatePlan(problem, local.X).objective };
}

/**
 * Certified global search for problems with binaries (no reinvestment):
 *  1. a MIP on upper-bounding PWLs ({@link liftPwl}): a relaxation of the true
 *     problem, so HiGHS's dual bound is a proven bound on the true optimum,
 *     and its plan gives the discrete structure (channels on/off, S-curve
 *     side of the inflection, tier);
 *  2. LP refinement on the true curves inside that structure (channels left
 *     in an S-curve's convex part stay where the MIP put them) gives a plan
 *     feasible on the true curves;
 *  3. stop when bound - value <= GLOBAL_GAP x |value| (provably within
 *     0.1% of the global optimum); else refine the bounding PWLs around the
 *     MIP plan and the best plan and repeat.
 * Returns null when no round yields a feasible plan (the caller falls back).
 */
function globalSearch(highs: Highs, problem: ResolvedProblem, previous: { x: number[]; revenue: number } | null, maxRounds: number): CoreSolve | null {
  const sg = sign(problem);
  let inner = initialPwls(problem, true, false, GLOBAL_INITIAL_REL, GLOBAL_CONVEX_REL);
  let best: { core: CoreSolve; value: number } | null = null;
  let bound = NaN;
  let solves = 0;
  const gapTarget = Math.max(Math.min(GLOBAL_GAP, problem.tolerance * 10), problem.tolerance);
  for (let round = 0; round < GLOBAL_ROUNDS; round++) {
    const upper = inner.map((row, t) => row.map((p, i) => liftPwl(curvesOf(problem.periods[t].channels[i]), p)));
    const { model, map } = formulate(problem, upper, { previous });
    const sol = solveLinearModel(highs, model, { mipRelGap: 1e-6 });
    solves++;
    if (sol.status !== 'optimal') break;
    const b = Number.isFinite(sol.bound) ? sol.bound : sol.objective;
    bound = Number.isFinite(bound) ? (sg > 0 ? Math.min(bound, b) : Math.max(bound, b)) : b;
    const XG = extractPlan(problem, map, sol);
    const local = localSolve(highs, problem, XG, previous, maxRounds - 1);
    if (local) {
      solves += local.core.solves;
      if (!best || sg * local.value > sg * best.value) best = local;
    }
    if (best && sg * (bound - best.value) <= gapTarget * Math.max(Math.abs(best.value), 1e-12)) break;
    // refine the bounding grids where the MIP went and where the best plan is
    let changed = false;
    // only where the bounding PWL is loose at the point (the gap is the sum of these looseness terms)
    const loose = (0.02 * gapTarget * Math.max(Math.abs(best?.value ?? bound), 1e-12)) / Math.max(1, problem.channelNames.length * problem.periods.length);
    inner = inner.map((row, t) =>
      row.map((p, i) => {
        const ch = problem.periods[t].channels[i];
        const c = curvesOf(ch);
        let q = p;
        for (const x of [XG[t][i], best ? best.core.X[t][i] : NaN]) {
          if (!Number.isFinite(x)) continue;
          const up = pwlValues(upper[t][i], x);
          const excess = ch.weight * (problem.revenueCoef * (up.rev - responseValue(ch.revenue, x)) + problem.clvCoef * (up.clv - curvesClv(ch, x)));
          if (!(excess > loose)) continue;
          const r = refineAround(c, q, x);
          if (r.changed) {
            q = r.pwl;
            changed = true;
          }
        }
        return q;
      }),
    );
    if (!changed) break;
  }
  if (!best) return null;
  return { ...best.core, solves, mip: true, bound };
}

/**
 * The problem restricted to the discrete choices of plan X: a channel at 0
 * with a minIfActive rule stays off, an active one keeps spend >= minIfActive
 * (as a plain minimum); an S-curve past its inflection stays on its concave
 * part; any other non-concave curve stays within the piece around its spend.
 * Inside these bounds every curve is concave, so the refinement runs as LPs.
 */
function restrictAround(problem: ResolvedProblem, X: number[][]): ResolvedProblem {
  return {
    ...problem,
    periods: problem.periods.map((p, t) => ({
      ...p,
      channels: p.channels.map((ch, i) => {
        const x = X[t][i];
        let lo = ch.lo;
        let hi = ch.hi;
        if (ch.minIfActive > 0) {
          if (x <= 0) hi = 0;
          else lo = Math.max(lo, ch.minIfActive);
        }
        const concave = isConcaveOn(ch.revenue, Infinity) && (!ch.clvCurve || isConcaveOn(ch.clvCurve, Infinity));
        if (!concave && hi > 0) {
          const infl = Math.max(inflectionPoint(ch.revenue) ?? 0, ch.clvCurve ? (inflectionPoint(ch.clvCurve) ?? 0) : 0);
          const allHill = ch.revenue.type === 'hill' && (!ch.clvCurve || ch.clvCurve.type === 'hill');
          if (allHill && x >= infl) lo = Math.max(lo, infl);
          else if (allHill) {
            // in the convex part: stays where the global MIP put it (its grid point is exact there;
            // the certificate of the global search checks that nothing better was missed)
            lo = x;
            hi = x;
          } else {
            const w = allHill ? infl : Infinity;
            const kinks = [0, ...pieceKnots(ch), w].filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
            let a = 0;
            let b = Infinity;
            for (const k of kinks) {
              if (k <= x && k > a) a = k;
              if (k > x && k < b) b = k;
            }
            if (x > 0 && kinks.includes(x)) {
              // at a knot: keep both neighbouring pieces
              a = Math.max(0, ...kinks.filter((k) => k < x));
              b = Math.min(Infinity, ...kinks.filter((k) => k > x));
            }
            lo = Math.max(lo, Math.min(a, x));
            hi = Math.min(hi, Math.max(b, x));
          }
        }
        return { ...ch, lo: Math.min(lo, x), hi: Math.max(hi, x), minIfActive: 0 };
      }),
    })),
  };
}

function pieceKnots(ch: ResolvedChannel): number[] {
  const out: number[] = [];
  for (const c of [ch.revenue, ch.clvCurve]) {
    if (!c) continue;
    if (c.type === 'points') out.push(...c.spend);
    if (c.type === 'tiers') {
      let acc = 0;
      for (const t of c.tiers) if (t.width !== null && t.width !== undefined) out.push((acc += t.width));
    }
  }
  return out;
}

/** The refinement loop proper (see {@link solveCore}). */
function refineLoop(
  highs: Highs,
  problem: ResolvedProblem,
  previous: { x: number[]; revenue: number } | null,
  maxRounds: number,
  mipRelGap = Math.max(1e-6, problem.tolerance / 20),
  fromLower = false,
): CoreSolve {
  const mip = needsMip(problem);
  let pwls = initialPwls(problem, mip, fromLower);
  let best: { X: number[][]; objective: number; model: LinearModel; map: ModelMap; solution: LinearSolution; pwls: ChannelPwl[][] } | null = null;
  let lastObjective = NaN;
  let lastX: number[][] | null = null;
  let solves = 0;
  let linearised = NaN;
  const sign = problem.objective === 'efficiency' ? -1 : 1;
  for (let round = 0; round < maxRounds; round++) {
    const { model, map } = formulate(problem, pwls, { previous });
    const sol = solveLinearModel(highs, model, { mipRelGap });
    solves++;
    if (sol.status !== 'optimal') {
      if (best) break;
      const status = sol.status === 'infeasible' ? 'infeasible' : sol.status === 'unbounded' ? 'unbounded' : 'error';
      const message =
        status === 'unbounded'
          ? 'the objective is unbounded: spend can grow without limit (no budget and no max on a channel whose response keeps increasing)'
          : status === 'infeasible'
            ? 'no allocation satisfies all constraints'
            : `solver stopped: ${sol.detail}`;
      return { status, message, X: [], pwls, model, map, solution: sol, solves, linearisedObjective: NaN, mip, bound: NaN };
    }
    linearised = sol.objective;
    const X = snapBudgets(problem, extractPlan(problem, map, sol), previous);
    const objective = evaluatePlan(problem, X).objective;
    const feasible = constraintViolations(problem, X, 1e-7, previous).length === 0;
    if (feasible && (!best || sign * objective > sign * best.objective)) best = { X, objective, model, map, solution: sol, pwls };
    // refine (and extend soft caps the solution ran into)
    let changed = false;
    let localErr = 0;
    const next = pwls.map((row, t) =>
      row.map((pwl, i) => {
        const ch = problem.periods[t].channels[i];
        const x = X[t][i];
        const K = pwl.bp.length - 1;
        if (pwl.softCap && x >= pwl.bp[K] * (1 - 1e-9)) {
          changed = true;
          const upper = Math.max(4 * pwl.bp[K], 2 * x);
          const ext = buildBreakpoints(
            curvesOf(ch),
            upper,
            { concave: 1, convex: 1, revScale: 1 / (1e-3 * Math.max(responseValue(ch.revenue, upper), 1e-300)), clvScale: 0 },
            [...pwl.bp, x],
            true,
            true,
            pwl.bp[0],
          );
          return ext;
        }
        if (!isSmoothCurve(ch)) return pwl;
        const pv = pwlValues(pwl, x);
        const w = ch.weight * Math.max(problem.revenueCoef, 0) + (problem.targetRevenue !== null || problem.constraints.some((c) => c.kind === 'roasFloor') ? 1 : 0);
        localErr += w * Math.abs(responseValue(ch.revenue, x) - pv.rev) + ch.weight * problem.clvCoef * Math.abs(curvesClv(ch, x) - pv.clv);
        // local accuracy: error of the pieces next to x at their midpoints
        localErr += w * neighbourError(ch, pwl, x);
        const moved = lastX ? Math.abs(x - lastX[t][i]) : 0;
        const r = refineAround(curvesOf(ch), pwl, x, 2 * moved);
        if (r.changed) changed = true;
        return r.pwl;
      }),
    );
    const scale = Math.max(Math.abs(objective), 1e-12);
    const stable = Number.isFinite(lastObjective) && Math.abs(objective - lastObjective) <= 0.25 * problem.tolerance * scale;
    const accurate = localErr <= 0.5 * problem.tolerance * Math.max(scale, Math.abs(evaluatePlan(problem, X).revenue));
    lastObjective = objective;
    lastX = X;
    if (!changed || (stable && (accurate || !mip) && feasible)) break;
    pwls = next;
  }
  if (!best) {
    return {
      status: 'error',
      message: 'no plan satisfying every constraint on the true curves was found (the piecewise-linear model was too coarse); try a smaller tolerance',
      X: [],
      pwls,
      model: null,
      map: null,
      solution: null,
      solves,
      linearisedObjective: linearised,
      mip,
      bound: NaN,
    };
  }
  return {
    status: 'optimal',
    message: 'optimal',
    X: best.X,
    pwls: best.pwls,
    model: best.model,
    map: best.map,
    solution: best.solution,
    solves,
    linearisedObjective: best.solution.objective,
    mip,
    bound: NaN,
  };
}

function curvesClv(ch: ResolvedChannel, x: number): number {
  return ch.clvCurve ? responseValue(ch.clvCurve, x) : ch.clvPerRevenue * responseValue(ch.revenue, x);
}

/** Largest chord error (revenue) of the pieces on either side of x. */
function neighbourError(ch: ResolvedChannel, pwl: ChannelPwl, x: number): number {
  const bp = pwl.bp;
  const K = bp.length - 1;
  let j = 0;
  while (j < K - 1 && bp[j + 1] <= x) j++;
  let worst = 0;
  for (const k of [j - 1, j, j + 1]) {
    if (k < 0 || k >= K) continue;
    const mid = 0.5 * (bp[k] + bp[k + 1]);
    worst = Math.max(worst, Math.abs(responseValue(ch.revenue, mid) - 0.5 * (pwl.rev[k] + pwl.rev[k + 1])));
  }
  return worst;
}

const finite = (v: number): number | null => (Number.isFinite(v) ? v : null);

function periodResult(problem: ResolvedProblem, X: number[][], t: number): PeriodResult {
  const p = problem.periods[t];
  const tot = evaluatePlan(problem, X).perPeriod[t];
  return {
    budget: p.budget,
    allocation: Object.fromEntries(p.channels.map((ch, i) => [ch.name, X[t][i]])),
    objective: tot.objective,
    revenue: tot.revenue,
    spend: tot.spend,
    marginalRoi: Object.fromEntries(p.channels.map((ch, i) => [ch.name, finite(marginalRoi(ch.revenue, X[t][i]))])),
  };
}

/**
 * Shadow prices: LP duals of a final model whose breakpoints sit tightly
 * around the returned plan (so piece slopes equal the true marginal ROIs);
 * for MIPs, the LP with the binaries fixed at their optimal values.
 * Returns the model the duals belong to.
 */
function shadowPrices(highs: Highs, problem: ResolvedProblem, core: CoreSolve, X: number[][]): { core: CoreSolve; rowDuals: Float64Array | null; how: SolverDiagnostics['shadowPrices'] } {
  const none = { core, rowDuals: null, how: 'none' as const };
  if (!core.model || !core.map || !core.solution) return none;
  const pwls = core.pwls.map((row, t) =>
    row.map((pwl, i) => {
      const ch = problem.periods[t].channels[i];
      const x = X[t][i];
      const K = pwl.bp.length - 1;
      if (!isSmoothCurve(ch) || !(x > 0) || x >= pwl.bp[K]) return pwl;
      const d = 1e-7 * Math.max(x, 1e-3);
      const pts = new Set(pwl.bp.filter((b) => Math.abs(b - x) > 4 * d));
      for (const v of [x - d, x, x + d]) if (v > 0 && v < pwl.bp[K]) pts.add(v);
      return makePwl(
        curvesOf(ch),
        [...pts].sort((a, b) => a - b),
        pwl.tail ? pwl.bp[K] : null,
        pwl.softCap,
      );
    }),
  );
  // MIPs: the LP of the problem restricted to the MIP's discrete choices (binaries fixed)
  const { model, map } = formulate(core.localProblem ?? problem, pwls);
  let sol = solveLinearModel(highs, model, { mipRelGap: Math.max(1e-6, problem.tolerance / 20) });
  if (sol.status !== 'optimal') return none;
  let how: SolverDiagnostics['shadowPrices'] = core.mip ? 'fixed-binary-lp-duals' : 'lp-duals';
  if (map.binaries.length > 0) {
    const fixed: LinearModel = { ...model, colLower: [...model.colLower], colUpper: [...model.colUpper], integer: model.integer.map(() => false) };
    for (const j of map.binaries) {
      const v = Math.round(sol.colValues[j]);
      fixed.colLower[j] = v;
      fixed.colUpper[j] = v;
    }
    sol = solveLinearModel(highs, fixed);
    if (sol.status !== 'optimal') return none;
    how = 'fixed-binary-lp-duals';
  }
  if (!sol.rowDuals) return none;
  return { core: { ...core, pwls, model, map, solution: sol }, rowDuals: sol.rowDuals, how };
}

/**
 * Reduced cost of each channel's spend on the TRUE curves: d objective / d x
 * minus the priced rows' derivatives, sum_r y_r d row_r / d x (revenue rows
 * use the true marginal ROI). This is the shadow price of a binding min/max.
 */
function trueReducedCosts(problem: ResolvedProblem, core: CoreSolve, X: number[][], rowDuals: Float64Array): number[][] {
  const model = core.model!;
  const map = core.map!;
  const owner = new Map<number, { t: number; i: number; slope: number }>();
  map.segStart.forEach((row, t) =>
    row.forEach((start, i) => {
      const pwl = core.pwls[t][i];
      for (let k = 0; k < map.segCount[t][i]; k++) {
        const slope = k < pwl.bp.length - 1 ? (pwl.rev[k + 1] - pwl.rev[k]) / (pwl.bp[k + 1] - pwl.bp[k]) : pwl.tail!.rev;
        owner.set(start + k, { t, i, slope });
      }
    }),
  );
  const xOwner = new Map<number, { t: number; i: number }>();
  map.x.forEach((row, t) => row.forEach((col, i) => xOwner.set(col, { t, i })));
  const rc = problem.periods.map((p, t) => p.channels.map((ch, i) => (problem.objective === 'efficiency' ? 1 : channelMarginalValue(problem, ch, X[t][i]))));
  map.rows.forEach((meta, r) => {
    if (meta.internal || meta.item.startsWith('minIfActive') || rowDuals[r] === 0) return;
    const seen = new Set<string>();
    for (let q = model.rowStarts[r]; q < model.rowStarts[r + 1]; q++) {
      const col = model.rowIndices[q];
      const v = model.rowValues[q];
      const xo = xOwner.get(col);
      if (xo) {
        rc[xo.t][xo.i] -= rowDuals[r] * v;
        continue;
      }
      const so = owner.get(col);
      if (so && so.slope !== 0 && !seen.has(`${so.t},${so.i}`)) {
        seen.add(`${so.t},${so.i}`);
        rc[so.t][so.i] -= rowDuals[r] * (v / so.slope) * marginalRoi(problem.periods[so.t].channels[so.i].revenue, X[so.t][so.i]);
      }
    }
  });
  return rc;
}

/** Binding constraints at the true plan, with shadow prices from the duals where rows match. */
function bindingConstraints(problem: ResolvedProblem, X: number[][], duals: ReturnType<typeof shadowPrices>): BindingConstraint[] {
  const out: BindingConstraint[] = [];
  const core = duals.core;
  const map = core.map!;
  const totals = evaluatePlan(problem, X);
  const near = (a: number, b: number) => Math.abs(a - b) <= 1e-6 * Math.max(1, Math.abs(b));
  const rowDual = (id: string): number | null => {
    if (!duals.rowDuals) return null;
    let v: number | null = null;
    map.rows.forEach((r, q) => {
      if (!r.internal && (r.id === id || r.id === `${id}.relative`) && duals.rowDuals![q] !== 0) v = duals.rowDuals![q];
    });
    return v ?? 0;
  };
  const pfx = (t: number) => (problem.multiPeriod ? `periods[${t}].` : '');
  const rc = duals.rowDuals ? trueReducedCosts(problem, core, X, duals.rowDuals) : null;
  // A floor is loosened by lowering it: what that gains is minus the derivative in the limit.
  const floor = (v: number | null): number | null => (v === null ? null : -v);
  const mapNull = (v: number | null, f: (v: number) => number): number | null => (v === null ? null : f(v));
  problem.periods.forEach((p, t) => {
    const x = X[t];
    p.channels.forEach((ch, i) => {
      const colDual = rc ? rc[t][i] : null;
      // The reduced cost is what one more unit of the channel's spend earns: loosening a maximum (raising it) gains
      // that, loosening a minimum (lowering it) gains minus that.
      if (ch.lo > 0 && near(x[i], ch.lo))
        out.push({ id: `${pfx(t)}channels[${ch.name}].min`, description: `${ch.name} at its minimum ${short(ch.lo)}`, activity: x[i], limit: ch.lo, shadowPrice: floor(colDual) });
      if (Number.isFinite(ch.hi) && near(x[i], ch.hi)) {
        out.push({ id: `${pfx(t)}channels[${ch.name}].max`, description: `${ch.name} at its maximum ${short(ch.hi)}`, activity: x[i], limit: ch.hi, shadowPrice: colDual });
      }
      if (ch.minIfActive > 0 && ch.lo === 0 && near(x[i], ch.minIfActive)) {
        out.push({
          id: `${pfx(t)}channels[${ch.name}].minIfActive`,
          description: `${ch.name} active at its minimum active spend ${short(ch.minIfActive)}`,
          activity: x[i],
          limit: ch.minIfActive,
          shadowPrice: floor(colDual),
        });
      }
    });
    const spend = totals.perPeriod[t].spend;
    const revenue = totals.perPeriod[t].revenue;
    if (p.budget !== null) {
      let budget = p.budget;
      if (problem.reinvestRate > 0 && t > 0) budget += problem.reinvestRate * totals.perPeriod[t - 1].revenue;
      if (near(spend, budget)) out.push({ id: `${pfx(t)}budget`, description: 'the budget is spent', activity: spend, limit: budget, shadowPrice: rowDual(`${pfx(t)}budget`) });
    }
    for (const c of problem.constraints) {
      const id = `${pfx(t)}${c.id}`;
      if (c.kind === 'group') {
        const s = c.channels.reduce((a, i) => a + x[i], 0);
        if (c.max !== null && near(s, c.max)) out.push({ id, description: `group at its cap ${short(c.max)}`, activity: s, limit: c.max, shadowPrice: rowDual(id) });
        else if (c.min !== null && near(s, c.min)) out.push({ id, description: `group at its floor ${short(c.min)}`, activity: s, limit: c.min, shadowPrice: floor(rowDual(id)) });
      } else if (c.kind === 'ratio') {
        const l = c.left.reduce((a, i) => a + x[i], 0);
        const r = c.factor * c.right.reduce((a, i) => a + x[i], 0);
        if (Math.abs(l - r) <= 1e-6 * Math.max(1, l, r) && (l > 0 || r > 0))
          out.push({
            id,
            description: `ratio holds with equality (left ${short(l)}, factor x right ${short(r)})`,
            activity: l - r,
            limit: 0,
            shadowPrice: c.sense === '>=' ? floor(rowDual(id)) : rowDual(id),
          });
      } else {
        const lhs = revenue - c.value * spend;
        if (Math.abs(lhs) <= 1e-6 * Math.max(1, revenue))
          // The row is revenue - value x spend >= 0: lowering the value by one loosens it by the spend.
          out.push({ id, description: `ROAS at its floor ${c.value}`, activity: spend > 0 ? revenue / spend : 0, limit: c.value, shadowPrice: mapNull(floor(rowDual(id)), (v) => v * spend) });
      }
    }
    if (problem.targetRevenue !== null && near(revenue, problem.targetRevenue)) {
      out.push({
        id: `${pfx(t)}target.revenue`,
        description: `revenue at its target ${short(problem.targetRevenue)}`,
        activity: revenue,
        limit: problem.targetRevenue,
        shadowPrice: floor(rowDual(`${pfx(t)}target.revenue`)),
      });
    }
    if (t > 0) {
      p.channels.forEach((ch, i) => {
        const d = x[i] - X[t - 1][i];
        const id = `${pfx(t)}maxChange[${ch.name}]`;
        if (problem.maxChangeAbsolute !== null && near(Math.abs(d), problem.maxChangeAbsolute) && problem.maxChangeAbsolute > 0) {
          out.push({ id, description: `${ch.name} changes by the most allowed`, activity: d, limit: problem.maxChangeAbsolute * Math.sign(d), shadowPrice: rowDual(id) });
        } else if (problem.maxChangeRelative !== null && X[t - 1][i] > 0 && near(Math.abs(d), problem.maxChangeRelative * X[t - 1][i])) {
          out.push({
            id: `${id}.relative`,
            description: `${ch.name} changes by the most allowed (relative)`,
            activity: d,
            limit: problem.maxChangeRelative * X[t - 1][i] * Math.sign(d),
            shadowPrice: rowDual(id),
          });
        }
      });
    }
  });
  return out.map((b) => ({ ...b, activity: b.activity, shadowPrice: b.shadowPrice === null ? null : finite(b.shadowPrice) }));
}

function emptyResult(problem: ResolvedProblem, status: AllocationResult['status'], message: string, warnings: string[]): AllocationResult {
  return {
    status,
    message,
    objectiveKind: problem.objective,
    objective: null,
    allocation: {},
    marginalRoi: {},
    marginalValue: {},
    binding: [],
    revenue: null,
    clvValue: null,
    spend: null,
    roas: null,
    margin: problem.margin,
    breakEvenRoi: 1 / problem.margin,
    profit: null,
    warnings,
  };
}

/**
 * Intervals the polish may move each channel in: anywhere within its bounds
 * for a concave curve; for an S-curve beyond its inflection point, the concave
 * part; otherwise the pieces around its spend (so the MIP's discrete choices
 * stay as they are).
 */
function pieceBounds(problem: ResolvedProblem, core: CoreSolve, X: number[][]): { lower: number[][]; upper: number[][] } {
  const lower: number[][] = [];
  const upper: number[][] = [];
  problem.periods.forEach((p, t) => {
    lower.push([]);
    upper.push([]);
    p.channels.forEach((ch, i) => {
      const x = X[t][i];
      const bp = core.pwls[t][i].bp;
      let lo = 0;
      let hi = Math.max(bp[bp.length - 1], x);
      const concave = isConcaveOn(ch.revenue, Infinity) && (!ch.clvCurve || isConcaveOn(ch.clvCurve, Infinity));
      const infl = Math.max(inflectionPoint(ch.revenue) ?? 0, ch.clvCurve ? (inflectionPoint(ch.clvCurve) ?? 0) : 0);
      if (concave) {
        hi = ch.hi;
      } else if (infl > 0 && x > infl && (ch.clvCurve === null || ch.clvCurve.type === 'hill') && ch.revenue.type === 'hill') {
        lo = infl;
        hi = ch.hi;
      } else {
        for (const b of bp) {
          if (b < x * (1 - 1e-12) && b > lo) lo = b;
          if (b > x * (1 + 1e-12) + 1e-300 && b < hi) hi = b;
        }
      }
      // a channel switched off by minIfActive stays off; an active one stays >= minIfActive
      if (ch.minIfActive > 0 && ch.lo === 0) {
        if (x === 0) hi = 0;
        else lo = Math.max(lo, ch.minIfActive);
      }
      lower[t].push(Math.max(ch.lo, Math.min(lo, x)));
      upper[t].push(Math.min(ch.hi, Math.max(hi, x)));
    });
  });
  return { lower, upper };
}

/**
 * Solves a resolved problem with a loaded solver and explains the result.
 * Infeasible problems get status "infeasible" and the conflicting constraints;
 * never throws for a well-formed problem except on solver failure (status "error").
 */
export function allocateResolved(highs: Highs, problem: ResolvedProblem, warnings: string[] = []): AllocationResult {
  const simple = simpleConflict(problem);
  if (simple) return { ...emptyResult(problem, 'infeasible', `infeasible: ${simple.explanation}`, warnings), conflict: simple };
  const core = solveCore(highs, problem);
  if (core.status === 'infeasible') {
    const conflict = findConflict(highs, problem, core.pwls);
    return { ...emptyResult(problem, 'infeasible', `infeasible: ${conflict.explanation}`, warnings), conflict };
  }
  if (core.status !== 'optimal') return emptyResult(problem, core.status, core.message, warnings);

  let X = core.X;
  let polishGain = 0;
  const N = problem.channelNames.length * problem.periods.length;
  if (problem.objective !== 'efficiency' && problem.reinvestRate === 0 && N <= 200) {
    const { lower, upper } = pieceBounds(problem, core, X);
    const pol = polishPlan(problem, X, lower, upper);
    if (pol.gain > 0 && constraintViolations(problem, pol.X, 1e-7).length === 0) {
      X = snapBudgets(problem, pol.X);
      polishGain = pol.gain;
    }
  }
  const totals = evaluatePlan(problem, X);
  const duals = shadowPrices(highs, problem, core, X);
  const binding = bindingConstraints(problem, X, duals);
  const names = problem.channelNames;
  const T = problem.periods.length;
  const allocation = Object.fromEntries(names.map((nm, i) => [nm, X.reduce((s, row) => s + row[i], 0)]));
  // marginal ROI: single period at the optimum; multi-period the spend-weighted mean over periods
  const marginal = (fn: (ch: ResolvedChannel, x: number) => number) =>
    Object.fromEntries(
      names.map((nm, i) => {
        if (T === 1) return [nm, finite(fn(problem.periods[0].channels[i], X[0][i]))];
        const tot = X.reduce((s, row) => s + row[i], 0);
        const v = tot > 0 ? X.reduce((s, row, t) => s + row[i] * fn(problem.periods[t].channels[i], row[i]), 0) / tot : fn(problem.periods[0].channels[i], 0);
        return [nm, finite(v)];
      }),
    );
  const segs = core.pwls.flat().reduce((s, p) => s + p.bp.length - 1 + (p.tail ? 1 : 0), 0);
  const solver: SolverDiagnostics = {
    method: core.mip ? 'mip' : 'lp',
    solves: core.solves,
    segments: segs,
    binaries: core.map?.binaries.length ?? 0,
    linearisedObjective: core.linearisedObjective,
    linearisationGap: Math.abs(totals.objective - core.linearisedObjective) / Math.max(1, Math.abs(totals.objective)),
    shadowPrices: duals.how,
    polishGain,
  };
  const result: AllocationResult = {
    status: 'optimal',
    message: 'optimal',
    objectiveKind: problem.objective,
    objective: totals.objective,
    allocation,
    marginalRoi: marginal((ch, x) => marginalRoi(ch.revenue, x)),
    marginalValue: marginal((ch, x) => channelMarginalValue(problem, ch, x)),
    binding,
    revenue: totals.revenue,
    clvValue: totals.clv,
    spend: totals.spend,
    roas: totals.spend > 0 ? totals.revenue / totals.spend : null,
    margin: problem.margin,
    breakEvenRoi: 1 / problem.margin,
    profit: problem.margin * totals.revenue - totals.spend,
    ...(problem.multiPeriod ? {} : { atBound: boundsHeld(problem, X[0]) }),
    solver,
    warnings,
  };
  if (problem.multiPeriod) {
    result.periods = problem.periods.map((_, t) => periodResult(problem, X, t));
    result.rolling = rollingPlan(highs, problem);
  }
  if (problem.current) {
    const cur = problem.current;
    const curTotals = evaluatePlan(problem, cur);
    const curAlloc = Object.fromEntries(names.map((nm, i) => [nm, cur.reduce((s, row) => s + row[i], 0)]));
    result.againstCurrent = {
      current: curAlloc,
      change: Object.fromEntries(names.map((nm) => [nm, allocation[nm] - curAlloc[nm]])),
      changePct: Object.fromEntries(names.map((nm) => [nm, curAlloc[nm] > 0 ? (allocation[nm] - curAlloc[nm]) / curAlloc[nm] : null])),
      currentObjective: curTotals.objective,
      currentRevenue: curTotals.revenue,
      currentProfit: problem.margin * curTotals.revenue - curTotals.spend,
      uplift: totals.objective - curTotals.objective,
      revenueUplift: totals.revenue - curTotals.revenue,
      profitUplift: problem.margin * (totals.revenue - curTotals.revenue) - (totals.spend - curTotals.spend),
    };
    const curViol = constraintViolations(problem, cur, 1e-6);
    if (curViol.length > 0) warnings.push(`the current plan breaks ${curViol.map((v) => v.id).join(', ')}`);
  }
  return result;
}

/** One period at a time: each period optimised alone given the previous period's plan (stability and reinvestment). */
function rollingPlan(highs: Highs, problem: ResolvedProblem): NonNullable<AllocationResult['rolling']> {
  const periods: PeriodResult[] = [];
  let previous: { x: number[]; revenue: number } | null = null;
  let objective = 0;
  for (let t = 0; t < problem.periods.length; t++) {
    const sub: ResolvedProblem = { ...problem, periods: [problem.periods[t]], multiPeriod: false, current: null };
    const core = solveCore(highs, sub, previous);
    if (core.status !== 'optimal') return { status: core.status, objective: null, periods };
    const pr = periodResult(sub, core.X, 0);
    periods.push(pr);
    objective += pr.objective;
    previous = { x: core.X[0], revenue: pr.revenue };
  }
  return { status: 'optimal', objective, periods };
}

/**
 * Allocates a budget across channels (and periods) to maximise revenue, CLV
 * value, a weighted mix or profit (margin x revenue - spend), or to reach a
 * revenue target with the least spend.
 * See {@link AllocationProblem} for the JSON form and its defaults.
 * `objective` in the result is the true curves' value at the allocation.
 * @throws ValidationError for a malformed problem (message names the JSON path)
 * @example
 * await allocateBudget({ budget: 10, channels: [
 *   { name: 'a', response: { type: 'log', beta: 1, s: 1 } },
 *   { name: 'b', response: { type: 'log', beta: 1, s: 1 } }] });
 * // => allocation { a: 5, b: 5 } (equal curves share equally)
 */
export async function allocateBudget(problem: AllocationProblem): Promise<AllocationResult> {
  const { problem: resolved, warnings } = resolveProblem(parseAllocationProblem(problem));
  const highs = await loadHighs();
  return allocateResolved(highs, resolved, warnings);
}

/** Checks and resolves without solving; throws the same ValidationError as {@link allocateBudget}. */
export function validateAllocationProblem(problem: unknown): ResolvedProblem {
  return resolveProblem(parseAllocationProblem(problem)).problem;
}
