import { beforeAll, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { assembleReportData, compact, esc, jsonForScript, renderReport, SECTION_IDS } from '../../src/report/index.ts';
import type { ReportArtifacts, ReportData } from '../../src/report/index.ts';
import { artifactsFixture, EVIL } from './fixture.ts';

let artifacts: ReportArtifacts;
let data: ReportData;
let html: string;

beforeAll(async () => {
  artifacts = await artifactsFixture();
  data = assembleReportData(artifacts);
  html = await renderReport(data);
});

/** The text between `<script ...>` and `</script>` of each script element. */
function scripts(page: string): { attrs: string; body: string }[] {
  return [...page.matchAll(/<script([^>]*)>([\s\S]*?)<\/script>/g)].map((m) => ({ attrs: m[1], body: m[2] }));
}

describe('renderReport: safety', () => {
  it('shows the hostile channel name only escaped: no element, handler or script comes from the data', () => {
    expect(html).not.toContain('<img');
    expect(html).not.toMatch(/onerror=alert\(1\)><\/script>/);
    expect(html).not.toContain('window.__pwned=2</script>');
    expect(html).toContain(esc(EVIL));
    // exactly two script elements: the JSON data block and the planner script
    const s = scripts(html);
    expect(s.map((x) => x.attrs)).toEqual([' type="application/json" id="planner-data"', '']);
  });

  it('the JSON block cannot be closed from inside and parses back to the exact names', () => {
    const block = scripts(html)[0].body;
    expect(block).not.toMatch(/<\/?script/i);
    const parsed = JSON.parse(block);
    expect(parsed.channels.map((c: { name: string }) => c.name)).toContain(EVIL);
    expect(JSON.parse(jsonForScript({ s: '</script>\u2028<!--&' }))).toEqual({ s: '</script>\u2028<!--&' });
    expect(jsonForScript({ s: '</script>' })).toBe('{"s":"\\u003c/script\\u003e"}');
  });

  it('the Content-Security-Policy allows exactly the planner script, by the sha256 of its text in the page', () => {
    const csp = html.match(/http-equiv="Content-Security-Policy" content="([^"]+)"/)![1];
    const hash = createHash('sha256').update(scripts(html)[1].body, 'utf8').digest('base64');
    expect(csp).toBe(`default-src 'none'; style-src 'unsafe-inline'; img-src data:; script-src 'sha256-${hash}'; base-uri 'none'; form-action 'none'`);
    // nothing is fetched: no element that loads (the browser test also finds no [src] attribute), no external href (only in-page anchors)
    expect(html.match(/<(img|iframe|link|object|embed|audio|video|source|image|use)\b/i)?.[0]).toBeUndefined();
    expect([...html.matchAll(/href="([^"]*)"/g)].every((m) => m[1].startsWith('#'))).toBe(true);
  });

  it('the script reads its data with JSON.parse and never evaluates it', () => {
    const body = scripts(html)[1].body;
    expect(body).toContain("JSON.parse(document.getElementById('planner-data').textContent)");
    for (const bad of ['eval(', 'new Function', 'innerHTML', 'outerHTML', 'insertAdjacentHTML', 'document.write', 'fetch(', 'XMLHttpRequest', 'setTimeout(\'']) expect(body).not.toContain(bad);
  });
});

describe('renderReport: content', () => {
  it('has every section, in order, with its id', () => {
    const ids = [...html.matchAll(/<section id="([a-z]+)"/g)].map((m) => m[1]);
    expect(ids).toEqual([...SECTION_IDS]);
  });

  it('is deterministic: the same data give the same bytes', async () => {
    expect(await renderReport(assembleReportData(await artifactsFixture()))).toBe(html);
  });

  it('puts axis titles with units on the charts and one number format on the money axes', () => {
    for (const title of ['Total media budget per week', 'Media revenue per week', 'Profit from media per week', 'Revenue per week', 'Spend per week', 'Weeks after the spend', 'Week']) {
      expect(html).toContain(`>${title}</text>`);
    }
    // tick labels of money axes are in the compact format (no "8,799" beside "13.2k")
    const ticks = [...html.matchAll(/role-axis-label[\s\S]*?<\/g>/g)].flatMap((g) => [...g[0].matchAll(/>([^<]*)<\/text>/g)].map((m) => m[1]));
    expect(ticks.some((x) => /^\d{1,3}(,\d{3})+$/.test(x))).toBe(false);
    expect(ticks).toContain('10k');
  });

  it('says which channels a limit holds in each scenario', async () => {
    const d = assembleReportData(artifacts);
    const profit = d.scenarios!.scenarios.find((s) => s.id === 'profit')!;
    const held = Object.entries(profit.plan!.atBound).filter(([, b]) => b !== null);
    expect(held.length).toBeGreaterThan(0);
    const table = html.slice(html.indexOf('<section id="scenarios"'), html.indexOf('<ul class="questions">'));
    for (const [c, b] of held) expect(table).toContain(`${esc(c)} (${b === 'min' ? 'minimum' : b === 'max' ? 'maximum' : 'off'})`);
  });

  it('marks every plan on the response curves by shape and colour', () => {
    const curves = html.slice(html.indexOf('<section id="curves"'), html.indexOf('<section id="plan"'));
    for (const label of ['Current plan', 'Recommended plan', 'Most profitable budget']) expect(curves).toContain(`>${label}</text>`);
    // the legend draws distinct symbols: circle, triangle and diamond paths in distinct colours
    for (const colour of ['#000000', '#0072B2', '#009E73']) expect(curves).toContain(`fill="${colour}"`);
  });

  it('says why a section is empty: CLV skipped on a weekly-table input, forecast failed', async () => {
    const partial = assembleReportData({
      ...artifacts,
      clv: { status: 'skipped', reason: 'the input is a weekly table without a transaction log' },
      simulate: { status: 'failed', reason: 'the plan goes beyond the data' },
    });
    expect(partial.sections.customers).toEqual({ status: 'skipped', reason: 'Customer lifetime value did not run: the input is a weekly table without a transaction log' });
    expect(partial.sections.forecast).toEqual({ status: 'failed', reason: 'The forecast failed: the plan goes beyond the data' });
    const page = await renderReport(partial);
    const customers = page.slice(page.indexOf('<section id="customers"'), page.indexOf('<section id="planner"'));
    expect(customers).toContain('<p class="missing">Customer lifetime value did not run: the input is a weekly table without a transaction log</p>');
    expect(page).toContain('<a href="#forecast">Forecast</a>: The forecast failed: the plan goes beyond the data</li>');
  });

  it('without an optimisation there is no planner and no script, and the policy allows none', async () => {
    const page = await renderReport(assembleReportData({ ...artifacts, optimise: { status: 'failed', reason: 'infeasible: budget below the minimums' } }));
    expect(page).not.toContain('<script');
    expect(page).toContain("script-src 'none'");
    expect(page).toContain('No budget recommendation this week (The budget optimisation failed: infeasible: budget below the minimums)');
  });
});

describe('the one number format', () => {
  it('three significant digits with k, M, B (worked by hand)', () => {
    expect([8799, 13200, 397000, 999, 999.96, 999_950, 1_234_567, -1500, 0.5, 0, 12.345].map(compact)).toEqual(['8.8k', '13.2k', '397k', '999', '1k', '1M', '1.23M', '-1.5k', '0.5', '0', '12.3']);
    expect(compact(Number.NaN)).toBe('–');
  });
});
