/**
 * The report's headline: one sentence saying what to do with the media
 * budget and why, in the numbers an analyst would quote, e.g. "Cut media by
 * 18% to 30.5k per week: the last 6.7k per week returned 0.70 per unit, below
 * break-even 1.00; revenue -1.2%, profit +9.0%."
 */
import type { PlanFigures } from '../optimise/index.ts';
import { compact, pct, ratio, signedCompact, signedPct } from './html.ts';
import type { ReportData } from './types.ts';

/** Below this relative change of the total, the headline says to keep the total. */
const KEEP_TOTAL = 0.02;
/** Below this relative gain of profit (or revenue), re-splitting is not worth a headline. */
const NOT_WORTH = 0.005;

/** A plan's media revenue and spend per week. */
type Money = Pick<PlanFigures, 'revenue' | 'spend'>;

/** Total revenue and profit per week of a plan, when the revenue without media is known. */
function totals(d: ReportData, p: Money): { revenue: number; profit: number; total: boolean } {
  const revenue = p.revenue + (d.expectedBaseline ?? 0);
  return { revenue, profit: d.margin * revenue - p.spend, total: d.expectedBaseline !== null };
}

/** "revenue -1.2%, profit +9.0%" between two plans (profit as money when the base profit is not positive). */
function changes(d: ReportData, from: Money, to: Money): string {
  const a = totals(d, from);
  const b = totals(d, to);
  const what = a.total ? 'revenue' : 'media revenue';
  const profit = a.profit > 0 ? signedPct(b.profit / a.profit - 1) : `${signedCompact(b.profit - a.profit)} per week`;
  return `${what} ${signedPct(b.revenue / a.revenue - 1)}, profit ${profit}`;
}

/** The headline when budget scenarios exist (the profit-maximising total against the current one). */
function scenarioHeadline(d: ReportData): string | null {
  const find = (id: string) => d.scenarios?.scenarios.find((s) => s.id === id)?.plan ?? null;
  const current = find('current');
  const resplit = find('resplit');
  const profit = find('profit');
  if (!current || !resplit || !profit || !(current.spend > 0)) return null;
  const change = profit.spend / current.spend - 1;
  const be = ratio(1 / d.margin);
  if (Math.abs(change) >= KEEP_TOTAL) {
    const step = Math.abs(profit.spend - resplit.spend);
    const perUnit = Math.abs(resplit.revenue - profit.revenue) / step;
    const cut = change < 0;
    return `${cut ? 'Cut' : 'Raise'} media by ${pct(Math.abs(change), 0)} to ${compact(profit.spend)} per week: the ${cut ? 'last' : 'next'} ${compact(step)} per week ${cut ? 'returned' : 'would return'} ${ratio(perUnit)} per unit, ${cut ? 'below' : 'above'} break-even ${be}; ${changes(d, current, profit)}.`;
  }
  const gain = totals(d, resplit).profit - totals(d, current).profit;
  if (gain <= NOT_WORTH * Math.abs(totals(d, current).profit)) {
    return `Keep the current plan of ${compact(current.spend)} per week: neither another total nor another split within the channel limits earns ${pct(NOT_WORTH)} more profit.`;
  }
  return `Keep media near ${compact(current.spend)} per week and re-split it: ${changes(d, current, resplit)}.`;
}

/** The headline from the recommended plan alone (no scenarios). */
function planHeadline(d: ReportData): string | null {
  const p = d.plan;
  if (!p || p.status !== 'optimal' || p.revenue === null || p.currentRevenue === null) return null;
  const spend = p.rows.reduce((s, r) => s + r.current, 0);
  return `Re-split media at ${compact(p.budget)} per week: ${changes(d, { revenue: p.currentRevenue, spend }, { revenue: p.revenue, spend: p.budget })}.`;
}

/**
 * One sentence: what to do with the media budget and why. Falls back to the
 * recommended plan, then to what the model found, then to why nothing could
 * be said.
 */
export function headline(d: ReportData): string {
  const h = scenarioHeadline(d) ?? planHeadline(d);
  if (h) return h;
  if (d.sections.plan.status !== 'ok') {
    if (d.model) return `No budget recommendation this week (${d.sections.plan.reason}); media drove ${pct(mediaShare(d))} of revenue.`;
    return `No budget recommendation this week: ${d.sections.plan.reason ?? d.sections.decomposition.reason}`;
  }
  return `No budget recommendation this week: the optimisation ended with status "${d.plan?.status}" (${d.plan?.message}).`;
}

/** Media's share of fitted revenue over the model's weeks. */
export function mediaShare(d: ReportData): number | null {
  if (!d.model) return null;
  const sum = (v: number[]) => v.reduce((s, x) => s + x, 0);
  const media = d.model.layers.filter((l) => l.kind === 'channel').reduce((s, l) => s + sum(l.values), 0);
  const all = sum(d.model.fitted);
  return all > 0 ? media / all : null;
}
