/** Section "plan": the recommended plan, the best split of the current budget per week, what limits it, against the current split. */
import type { TopLevelSpec } from 'vega-lite';
import { legendFor, moneyAxis, responsiveFigure } from '../charts.ts';
import { t } from '../glossary.ts';
import { compact, esc, ratio, signedCompact, signedPct, table, vsBreakEven } from '../html.ts';
import { PLAN_STYLE } from '../markers.ts';
import type { ReportData, ReportPlan } from '../types.ts';
import { glyph } from './scenarios.ts';

const HELD: Record<string, string> = { min: 'at its minimum', max: 'at its maximum', off: 'switched off' };

/** Current and recommended spend per channel, joined. */
function planSpec(p: ReportPlan, width: number): TopLevelSpec {
  const what = ['Current plan', 'Recommended plan'];
  const legend = legendFor(what, width);
  const values = p.rows.flatMap((r) => [
    { channel: r.channel, what: what[0], spend: r.current },
    { channel: r.channel, what: what[1], spend: r.recommended },
  ]);
  const y = { field: 'channel', type: 'nominal', sort: null, axis: { title: null, labelLimit: 120 } } as const;
  const x = { field: 'spend', type: 'quantitative', axis: moneyAxis('Spend per week') } as const;
  return {
    width: width - 60,
    height: { step: 26 },
    data: { values },
    layer: [
      { mark: { type: 'line', color: '#999' }, encoding: { y, x, detail: { field: 'channel' } } },
      {
        mark: { type: 'point', filled: true, size: 110, opacity: 1 },
        encoding: {
          y,
          x,
          shape: { field: 'what', type: 'nominal', scale: { domain: what, range: [PLAN_STYLE.current.shape, PLAN_STYLE.recommended.shape] }, legend },
          color: { field: 'what', type: 'nominal', scale: { domain: what, range: [PLAN_STYLE.current.color, PLAN_STYLE.recommended.color] }, legend },
        },
      },
    ],
  } as TopLevelSpec;
}

/** Binding limits other than the budget and the channels' own (those are in the Limit column), in plain words; shadow prices go to the appendix. */
function limits(p: ReportPlan): string {
  const own = /^(periods\[\d+\]\.)?channels\[.*\]\.(min|max|minIfActive)$/;
  const items = p.binding.filter((b) => b.id !== 'budget' && !own.test(b.id)).map((b) => `<li>${esc(b.description)}</li>`);
  return items.length ? `<p>What holds the plan where it is:</p><ul>${items.join('')}</ul>` : '';
}

/** Renders the section's body. */
export async function planSection(d: ReportData): Promise<string> {
  const p = d.plan!;
  if (p.status !== 'optimal') return `<p class="warn">The optimiser found no plan: ${esc(p.message)}</p>`;
  const be = 1 / d.margin;
  const withClv = p.rows.some((r) => r.clvRecommended !== null);
  const rows = p.rows.map((r) => [
    esc(r.channel),
    compact(r.current),
    compact(r.recommended),
    r.current > 0 ? signedPct(r.recommended / r.current - 1) : signedCompact(r.recommended - r.current),
    vsBreakEven(r.marginalRoi, be),
    r.atBound ? HELD[r.atBound] : '',
    ...(withClv ? [compact(r.clvRecommended)] : []),
  ]);
  const head = [
    'Channel',
    `${glyph('current')} Current per week`,
    `${glyph('recommended')} Recommended per week`,
    'Change',
    `${t('mroas')} at the recommended spend vs break-even ${ratio(be)}`,
    'Limit',
    ...(withClv ? ['If maximising CLV'] : []),
  ];
  const chart = await responsiveFigure('Spend per week: current and recommended', (w) => planSpec(p, w));
  return `${intro(d, p)}${table(head, rows)}${limits(p)}${chart}`;
}

/** What the split maximises, in words. */
const OBJECTIVE: Record<string, string> = {
  revenue: 'for the most media revenue',
  profit: 'for the most profit',
  clv: 'for the most customer lifetime value',
  weighted: 'for the most revenue and customer lifetime value together',
  efficiency: 'for the least spend that reaches its target',
};

/**
 * The plan in words: which budget it splits (the current one: the last
 * horizon weeks' average spend, or the one the configuration set), how, what
 * it changes, and where the question of the total is answered.
 */
function intro(d: ReportData, p: ReportPlan): string {
  const H = d.horizonWeeks;
  const which = p.budgetIsCurrent
    ? `the current budget, <b>${compact(p.budget)} per week</b> (the average of the last ${H} weeks; ${compact(p.budget * H)} over the next ${H} weeks)`
    : `the budget the configuration sets, <b>${compact(p.budget)} per week</b> (${compact(p.budget * H)} over the next ${H} weeks; the current spend is ${compact(p.currentSpend)} per week)`;
  const revenue =
    p.revenue !== null && p.currentRevenue !== null
      ? ` Media revenue ${compact(p.revenue)} per week against ${compact(p.currentRevenue)} with the current split (${signedPct(p.revenue / p.currentRevenue - 1)}); profit from media ${compact(p.profit)} against ${compact(p.currentProfit)}.`
      : '';
  const best = d.scenarios?.scenarios.find((x) => x.id === 'profit')?.plan;
  const total = best
    ? ` Whether the total itself should move is the question of the <a href="#scenarios">budget scenarios</a>: the most profitable total is ${compact(best.spend)} per week${p.budget > 0 ? ` (${signedPct(best.spend / p.budget - 1)})` : ''}.`
    : '';
  return `<p>The recommended plan: ${which}, split ${OBJECTIVE[p.objective] ?? `for the objective "${esc(p.objective)}"`} within each channel's limits. The forecast and the planner's "Recommended" use it.${revenue}${total}</p>`;
}
