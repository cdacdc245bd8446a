/** Section "fit": the model against the actual revenue, the holdout weeks marked, and the residuals. */
import type { TopLevelSpec } from 'vega-lite';
import { heightFor, legendFor, moneyAxis, responsiveFigure, weekAxis } from '../charts.ts';
import { t } from '../glossary.ts';
import { compact, pct, ratio } from '../html.ts';
import type { ReportData, ReportModel } from '../types.ts';

/** The holdout weeks as a shaded span (empty when none). */
function holdoutLayer(m: ReportModel, width: number): object[] {
  if (m.holdoutWeeks <= 0 || m.dates.length === 0) return [];
  const from = m.dates[Math.max(0, m.dates.length - m.holdoutWeeks)];
  const to = m.dates[m.dates.length - 1];
  return [
    {
      data: { values: [{ from, to, label: 'holdout weeks' }] },
      layer: [
        { mark: { type: 'rect', color: '#E69F00', opacity: 0.16 }, encoding: { x: weekAxis(m.dates, width, 'from'), x2: { field: 'to', timeUnit: 'utcyearmonthdate' } } },
        {
          mark: { type: 'text', align: 'left', baseline: 'top', dx: 3, dy: 3, fontSize: 10, color: '#8a5a00' },
          encoding: { x: weekAxis(m.dates, width, 'from'), y: { value: 0 }, text: { field: 'label' } },
        },
      ],
    },
  ];
}

/** Actual against fitted, with the holdout span; residuals below. */
function fitSpec(m: ReportModel, width: number, residualSd: number | undefined): TopLevelSpec {
  const values = m.dates.map((date, i) => ({ date, actual: m.actual[i], fitted: m.fitted[i], residual: m.actual[i] - m.fitted[i] }));
  const long = values.flatMap((v) => [
    { date: v.date, series: 'Actual', value: v.actual },
    { date: v.date, series: 'Model', value: v.fitted },
  ]);
  const sd = residualSd ?? 0;
  const x = weekAxis(m.dates, width);
  const series = ['Actual', 'Model'];
  const legend = legendFor(series, width);
  const top = {
    width,
    height: heightFor(width, 200),
    layer: [
      ...holdoutLayer(m, width),
      {
        data: { values: long },
        mark: { type: 'line', strokeWidth: 1.6 },
        encoding: {
          x,
          y: { field: 'value', type: 'quantitative', axis: moneyAxis('Revenue per week'), scale: { zero: false } },
          color: { field: 'series', type: 'nominal', scale: { domain: series, range: ['#000000', '#D55E00'] }, legend },
          strokeDash: {
            field: 'series',
            type: 'nominal',
            scale: {
              domain: series,
              range: [
                [1, 0],
                [5, 3],
              ],
            },
            legend,
          },
        },
      },
    ],
  };
  const bottom = {
    width,
    height: heightFor(width, 110),
    layer: [
      ...holdoutLayer(m, width),
      {
        data: { values },
        mark: { type: 'bar', color: '#0072B2', opacity: 0.8, width: Math.max(1, (0.7 * width) / Math.max(1, values.length)) },
        encoding: { x, y: { field: 'residual', type: 'quantitative', axis: moneyAxis('Actual − model') } },
      },
      ...(sd > 0 ? [{ data: { values: [{ y: 2 * sd }, { y: -2 * sd }] }, mark: { type: 'rule', color: '#555', strokeDash: [4, 3] }, encoding: { y: { field: 'y', type: 'quantitative' } } }] : []),
    ],
  };
  return { vconcat: [top, bottom], resolve: { scale: { x: 'shared' } } } as TopLevelSpec;
}

/** Renders the section's body. */
export async function fitSection(d: ReportData): Promise<string> {
  const m = d.model!;
  const mt = m.metrics;
  const intro = `<p>The model reproduces ${pct(mt.r2, 0)} of the week-to-week variation of revenue (${t('r2')} ${ratio(mt.r2)}) and misses a week by ${pct(mt.mape)} on average (${t('mape')}). On the ${m.holdoutWeeks} ${t('holdout', 'holdout weeks')}, which the fit that chose the model did not see, it missed by ${pct(mt.holdoutMape)}.</p>`;
  const note = `Shaded: the ${m.holdoutWeeks} holdout weeks. Below: actual minus model per week${mt.residualSd ? `; dashed lines at ± twice the residual standard deviation (± ${compact(2 * mt.residualSd)} per week)` : ''}.`;
  const chart = await responsiveFigure('Revenue per week: actual and model, with the residuals', (w) => fitSpec(m, w, mt.residualSd), note);
  return `${intro}${chart}`;
}
