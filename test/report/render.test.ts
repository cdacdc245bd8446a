import { beforeAll, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { assembleReportData, compact, esc, jsonForScript, pct, renderReport, SECTION_IDS } from '../../src/report/index.ts';
import { upliftUnderDraws } from '../../src/report/sections/appendix.ts';
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
    for (const bad of ['eval(', 'new Function', 'innerHTML', 'outerHTML', 'insertAdjacentHTML', 'document.write', 'fetch(', 'XMLHttpRequest', "setTimeout('"]) expect(body).not.toContain(bad);
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

  it("gives each channel's next unit under the model's draws, and no half-life to a channel fitted at no effect", async () => {
    const d = assembleReportData(artifacts);
    const curves = html.slice(html.indexOf('<section id="curves"'), html.indexOf('<section id="plan"'));
    for (const c of d.curves!) {
      expect(c.next).toBeDefined();
      expect(curves).toContain(`over the model's draws (`);
      expect(curves).toContain(`in ${pct(c.next!.paying, 0)} of them`);
    }
    const first = d.model!.channels[0];
    const page = await renderReport({ ...d, model: { ...d.model!, channels: [{ ...first, contribution: 0 }, ...d.model!.channels.slice(1)] } });
    const channels = page.slice(page.indexOf('<section id="channels"'));
    const row = channels.slice(channels.indexOf(`<th scope="row">${esc(first.name)}</th>`));
    expect(row.slice(0, row.indexOf('</tr>'))).toContain('no effect fitted');
  });

  it("marks a scenario's figure that lies outside its own P5-P95 band, and says what the mark means", async () => {
    const scenarios = html.slice(html.indexOf('<section id="scenarios"'), html.indexOf('<ul class="questions">'));
    expect(scenarios).not.toContain('>†</span>');
    const d = assembleReportData(artifacts);
    const s = d.scenarios!;
    const shifted = s.scenarios.map((x) => {
      if (x.id !== 'current' || !x.plan?.bands) return x;
      const r = x.plan.revenue;
      return { ...x, plan: { ...x.plan, bands: { revenue: { p5: 1.5 * r, p50: 2 * r, p95: 3 * r, mean: 2 * r }, profit: x.plan.bands.profit } } };
    });
    const page = await renderReport({ ...d, scenarios: { ...s, scenarios: shifted } });
    const table = page.slice(page.indexOf('<section id="scenarios"'), page.indexOf('<ul class="questions">'));
    expect(table.match(/>†<\/span>/g)).toHaveLength(1);
    expect(table).toContain("† the point model's figure lies outside the 90% range of the model's draws");
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

  it('with no allocation found (infeasible limits): the forecast is the current plan alone, and the planner starts from the current spend', async () => {
    if (artifacts.optimise.status !== 'ok' || artifacts.simulate.status !== 'ok') throw new Error('fixture');
    const o = artifacts.optimise.data;
    const current = Object.fromEntries(Object.keys(o.allocation.allocation).map((c, i) => [c, 1000 * (i + 1)]));
    const infeasible = { ...o.allocation, status: 'infeasible', allocation: {}, againstCurrent: undefined, spend: null, binding: [], marginalRoi: {}, atBound: {} } as unknown as typeof o.allocation;
    const data = assembleReportData({ ...artifacts, optimise: { status: 'ok', data: { ...o, allocation: infeasible, currentPlan: current } } });
    expect([data.forecast?.plan, data.forecast?.current, data.forecast?.probabilityBetter]).toEqual(['current', null, null]);
    expect(data.plan?.budgetIsCurrent).toBe(true);
    // The curves mark the current plan, and each channel's next unit is read at its current spend.
    expect(data.plan?.rows.map((r) => [r.channel, r.current])).toEqual(Object.entries(current));
    expect(data.curves?.every((c) => c.next !== undefined)).toBe(true);
    const page = await renderReport(data);
    expect(sectionOf(page, 'appendix')).toContain('<h3>The optimiser</h3><p>No plan within the limits this run (status infeasible): ');
    expect(sectionOf(page, 'appendix')).not.toContain('Binding limits of the recommended plan');
    const forecast = sectionOf(page, 'forecast');
    expect(forecast).toContain('with the current plan (the optimiser found no plan within the limits this run, so there is none to compare)');
    expect(forecast).not.toContain('recommended plan');
    expect(page).not.toContain('comes out ahead');
    expect(data.planner?.channels.map((c) => [c.name, c.current, c.recommended])).toEqual(Object.entries(current).map(([c, v]) => [c, v, v]));
    expect(data.planner?.budget).toBe(Object.values(current).reduce((a, v) => a + v, 0));
    // No figure is NaN (the planner's script names NaN in its code; its values and the text must not hold it).
    const visible = page.replace(/<script[\s\S]*?<\/script>/g, '');
    const nan = [...visible.matchAll(/NaN/g)].map((m) => visible.slice(m.index - 120, m.index + 10));
    expect(nan).toEqual([]);
  });

  it('without an optimisation there is no planner and no script, and the policy allows none', async () => {
    const page = await renderReport(assembleReportData({ ...artifacts, optimise: { status: 'failed', reason: 'infeasible: budget below the minimums' } }));
    expect(page).not.toContain('<script');
    expect(page).toContain("script-src 'none'");
    expect(page).toContain('No budget recommendation this week (The budget optimisation failed: infeasible: budget below the minimums)');
  });
});

/** The text of a section of a page (from its opening tag to the next section's). */
function sectionOf(page: string, id: string): string {
  const from = page.indexOf(`<section id="${id}"`);
  const to = page.indexOf('<section id=', from + 1);
  return page.slice(from, to < 0 ? undefined : to);
}

describe('renderReport: one story, one period, precise labels (issue 14 follow-up)', () => {
  it("the key figures are per week over the model's window, said under them, with the currency in the money labels", async () => {
    // the data run 26 weeks longer than the model, with other totals: the cards must not use them
    const longer = { ...artifacts, ingest: { status: 'ok' as const, data: { weeks: 130, firstWeek: '2022-07-04', lastWeek: '2024-12-23', currency: 'EUR', revenue: 130 * 1e6, spend: 130 * 1e6 } } };
    const page = await renderReport(assembleReportData(longer));
    const summary = sectionOf(page, 'summary');
    if (artifacts.mmm.status !== 'ok') throw new Error('fixture');
    // mean of the actual revenue column over the model's 104 weeks, and the channels' spend totals over 104 weeks, from the fixture's files
    const { decomposition, model } = artifacts.mmm.data;
    const actual = decomposition.rows.map((r) => Number(r[decomposition.header.indexOf('actual')]));
    const revenue = actual.reduce((a, b) => a + b, 0) / actual.length;
    const spend = model.channels.reduce((a, c) => a + c.spend, 0) / 104;
    expect(summary).toContain(`<span class="muted">Revenue per week, EUR</span><b>${compact(revenue)}</b>`);
    expect(summary).toContain(`<span class="muted">Media spend per week, EUR</span><b>${compact(spend)}</b>`);
    expect(summary).toContain("Averages per week over the model's window, 2023-01-02 to 2024-12-23 (104 weeks); the data run from 2022-07-04 to 2024-12-23 (130 weeks).");
    expect(summary).toContain('Money is in EUR and per week');
    expect(summary).not.toContain(compact(1e6));
  });

  it("says how the model was estimated: the posterior sampler's chains and draws, or the search's rule with the bootstrap", async () => {
    expect(sectionOf(html, 'appendix')).toContain('How it was estimated: lowest DECOMP.RSSD among candidates within 1% of the best objective; intervals from refits on resampled blocks of weeks.');
    if (artifacts.mmm.status !== 'ok') throw new Error('fixture');
    const mmm = artifacts.mmm.data;
    const posterior = { chains: 16, generations: 800, acceptance: 0.3, effectiveWeeks: 50, draws: 200 };
    const page = await renderReport(assembleReportData({ ...artifacts, mmm: { status: 'ok', data: { ...mmm, model: { ...mmm.model, posterior } } } }));
    expect(sectionOf(page, 'appendix')).toContain('How it was estimated: the posterior over each channel&#39;s curve family and hyperparameters (16 chains, 200 draws,');
    expect(sectionOf(page, 'appendix')).toContain('the point model is the draw nearest the draws&#39; medians, and every interval');
    expect(page).not.toMatch(/bootstrap/i);
    // With pointLikelihoodWeight, the point model came from a run of its own.
    const own = await renderReport(assembleReportData({ ...artifacts, mmm: { status: 'ok', data: { ...mmm, model: { ...mmm.model, posterior: { ...posterior, pointEffectiveWeeks: 100 } } } } }));
    expect(sectionOf(own, 'appendix')).toContain('the point model is chosen from a second run with the likelihood counting 100 effective weeks (the draws&#39; run counts 50, tempered to widen');
  });

  it('calls the hash a build, not a run, and explains it beside the lineage', () => {
    expect(html).toContain(' · build <a href="#build"><code>run-2024-12-30</code></a></p>');
    expect(html).not.toMatch(/ · run <code>/);
    expect(sectionOf(html, 'appendix')).toContain('<h3 id="build">This build</h3><p>Build <code>run-2024-12-30</code>: a hash of the');
    expect(sectionOf(html, 'appendix')).toContain('It is not a run id: <code>mmm runs</code> lists the runs');
  });

  it('titles the plan as the best split of the current budget, in the nav and the heading, and the headline starts from it', () => {
    expect(html).toContain('<a href="#plan">Best split of the current budget (13 weeks)</a>');
    expect(html).toContain('<h2 id="h-plan">Best split of the current budget (13 weeks)</h2>');
    expect(sectionOf(html, 'plan')).toContain('The recommended plan: the current budget, <b>');
    expect(html).toMatch(/<p class="headline" id="headline">(Re-split the current budget of|Keep the current split of) /);
  });

  it('a budget set by the configuration is titled and worded as such', async () => {
    if (artifacts.optimise.status !== 'ok') throw new Error('fixture');
    const o = artifacts.optimise.data;
    const set = assembleReportData({ ...artifacts, optimise: { status: 'ok', data: { ...o, allocation: { ...o.allocation, spend: 1.2 * o.allocation.spend! } } } });
    expect(set.plan!.budgetIsCurrent).toBe(false);
    const page = await renderReport(set);
    expect(page).toContain('<h2 id="h-plan">Best split of the set budget (13 weeks)</h2>');
    expect(sectionOf(page, 'plan')).toContain('The recommended plan: the budget the configuration sets, <b>');
    expect(page).toMatch(/<p class="headline" id="headline">Spend the set budget of \S+ per week \(\+20\.0% on the current /);
  });

  it('says which marginal ROAS each place shows, and the planner says ROAS, not ROI', () => {
    expect(sectionOf(html, 'channels')).toContain("at the model weeks' spend vs break-even");
    expect(sectionOf(html, 'curves')).toContain('At the current spend, ');
    expect(sectionOf(html, 'curves')).toContain("(the last 13 weeks' average), the next unit returns");
    expect(sectionOf(html, 'plan')).toContain('at the recommended spend vs break-even');
    expect(html).not.toMatch(/>ROI</);
    expect(html).not.toContain('break-even ROI');
  });

  it("words the plan's gain under the draws against the point model's by its sign: smaller is the curse, larger makes the point figure the conservative one", async () => {
    const money = (v: number) => v.toFixed(0);
    // 2364 promised, 2027 under the draws: (2364 - 2027) / 2364 = 14.3% smaller.
    const curse = upliftUnderDraws(2364, 2027, money);
    expect(curse).toMatch(
      /Optimiser&#39;s curse<\/a>: under the model's draws the gain over the current plan \(2364 per week on the point model, 2027 under the draws\) is 14\.3% smaller, so expect less than the point figures promise\.$/,
    );
    expect(upliftUnderDraws(1000, 1200, money)).toContain('is 20.0% larger: the point figures are the conservative ones (no sign of the ');
    expect(upliftUnderDraws(1000, 998, money)).toContain('holds within 0.5%: no sign of the ');
    expect(upliftUnderDraws(0, 5, money)).toBe('');
    expect(pct(0.03)).toBe('3.0%');
  });

  it("a missing section says its reason once, even when the reason repeats the section's words", async () => {
    const page = await renderReport(assembleReportData({ ...artifacts, simulate: { status: 'skipped', reason: 'the forecast did not run (needs optimise, which did not run)' } }));
    expect(sectionOf(page, 'forecast')).toContain('<p class="missing">The forecast did not run (needs optimise, which did not run)</p>');
    expect(page).not.toContain('did not run: the forecast did not run');
  });

  it('tables of five columns or more say on narrow screens that they scroll sideways; narrower ones do not', () => {
    const hint = '<p class="scroll-hint" aria-hidden="true">Scroll the table sideways for more columns →</p><div class="scroll';
    expect(sectionOf(html, 'scenarios')).toContain(hint);
    expect(sectionOf(html, 'customers')).not.toContain('scroll-hint');
  });
});

describe('the one number format', () => {
  it('three significant digits with k, M, B (worked by hand)', () => {
    expect([8799, 13200, 397000, 999, 999.96, 999_950, 1_234_567, -1500, 0.5, 0, 12.345].map(compact)).toEqual(['8.8k', '13.2k', '397k', '999', '1k', '1M', '1.23M', '-1.5k', '0.5', '0', '12.3']);
    expect(compact(Number.NaN)).toBe('–');
  });
});
