/** Section "forecast": revenue per week over the coming weeks, recommended against current plan (the current alone when there is no recommendation), P5-P95. */
import type { TopLevelSpec } from 'vega-lite';
import { heightFor, legendFor, moneyAxis, responsiveFigure, weekAxis } from '../charts.ts';
import { t } from '../glossary.ts';
import { compact, pct } from '../html.ts';
import { PLAN_STYLE } from '../markers.ts';
import type { ReportData, ReportForecast } from '../types.ts';

/** Weekly P50 of both plans, the recommended plan's P5-P95 as a band. */
function forecastSpec(f: ReportForecast, width: number): TopLevelSpec {
  const plans = [f.plan === 'recommended' ? 'Recommended plan' : 'Current plan', ...(f.current ? ['Current plan'] : [])];
  const lines = [...f.recommended.weekly.map((w) => ({ date: w.date, plan: plans[0], p50: w.p50 })), ...(f.current?.weekly ?? []).map((w) => ({ date: w.date, plan: 'Current plan', p50: w.p50 }))];
  const styles = f.plan === 'recommended' ? [PLAN_STYLE.recommended, PLAN_STYLE.current].slice(0, plans.length) : [PLAN_STYLE.current];
  const x = weekAxis(
    f.recommended.weekly.map((w) => w.date),
    width,
  );
  const legend = legendFor(plans, width);
  return {
    width,
    height: heightFor(width, 200),
    layer: [
      {
        data: { values: f.recommended.weekly.map((w) => ({ date: w.date, p5: w.p5, p95: w.p95 })) },
        mark: { type: 'area', color: styles[0].color, opacity: 0.18 },
        encoding: { x, y: { field: 'p5', type: 'quantitative' }, y2: { field: 'p95' } },
      },
      {
        data: { values: lines },
        mark: { type: 'line', point: { filled: true, size: 45 }, strokeWidth: 1.8 },
        encoding: {
          x,
          y: { field: 'p50', type: 'quantitative', axis: moneyAxis('Revenue per week (P50)'), scale: { zero: false } },
          color: { field: 'plan', type: 'nominal', scale: { domain: plans, range: styles.map((s) => s.color) }, legend },
          shape: { field: 'plan', type: 'nominal', scale: { domain: plans, range: styles.map((s) => s.shape) }, legend },
          strokeDash: {
            field: 'plan',
            type: 'nominal',
            scale: {
              domain: plans,
              range: [
                [1, 0],
                [5, 3],
              ].slice(0, plans.length),
            },
            legend,
          },
        },
      },
    ],
  } as TopLevelSpec;
}

/** Renders the section's body. */
export async function forecastSection(d: ReportData): Promise<string> {
  const f = d.forecast!;
  const r = f.recommended.total;
  const cur = f.current ? ` With the current plan: ${compact(f.current.total.p50)} (${compact(f.current.total.p5)} – ${compact(f.current.total.p95)}).` : '';
  const better = f.probabilityBetter !== null ? ` The recommended plan comes out ahead in ${pct(f.probabilityBetter, 0)} of the simulations.` : '';
  const which = f.plan === 'recommended' ? 'the recommended plan' : 'the current plan (the optimiser found no plan within the limits this run, so there is none to compare)';
  const intro = `<p>Total revenue (baseline and media) over the next <b>${f.weeks} weeks</b> with ${which}: <b>${compact(r.p50)}</b>, ${compact(r.p50 / Math.max(1, f.weeks))} per week; 90% of ${compact(f.draws)} simulations land between ${compact(r.p5)} and ${compact(r.p95)} (${t('band')}).${cur}${better}</p>`;
  const note = f.plan === 'recommended' ? 'Shaded: P5–P95 of the recommended plan. Lines: the median (P50) of each plan.' : 'Shaded: P5–P95 of the current plan. Line: its median (P50).';
  const chart = await responsiveFigure(`Revenue per week over the next ${f.weeks} weeks`, (w) => forecastSpec(f, w), note);
  return `${intro}${chart}`;
}
