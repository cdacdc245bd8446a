/** Section "channels": what each channel returns, against break-even, and how long its effect lasts. */
import type { TopLevelSpec } from 'vega-lite';
import { category, figure, legendFor, WIDTH } from '../charts.ts';
import { DECAY_LAGS } from '../adstock.ts';
import { t } from '../glossary.ts';
import { compact, esc, pct, ratio, table, vsBreakEven } from '../html.ts';
import type { ReportData, ReportModel } from '../types.ts';

/** ROAS with its 90% interval and the marginal ROAS, one row per channel, break-even as a rule. */
function roasSpec(m: ReportModel, breakEven: number): TopLevelSpec {
  const values = m.channels.map((c) => ({ channel: c.name, roas: c.roas, lo: c.roasLow, hi: c.roasHigh, mroas: c.mroas }));
  const y = { field: 'channel', type: 'nominal', sort: null, axis: { title: null, labelLimit: 120 } } as const;
  const what = ['ROAS (average)', "Marginal ROAS at the model weeks' spend"];
  const legend = legendFor(what, WIDTH.narrow);
  const points = values.flatMap((v) => [
    { channel: v.channel, what: what[0], value: v.roas },
    { channel: v.channel, what: what[1], value: v.mroas },
  ]);
  return {
    width: WIDTH.narrow - 40,
    height: { step: 28 },
    layer: [
      {
        data: { values },
        mark: { type: 'rule', color: '#0072B2', strokeWidth: 2 },
        encoding: { y, x: { field: 'lo', type: 'quantitative', axis: { title: 'Revenue per unit of spend' } }, x2: { field: 'hi' } },
      },
      {
        data: { values: points },
        mark: { type: 'point', filled: true, size: 100, opacity: 1 },
        encoding: {
          y,
          x: { field: 'value', type: 'quantitative' },
          shape: { field: 'what', type: 'nominal', scale: { domain: what, range: ['circle', 'triangle-up'] }, legend },
          color: { field: 'what', type: 'nominal', scale: { domain: what, range: ['#0072B2', '#D55E00'] }, legend },
        },
      },
      {
        data: { values: [{ x: breakEven, label: `break-even ${ratio(breakEven)}` }] },
        layer: [
          { mark: { type: 'rule', color: '#000', strokeDash: [4, 3] }, encoding: { x: { field: 'x', type: 'quantitative' } } },
          { mark: { type: 'text', align: 'left', dx: 3, dy: -4, fontSize: 10, baseline: 'bottom' }, encoding: { x: { field: 'x', type: 'quantitative' }, y: { value: 0 }, text: { field: 'label' } } },
        ],
      },
    ],
  } as TopLevelSpec;
}

/** The carry-over: share of a week's effect still working after each week, per channel (colour and shape). */
function decaySpec(m: ReportModel): TopLevelSpec {
  const withDecay = m.channels.filter((c) => c.adstock.decay.length > 0);
  const values = withDecay.flatMap((c) => c.adstock.decay.map((v, lag) => ({ channel: c.name, lag, v })));
  const domain = withDecay.map((c) => c.name);
  const styles = m.channels.map((_, i) => category(i));
  const pick = (key: 'color' | 'shape') =>
    m.channels
      .map((c, i) => ({ c: c.name, v: styles[i][key] }))
      .filter((x) => domain.includes(x.c))
      .map((x) => x.v);
  const legend = legendFor(domain, WIDTH.narrow);
  return {
    width: WIDTH.narrow - 40,
    height: 170,
    data: { values },
    mark: { type: 'line', point: { filled: true, size: 40 }, strokeWidth: 1.5 },
    encoding: {
      x: { field: 'lag', type: 'quantitative', axis: { title: 'Weeks after the spend', tickMinStep: 1 }, scale: { domain: [0, DECAY_LAGS] } },
      y: { field: 'v', type: 'quantitative', axis: { title: 'Effect left (share of peak)', format: '.0%' } },
      color: { field: 'channel', type: 'nominal', scale: { domain, range: pick('color') }, legend },
      shape: { field: 'channel', type: 'nominal', scale: { domain, range: pick('shape') }, legend },
    },
  } as TopLevelSpec;
}

/** The lift studies the model was calibrated on, each beside the model's figure over its weeks. */
function calibration(m: ReportModel): string {
  const c = m.calibration;
  if (c.length === 0) return '';
  const rows = c.map((s) => [esc(s.channel), esc(s.from), esc(s.to), compact(s.lift), compact(s.modelled), pct(s.error)]);
  return `<p>Calibrated on ${c.length} lift ${c.length === 1 ? 'study' : 'studies'}: the revenue each test measured against the model's effect of the channel over the test's weeks (totals over those weeks).</p>${table(['Channel', 'From', 'To', 'Measured lift', 'Model', 'Difference'], rows)}`;
}

/** "1.8 weeks" / "within the week". */
const weeks = (v: number | null) => (v === null ? 'within the week' : `${v.toFixed(1)} weeks`);

/** Renders the section's body. */
export async function channelsSection(d: ReportData): Promise<string> {
  const m = d.model!;
  const be = 1 / d.margin;
  const rows = m.channels.map((c) => [
    esc(c.name),
    compact(c.spend),
    pct(c.spendShare),
    compact(c.contribution),
    pct(c.contributionShare),
    `${ratio(c.roas)} <span class="muted">(${ratio(c.roasLow)} – ${ratio(c.roasHigh)})</span>`,
    vsBreakEven(c.mroas, be),
    c.contribution > 0 ? weeks(c.adstock.halfLifeWeeks) : '<span class="muted">no effect fitted</span>',
  ]);
  const head = [
    'Channel',
    'Spend per week',
    'Share of spend',
    'Revenue added per week',
    'Share of effect',
    `${t('roas')} (${t('interval', '90% interval')})`,
    `${t('mroas')} at the model weeks' spend vs break-even ${ratio(be)}`,
    t('halfLife', 'Carry-over half-life'),
  ];
  const intro = `<p>Averages per week over the model's ${m.dates.length} weeks (${esc(m.dates[0] ?? '')} to ${esc(m.dates[m.dates.length - 1] ?? '')}). The ${t('mroas', 'marginal ROAS')} here is what 1% more spend in every one of those weeks would have returned per unit: the return of the next unit at the spend the channel had then. The response curves below give it at the current spend. Above ${t('breakEven', 'break-even')} (${ratio(be)} at a ${Math.round(d.margin * 100)}% margin) more spend pays for itself.</p>`;
  const roas = await figure("ROAS and marginal ROAS per channel, over the model's weeks", roasSpec(m, be), 'Bars: 90% interval of the ROAS. Dashed: break-even.');
  const decay = await figure('How long the effect lasts', decaySpec(m), m.channels.map((c) => `${esc(c.name)}: ${esc(c.adstock.description)}`).join('; '));
  return `${intro}${table(head, rows)}${calibration(m)}<div class="grid2">${roas}${decay}</div>`;
}
