/** Section "scenarios": how much to spend in total, as a table and a chart of revenue and profit against the budget. */
import type { TopLevelSpec } from 'vega-lite';
import type { BudgetScenarios, Scenario } from '../../optimise/index.ts';
import { heightFor, legendFor, moneyAxis, responsiveFigure } from '../charts.ts';
import { t } from '../glossary.ts';
import { compact, esc, ratio, signedPct, table, vsBreakEven } from '../html.ts';
import { mergeSamePlans, PLAN_STYLE, samePlan, type MarkedPlan, type PlanKind } from '../markers.ts';
import type { ReportData } from '../types.ts';

/** Unicode glyphs of the Vega shapes, for legends in tables and text. */
export const GLYPH: Record<string, string> = { circle: '●', 'triangle-up': '▲', 'triangle-down': '▼', diamond: '◆', square: '■', cross: '✚' };

/** A plan's marker as a coloured glyph (aria-hidden: the label beside it names the plan). */
export function glyph(kind: PlanKind): string {
  const s = PLAN_STYLE[kind];
  return `<span class="mk" aria-hidden="true" style="color:${s.color}">${GLYPH[s.shape]}</span>`;
}

const kindOf = (s: Scenario): PlanKind => (s.id === 'current' ? 'current' : s.id);

/** "12.3k (10.1k – 14.2k)", with a mark when the point model's figure lies outside its draws' band. */
function withBand(v: number, band: { p5: number; p95: number } | undefined): string {
  if (!band) return compact(v);
  const outside = outsideBand(v, band) ? ` <span class="down" title="${OUTSIDE}">†</span>` : '';
  return `${compact(v)}${outside} <span class="muted">(${compact(band.p5)} – ${compact(band.p95)})</span>`;
}

const outsideBand = (v: number, band: { p5: number; p95: number } | undefined) => band !== undefined && (v < band.p5 || v > band.p95);

/** What the † beside a figure says. */
const OUTSIDE = "the point model's figure lies outside the 90% range of the model's draws: they see this plan differently, so trust the range more than the figure";

/** The sweep chart: media revenue and profit against the total budget, bands, scenario markers. */
function sweepSpec(s: BudgetScenarios, width: number): TopLevelSpec {
  const rows = s.sweep
    .filter((p) => p.revenue !== null)
    .map((p) => ({ budget: p.budget, revenue: p.revenue, profit: p.profit, rlo: p.bands?.revenue.p5, rhi: p.bands?.revenue.p95, plo: p.bands?.profit.p5, phi: p.bands?.profit.p95 }));
  const withPlan = s.scenarios.filter((x) => x.plan);
  const plans = mergeSamePlans(withPlan.map((x) => ({ kind: kindOf(x), label: x.label, allocation: x.plan!.allocation })));
  const figures = (p: MarkedPlan) => withPlan.find((x) => kindOf(x) === p.kind)!.plan!;
  const marks = plans.map((p) => ({ label: p.label, budget: figures(p).spend, revenue: figures(p).revenue, profit: figures(p).profit }));
  const x = { field: 'budget', type: 'quantitative', axis: moneyAxis('Total media budget per week'), scale: { zero: false } } as const;
  const legend = {
    domain: plans.map((p) => p.label),
    shapes: plans.map((p) => PLAN_STYLE[p.kind].shape),
    colors: plans.map((p) => PLAN_STYLE[p.kind].color),
    spec: legendFor(
      plans.map((p) => p.label),
      width,
    ),
  };
  const panel = (field: 'revenue' | 'profit', lo: string, hi: string, title: string) => ({
    width,
    height: heightFor(width, 160),
    layer: [
      ...(s.draws > 0 ? [{ mark: { type: 'area', color: '#0072B2', opacity: 0.18 }, encoding: { x, y: { field: lo, type: 'quantitative' }, y2: { field: hi } } }] : []),
      { mark: { type: 'line', color: '#0072B2', strokeWidth: 2 }, encoding: { x, y: { field, type: 'quantitative', axis: moneyAxis(title), scale: { zero: false } } } },
      ...(field === 'profit' ? [{ data: { values: [{ zero: 0 }] }, mark: { type: 'rule', color: '#555', strokeDash: [4, 3] }, encoding: { y: { field: 'zero', type: 'quantitative' } } }] : []),
      {
        data: { values: marks },
        mark: { type: 'point', filled: true, size: 120, opacity: 1, stroke: '#fff', strokeWidth: 0.8 },
        encoding: {
          x,
          y: { field, type: 'quantitative' },
          shape: { field: 'label', type: 'nominal', scale: { domain: legend.domain, range: legend.shapes }, legend: legend.spec },
          color: { field: 'label', type: 'nominal', scale: { domain: legend.domain, range: legend.colors }, legend: legend.spec },
        },
      },
    ],
  });
  return {
    data: { values: rows },
    vconcat: [panel('revenue', 'rlo', 'rhi', 'Media revenue per week'), panel('profit', 'plo', 'phi', 'Profit from media per week')],
    resolve: { scale: { color: 'shared', shape: 'shared' } },
  } as TopLevelSpec;
}

const WORD: Record<string, string> = { min: 'minimum', max: 'maximum', off: 'off' };

/**
 * The scenario's note: the recommended plan when it is that plan, then which
 * channels its limits hold (where the marginal ROAS need not match the others').
 */
function noteOf(x: Scenario, recommended: Record<string, number> | null): string {
  const held = Object.entries(x.plan?.atBound ?? {}).filter(([, b]) => b !== null);
  const all = held.length > 0 && held.length === Object.keys(x.plan!.atBound).length;
  const limits = held.length && !all ? `held at a limit: ${held.map(([c, b]) => `${c} (${WORD[b!]})`).join(', ')}` : '';
  const isRecommended = recommended && x.plan && samePlan(x.plan.allocation, recommended) ? 'the recommended plan (see the plan section)' : '';
  return esc([isRecommended, x.note, limits].filter(Boolean).join('; '));
}

/** The scenario table. */
function scenarioTable(s: BudgetScenarios, recommended: Record<string, number> | null): string {
  const current = s.scenarios.find((x) => x.id === 'current')?.plan;
  const rows = s.scenarios.map((x) => {
    const p = x.plan;
    const name = `${glyph(kindOf(x))} ${esc(x.label)}`;
    if (!p) return [name, '–', '–', '–', '–', '–', '–', esc(x.note ?? x.status)];
    const vsCurrent = current && current.spend > 0 && x.id !== 'current' ? signedPct(p.spend / current.spend - 1) : '–';
    const mroas = p.marginalRoas === null ? 'all at limits' : vsBreakEven(p.marginalRoas, s.breakEvenRoi);
    return [name, compact(p.spend), vsCurrent, withBand(p.revenue, p.bands?.revenue), withBand(p.profit, p.bands?.profit), ratio(p.roas), mroas, noteOf(x, x.id === 'current' ? null : recommended)];
  });
  return table(
    [
      'Plan',
      'Budget per week',
      'Budget vs current',
      'Media revenue per week (P5 – P95)',
      'Profit from media per week (P5 – P95)',
      t('roas'),
      `${t('mroas')} at that plan vs break-even ${ratio(s.breakEvenRoi)}`,
      'Note',
    ],
    rows,
    '',
    true,
  );
}

/** Renders the section's body. */
export async function scenariosSection(d: ReportData): Promise<string> {
  const s = d.scenarios!;
  const intro = `<p>How much to spend, not only how to split it. Every plan is the best split of its total within the channel limits, per week in steady state. Profit is ${t('margin', 'gross margin')} (${Math.round(s.margin * 100)}%) × media revenue − media spend, so the ${t('breakEven', 'break-even')} ${t('mroas', 'marginal ROAS')} is ${ratio(s.breakEvenRoi)}: spend more while the next unit returns more than that.</p>`;
  const questions = `<ul class="questions">${s.scenarios.map((x) => `<li>${glyph(kindOf(x))} <b>${esc(x.label)}</b>: ${esc(x.question)}${x.status !== 'ok' ? ` <span class="down">${esc(x.note ?? x.status)}</span>` : ''}</li>`).join('')}</ul>`;
  const note = s.draws > 0 ? `Shaded: ${t('band')} under the model's ${s.draws} ${t('draws', 'draws')}. The dashed line is zero profit.` : 'No draws of the model: no bands.';
  const chart = await responsiveFigure('Media revenue and profit per week against the total budget', (w) => sweepSpec(s, w), note);
  const plan = d.plan?.status === 'optimal' ? Object.fromEntries(d.plan.rows.map((r) => [r.channel, r.recommended])) : null;
  const marked = s.scenarios.some((x) => x.plan && (outsideBand(x.plan.revenue, x.plan.bands?.revenue) || outsideBand(x.plan.profit, x.plan.bands?.profit)));
  const dagger = marked ? `<p class="muted">† ${OUTSIDE}.</p>` : '';
  return `${intro}${scenarioTable(s, plan)}${dagger}${questions}${chart}`;
}
