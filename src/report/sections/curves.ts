/** Section "curves": each channel's response curve with the current, recommended and scenario plans marked by shape and colour. */
import type { TopLevelSpec } from 'vega-lite';
import { marginalRoi, responseValue, type CurveSpec } from '../../optimise/index.ts';
import { figure, legendFor, moneyAxis, WIDTH } from '../charts.ts';
import { t } from '../glossary.ts';
import { compact, pct, ratio } from '../html.ts';
import { markedPlans, PLAN_STYLE, type MarkedPlan } from '../markers.ts';
import type { ReportData } from '../types.ts';

/** Points of the curve from 0 to `upper` (61 points). */
export function curvePoints(curve: CurveSpec, upper: number): { spend: number; revenue: number }[] {
  return Array.from({ length: 61 }, (_, i) => {
    const spend = (upper * i) / 60;
    return { spend, revenue: responseValue(curve, spend) };
  });
}

/** One channel's curve with the plans marked. */
function curveSpec(channel: string, curve: CurveSpec, plans: MarkedPlan[]): TopLevelSpec {
  // drawn in reverse legend order, so the current and the recommended plans lie on top where markers overlap
  const marks = plans
    .filter((p) => p.allocation[channel] !== undefined)
    .map((p) => ({ plan: p.label, spend: p.allocation[channel], revenue: responseValue(curve, p.allocation[channel]) }))
    .reverse();
  const upper = Math.max(1, ...marks.map((m) => m.spend * 1.3), 2.5 * (plans.find((p) => p.kind === 'current')?.allocation[channel] ?? 0));
  const domain = plans.map((p) => p.label);
  const legend = legendFor(domain, WIDTH.narrow);
  return {
    width: WIDTH.narrow - 50,
    height: 150,
    layer: [
      {
        data: { values: curvePoints(curve, upper) },
        mark: { type: 'line', color: '#555', strokeWidth: 2 },
        encoding: { x: { field: 'spend', type: 'quantitative', axis: moneyAxis('Spend per week') }, y: { field: 'revenue', type: 'quantitative', axis: moneyAxis('Revenue per week') } },
      },
      {
        data: { values: marks },
        mark: { type: 'point', filled: true, size: 110, opacity: 0.95, stroke: '#fff', strokeWidth: 0.8 },
        encoding: {
          x: { field: 'spend', type: 'quantitative' },
          y: { field: 'revenue', type: 'quantitative' },
          shape: { field: 'plan', type: 'nominal', scale: { domain, range: plans.map((p) => PLAN_STYLE[p.kind].shape) }, legend },
          color: { field: 'plan', type: 'nominal', scale: { domain, range: plans.map((p) => PLAN_STYLE[p.kind].color) }, legend },
        },
      },
    ],
  } as TopLevelSpec;
}

/** Renders the section's body. */
export async function curvesSection(d: ReportData): Promise<string> {
  const plans = markedPlans(d);
  const be = 1 / d.margin;
  const current = plans.find((p) => p.kind === 'current');
  const recent = d.horizonWeeks > 0 ? ` (the last ${d.horizonWeeks} weeks' average)` : '';
  const figures = await Promise.all(
    d.curves!.map((c) => {
      const x = current?.allocation[c.channel];
      const m = x === undefined ? null : marginalRoi(c.curve, x);
      const spread = c.next
        ? `, ${ratio(c.next.low)} – ${ratio(c.next.high)} over the model's draws (${t('interval', '90% interval')}), above break-even ${ratio(be)} in ${pct(c.next.paying, 0)} of them`
        : ` (break-even ${ratio(be)})`;
      const note = m === null ? '' : `At the current spend, ${compact(x!)} per week${recent}, the next unit returns ${ratio(m)}${spread}.`;
      return figure(c.channel, curveSpec(c.channel, c.curve, plans), note);
    }),
  );
  const intro = `<p>Revenue per week each channel adds at a given spend per week, in ${t('steadyState', 'steady state')} (carry-over included), with every plan marked by its own shape and colour. The slope of a curve at a plan is its ${t('mroas', 'marginal ROAS')} there; under each chart, at the current spend.</p>`;
  return `${intro}<div class="grid2">${figures.join('')}</div>`;
}
