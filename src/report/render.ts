/**
 * The weekly HTML report: one self-contained page (inline CSS and SVG, no
 * scripts, no external requests). Pure: a {@link ReportData} in, a string out.
 * Every user-supplied string passes through `esc`.
 */
import { esc, fmt, money, pct, table } from './html.ts';
import { barChart, lineChart, type Marker } from './svg.ts';

/** Fractional index of x in an ascending grid (clamped to its ends). */
function interpolateIndex(grid: number[], x: number): number {
  if (x <= grid[0]) return 0;
  for (let i = 1; i < grid.length; i++) if (x <= grid[i]) return i - 1 + (x - grid[i - 1]) / (grid[i] - grid[i - 1] || 1);
  return grid.length - 1;
}

/** Linear interpolation of y at x on an ascending grid. */
function interpolate(grid: number[], y: number[], x: number): number {
  const f = interpolateIndex(grid, x);
  const i = Math.min(Math.floor(f), y.length - 1);
  const j = Math.min(i + 1, y.length - 1);
  return y[i] + (f - i) * (y[j] - y[i]);
}

export interface ReportChannel {
  name: string;
  spend: number;
  contribution: number;
  contributionShare: number;
  roas: number;
  roasLow: number;
  roasHigh: number;
  mroas: number;
}

export interface ReportBands {
  total: { p5: number; p50: number; p95: number; mean: number };
  weekly: { date: string; p5: number; p50: number; p95: number; mean: number }[];
}

export interface ReportData {
  title: string;
  runId: string;
  lineage: { stage: string; dataVersion: string; dir: string }[];
  data: { weeks: number; firstWeek: string; lastWeek: string; currency: string; channels: string[]; revenue: number; spend: number; orders: number; customers: number };
  warnings: string[];
  weekly?: { dates: string[]; actual: number[]; fitted?: number[]; baseline?: number[] };
  mmm?: {
    metrics: Record<string, number>;
    channels: ReportChannel[];
    selection?: string;
    /** Lift studies the model was calibrated on, each against the model's effect over its weeks. */
    calibration?: { channel: string; from: string; to: string; lift: number; modelled: number; error: number }[];
  };
  curves?: { channel: string; spend: number[]; response: number[]; current: number; recommended?: number | null }[];
  clv?: { customers: number; clvTotal: number; bgnbd: { r: number; alpha: number; a: number; b: number }; gammaGamma: { p: number; q: number; v: number }; byChannel: { channel: string; customers: number; meanClv: number; totalClv: number }[] };
  allocation?: {
    status: string;
    horizonWeeks: number;
    budget: number;
    rows: { channel: string; current: number; recommended: number; marginalRoi: number; clvRecommended?: number | null }[];
    binding: string[];
    /** The recommended plan under the MMM's bootstrap draws. */
    robustness?: { outOfSampleDrop: number | null; probabilityBetter: number } | null;
    expectedRevenue: number;
    currentRevenue: number;
  };
  simulation?: { recommended: ReportBands; current: ReportBands; probabilityBetter: number; draws: number };
  drift?: { decision: string; reasons: string[]; weekly?: { date: string; actual: number; predicted: number; scaledError: number }[] };
}

const CSS = `
body{font:14px/1.45 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;color:#1d2330;max-width:980px;margin:24px auto;padding:0 16px;background:#fbfbfd}
h1{font-size:24px;margin:0 0 4px}h2{font-size:18px;margin:28px 0 8px;border-bottom:1px solid #dde;padding-bottom:4px}
.muted{color:#667}.kpis{display:grid;grid-template-columns:repeat(auto-fit,minmax(150px,1fr));gap:10px;margin:14px 0}
.kpi{background:#fff;border:1px solid #e3e5ee;border-radius:8px;padding:10px}.kpi b{display:block;font-size:20px}
table{border-collapse:collapse;width:100%;background:#fff;margin:8px 0}th,td{border-bottom:1px solid #eceef4;padding:5px 8px;text-align:right}
th:first-child,td:first-child{text-align:left}th{background:#f3f4f8;font-weight:600}
.chart{width:100%;height:auto;background:#fff;border:1px solid #e3e5ee;border-radius:8px}.chart text{font-size:11px;fill:#445}.grid{stroke:#eef0f5}
.warn{background:#fff7e6;border:1px solid #f2d49b;border-radius:6px;padding:8px 12px}.up{color:#1c7c3c}.down{color:#b3261e}
code{background:#eef0f5;padding:1px 4px;border-radius:3px}
.grid2{display:grid;grid-template-columns:1fr 1fr;gap:10px}figure{margin:0}figcaption{font-weight:600;margin:4px 0}`;

function kpi(label: string, value: string): string {
  return `<div class="kpi"><span class="muted">${esc(label)}</span><b>${value}</b></div>`;
}

/** Renders the report page. */
export function renderReport(d: ReportData): string {
  const parts: string[] = [];
  parts.push(`<h1>${esc(d.title)}</h1><p class="muted">Run <code>${esc(d.runId)}</code> · data ${esc(d.data.firstWeek)} to ${esc(d.data.lastWeek)} (${d.data.weeks} ISO weeks) · currency ${esc(d.data.currency)}</p>`);
  const kpis = [kpi('Revenue', money(d.data.revenue)), kpi('Media spend', money(d.data.spend)), kpi('Orders', fmt(d.data.orders)), kpi('Customers', fmt(d.data.customers))];
  if (d.simulation) kpis.push(kpi(`Next ${d.simulation.recommended.weekly.length} weeks (P50, recommended)`, money(d.simulation.recommended.total.p50)));
  parts.push(`<div class="kpis">${kpis.join('')}</div>`);
  if (d.drift) {
    parts.push(`<h2>Model decision</h2><p><b>${esc(d.drift.decision)}</b></p><ul>${d.drift.reasons.map((r) => `<li>${esc(r)}</li>`).join('')}</ul>`);
    if (d.drift.weekly && d.drift.weekly.length) {
      parts.push(`<p class="muted">New weeks against the model in use (error in residual standard deviations):</p>${table(['Week', 'Actual', 'Predicted', 'Error (sd)'], d.drift.weekly.map((w) => [esc(w.date), money(w.actual), money(w.predicted), fmt(w.scaledError, 2)]))}`);
    }
  }
  if (d.warnings.length) parts.push(`<div class="warn"><b>Warnings</b><ul>${d.warnings.map((w) => `<li>${esc(w)}</li>`).join('')}</ul></div>`);

  if (d.weekly) {
    const series = [{ name: 'Actual revenue', values: d.weekly.actual, color: '#1d2330' }];
    if (d.weekly.fitted) series.push({ name: 'Model fit', values: d.weekly.fitted, color: '#d0661c' });
    if (d.weekly.baseline) series.push({ name: 'Baseline (no media)', values: d.weekly.baseline, color: '#7a8799' });
    parts.push(`<h2>Weekly revenue</h2>${lineChart('Weekly revenue', d.weekly.dates, series)}`);
  }

  if (d.mmm) {
    const m = d.mmm.metrics;
    parts.push(`<h2>What each channel returned</h2><p class="muted">Ridge marketing-mix model with adstock and saturation. R² ${fmt(m.r2, 3)}, NRMSE ${fmt(m.nrmse, 3)}, MAPE ${pct(m.mape)}, holdout MAPE ${pct(m.holdoutMape)}, DECOMP.RSSD ${fmt(m.decompRssd, 3)}.${d.mmm.selection ? ' ' + esc(d.mmm.selection) : ''}</p>`);
    parts.push(barChart('ROAS with 90% interval', d.mmm.channels.map((c) => ({ label: c.name, value: c.roas, lo: c.roasLow, hi: c.roasHigh }))));
    parts.push(
      table(
        ['Channel', 'Spend', 'Contribution', 'Share of media effect', 'ROAS', '90% interval', 'Marginal ROAS'],
        d.mmm.channels.map((c) => [esc(c.name), money(c.spend), money(c.contribution), pct(c.contributionShare), fmt(c.roas, 2), `${fmt(c.roasLow, 2)} – ${fmt(c.roasHigh, 2)}`, fmt(c.mroas, 2)]),
      ),
    );
    if (d.mmm.calibration?.length) {
      parts.push(`<p class="muted">Calibrated on ${d.mmm.calibration.length} lift ${d.mmm.calibration.length === 1 ? 'study' : 'studies'}: the measured lift against the model's effect of the channel over the study's weeks.</p>`);
      parts.push(table(['Channel', 'From', 'To', 'Measured lift', 'Model', 'Difference'], d.mmm.calibration.map((c) => [esc(c.channel), esc(c.from), esc(c.to), money(c.lift), money(c.modelled), pct(c.error)])));
    }
  }

  if (d.curves && d.curves.length) {
    parts.push(`<h2>Response curves</h2><p class="muted">Incremental revenue over the planning horizon against the channel's spend over the horizon (carryover included); dots mark the current and the recommended spend.</p><div class="grid2">`);
    for (const c of d.curves) {
      const at = (x: number) => interpolateIndex(c.spend, x);
      const markers: Marker[] = [{ at: at(c.current), value: interpolate(c.spend, c.response, c.current), color: '#7a8799', label: 'current' }];
      if (c.recommended !== undefined && c.recommended !== null) markers.push({ at: at(c.recommended), value: interpolate(c.spend, c.response, c.recommended), color: '#1c7c3c', label: 'recommended' });
      parts.push(`<figure><figcaption>${esc(c.channel)}</figcaption>${lineChart(`Response curve: ${c.channel}`, c.spend.map((s) => money(s)), [{ name: 'revenue', values: c.response, color: '#3b6ea8' }], undefined, markers, { width: 440, height: 220 })}</figure>`);
    }
    parts.push('</div>');
  }

  if (d.allocation) {
    const a = d.allocation;
    parts.push(`<h2>Recommended budget (${a.horizonWeeks} weeks)</h2><p>Status <b>${esc(a.status)}</b>. Budget ${money(a.budget)}. Expected media revenue ${money(a.expectedRevenue)} against ${money(a.currentRevenue)} for the current plan (${a.currentRevenue > 0 ? `<span class="${a.expectedRevenue >= a.currentRevenue ? 'up' : 'down'}">${pct(a.expectedRevenue / a.currentRevenue - 1)}</span>` : '–'}).</p>`);
    const withClv = a.rows.some((r) => r.clvRecommended !== undefined && r.clvRecommended !== null);
    parts.push(
      table(
        ['Channel', 'Current', 'Recommended', 'Change', 'Marginal ROI at optimum', ...(withClv ? ['If maximising CLV value'] : [])],
        a.rows.map((r) => [
          esc(r.channel),
          money(r.current),
          money(r.recommended),
          r.current > 0 ? `<span class="${r.recommended >= r.current ? 'up' : 'down'}">${pct(r.recommended / r.current - 1)}</span>` : '–',
          fmt(r.marginalRoi, 3),
          ...(withClv ? [money(r.clvRecommended)] : []),
        ]),
      ),
    );
    if (a.binding.length) parts.push(`<p class="muted">Binding constraints: ${a.binding.map(esc).join('; ')}</p>`);
    if (a.robustness && a.robustness.outOfSampleDrop !== null) {
      const drop = a.robustness.outOfSampleDrop;
      parts.push(`<p class="muted">Under the model's bootstrap draws the recommended plan's media revenue is on average ${pct(Math.abs(drop))} ${drop >= 0 ? 'below' : 'above'} what the point model promises${drop > 0 ? ' (the optimiser\'s curse)' : ''}, and the plan beats the current one in ${pct(a.robustness.probabilityBetter)} of the draws.</p>`);
    }
  }

  if (d.simulation) {
    const s = d.simulation;
    const r = s.recommended;
    parts.push(`<h2>Forecast: revenue bands</h2><p>We expect <b>${money(r.total.p50)}</b> over the next ${r.weekly.length} weeks with the recommended plan; 90% of ${fmt(s.draws)} simulations land between ${money(r.total.p5)} and ${money(r.total.p95)}. The current plan: ${money(s.current.total.p50)} (${money(s.current.total.p5)} – ${money(s.current.total.p95)}). Probability that the recommended plan beats the current one: <b>${pct(s.probabilityBetter)}</b>.</p>`);
    parts.push(
      lineChart(
        'Weekly revenue forecast (P5–P95 band, recommended plan)',
        r.weekly.map((w) => w.date),
        [
          { name: 'Recommended P50', values: r.weekly.map((w) => w.p50), color: '#1c7c3c' },
          { name: 'Current P50', values: s.current.weekly.map((w) => w.p50), color: '#7a8799', dashed: true },
        ],
        { lo: r.weekly.map((w) => w.p5), hi: r.weekly.map((w) => w.p95), color: '#1c7c3c' },
      ),
    );
    parts.push(table(['Week', 'P5', 'P50', 'P95', 'Mean'], r.weekly.map((w) => [esc(w.date), money(w.p5), money(w.p50), money(w.p95), money(w.mean)])));
  }

  if (d.clv) {
    const c = d.clv;
    parts.push(`<h2>Customer lifetime value</h2><p class="muted">BG/NBD r ${fmt(c.bgnbd.r, 3)}, α ${fmt(c.bgnbd.alpha, 3)}, a ${fmt(c.bgnbd.a, 3)}, b ${fmt(c.bgnbd.b, 3)}; Gamma-Gamma p ${fmt(c.gammaGamma.p, 2)}, q ${fmt(c.gammaGamma.q, 2)}, v ${fmt(c.gammaGamma.v, 2)}. ${fmt(c.customers)} customers, total CLV ${money(c.clvTotal)}.</p>`);
    parts.push(table(['Acquisition channel', 'Customers', 'Mean CLV', 'Total CLV'], c.byChannel.map((b) => [esc(b.channel), fmt(b.customers), fmt(b.meanClv, 2), money(b.totalClv)])));
  }

  parts.push(`<h2>Lineage</h2><p class="muted">The artifacts this report was made from; each folder has a manifest with its inputs, parameters and output hashes.</p>${table(['Stage', 'Data version', 'Folder'], d.lineage.map((l) => [esc(l.stage), `<code>${esc(l.dataVersion.slice(0, 16))}</code>`, `<code>${esc(l.dir)}</code>`]))}`);
  return `<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:"><title>${esc(d.title)}</title><style>${CSS}</style></head><body>${parts.join('\n')}</body></html>\n`;
}
