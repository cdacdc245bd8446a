/**
 * The report's headline: at most two sentences, one story. The first says
 * what to do with the budget the recommended plan spends (the current budget,
 * re-split: what the plan section, the forecast and the planner show); the
 * second says whether that total should move (the most profitable budget
 * scenario against the plan), with the channel limits that stop it named.
 * E.g. "Re-split the current budget of 37.3k per week as the recommended plan
 * does: revenue +2.4%, profit +4.1%. The budget itself is too high: cutting
 * it by 38% to 23k per week, where tv reaches its minimum (0.5× its current
 * spend), gives revenue -15.6%, profit +1.6% against that plan, as the last
 * 14.2k per week returns 0.94 per unit, below break-even 1.00."
 */
import type { PlanFigures, Scenario } from '../optimise/index.ts';
import { compact, pct, ratio, signedCompact, signedPct } from './html.ts';
import type { ReportData, ReportPlan } from './types.ts';

/** Below this relative change of the total, the budget is "about right". */
const KEEP_TOTAL = 0.02;
/** Below this relative gain of profit, re-splitting is not worth doing. */
const NOT_WORTH = 0.005;

/** A plan's media revenue and spend per week. */
type Money = Pick<PlanFigures, 'revenue' | 'spend'>;

/** Total revenue and profit per week of a plan, when the revenue without media is known. */
function totals(d: ReportData, p: Money): { revenue: number; profit: number; total: boolean } {
  const revenue = p.revenue + (d.expectedBaseline ?? 0);
  return { revenue, profit: d.margin * revenue - p.spend, total: d.expectedBaseline !== null };
}

/** "revenue -1.2%, profit +9.0%" from one plan to another (profit as money when the base profit is not positive). */
function changes(d: ReportData, from: Money, to: Money): string {
  const a = totals(d, from);
  const b = totals(d, to);
  const what = a.total ? 'total revenue' : 'media revenue';
  const profit = a.profit > 0 ? signedPct(b.profit / a.profit - 1) : `${signedCompact(b.profit - a.profit)} per week`;
  return `${what} ${signedPct(b.revenue / a.revenue - 1)}, profit ${profit}`;
}

/** "a, b and c" */
function list(names: string[]): string {
  return names.length < 2 ? names.join('') : `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;
}

/**
 * The channels a limit stops from moving further in the direction of the
 * change (their minimum on a cut, their maximum on a raise), as a clause:
 * ", where tv and radio reach their minimum (0.5× their current spend),";
 * the multiple is said when every such channel sits at the same one.
 */
function limitsClause(profit: PlanFigures, current: Record<string, number> | null, cut: boolean): string {
  const held = Object.entries(profit.atBound)
    .filter(([, b]) => (cut ? b === 'min' || b === 'off' : b === 'max'))
    .map(([c]) => c);
  if (held.length === 0) return '';
  const multiples = current ? held.map((c) => (current[c] > 0 ? profit.allocation[c] / current[c] : NaN)) : [];
  const same = multiples.length > 0 && multiples.every((m) => Number.isFinite(m) && Math.abs(m / multiples[0] - 1) < 0.01);
  const one = held.length === 1;
  const times = same ? ` (${Number(multiples[0].toPrecision(2))}× ${one ? 'its' : 'their'} current spend)` : '';
  return `, where ${list(held)} ${one ? 'reaches its' : 'reach their'} ${cut ? 'minimum' : 'maximum'}${times},`;
}

/**
 * The recommended plan's figures as the headline states them: averaged over the model's draws when
 * they were simulated (a plan chosen on the point model gains less under the others: the optimiser's
 * curse), with the point model's revenue change and how often the draws favour the plan; else the point's.
 */
function statedPlan(d: ReportData, p: ReportPlan, current: Money): { plan: Money; note: string } {
  const point = { spend: p.budget, revenue: p.revenue! };
  const r = p.robustness;
  if (!r || r.upliftUnderDraws === null || r.pointUplift === null) return { plan: point, note: '' };
  const a = totals(d, current);
  const what = a.total ? 'total revenue' : 'media revenue';
  // How often the draws favour the plan compares revenue: said only of a re-split, where the spend is the same.
  const favour = p.budgetIsCurrent ? `, which favour it over the current plan in ${pct(r.probabilityBetter, 0)} of cases` : '';
  const note = ` (on average over the model's draws${favour}; the point model alone promises ${what} ${signedPct(totals(d, point).revenue / a.revenue - 1)})`;
  return { plan: { spend: p.budget, revenue: current.revenue + r.upliftUnderDraws }, note };
}

/** The first sentence: what to do with the budget the recommended plan spends. */
function planSentence(d: ReportData, p: ReportPlan): string {
  if (!(p.currentSpend > 0) || p.currentRevenue === null) return `The recommended plan spends ${compact(p.budget)} per week.`;
  const current = { spend: p.currentSpend, revenue: p.currentRevenue };
  const { plan, note } = statedPlan(d, p, current);
  if (!p.budgetIsCurrent) {
    return `Spend the set budget of ${compact(p.budget)} per week (${signedPct(p.budget / p.currentSpend - 1)} on the current ${compact(p.currentSpend)}) as the recommended plan splits it: ${changes(d, current, plan)}${note}.`;
  }
  const gain = totals(d, plan).profit - totals(d, current).profit;
  if (gain <= NOT_WORTH * Math.abs(totals(d, current).profit)) {
    return `Keep the current split of ${compact(p.budget)} per week: no other split within the channel limits earns ${pct(NOT_WORTH)} more profit${note ? " on average over the model's draws" : ''}.`;
  }
  return `Re-split the current budget of ${compact(p.budget)} per week as the recommended plan does: ${changes(d, current, plan)}${note}.`;
}

/** A cut whose last money returns more than this times break-even is said to be the budget cap's (not a tie at break-even). */
const CAPPED_ABOVE = 1.01;

/** The second sentence: whether the total should move, from `from` (the recommended plan, else the current budget re-split) to the most profitable budget. */
function budgetSentence(d: ReportData, from: Money, against: string): string | null {
  const find = (id: Scenario['id']) => d.scenarios?.scenarios.find((s) => s.id === id)?.plan ?? null;
  const profit = find('profit');
  if (!profit || !(from.spend > 0)) return null;
  const change = profit.spend / from.spend - 1;
  if (Math.abs(change) < KEEP_TOTAL) return `The budget itself is about right: the most profitable total, ${compact(profit.spend)} per week, is within ${pct(KEEP_TOTAL, 0)} of it.`;
  const cut = change < 0;
  const step = Math.abs(from.spend - profit.spend);
  const perUnit = Math.abs(from.revenue - profit.revenue) / step;
  const limits = limitsClause(profit, find('current')?.allocation ?? null, cut);
  const breakEven = 1 / d.margin;
  // A cut whose money still returns clearly above break-even is not the returns' doing: only a cap on the budget
  // below the current one (optimise.maxBudget) forces it. (A raise always returns at least break-even.)
  const capped = cut && perUnit > CAPPED_ABOVE * breakEven;
  const side = cut && !capped ? 'below' : 'above';
  const why = `${cut ? 'the last' : 'the next'} ${compact(step)} per week ${cut ? 'returns' : 'would return'} ${ratio(perUnit)} per unit, ${side} break-even ${ratio(breakEven)}`;
  if (capped)
    return `The most profitable budget within the limits is ${compact(profit.spend)} per week (${signedPct(change)} on ${against}): the budget cap (optimise.maxBudget) sets it there, not the returns, as ${why}.`;
  return `The budget itself is too ${cut ? 'high' : 'low'}: ${cut ? 'cutting' : 'raising'} it by ${pct(Math.abs(change), 0)} to ${compact(profit.spend)} per week${limits} gives ${changes(d, from, profit)} against ${against}, as ${why}.`;
}

/**
 * The headline's sentences (one or two): what to do with the recommended
 * plan's budget, then whether the budget itself should move. Falls back to
 * what the model found, then to why nothing could be said.
 */
export function headlineSentences(d: ReportData): string[] {
  const p = d.plan;
  if (p && p.status === 'optimal' && p.revenue !== null) {
    return [planSentence(d, p), budgetSentence(d, { spend: p.budget, revenue: p.revenue }, 'that plan')].filter((s): s is string => s !== null);
  }
  const resplit = d.scenarios?.scenarios.find((s) => s.id === 'resplit')?.plan;
  const budget = resplit ? budgetSentence(d, resplit, 'the current budget re-split') : null;
  if (budget) return [budget];
  if (d.sections.plan.status !== 'ok') {
    if (d.model) return [`No budget recommendation this week (${d.sections.plan.reason}); media drove ${pct(mediaShare(d))} of revenue.`];
    return [`No budget recommendation this week: ${d.sections.plan.reason ?? d.sections.decomposition.reason}`];
  }
  return [`No budget recommendation this week: the optimisation ended with status "${p?.status}" (${p?.message}).`];
}

/** The headline as one string (its sentences joined). */
export function headline(d: ReportData): string {
  return headlineSentences(d).join(' ');
}

/** Media's share of fitted revenue over the model's weeks. */
export function mediaShare(d: ReportData): number | null {
  if (!d.model) return null;
  const sum = (v: number[]) => v.reduce((s, x) => s + x, 0);
  const media = d.model.layers.filter((l) => l.kind === 'channel').reduce((s, l) => s + sum(l.values), 0);
  const all = sum(d.model.fitted);
  return all > 0 ? media / all : null;
}
