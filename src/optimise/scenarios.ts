/**
 * Budget scenarios: how much to spend in total, not only how to split it.
 * From one single-period allocation problem (the current budget and plan,
 * channel bounds and constraints) the optimiser answers four questions, each
 * as an allocation with its revenue, profit (margin x revenue - spend) and,
 * under the MMM's bootstrap curves, their P5-P95:
 *
 *  - the current budget re-split (the problem as given, spending it all);
 *  - the profit-maximising budget (objective "profit": every channel not at a
 *    bound has marginal ROI 1 / margin);
 *  - the budget at a target marginal ROAS r: maximise revenue - r x spend, so
 *    every free channel's next unit returns r (Meridian's target mROI);
 *  - the budget at a target ROAS: the most revenue whose total ROAS stays at
 *    or above the target (Robyn's "target_efficiency", Meridian's target ROI);
 *
 * plus a sweep of total budgets (each optimally split) for a chart of revenue
 * and profit against the total budget. Budgets found by a target are
 * re-solved as plain fixed-budget problems, which each scenario records, so
 * `allocateBudget(scenario.problem)` (and `mmm optimise`) gives its figures.
 */
import type { Highs } from 'highs';
import { ValidationError } from '../core/errors.ts';
import { allocateResolved } from './allocate.ts';
import { marginalRoi } from './curves.ts';
import { boundsHeld, evaluatePlan } from './evaluate.ts';
import { evaluateUnderCurveDraws } from './robustness.ts';
import { loadHighs } from './solver.ts';
import type { AllocationProblem, AllocationResult, CurveSpec, ResolvedProblem } from './types.ts';
import { resolveProblem } from './resolve.ts';
import { parseAllocationProblem } from './schema.ts';

/** Options of {@link budgetScenarios}. Money is per period of the problem (the pipeline's: per week). */
export interface ScenarioOptions {
  /** Target marginal ROAS: revenue returned by the last unit of spend (default 1, the last unit returns its own cost in revenue). > 0. */
  targetMarginalRoas?: number;
  /** Target ROAS of the whole plan (default 0.8 x the current plan's ROAS, Robyn's target_efficiency default). > 0. */
  targetRoas?: number;
  /** Upper limit on the total budget of the profit and target scenarios (default none: the channels' own maximums). */
  maxBudget?: number;
  /**
   * Total budgets of the sweep: `points` budgets evenly from `from` to `to`
   * (defaults: from half the current budget to twice it, widened by 5% past
   * every scenario's budget, within the sums of the channel minimums and
   * maximums; 21 points).
   */
  sweep?: { from?: number; to?: number; points?: number };
  /** Alternative curve sets (the MMM's bootstrap draws, channel name -> curve) for the P5-P95 bands; none: no bands. */
  curveDraws?: readonly Record<string, CurveSpec>[];
}

/** P5, P50, P95 and mean of a figure under the curve draws. */
export interface Band {
  p5: number;
  p50: number;
  p95: number;
  mean: number;
}

/** A plan's figures: what it spends, returns and earns. */
export interface PlanFigures {
  /** Total spend. */
  spend: number;
  allocation: Record<string, number>;
  revenue: number;
  /** margin x revenue - spend. */
  profit: number;
  roas: number | null;
  /** d revenue / d spend per channel at the plan. */
  marginalRoi: Record<string, number | null>;
  /** Spend-weighted marginal ROI of the channels not held at a bound (the return of the next unit of budget); null when every channel is at a bound. */
  marginalRoas: number | null;
  /** Which of its bounds each channel is held at (see {@link AllocationResult.atBound}). */
  atBound: Record<string, 'min' | 'max' | 'off' | null>;
  /** Revenue and profit under the curve draws (null without draws). */
  bands: { revenue: Band; profit: Band } | null;
}

/** The scenarios, in the order they are listed. */
export type ScenarioId = 'current' | 'resplit' | 'profit' | 'targetMarginalRoas' | 'targetRoas';

/** One scenario: a question, and the plan that answers it (or why there is none). */
export interface Scenario {
  id: ScenarioId;
  /** Short name, e.g. "Most profitable budget". */
  label: string;
  /** The question it answers, in plain words. */
  question: string;
  status: 'ok' | 'infeasible' | 'unbounded' | 'error';
  /** Why there is no plan, or what limits it (e.g. every channel at its maximum); null when nothing to say. */
  note: string | null;
  /** The target of target scenarios. */
  target: number | null;
  /** The problem whose allocateBudget result gives these figures (null for the current plan, which is not solved). */
  problem: AllocationProblem | null;
  /** Null unless status is "ok". */
  plan: PlanFigures | null;
  /** Binding constraints of the solve (ids and descriptions). */
  binding: { id: string; description: string }[];
}

/** One total budget of the sweep, optimally split. */
export interface SweepPoint {
  budget: number;
  status: AllocationResult['status'];
  revenue: number | null;
  profit: number | null;
  roas: number | null;
  marginalRoas: number | null;
  bands: { revenue: Band; profit: Band } | null;
}

/** The answer of {@link budgetScenarios}; JSON-safe. */
export interface BudgetScenarios {
  margin: number;
  breakEvenRoi: number;
  channels: string[];
  scenarios: Scenario[];
  sweep: SweepPoint[];
  /** Curve draws behind the bands (0: no bands). */
  draws: number;
  warnings: string[];
}

/** The validated input of the scenarios. */
interface ScenarioInput {
  /** The problem as JSON with the fixed-budget settings removed. */
  base: AllocationProblem;
  resolved: ResolvedProblem;
  current: number[];
  budget: number;
  targetMarginalRoas: number;
  targetRoas: number;
  maxBudget: number | null;
  draws: readonly Record<string, CurveSpec>[];
  warnings: string[];
}

const positive = (v: number | undefined, path: string): number | undefined => {
  if (v !== undefined && !(Number.isFinite(v) && v > 0)) throw new ValidationError(`${path}: must be a finite number > 0, got ${v}`);
  return v;
};

/** Checks the problem and options and fills the defaults. */
function scenarioInput(problem: AllocationProblem, options: ScenarioOptions): ScenarioInput {
  if (problem.periods !== undefined) throw new ValidationError('periods: budget scenarios need a single-period problem');
  const objective = problem.objective ?? 'revenue';
  if (objective !== 'revenue' && objective !== 'profit') throw new ValidationError(`objective: budget scenarios compare revenue and profit; got "${objective}"`);
  const { budget: _b, spendAll: _s, objective: _o, ...rest } = problem;
  const base: AllocationProblem = { ...rest, objective: 'revenue' };
  const { problem: resolved, warnings } = resolveProblem(parseAllocationProblem({ ...base, spendAll: true }));
  if (!resolved.current) throw new ValidationError('current: budget scenarios need the current spend of every channel (current, or recent, per channel)');
  const current = resolved.current[0];
  const budget = positive(problem.budget, 'budget') ?? current.reduce((s, v) => s + v, 0);
  const curRevenue = evaluatePlan(resolved, [current]).revenue;
  const curSpend = current.reduce((s, v) => s + v, 0);
  const defaultRoas = curSpend > 0 && curRevenue > 0 ? 0.8 * (curRevenue / curSpend) : 1;
  return {
    base,
    resolved,
    current,
    budget,
    targetMarginalRoas: positive(options.targetMarginalRoas, 'targetMarginalRoas') ?? 1,
    targetRoas: positive(options.targetRoas, 'targetRoas') ?? defaultRoas,
    maxBudget: positive(options.maxBudget, 'maxBudget') ?? null,
    draws: options.curveDraws ?? [],
    warnings,
  };
}

/**
 * Revenue and profit of plan x under every curve draw. Spend is fixed, so
 * profit = margin x revenue - spend is an increasing linear map of revenue
 * and its quantiles are the same map of revenue's.
 */
function bandsOf(input: ScenarioInput, x: number[]): PlanFigures['bands'] {
  if (input.draws.length === 0) return null;
  const { p5, p50, p95, mean } = evaluateUnderCurveDraws(input.resolved, [x], input.draws, 'revenue');
  const spend = x.reduce((s, v) => s + v, 0);
  const m = input.resolved.margin;
  const toProfit = (v: number) => m * v - spend;
  return { revenue: { p5, p50, p95, mean }, profit: { p5: toProfit(p5), p50: toProfit(p50), p95: toProfit(p95), mean: toProfit(mean) } };
}

/** Spend-weighted marginal ROI of the channels not held at a bound. */
function freeMarginalRoas(x: number[], mroi: (number | null)[], held: (string | null)[]): number | null {
  let w = 0;
  let s = 0;
  x.forEach((v, i) => {
    if (held[i] !== null || mroi[i] === null || !(v > 0)) return;
    w += v;
    s += v * mroi[i]!;
  });
  return w > 0 ? s / w : null;
}

/** The figures of plan x on the problem's curves. */
function planFigures(input: ScenarioInput, x: number[], atBound: Record<string, 'min' | 'max' | 'off' | null>): PlanFigures {
  const { resolved } = input;
  const names = resolved.channelNames;
  const totals = evaluatePlan(resolved, [x]);
  const mroi = resolved.periods[0].channels.map((ch, i) => {
    const m = marginalRoi(ch.revenue, x[i]);
    return Number.isFinite(m) ? m : null;
  });
  return {
    spend: totals.spend,
    allocation: Object.fromEntries(names.map((n, i) => [n, x[i]])),
    revenue: totals.revenue,
    profit: resolved.margin * totals.revenue - totals.spend,
    roas: totals.spend > 0 ? totals.revenue / totals.spend : null,
    marginalRoi: Object.fromEntries(names.map((n, i) => [n, mroi[i]])),
    marginalRoas: freeMarginalRoas(
      x,
      mroi,
      names.map((n) => atBound[n]),
    ),
    atBound,
    bands: bandsOf(input, x),
  };
}

/** Solves a JSON problem exactly as allocateBudget does, with a loaded solver. */
function solveJson(highs: Highs, problem: AllocationProblem): AllocationResult {
  const { problem: resolved, warnings } = resolveProblem(parseAllocationProblem(problem));
  return allocateResolved(highs, resolved, warnings);
}

/** A scenario from a solved JSON problem. */
function scenarioFrom(input: ScenarioInput, head: Pick<Scenario, 'id' | 'label' | 'question' | 'target'>, problem: AllocationProblem, r: AllocationResult, note: string | null): Scenario {
  const ok = r.status === 'optimal';
  const x = input.resolved.channelNames.map((n) => r.allocation[n]);
  return {
    ...head,
    status: r.status === 'optimal' ? 'ok' : r.status,
    note: ok ? (note ?? boundNote(r.atBound ?? {})) : r.message,
    problem,
    plan: ok ? planFigures(input, x, r.atBound ?? {}) : null,
    binding: r.binding.map((b) => ({ id: b.id, description: b.description })),
  };
}

/** "every channel at its maximum" and the like, when the bounds and not the target decided the plan. */
function boundNote(atBound: Record<string, 'min' | 'max' | 'off' | null>): string | null {
  const held = Object.values(atBound);
  if (held.length === 0 || held.some((h) => h === null)) return null;
  if (held.every((h) => h === 'max')) return 'every channel is at its maximum: the limits, not the target, set this budget';
  if (held.every((h) => h === 'min' || h === 'off')) return 'every channel is at its minimum: the limits, not the target, set this budget';
  return 'every channel is at one of its limits: the limits, not the target, set this budget';
}

/** The problem's flexible form: no fixed budget (or at most maxBudget). */
function flexible(input: ScenarioInput, resolved: ResolvedProblem): ResolvedProblem {
  return { ...resolved, spendAll: false, periods: resolved.periods.map((p) => ({ ...p, budget: input.maxBudget })) };
}

/** The fixed-budget problem at total B (every unit spent, revenue maximised). */
function fixedProblem(input: ScenarioInput, budget: number): AllocationProblem {
  return { ...input.base, budget, spendAll: true, objective: 'revenue' };
}

/** Outcome of a search for a total budget. */
type BudgetSearch = { budget: number } | { status: Exclude<AllocationResult['status'], 'optimal'>; message: string };

/**
 * The total budget at which every free channel's marginal ROAS is r: the
 * spend of the plan maximising revenue - r x spend (its optimality condition
 * is marginal ROI = r wherever no bound holds).
 */
function budgetAtMarginalRoas(highs: Highs, input: ScenarioInput, r: number): BudgetSearch {
  const flex = flexible(input, input.resolved);
  const res = allocateResolved(highs, { ...flex, objective: 'profit', revenueCoef: 1, spendCost: r, current: null });
  if (res.status === 'optimal') return { budget: res.spend! };
  return { status: res.status, message: res.message };
}

/** The total budget of the plan with the most revenue whose ROAS stays at or above rho. */
function budgetAtRoas(highs: Highs, input: ScenarioInput, rho: number): BudgetSearch {
  const flex = flexible(input, input.resolved);
  const floor = { kind: 'roasFloor' as const, id: 'target ROAS', value: rho };
  const res = allocateResolved(highs, { ...flex, constraints: [...flex.constraints, floor], current: null });
  if (res.status === 'optimal') return { budget: res.spend! };
  if (res.status === 'infeasible') return { status: res.status, message: `no plan within the channel limits reaches a ROAS of ${rho.toPrecision(3)}` };
  return { status: res.status, message: res.message };
}

/** A target scenario: the budget its search found, re-solved as a fixed-budget problem. */
function targetScenario(highs: Highs, input: ScenarioInput, head: Pick<Scenario, 'id' | 'label' | 'question' | 'target'>, found: BudgetSearch): Scenario {
  if (!('budget' in found)) {
    return { ...head, status: found.status, note: found.message, problem: null, plan: null, binding: [] };
  }
  const problem = fixedProblem(input, found.budget);
  return scenarioFrom(input, head, problem, solveJson(highs, problem), null);
}

/** The current plan, evaluated (not solved). */
function currentScenario(input: ScenarioInput): Scenario {
  const held = boundsHeld(input.resolved, input.current);
  return {
    id: 'current',
    label: 'Current plan',
    question: 'What does the current spend return?',
    status: 'ok',
    note: null,
    target: null,
    problem: null,
    plan: planFigures(input, input.current, held),
    binding: [],
  };
}

/** The budgets of the sweep (see {@link ScenarioOptions.sweep}). */
function sweepBudgets(input: ScenarioInput, opts: ScenarioOptions['sweep'], scenarioBudgets: number[]): number[] {
  const ch = input.resolved.periods[0].channels;
  const sumLo = ch.reduce((s, c) => s + c.lo, 0);
  const sumHi = Math.min(
    input.maxBudget ?? Infinity,
    ch.reduce((s, c) => s + c.hi, 0),
  );
  const points = opts?.points ?? 21;
  if (!(Number.isInteger(points) && points >= 2 && points <= 201)) throw new ValidationError(`sweep.points: must be an integer from 2 to 201, got ${points}`);
  const from = positive(opts?.from, 'sweep.from') ?? Math.max(sumLo, Math.min(0.5 * input.budget, 0.95 * Math.min(...scenarioBudgets)));
  const to = positive(opts?.to, 'sweep.to') ?? Math.min(sumHi, Math.max(2 * input.budget, 1.05 * Math.max(...scenarioBudgets)));
  if (!(to > from)) throw new ValidationError(`sweep: "to" (${to}) must be above "from" (${from})`);
  return Array.from({ length: points }, (_, i) => from + ((to - from) * i) / (points - 1));
}

/** One sweep point: the optimal split of total budget B and its figures. */
function sweepPoint(highs: Highs, input: ScenarioInput, budget: number): SweepPoint {
  const r = solveJson(highs, fixedProblem(input, budget));
  if (r.status !== 'optimal') return { budget, status: r.status, revenue: null, profit: null, roas: null, marginalRoas: null, bands: null };
  const fig = planFigures(
    input,
    input.resolved.channelNames.map((n) => r.allocation[n]),
    r.atBound ?? {},
  );
  return { budget, status: r.status, revenue: fig.revenue, profit: fig.profit, roas: fig.roas, marginalRoas: fig.marginalRoas, bands: fig.bands };
}

/**
 * Budget scenarios of a single-period allocation problem (see the module
 * doc): the current plan, the current budget re-split, the profit-maximising
 * budget, the budgets at a target marginal ROAS and at a target ROAS, and a
 * sweep of total budgets, each with P5-P95 of revenue and profit under the
 * curve draws. Money is per period of the problem (per week in the weekly
 * pipeline). Deterministic: same input, same output.
 * @param problem a single-period problem with objective "revenue" (or
 *   "profit"), its `budget` the current total (default: the current plan's
 *   total), its `margin` the gross margin, and the current spend of every channel
 * @throws ValidationError for a malformed problem or option (message names the key), a
 *   multi-period problem, another objective, or an unknown current plan
 * @example
 * const s = await budgetScenarios({ budget: 10, margin: 0.5, channels: [
 *   { name: 'a', response: { type: 'log', beta: 20, s: 4 }, current: 5 },
 *   { name: 'b', response: { type: 'log', beta: 30, s: 2 }, current: 5 }] });
 * s.scenarios.find((x) => x.id === 'profit').plan.spend; // => 19 (a 6, b 13: 0.5 x 20 / (4 + 6) = 1)
 */
export async function budgetScenarios(problem: AllocationProblem, options: ScenarioOptions = {}): Promise<BudgetScenarios> {
  const input = scenarioInput(problem, options);
  const highs = await loadHighs();
  const { margin } = input.resolved;
  const resplit = fixedProblem(input, input.budget);
  const profitProblem: AllocationProblem = { ...input.base, objective: 'profit', spendAll: false, ...(input.maxBudget !== null ? { budget: input.maxBudget } : {}) };
  const r = input.targetMarginalRoas;
  const rho = input.targetRoas;
  const scenarios: Scenario[] = [
    currentScenario(input),
    scenarioFrom(
      input,
      { id: 'resplit', label: 'Current budget, re-split', question: 'What would the same total return if it were split the best way?', target: null },
      resplit,
      solveJson(highs, resplit),
      null,
    ),
    scenarioFrom(
      input,
      {
        id: 'profit',
        label: 'Most profitable budget',
        question: `Which total earns the most gross profit at a ${fmtPct(margin)} margin (the last unit returns ${(1 / margin).toPrecision(3)}, break-even)?`,
        target: 1 / margin,
      },
      profitProblem,
      solveJson(highs, profitProblem),
      null,
    ),
    targetScenario(
      highs,
      input,
      { id: 'targetMarginalRoas', label: `Last unit returns ${r.toPrecision(3)}`, question: `Which total spends until the next unit of spend returns ${r.toPrecision(3)} in revenue?`, target: r },
      budgetAtMarginalRoas(highs, input, r),
    ),
    targetScenario(
      highs,
      input,
      { id: 'targetRoas', label: `ROAS ${rho.toPrecision(3)}`, question: `Which total earns the most revenue while every unit spent returns at least ${rho.toPrecision(3)} on average?`, target: rho },
      budgetAtRoas(highs, input, rho),
    ),
  ];
  const [profit, atTarget] = [scenarios[2], scenarios[3]];
  if (profit.plan && atTarget.plan && Math.abs(r * margin - 1) < 1e-9) {
    atTarget.note = `the same budget as the most profitable one: at a ${fmtPct(margin)} gross margin break-even is a marginal ROAS of ${r.toPrecision(3)}`;
  }
  const budgets = scenarios.filter((s) => s.plan).map((s) => s.plan!.spend);
  const sweep = sweepBudgets(input, options.sweep, budgets).map((b) => sweepPoint(highs, input, b));
  return { margin, breakEvenRoi: 1 / margin, channels: input.resolved.channelNames, scenarios, sweep, draws: input.draws.length, warnings: input.warnings };
}

const fmtPct = (v: number) => `${Number((v * 100).toPrecision(3))}%`;
