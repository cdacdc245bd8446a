/** Section "planner": an offline what-if planner, a slider and an input per channel, figures updated live by the page's one script. */
import { t } from '../glossary.ts';
import { compact, esc, jsonForScript, ratio, scrollBox } from '../html.ts';
import type { PlannerData, ReportData } from '../types.ts';
import { glyph } from './scenarios.ts';
import { EXTRAPOLATION } from '../../simulate/index.ts';

/** A slider's step: about a hundredth of its range, a round number. */
function step(max: number): number {
  const raw = max / 100;
  const p = 10 ** Math.floor(Math.log10(raw));
  return raw / p >= 5 ? 5 * p : raw / p >= 2 ? 2 * p : p;
}

/** One channel's controls: label, slider and number input (ids by index, so no user string reaches an id). */
function channelRow(c: PlannerData['channels'][number], i: number): string {
  const s = step(c.max);
  const label = `<label for="planner-input-${i}">${esc(c.name)}</label>`;
  const slider = `<input type="range" id="planner-slider-${i}" min="0" max="${c.max}" step="${s}" value="${c.recommended}" aria-label="${esc(c.name)} spend per week">`;
  const input = `<input type="number" id="planner-input-${i}" min="0" step="any" value="${c.recommended}" inputmode="decimal">`;
  const ref = `<span class="muted">now ${compact(c.current)}</span>`;
  const note = `<span class="muted pnote" id="planner-note-${i}"></span>`;
  return `<div class="prow">${label}${slider}${input}${ref}${note}</div>`;
}

/** The comparison table: current, recommended and the plan on the sliders (filled by the script). */
function comparison(): string {
  const row = (id: string, name: string) => `<tr><th scope="row">${name}</th>${['spend', 'revenue', 'roi', 'profit'].map((k) => `<td id="${id}-${k}">–</td>`).join('')}</tr>`;
  return scrollBox(
    `<table><thead><tr><th scope="col">Plan</th><th scope="col">Spend per week</th><th scope="col">Media revenue per week (P5 – P95)</th><th scope="col">ROAS</th><th scope="col">Profit from media per week (P5 – P95)</th></tr></thead><tbody>${row('planner-current', `${glyph('current')} Current`)}${row('planner-recommended', `${glyph('recommended')} Recommended`)}${row('planner-this', 'This plan')}</tbody></table>`,
    5,
  );
}

/** Renders the section's body, with the planner's data as a JSON block. */
export function plannerSection(d: ReportData): string {
  const p = d.planner!;
  const intro = `<p>Try a plan: spend per week per channel, in ${t('steadyState', 'steady state')}. Revenue is what media adds per week on the model's response curves; the range is the ${t('band')} over ${p.draws.length} of the model's ${t('draws', 'draws')}. Profit uses a ${Math.round(p.margin * 100)}% gross margin (break-even marginal ROAS ${ratio(1 / p.margin)}). The next unit's return is that of one more unit split as the plan splits its spend: the spend-weighted ${t('mroas', 'marginal ROAS')} of the channels (at the recommended plan every channel its limits do not hold returns the same). Beyond ${EXTRAPOLATION}x the most a channel's spend reached in the model's weeks the curve is extrapolated, and its row says so. The download is a plan for the next ${p.dates.length} weeks that <code>mmm simulate --plan</code> reads.</p>`;
  const outputs = `<div class="kpis"><div class="kpi"><span class="muted">Total spend per week</span><b id="planner-total">–</b></div><div class="kpi"><span class="muted">Media revenue per week</span><b id="planner-revenue">–</b></div><div class="kpi"><span class="muted">ROAS</span><b id="planner-roi">–</b></div><div class="kpi"><span class="muted">Next unit, split as this plan, returns</span><b id="planner-mroas">–</b></div><div class="kpi"><span class="muted">Profit from media per week</span><b id="planner-profit">–</b></div></div>`;
  const buttons = `<div class="buttons"><button type="button" id="planner-reset-current">${glyph('current')} Reset to current</button><button type="button" id="planner-reset-recommended">${glyph('recommended')} Reset to recommended</button><button type="button" id="planner-download">Download plan CSV</button></div>`;
  const data = `<script type="application/json" id="planner-data">${jsonForScript(p)}</script>`;
  return `${intro}<div class="planner">${p.channels.map(channelRow).join('')}</div>${buttons}${outputs}${comparison()}${data}`;
}
