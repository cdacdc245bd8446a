/** Section "decomposition": where revenue comes from, week by week and on average, and share of spend beside share of effect. */
import type { TopLevelSpec } from 'vega-lite';
import { BASE_GREY, CONTROLS_GREY, category, figure, heightFor, legendFor, moneyAxis, responsiveFigure, weekAxis, WIDTH } from '../charts.ts';
import { t } from '../glossary.ts';
import { mediaShare } from '../headline.ts';
import { compact, esc, pct } from '../html.ts';
import type { DecompositionLayer, ReportData, ReportModel } from '../types.ts';

/** Colour of a decomposition layer: greys for baseline and controls, the palette for channels. */
function layerColors(layers: DecompositionLayer[]): string[] {
  let c = 0;
  return layers.map((l) => (l.kind === 'baseline' ? BASE_GREY : l.kind === 'controls' ? CONTROLS_GREY : l.kind === 'organic' ? '#F0E442' : category(c++).color));
}

/** Stacked area of the weekly layers. */
function areaSpec(m: ReportModel, width: number): TopLevelSpec {
  const order = m.layers.map((l) => l.name);
  const values = m.layers.flatMap((l, k) => m.dates.map((date, i) => ({ date, layer: l.name, k, value: l.values[i] })));
  return {
    width,
    height: heightFor(width, 220),
    data: { values },
    mark: { type: 'area', line: false, opacity: 0.92 },
    encoding: {
      x: weekAxis(m.dates, width),
      y: { field: 'value', type: 'quantitative', stack: 'zero', axis: moneyAxis('Revenue per week') },
      color: { field: 'layer', type: 'nominal', scale: { domain: order, range: layerColors(m.layers) }, legend: legendFor(order, width) },
      order: { field: 'k', type: 'quantitative' },
    },
  } as TopLevelSpec;
}

/** Average revenue per week, part by part, as a waterfall (horizontal: long channel names stay readable). */
function waterfallSpec(m: ReportModel): TopLevelSpec {
  const n = Math.max(1, m.dates.length);
  let acc = 0;
  const colors = layerColors(m.layers);
  const steps = m.layers.map((l, k) => {
    const v = l.values.reduce((s, x) => s + x, 0) / n;
    const step = { part: l.name, k, start: acc, end: acc + v, label: compact(v), color: colors[k] };
    acc += v;
    return step;
  });
  steps.push({ part: 'Fitted revenue', k: steps.length, start: 0, end: acc, label: compact(acc), color: '#333333' });
  const y = { field: 'part', type: 'nominal', sort: { field: 'k' }, axis: { title: null, labelLimit: 120 } } as const;
  return {
    width: WIDTH.narrow - 40,
    height: { step: 22 },
    data: { values: steps },
    layer: [
      {
        mark: { type: 'bar' },
        encoding: { y, x: { field: 'start', type: 'quantitative', axis: moneyAxis('Average revenue per week') }, x2: { field: 'end' }, color: { field: 'color', type: 'nominal', scale: null } },
      },
      { mark: { type: 'text', align: 'left', dx: 4, fontSize: 10 }, encoding: { y, x: { field: 'end', type: 'quantitative' }, text: { field: 'label' } } },
    ],
  } as TopLevelSpec;
}

/** Share of spend beside share of effect, per channel (a dot for each, joined). */
function sharesSpec(m: ReportModel): TopLevelSpec {
  const what = ['Share of spend', 'Share of effect'];
  const legend = legendFor(what, WIDTH.narrow);
  const values = m.channels.flatMap((c) => [
    { channel: c.name, what: 'Share of spend', share: c.spendShare },
    { channel: c.name, what: 'Share of effect', share: c.contributionShare },
  ]);
  const y = { field: 'channel', type: 'nominal', sort: null, axis: { title: null, labelLimit: 120 } } as const;
  const x = { field: 'share', type: 'quantitative', axis: { title: 'Share of media (spend or effect)', format: '.0%' } } as const;
  return {
    width: WIDTH.narrow - 40,
    height: { step: 26 },
    data: { values },
    layer: [
      { mark: { type: 'line', color: '#999' }, encoding: { y, x, detail: { field: 'channel' } } },
      {
        mark: { type: 'point', filled: true, size: 110, opacity: 1 },
        encoding: {
          y,
          x,
          shape: { field: 'what', type: 'nominal', scale: { domain: what, range: ['circle', 'triangle-up'] }, legend },
          color: { field: 'what', type: 'nominal', scale: { domain: what, range: ['#000000', '#0072B2'] }, legend },
        },
      },
    ],
  } as TopLevelSpec;
}

/** Renders the section's body. */
export async function decompositionSection(d: ReportData): Promise<string> {
  const m = d.model!;
  const share = mediaShare(d);
  const intro = `<p>Media drove <b>${pct(share)}</b> of the fitted revenue over the ${m.dates.length} weeks; the rest is the ${t('baseline', 'baseline')} (${esc('trend, seasonality and the intercept')}) and the controls. Each channel's part is its ${t('contribution', 'contribution')}, in revenue per week.</p>`;
  const controls = m.layers.find((l) => l.kind === 'controls');
  const below =
    controls && controls.values.reduce((s, v) => s + v, 0) < 0
      ? 'Controls below zero: a control such as a price index is measured from zero, not from its usual level, so its part can sit below zero while the baseline sits higher by as much.'
      : '';
  const area = await responsiveFigure('Revenue per week by source', (w) => areaSpec(m, w), below);
  const waterfall = await figure('Average revenue per week, part by part', waterfallSpec(m));
  const shares = await figure('Share of spend beside share of effect', sharesSpec(m), 'A channel whose effect share is above its spend share returns more per unit than the media average.');
  return `${intro}${area}<div class="grid2">${waterfall}${shares}</div>`;
}
