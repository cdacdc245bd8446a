/** Section "summary": the headline, the key figures per week, what is missing and what to check. */
import { headlineSentences, mediaShare } from '../headline.ts';
import { compact, esc, pct, ratio } from '../html.ts';
import { SECTION_IDS, type ReportData, type SectionId } from '../types.ts';

/**
 * The sections' headings. The plan's says which budget it splits (the
 * current one unless the configuration set another) and over what horizon.
 */
export function sectionTitle(id: SectionId, d: Pick<ReportData, 'horizonWeeks' | 'plan'>): string {
  if (id !== 'plan') return SECTION_TITLES[id];
  const p = d.plan;
  const base = p && !p.budgetIsCurrent ? 'Best split of the set budget' : SECTION_TITLES.plan;
  return d.horizonWeeks > 0 ? `${base} (${d.horizonWeeks} weeks)` : base;
}

/** The sections' headings (see {@link sectionTitle}). */
export const SECTION_TITLES: Record<SectionId, string> = {
  summary: 'Summary',
  scenarios: 'How much to spend: budget scenarios',
  decomposition: 'Where revenue comes from',
  fit: 'How well the model fits',
  channels: 'What each channel returns',
  curves: 'Response curves',
  plan: 'Best split of the current budget',
  forecast: 'Forecast',
  customers: 'Customers',
  planner: 'What-if planner',
  appendix: 'Appendix: technical detail and glossary',
};

function kpi(label: string, value: string): string {
  return `<div class="kpi"><span class="muted">${esc(label)}</span><b>${value}</b></div>`;
}

const sum = (v: number[]) => v.reduce((s, x) => s + x, 0);

/**
 * Key figures per week, all over one period: the model's window when there
 * is a model (revenue is the actual revenue of its weeks), else every week
 * of the data; the period is said under the cards, the currency in the
 * money cards' labels when the input names it.
 */
function kpis(d: ReportData): string {
  const money = d.data.currency ? `, ${d.data.currency}` : '';
  const m = d.model;
  const out = [];
  let period: string;
  if (m && m.dates.length > 0 && m.actual.length > 0) {
    const spend = sum(m.channels.map((c) => c.spend));
    out.push(kpi(`Revenue per week${money}`, compact(sum(m.actual) / m.actual.length)));
    out.push(kpi(`Media spend per week${money}`, compact(spend)));
    out.push(kpi('Media share of revenue', pct(mediaShare(d))));
    if (spend > 0) out.push(kpi('Media ROAS', ratio(sum(m.channels.map((c) => c.contribution)) / spend)));
    const whole = d.data.weeks > m.dates.length ? `; the data run from ${esc(d.data.firstWeek)} to ${esc(d.data.lastWeek)} (${d.data.weeks} weeks)` : '';
    period = `Averages per week over the model's window, ${esc(m.dates[0])} to ${esc(m.dates[m.dates.length - 1])} (${m.dates.length} weeks)${whole}.`;
  } else {
    const w = Math.max(1, d.data.weeks);
    if (d.data.revenue !== null) out.push(kpi(`Revenue per week${money}`, compact(d.data.revenue / w)));
    if (d.data.spend !== null) out.push(kpi(`Media spend per week${money}`, compact(d.data.spend / w)));
    period = `Averages per week over the data, ${esc(d.data.firstWeek)} to ${esc(d.data.lastWeek)} (${d.data.weeks} weeks).`;
  }
  out.push(kpi('Break-even marginal ROAS', `${ratio(1 / d.margin)} <span class="muted">(margin ${Math.round(d.margin * 100)}%)</span>`));
  return `<div class="kpis">${out.join('')}</div><p class="note">${period}</p>`;
}

/** The sections without data, and why. */
function missingSections(d: ReportData): string {
  const missing = SECTION_IDS.filter((id) => d.sections[id].status !== 'ok');
  if (missing.length === 0) return '';
  return `<div class="warn"><b>Not in this report</b><ul>${missing.map((id) => `<li><a href="#${id}">${esc(sectionTitle(id, d))}</a>: ${esc(d.sections[id].reason)}</li>`).join('')}</ul></div>`;
}

/** Renders the section's body. */
export function summarySection(d: ReportData): string {
  const drift = d.drift ? `<p class="muted">Model: ${d.drift.decision === 'refit' ? 'refitted on these data' : 'the model in use was kept'} (${esc(d.drift.reasons.join('; '))}).</p>` : '';
  const warnings = d.warnings.length
    ? `<details class="warn"><summary>${d.warnings.length} warning${d.warnings.length === 1 ? '' : 's'} to check</summary><ul>${d.warnings.map((w) => `<li>${esc(`${w.stage}: ${w.message}`)}</li>`).join('')}</ul></details>`
    : '';
  const [first, ...rest] = headlineSentences(d);
  const head = `<p class="headline" id="headline">${esc(first)}${rest.map((s) => ` <span class="then">${esc(s)}</span>`).join('')}</p>`;
  const currency = d.data.currency ? `Money is in ${esc(d.data.currency)} and` : 'Money is';
  const alerts = d.alerts.length ? `<div class="warn" role="alert"><b>${d.alerts.length === 1 ? 'Alert' : 'Alerts'}</b><ul>${d.alerts.map((a) => `<li>${esc(a)}</li>`).join('')}</ul></div>` : '';
  return `${head}${kpis(d)}${alerts}${missingSections(d)}${warnings}${drift}<p class="muted">${currency} per week unless a figure says otherwise. Terms with a dotted underline are explained in the <a href="#glossary">glossary</a>.</p>`;
}
