/**
 * The report page: one self-contained HTML file (inline CSS, charts as inline
 * SVG rendered at build time, the planner's one inline script allowed by its
 * hash, no request of any kind). Pure: a {@link ReportData} in, a string out;
 * every user-supplied string passes through `esc`.
 */
import { createHash } from 'node:crypto';
import { esc } from './html.ts';
import { PLANNER_SCRIPT } from './planner-script.ts';
import { appendixSection } from './sections/appendix.ts';
import { channelsSection } from './sections/channels.ts';
import { curvesSection } from './sections/curves.ts';
import { customersSection } from './sections/customers.ts';
import { decompositionSection } from './sections/decomposition.ts';
import { fitSection } from './sections/fit.ts';
import { forecastSection } from './sections/forecast.ts';
import { planSection } from './sections/plan.ts';
import { plannerSection } from './sections/planner.ts';
import { scenariosSection } from './sections/scenarios.ts';
import { sectionTitle, summarySection } from './sections/summary.ts';
import { SECTION_IDS, type ReportData, type SectionId } from './types.ts';

const RENDERERS: Record<SectionId, (d: ReportData) => string | Promise<string>> = {
  summary: summarySection,
  scenarios: scenariosSection,
  decomposition: decompositionSection,
  fit: fitSection,
  channels: channelsSection,
  curves: curvesSection,
  plan: planSection,
  forecast: forecastSection,
  customers: customersSection,
  planner: plannerSection,
  appendix: appendixSection,
};

const CSS = `
*{box-sizing:border-box}
body{font:15px/1.5 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;color:#1d2330;background:#f7f7fa;margin:0;overflow-wrap:break-word}
p,li,dd,figcaption,label,.note{overflow-wrap:anywhere}
main{max-width:1100px;margin:0 auto;padding:12px}
h1{font-size:24px;margin:8px 0 2px}h2{font-size:20px;margin:30px 0 8px;border-bottom:2px solid #dde;padding-bottom:4px}h3{font-size:16px;margin:20px 0 6px}h4{margin:12px 0 4px}
nav ul{list-style:none;padding:0;margin:8px 0;display:flex;flex-wrap:wrap;gap:4px 14px;font-size:13px}
a{color:#0b5cab}a.term{color:inherit;text-decoration:underline dotted;text-underline-offset:3px}
.headline{font-size:19px;font-weight:600;background:#fff;border-left:5px solid #0072B2;padding:10px 14px;margin:12px 0}.headline .then{font-weight:400}@media (max-width:560px){.headline{font-size:16px}}
.muted,.note{color:#5a6070}.note{font-size:13px;margin:4px 0 10px}
.kpis{display:grid;grid-template-columns:repeat(auto-fit,minmax(min(150px,100%),1fr));gap:8px;margin:12px 0}
.kpi{background:#fff;border:1px solid #e3e5ee;border-radius:8px;padding:8px 10px}.kpi b{display:block;font-size:18px}
.scroll{overflow-x:auto;max-width:100%;margin:8px 0;border:1px solid #e3e5ee;border-radius:6px;background:linear-gradient(to right,#fff 40%,rgba(255,255,255,0)) left/28px 100% no-repeat local,linear-gradient(to left,#fff 40%,rgba(255,255,255,0)) right/28px 100% no-repeat local,radial-gradient(farthest-side at 0 50%,rgba(30,40,70,.28),rgba(30,40,70,0)) left/14px 100% no-repeat scroll,radial-gradient(farthest-side at 100% 50%,rgba(30,40,70,.28),rgba(30,40,70,0)) right/14px 100% no-repeat scroll,#fff}
.scroll-hint{display:none;font-size:12px;color:#5a6070;margin:8px 0 -4px;text-align:right}@media (max-width:760px){.scroll-hint{display:block}}
table{border-collapse:collapse;width:100%;font-size:14px;overflow-wrap:normal}th,td{border-bottom:1px solid #eceef4;padding:5px 8px;text-align:right;white-space:nowrap}
th:first-child,td:first-child{text-align:left;white-space:normal;min-width:8em}thead th{background:rgba(205,208,225,.28);font-weight:600;white-space:normal;min-width:5.5em}
.wrap-last td:last-child{white-space:normal;min-width:12em;text-align:left}@media (max-width:760px){.wrap-last td:last-child{min-width:20em}}
figure{margin:10px 0;background:#fff;border:1px solid #e3e5ee;border-radius:8px;padding:8px;min-width:0}figcaption{font-weight:600;margin:0 0 6px}
svg.chart{display:block;max-width:100%;height:auto}.grid2 svg.chart{width:100%}
.v-narrow{display:none}@media (max-width:760px){.v-wide{display:none}.v-narrow{display:block}}
.grid2{display:grid;grid-template-columns:repeat(auto-fit,minmax(min(360px,100%),1fr));gap:10px}
.warn{background:#fff7e6;border:1px solid #f2d49b;border-radius:6px;padding:8px 12px;margin:10px 0}.missing{background:#f1f2f7;border-radius:6px;padding:10px 12px}
.up{color:#00734d;font-weight:600}.down{color:#b3261e;font-weight:600}.at{color:#5a6070;font-weight:600}.mk{font-size:14px}
code{background:#eef0f5;padding:1px 4px;border-radius:3px;font-size:13px}code.hash{font-size:11px}
.questions{padding-left:18px}
.planner{display:grid;gap:6px;margin:10px 0}.prow{display:grid;grid-template-columns:minmax(0,10em) minmax(0,1fr) 7.5em minmax(0,6em);gap:8px;align-items:center;background:#fff;border:1px solid #e3e5ee;border-radius:6px;padding:6px 8px}
.prow input[type=range]{width:100%}.prow input[type=number]{width:100%;font:inherit;padding:2px 4px}
@media (max-width:560px){.prow{grid-template-columns:minmax(0,1fr) 7.5em}.prow input[type=range]{grid-column:1 / -1;grid-row:2}.prow .muted{grid-column:1 / -1}}
.buttons{display:flex;flex-wrap:wrap;gap:8px;margin:8px 0}button{font:inherit;padding:6px 12px;border:1px solid #9aa3b5;border-radius:6px;background:#fff;cursor:pointer}
dl.glossary dt{font-weight:600;margin-top:8px}dl.glossary dd{margin:2px 0 0 16px}
details summary{cursor:pointer;font-weight:600}`;

/** sha256 of the planner script, base64, for the page's Content-Security-Policy. */
export function plannerScriptHash(): string {
  return createHash('sha256').update(PLANNER_SCRIPT, 'utf8').digest('base64');
}

async function section(id: SectionId, d: ReportData): Promise<string> {
  const state = d.sections[id];
  const body = state.status === 'ok' ? await RENDERERS[id](d) : `<p class="missing">${esc(state.reason ?? 'No data.')}</p>`;
  return `<section id="${id}" aria-labelledby="h-${id}"><h2 id="h-${id}">${esc(sectionTitle(id, d))}</h2>${body}</section>`;
}

/**
 * Renders the report page (async: the charts render through Vega).
 * Deterministic: the same data give the same bytes.
 */
export async function renderReport(d: ReportData): Promise<string> {
  const sections = await Promise.all(SECTION_IDS.map((id) => section(id, d)));
  const withScript = d.sections.planner.status === 'ok';
  const csp = `default-src 'none'; style-src 'unsafe-inline'; img-src data:; script-src ${withScript ? `'sha256-${plannerScriptHash()}'` : "'none'"}; base-uri 'none'; form-action 'none'`;
  const nav = `<nav aria-label="Sections"><ul>${SECTION_IDS.map((id) => `<li><a href="#${id}">${esc(sectionTitle(id, d))}</a></li>`).join('')}</ul></nav>`;
  const head = `<meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><meta http-equiv="Content-Security-Policy" content="${csp}"><title>${esc(d.title)}</title><style>${CSS}</style>`;
  const title = `<h1>${esc(d.title)}</h1><p class="muted">Data ${esc(d.data.firstWeek)} to ${esc(d.data.lastWeek)} (${d.data.weeks} weeks) · build <a href="#build"><code>${esc(d.buildId)}</code></a></p>`;
  const script = withScript ? `<script>${PLANNER_SCRIPT}</script>` : '';
  return `<!doctype html>\n<html lang="en"><head>${head}</head><body><main>${title}${nav}${sections.join('\n')}</main>${script}</body></html>\n`;
}
