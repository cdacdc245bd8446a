/**
 * The plans a chart can mark (current, recommended, each budget scenario),
 * each with one colour and one shape used on every chart and in the planner,
 * so a plan is recognised by shape alone (deuteranopia) or colour alone.
 */
import type { BudgetScenarios, ScenarioId } from '../optimise/index.ts';
import type { ReportData } from './types.ts';

/** What kind of plan a marker stands for: the current or recommended plan, or a budget scenario. */
export type PlanKind = 'current' | 'recommended' | Exclude<ScenarioId, 'current'>;

/** Colour (Okabe-Ito) and Vega shape of each plan kind. */
export const PLAN_STYLE: Record<PlanKind, { color: string; shape: string }> = {
  current: { color: '#000000', shape: 'circle' },
  recommended: { color: '#0072B2', shape: 'triangle-up' },
  resplit: { color: '#56B4E9', shape: 'triangle-down' },
  profit: { color: '#009E73', shape: 'diamond' },
  targetMarginalRoas: { color: '#D55E00', shape: 'square' },
  targetRoas: { color: '#CC79A7', shape: 'cross' },
};

/** A plan to mark: its kind, label and spend per channel (per week). */
export interface MarkedPlan {
  kind: PlanKind;
  label: string;
  allocation: Record<string, number>;
}

const same = (a: Record<string, number>, b: Record<string, number>) => Object.keys(a).every((k) => Math.abs(a[k] - (b[k] ?? NaN)) <= 1e-6 * Math.max(1, Math.abs(a[k])));

/** Whether two plans spend the same in every channel (within a millionth). */
export function samePlan(a: Record<string, number>, b: Record<string, number>): boolean {
  return same(a, b) && same(b, a);
}

/**
 * Plans with the same spend in every channel become one marker whose label
 * names them all (e.g. "Most profitable budget = Last unit returns 1.00"),
 * keeping the first plan's kind (its shape and colour).
 */
export function mergeSamePlans(plans: MarkedPlan[]): MarkedPlan[] {
  const out: MarkedPlan[] = [];
  for (const p of plans) {
    const twin = out.find((q) => samePlan(p.allocation, q.allocation));
    if (twin) twin.label = `${twin.label} = ${p.label}`;
    else out.push({ ...p });
  }
  return out;
}

/**
 * The plans to mark, in legend order: current, recommended, then each
 * scenario with a plan (the re-split is the recommended plan when they
 * agree), identical plans merged.
 */
export function markedPlans(d: Pick<ReportData, 'plan' | 'scenarios'>): MarkedPlan[] {
  const out: MarkedPlan[] = [];
  const plan = d.plan;
  const scen: BudgetScenarios['scenarios'] = d.scenarios?.scenarios ?? [];
  const current = scen.find((s) => s.id === 'current')?.plan?.allocation ?? (plan ? Object.fromEntries(plan.rows.map((r) => [r.channel, r.current])) : null);
  if (current) out.push({ kind: 'current', label: 'Current plan', allocation: current });
  const recommended = plan && plan.status === 'optimal' ? Object.fromEntries(plan.rows.map((r) => [r.channel, r.recommended])) : null;
  if (recommended) out.push({ kind: 'recommended', label: 'Recommended plan', allocation: recommended });
  for (const s of scen) {
    if (s.id === 'current' || !s.plan) continue;
    if (s.id === 'resplit' && recommended && samePlan(s.plan.allocation, recommended)) continue;
    out.push({ kind: s.id, label: s.label, allocation: s.plan.allocation });
  }
  return mergeSamePlans(out);
}
