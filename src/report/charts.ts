/**
 * Charts: Vega-Lite specs compiled and rendered to SVG at build time with
 * Vega's headless view (no canvas, no browser, no script in the page). One
 * palette (Okabe & Ito's colour-blind-safe colours) with a shape for every
 * colour, one number format ({@link compact}) on every quantitative axis,
 * round ticks (Vega's nice scales).
 *
 * User strings reach charts only as data values (never as field names or
 * expressions), and Vega's SVG writer escapes text, so a channel called
 * `<img src=x onerror=...>` is drawn as those characters.
 */
import * as vega from 'vega';
import * as vl from 'vega-lite';
import { compact, esc } from './html.ts';

/** Okabe & Ito (2008) colours, the palette for categories; yellow (poor on white) last. */
export const PALETTE = ['#0072B2', '#E69F00', '#009E73', '#D55E00', '#CC79A7', '#56B4E9', '#000000', '#F0E442'] as const;
/** Vega shapes paired with the palette's colours, so series differ without colour. */
export const SHAPES = ['circle', 'triangle-up', 'square', 'diamond', 'cross', 'triangle-down', 'triangle-right', 'triangle-left'] as const;
/** Greys for the parts of revenue that are not media. */
export const BASE_GREY = '#8C8C8C';
/** The lighter grey of controls and events. */
export const CONTROLS_GREY = '#C7C7C7';

/** The palette colour and shape of category i (cycling). */
export function category(i: number): { color: string; shape: string } {
  return { color: PALETTE[i % PALETTE.length], shape: SHAPES[i % SHAPES.length] };
}

vega.expressionFunction('compact', (v: number) => compact(v));

/**
 * Width of a text in a sans-serif font, estimated per character class (em:
 * 0.3 for i, l, punctuation; 0.85 for m, w; 0.68 for capitals; 0.56 for
 * digits; 0.52 otherwise). Vega measures text with a canvas, which Node does
 * not have; its fallback (0.8 em for every character) truncates legend labels
 * half-way and lays charts out too wide.
 */
export function estimateTextWidth(text: string, fontSize: number): number {
  let em = 0;
  for (const ch of text) {
    if (/[il.,:;'|!()\[\] ]/.test(ch)) em += 0.3;
    else if (/[mwMW@%]/.test(ch)) em += 0.85;
    else if (/[A-Z]/.test(ch)) em += 0.68;
    else if (/[0-9]/.test(ch)) em += 0.56;
    else em += 0.52;
  }
  return em * fontSize;
}

/** Vega's text measurement hook (exported at runtime, missing from its typings): a label is never wider than its limit. */
type TextItem = { fontSize?: number; limit?: number };
const metrics = (vega as unknown as { textMetrics: { width: (item: TextItem, text?: unknown) => number } }).textMetrics;
metrics.width = (item, text) => {
  const w = estimateTextWidth(text == null ? '' : String(text).trim(), item.fontSize != null ? +item.fontSize || 0 : 11);
  return item.limit && item.limit > 0 ? Math.min(w, item.limit) : w;
};

/** Axis settings of a quantitative money axis: title with its unit, the one number format, round ticks. */
export function moneyAxis(title: string): Record<string, unknown> {
  return { title, format: '', formatType: 'compact', tickCount: 5, labelFlush: true };
}

const CONFIG = {
  customFormatTypes: true,
  font: 'system-ui, -apple-system, Segoe UI, Roboto, sans-serif',
  background: '#ffffff',
  padding: 6,
  view: { stroke: null },
  axis: { labelFontSize: 11, titleFontSize: 12, titleFontWeight: 600, labelColor: '#333', titleColor: '#222', gridColor: '#e8e8ee', domainColor: '#888', tickColor: '#888', labelOverlap: true },
  legend: { labelFontSize: 11, titleFontSize: 12, orient: 'bottom', direction: 'horizontal', columns: 2, columnPadding: 14, symbolSize: 90, labelLimit: 200 },
  title: { fontSize: 13, anchor: 'start', fontWeight: 600 },
  header: { labelFontSize: 12 },
};

/** Chart sizes: "wide" for the desktop layout, "narrow" for phones and the two-column grid. */
export const WIDTH = { wide: 720, narrow: 340 } as const;

/**
 * Renders a Vega-Lite spec to an SVG string that scales down with its box.
 * @param label what the chart shows, for screen readers (escaped here)
 */
export async function renderChart(spec: vl.TopLevelSpec, label: string): Promise<string> {
  const full = { ...spec, config: { ...CONFIG, ...(spec.config ?? {}) } } as vl.TopLevelSpec;
  const compiled = vl.compile(full).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: 'none' });
  const svg = await view.toSVG();
  view.finalize();
  return svg.replace(/^<svg /, `<svg role="img" aria-label="${esc(label)}" `).replace(/ class="marks"/, ' class="chart"');
}

/**
 * A figure with a wide chart for desktops and a narrow one for phones (CSS
 * shows one), each rendered from `make(width)`.
 */
export async function responsiveFigure(caption: string, make: (width: number) => vl.TopLevelSpec, note = ''): Promise<string> {
  const [wide, narrow] = await Promise.all([renderChart(make(WIDTH.wide), caption), renderChart(make(WIDTH.narrow), caption)]);
  return `<figure><figcaption>${esc(caption)}</figcaption><div class="v-wide">${wide}</div><div class="v-narrow">${narrow}</div>${note ? `<p class="note">${note}</p>` : ''}</figure>`;
}

/** A figure with one chart sized for the narrow width (used in two-column grids). */
export async function figure(caption: string, spec: vl.TopLevelSpec, note = ''): Promise<string> {
  return `<figure><figcaption>${esc(caption)}</figcaption>${await renderChart(spec, caption)}${note ? `<p class="note">${note}</p>` : ''}</figure>`;
}
