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
 * Advance widths of the printable ASCII characters (32..126) in thousandths
 * of an em: DejaVu Sans, the font Debian's Chromium draws the page's font
 * stack with and the widest of the common sans-serif fonts, so a label sized
 * by it also fits in Segoe UI, San Francisco or Roboto. Measured in Chromium
 * by test/report/measure-text-widths.ts.
 */
const CHAR_WIDTHS = [
  318, 401, 460, 838, 636, 950, 780, 275, 390, 390, 500, 838, 318, 361, 318, 337, 636, 636, 636, 636, 636, 636, 636, 636, 636, 636, 337, 337, 838, 838, 838, 531, 1000, 684, 686, 698, 770, 632, 575,
  775, 752, 295, 295, 656, 557, 863, 748, 787, 603, 787, 695, 635, 611, 732, 684, 989, 685, 611, 685, 390, 337, 390, 838, 500, 500, 613, 635, 550, 635, 615, 352, 635, 634, 278, 278, 579, 278, 974,
  634, 612, 635, 635, 411, 521, 392, 634, 592, 818, 592, 592, 525, 636, 337, 636, 838,
];
/** Bold (600) text is this much wider than regular (DejaVu Sans Bold over a-z, same measurement). */
const BOLD = 1.13;

/**
 * Width in px of a text in the page's font (see CHAR_WIDTHS); characters
 * outside ASCII count as 1 em. Vega measures text with a canvas, which Node
 * does not have; its fallback (0.8 em for every character) truncates legend
 * labels half-way and lays charts out too wide, and an estimate that is too
 * small lets labels collide and run past the chart's edge.
 * @example estimateTextWidth('Jan', 10) // => 15.42 (0.295 + 0.613 + 0.634 em)
 */
export function estimateTextWidth(text: string, fontSize: number, bold = false): number {
  let em = 0;
  for (const ch of text) {
    const c = ch.charCodeAt(0);
    em += c >= 32 && c <= 126 ? CHAR_WIDTHS[c - 32] / 1000 : 1;
  }
  return em * fontSize * (bold ? BOLD : 1);
}

/** Vega's text measurement hook (exported at runtime, missing from its typings): a label is never wider than its limit. */
type TextItem = { fontSize?: number; limit?: number; fontWeight?: string | number };
const metrics = (vega as unknown as { textMetrics: { width: (item: TextItem, text?: unknown) => number } }).textMetrics;
metrics.width = (item, text) => {
  const bold = item.fontWeight === 'bold' || Number(item.fontWeight) >= 600;
  const w = estimateTextWidth(text == null ? '' : String(text).trim(), item.fontSize != null ? +item.fontSize || 0 : 11, bold);
  return item.limit && item.limit > 0 ? Math.min(w, item.limit) : w;
};

/** Font size of legend labels (px), in CONFIG and in {@link legendFor}. */
const LEGEND_FONT = 11;

/**
 * A legend for a chart `width` px wide: as many columns (at most 4) as its
 * widest label allows, labels never shortened unless one is wider than the
 * chart. Give the same object to every channel of a series (colour, shape,
 * dash), so Vega-Lite draws one legend.
 */
export function legendFor(labels: string[], width: number): Record<string, unknown> {
  const symbolAndGap = 30;
  const column = Math.max(0, ...labels.map((l) => estimateTextWidth(l, LEGEND_FONT))) + symbolAndGap;
  const columns = Math.max(1, Math.min(4, labels.length, Math.floor((width + 14) / (column + 14))));
  return { title: null, columns, labelLimit: Math.max(60, width - symbolAndGap) };
}

/** Three-letter month names (the axes' dates are English, as the rest of the page). */
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const DAY_MS = 86400000;

/** A tick of a time axis: its time (ms, UTC) and its label. */
export interface TimeTick {
  value: number;
  label: string;
}

/** Month-start ticks every `step` months from `from` to `to` (ms): "Apr 2023" first, then "Jul", ..., the year alone in January. */
function monthTicks(from: number, to: number, step: number): TimeTick[] {
  const out: TimeTick[] = [];
  const start = new Date(from);
  for (let m = start.getUTCMonth(), y = start.getUTCFullYear(); Date.UTC(y, m, 1) <= to; m++) {
    const t = new Date(Date.UTC(y, m, 1));
    if (t.getTime() < from || t.getUTCMonth() % step !== 0) continue;
    const month = t.getUTCMonth();
    out.push({ value: t.getTime(), label: month === 0 ? String(t.getUTCFullYear()) : out.length === 0 ? `${MONTHS[month]} ${t.getUTCFullYear()}` : MONTHS[month] });
  }
  return out;
}

/** Ticks on the weeks themselves every `step` weeks: "29 Dec 2025", "12 Jan 2026", "26 Jan" (the year on the first tick and where it changes). */
function weeklyTicks(from: number, to: number, step: number): TimeTick[] {
  const out: TimeTick[] = [];
  for (let t = from; t <= to; t += step * 7 * DAY_MS) {
    const d = new Date(t);
    const prev = out.length ? new Date(out[out.length - 1].value).getUTCFullYear() : null;
    const dayMonth = `${d.getUTCDate()} ${MONTHS[d.getUTCMonth()]}`;
    out.push({ value: t, label: prev === d.getUTCFullYear() ? dayMonth : `${dayMonth} ${d.getUTCFullYear()}` });
  }
  return out;
}

/**
 * Ticks for a time axis over the weeks from `first` to `last` (ISO dates)
 * drawn `width` px wide: on month starts every 1, 3, 6, 12 or 24 months for
 * spans over 20 weeks, else on the weeks every 1, 2, 4, 8 or 13 weeks; the
 * densest choice whose labels (11 px) all keep `gap` px apart.
 */
export function timeTicks(first: string, last: string, width: number, gap = 8): TimeTick[] {
  const from = Date.parse(`${first}T00:00:00Z`);
  const to = Date.parse(`${last}T00:00:00Z`);
  const fits = (ticks: TimeTick[]) => {
    // label extents in px: centred on the tick, except flush with the axis's ends (labelFlush) where a tick sits on one
    const spans = ticks.map((tk) => {
      const x = ((tk.value - from) / Math.max(1, to - from)) * width;
      const w = estimateTextWidth(tk.label, 11);
      return x < 1 ? [x, x + w] : x > width - 1 ? [x - w, x] : [x - w / 2, x + w / 2];
    });
    return spans.every((sp, i) => i === 0 || sp[0] - spans[i - 1][1] >= gap);
  };
  const candidates = (to - from) / DAY_MS > 20 * 7 ? [1, 3, 6, 12, 24].map((k) => monthTicks(from, to, k)) : [1, 2, 4, 8, 13].map((k) => weeklyTicks(from, to, k));
  return candidates.find(fits) ?? candidates[candidates.length - 1];
}

/**
 * A time x encoding on the weeks of `dates` (ISO, UTC: the same labels in
 * every time zone) with the ticks of {@link timeTicks}: tick values and
 * their labels are fixed here, so no two labels collide.
 */
export function weekAxis(dates: string[], width: number, field = 'date'): Record<string, unknown> {
  const ticks = dates.length ? timeTicks(dates[0], dates[dates.length - 1], width) : [];
  const labelExpr = ticks.reduceRight((rest, tk) => `time(datum.value) === ${tk.value} ? ${JSON.stringify(tk.label)} : ${rest}`, "''");
  return {
    field,
    type: 'temporal',
    timeUnit: 'utcyearmonthdate',
    axis: { title: 'Week', values: ticks.map((tk) => tk.value), labelExpr, labelAngle: 0, labelFlush: true, labelOverlap: false, grid: true },
  };
}

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
  axis: {
    labelFontSize: 11,
    titleFontSize: 12,
    titleFontWeight: 600,
    labelColor: '#333',
    titleColor: '#222',
    gridColor: '#e8e8ee',
    domainColor: '#888',
    tickColor: '#888',
    labelOverlap: true,
    labelSeparation: 6,
  },
  legend: { labelFontSize: LEGEND_FONT, titleFontSize: 12, orient: 'bottom', direction: 'horizontal', columns: 2, columnPadding: 14, symbolSize: 90, labelLimit: 200 },
  title: { fontSize: 13, anchor: 'start', fontWeight: 600 },
  header: { labelFontSize: 12 },
};

/** Chart sizes: "wide" for the desktop layout, "narrow" for phones and the two-column grid. */
export const WIDTH = { wide: 940, narrow: 340 } as const;

/** A chart's height for its width: `narrow` px on the narrow layout, a quarter more on the wide one (wide charts are not flattened). */
export function heightFor(width: number, narrow: number): number {
  return width > WIDTH.narrow ? Math.round(narrow * 1.25) : narrow;
}

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
