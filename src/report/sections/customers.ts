/** Section "customers": customer lifetime value by acquisition channel. */
import type { TopLevelSpec } from 'vega-lite';
import { moneyAxis, responsiveFigure } from '../charts.ts';
import { t } from '../glossary.ts';
import { compact, esc, table } from '../html.ts';
import type { ReportCustomers, ReportData } from '../types.ts';

/** Mean CLV per customer by acquisition channel. */
function clvSpec(c: ReportCustomers, width: number): TopLevelSpec {
  return {
    width: width - 60,
    height: { step: 24 },
    data: { values: c.byChannel.map((b) => ({ channel: b.channel, mean: b.meanClv })) },
    mark: { type: 'bar', color: '#009E73' },
    encoding: { y: { field: 'channel', type: 'nominal', sort: '-x', axis: { title: null, labelLimit: 120 } }, x: { field: 'mean', type: 'quantitative', axis: moneyAxis('Mean CLV per customer') } },
  } as TopLevelSpec;
}

/** Renders the section's body. */
export async function customersSection(d: ReportData): Promise<string> {
  const c = d.customers!;
  const months = c.months ? `the next ${c.months} months` : 'the coming months';
  const intro = `<p>${compact(c.customers)} customers are expected to bring <b>${compact(c.clvTotal)}</b> over ${months}, discounted (${t('clv')}). By the channel that acquired them:</p>`;
  const rows = c.byChannel.map((b) => [esc(b.channel), compact(b.customers), compact(b.meanClv), compact(b.totalClv)]);
  const chart = await responsiveFigure('Mean customer lifetime value by acquisition channel', (w) => clvSpec(c, w));
  return `${intro}${table(['Acquisition channel', 'Customers', 'Mean CLV', 'Total CLV'], rows)}${chart}`;
}
