/**
 * Inline SVG charts (no scripts, no external files), so the report is one
 * self-contained page. Labels are escaped.
 */
import { esc, money } from './html.ts';

export interface Series {
  name: string;
  values: ArrayLike<number>;
  color: string;
  dashed?: boolean;
}

const DEFAULT_W = 760;
const DEFAULT_H = 260;
const PAD = { l: 64, r: 16, t: 16, b: 36 };

function extent(values: number[]): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of values) {
    if (!Number.isFinite(v)) continue;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  if (!Number.isFinite(lo)) return [0, 1];
  if (lo === hi) return [lo - 1, hi + 1];
  return [lo, hi];
}

function axes(W: number, H: number, x0: number, x1: number, y0: number, y1: number, xLabels: { at: number; text: string }[], title: string): string {
  const sy = (v: number) => PAD.t + (1 - (v - y0) / (y1 - y0)) * (H - PAD.t - PAD.b);
  const ticks = Array.from({ length: 5 }, (_, i) => y0 + ((y1 - y0) * i) / 4);
  return [
    `<title>${esc(title)}</title>`,
    ...ticks.map((v) => `<line x1="${PAD.l}" x2="${W - PAD.r}" y1="${sy(v).toFixed(1)}" y2="${sy(v).toFixed(1)}" class="grid"/><text x="${PAD.l - 6}" y="${(sy(v) + 4).toFixed(1)}" text-anchor="end">${esc(money(v))}</text>`),
    ...xLabels.map((l) => {
      const x = PAD.l + ((l.at - x0) / (x1 - x0 || 1)) * (W - PAD.l - PAD.r);
      return `<text x="${x.toFixed(1)}" y="${H - 12}" text-anchor="middle">${esc(l.text)}</text>`;
    }),
  ].join('');
}

/** Line chart of several series over the same x positions (0..n-1), with an optional shaded band. */
/** A point marked on a line chart: `at` is a fractional x position (0..n-1). */
export interface Marker {
  at: number;
  value: number;
  color: string;
  label: string;
}

export function lineChart(title: string, xLabels: string[], series: Series[], band?: { lo: ArrayLike<number>; hi: ArrayLike<number>; color: string }, markers: Marker[] = [], size: { width?: number; height?: number } = {}): string {
  const W = size.width ?? DEFAULT_W;
  const H = size.height ?? DEFAULT_H;
  const n = xLabels.length;
  const all: number[] = [];
  for (const s of series) for (let i = 0; i < s.values.length; i++) all.push(s.values[i]);
  if (band) for (let i = 0; i < n; i++) all.push(band.lo[i], band.hi[i]);
  const [lo, hi] = extent(all);
  const y0 = Math.min(0, lo);
  const y1 = hi * 1.05;
  const sx = (i: number) => PAD.l + (n > 1 ? i / (n - 1) : 0.5) * (W - PAD.l - PAD.r);
  const sy = (v: number) => PAD.t + (1 - (v - y0) / (y1 - y0)) * (H - PAD.t - PAD.b);
  const step = Math.max(1, Math.ceil(n / (W < 500 ? 4 : 8)));
  const labels = xLabels.map((text, at) => ({ at, text })).filter((l) => l.at % step === 0);
  const path = (v: ArrayLike<number>) => Array.from(v, (y, i) => `${i ? 'L' : 'M'}${sx(i).toFixed(1)},${sy(y).toFixed(1)}`).join('');
  const bandPath = band
    ? `<path d="${path(band.hi)}${Array.from(band.lo, (y, i) => [i, y] as const).reverse().map(([i, y]) => `L${sx(i).toFixed(1)},${sy(y).toFixed(1)}`).join('')}Z" fill="${band.color}" opacity="0.25"/>`
    : '';
  const lines = series.map((s) => `<path d="${path(s.values)}" fill="none" stroke="${s.color}" stroke-width="1.8"${s.dashed ? ' stroke-dasharray="5 4"' : ''}/>`).join('');
  const legendItems = [...series.map((s) => ({ name: s.name, color: s.color, dot: false })), ...markers.map((m) => ({ name: m.label, color: m.color, dot: true }))];
  const legend = legendItems
    .map((s, i) => `<g transform="translate(${PAD.l + 10 + i * (W < 500 ? 95 : 150)},${PAD.t + 6})">${s.dot ? `<circle cx="6" cy="5" r="4" fill="${s.color}"/>` : `<rect width="12" height="3" y="4" fill="${s.color}"/>`}<text x="16" y="10">${esc(s.name)}</text></g>`)
    .join('');
  const dots = markers.map((m) => `<circle cx="${sx(m.at).toFixed(1)}" cy="${sy(m.value).toFixed(1)}" r="5" fill="${m.color}" stroke="#fff" stroke-width="1.5"/>`).join('');
  return `<svg viewBox="0 0 ${W} ${H}" role="img" class="chart">${axes(W, H, 0, n - 1, y0, y1, labels, title)}${bandPath}${lines}${dots}${legend}</svg>`;
}

/** Horizontal bars with optional interval whiskers (e.g. ROAS with its 90% interval) and a reference marker (truth). */
export function barChart(title: string, rows: { label: string; value: number; lo?: number; hi?: number }[], color = '#3b6ea8'): string {
  const rowH = 26;
  const W = DEFAULT_W;
  const h = PAD.t + rows.length * rowH + 28;
  const max = Math.max(1e-9, ...rows.map((r) => Math.max(r.value, r.hi ?? 0)));
  const left = 150;
  const sx = (v: number) => left + (Math.max(0, v) / (max * 1.1)) * (W - left - 60);
  const bars = rows
    .map((r, i) => {
      const y = PAD.t + i * rowH;
      const whisker = r.lo !== undefined && r.hi !== undefined ? `<line x1="${sx(r.lo).toFixed(1)}" x2="${sx(r.hi).toFixed(1)}" y1="${y + 10}" y2="${y + 10}" stroke="#222" stroke-width="1.5"/><line x1="${sx(r.lo).toFixed(1)}" x2="${sx(r.lo).toFixed(1)}" y1="${y + 5}" y2="${y + 15}" stroke="#222"/><line x1="${sx(r.hi).toFixed(1)}" x2="${sx(r.hi).toFixed(1)}" y1="${y + 5}" y2="${y + 15}" stroke="#222"/>` : '';
      return `<text x="${left - 8}" y="${y + 14}" text-anchor="end">${esc(r.label)}</text><rect x="${left}" y="${y + 3}" width="${(sx(r.value) - left).toFixed(1)}" height="14" fill="${color}" opacity="0.8"/>${whisker}<text x="${(sx(Math.max(r.value, r.hi ?? 0)) + 6).toFixed(1)}" y="${y + 14}">${r.value.toFixed(2)}</text>`;
    })
    .join('');
  return `<svg viewBox="0 0 ${W} ${h}" role="img" class="chart"><title>${esc(title)}</title>${bars}</svg>`;
}
