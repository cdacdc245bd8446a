/** Section "summary": the headline, the key figures per week, what is missing and what to check. */
import { headline, mediaShare } from '../headline.ts';
import { compact, esc, pct, ratio } from '../html.ts';
import { SECTION_IDS, type ReportData, type SectionId } from '../types.ts';

/** The sections' headings (the plan's names its horizon). */
export function sectionTitle(id: SectionId, d: Pick<ReportData, 'horizonWeeks'>): string {
  return id === 'plan' && d.horizonWeeks > 0 ? `Recommended budget (${d.horizonWeeks} weeks)` : SECTION_TITLES[id];
}

/** The sections' headings (see {@link sectionTitle}). */
export const SECTION_TITLES: Record<SectionId, string> = {
  summary: 'Summary',
  scenarios: 'How much to spend: budget scenarios',
  decomposition: 'Where revenue comes from',
  fit: 'How well the model fits',
  channels: 'What each channel returns',
  curves: 'Response curves',
  plan: 'Recommended budget',
  forecast: 'Forecast',
  customers: 'Customers',
  planner: 'What-if planner',
  appendix: 'Appendix: technical detail and glossary',
};

function kpi(label: string, value: string): string {
  return `<div class="kpi"><span class="muted">${esc(label)}</span><b>${value}</b></div>`;
}

/** Key figures, per week. */
function kpis(d: ReportData): string {
  const w = Math.max(1, d.data.weeks);
  const out = [];
  if (d.data.revenue !== null) out.push(kpi('Revenue per week', compact(d.data.revenue / w)));
  if (d.data.spend !== null) out.push(kpi('Media spend per week', compact(d.data.spend / w)));
  const share = mediaShare(d);
  if (share !== null) out.push(kpi('Media share of revenue', pct(share)));
  const media = d.model?.channels.reduce((s, c) => s + c.contribution, 0);
  const spend = d.model?.channels.reduce((s, c) => s + c.spend, 0);
  if (media !== undefined && spend) out.push(kpi('Media ROAS', ratio(media / spend)));
  out.push(kpi('Break-even marginal ROAS', `${ratio(1 / d.margin)} <span class="muted">(margin ${Math.round(d.margin * 100)}%)</span>`));
  return `<div class="kpis">${out.join('')}</div>`;
}

/** The sections without data, and why. */
function missingSections(d: ReportData): string {
  const missing = SECTION_IDS.filter((id) => d.sections[id].status !== 'ok');
  if (missing.length === 0) return '';
  return `<div class="warn"><b>Not in this report</b><ul>${missing.map((id) => `<li><a href="#${id}">${esc(sectionTitle(id, d))}</a>: ${esc(d.sections[id].reason)}</li>`).join('')}</ul></div>`;
}

/** Renders the section's body. */
export function summarySection(d: ReportData): string {
  const drift = d.drift ? `<p class="muted">Model: ${d.drift.decision === 'refit' ? 'refitted this week' : 'the model in use was kept'} (${esc(d.drift.reasons.join('; '))}).</p>` : '';
  const warnings = d.warnings.length
    ? `<details class="warn"><summary>${d.warnings.length} warning${d.warnings.length === 1 ? '' : 's'} to check</summary><ul>${d.warnings.map((w) => `<li>${esc(`${w.stage}: ${w.message}`)}</li>`).join('')}</ul></details>`
    : '';
  return `<p class="headline" id="headline">${esc(headline(d))}</p>${kpis(d)}${missingSections(d)}${warnings}${drift}<p class="muted">Money is per week unless a figure says otherwise. Terms with a dotted underline are explained in the <a href="#glossary">glossary</a>.</p>`;
}
