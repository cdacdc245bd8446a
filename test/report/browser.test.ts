/**
 * The report in real Chromium (Debian's, driven by playwright-core), made from
 * a real `mmm fit` with a hostile channel name: no console error, no request,
 * no dialog; every section; the planner works offline and its CSV runs
 * through `mmm simulate`; no horizontal scroll at 420 px. Screenshots at 1280
 * and 420 px go to reports/browser-test/ (git-ignored).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { evaluatePlan, marginalRoi, resolveProblem } from '../../src/optimise/index.ts';
import { compact, SECTION_IDS } from '../../src/report/index.ts';
import { runCli, tempDir } from '../helpers/tmp.ts';
import { buildReportFromFit, CHANNELS, HOSTILE } from './pipeline-fixture.ts';
import type { AllocationProblem } from '../../src/optimise/index.ts';

const CHROMIUM = '/usr/bin/chromium';
const SHOTS = new URL('../../reports/browser-test/', import.meta.url).pathname;
const t = tempDir('mmm-report-browser-');
let browser: Browser;
let reportUrl: string;
let fitDir: string;
let problem: AllocationProblem;

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: install Debian's chromium (.ci/run does)`);
  const built = await buildReportFromFit(t.dir);
  reportUrl = pathToFileURL(built.reportPath).href;
  fitDir = built.fitDir;
  problem = built.problem;
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  mkdirSync(SHOTS, { recursive: true });
});
afterAll(async () => {
  await browser?.close();
  t.cleanup();
});

/** Opens the report, recording errors, requests (other than the page itself) and dialogs. */
async function open(width: number): Promise<{ page: Page; errors: string[]; requests: string[]; dialogs: string[] }> {
  const page = await browser.newPage({ viewport: { width, height: 900 }, acceptDownloads: true });
  const errors: string[] = [];
  const requests: string[] = [];
  const dialogs: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  page.on('request', (r) => r.url() !== reportUrl && !r.url().startsWith('blob:') && requests.push(r.url()));
  page.on('dialog', (d) => {
    dialogs.push(d.message());
    void d.dismiss();
  });
  await page.goto(reportUrl);
  return { page, errors, requests, dialogs };
}

/**
 * What is wrong with the visible charts' text as Chromium lays it out: text
 * running past its SVG's edge (cut off), legend labels Vega shortened with an
 * ellipsis, and overlaps between the labels of one axis or between the
 * labels and symbols of one legend. (Channel names on a category axis may be
 * shortened past 120 px, as the hostile name is; the tables give them whole.)
 */
async function chartTextProblems(page: Page): Promise<string[]> {
  return page.locator('svg.chart').evaluateAll((svgs) => {
    const out: string[] = [];
    type Box = { left: number; right: number; top: number; bottom: number };
    const style = (e: unknown) => (globalThis as unknown as { getComputedStyle: (e: unknown) => { opacity: string } }).getComputedStyle(e);
    const meet = (a: Box, b: Box) => a.left < b.right - 0.5 && b.left < a.right - 0.5 && a.top < b.bottom - 0.5 && b.top < a.bottom - 0.5;
    for (const svg of svgs) {
      const box = svg.getBoundingClientRect();
      if (box.width === 0) continue; // the variant for the other layout, hidden
      const name = svg.getAttribute('aria-label');
      for (const t of svg.querySelectorAll('text')) {
        const r = t.getBoundingClientRect();
        if (r.width === 0) continue;
        if (r.left < box.left - 1 || r.right > box.right + 1 || r.top < box.top - 1 || r.bottom > box.bottom + 1) out.push(`cut off in "${name}": ${t.textContent}`);
        if ((t.textContent ?? '').includes('…') && t.closest('g.role-legend')) out.push(`shortened in "${name}": ${t.textContent}`);
      }
      const groups = [...svg.querySelectorAll('g.role-axis-label'), ...svg.querySelectorAll('g.role-legend')];
      for (const g of groups) {
        const items = [...g.querySelectorAll('text, path.role-legend-symbol, g.role-legend-symbol path')].filter(
          (e) => style(e).opacity !== '0' && e.getAttribute('opacity') !== '0' && e.getBoundingClientRect().width > 0,
        );
        for (let i = 0; i < items.length; i++) {
          for (let j = i + 1; j < items.length; j++) {
            if (meet(items[i].getBoundingClientRect(), items[j].getBoundingClientRect()))
              out.push(`overlap in "${name}": ${items[i].textContent || items[i].tagName} / ${items[j].textContent || items[j].tagName}`);
          }
        }
      }
    }
    return out;
  });
}

describe('the report in Chromium', () => {
  it('at 1280 px: every section, the hostile name as text, no error, request or dialog; a screenshot', async () => {
    const { page, errors, requests, dialogs } = await open(1280);
    const ids = await page.locator('main > section').evaluateAll((els) => els.map((e) => e.id));
    expect(ids).toEqual([...SECTION_IDS]);
    expect(await page.locator('#customers .missing').textContent()).toBe('Customer lifetime value did not run: the input is a weekly table without a transaction log');
    // the build id is called a build and leads to the lineage
    expect(await page.locator('main > p.muted').first().textContent()).toMatch(/ · build [0-9a-f]{16}$/);
    expect(await page.locator('#build').textContent()).toBe('This build');
    // the hostile name is text in the tables, the planner and the charts; no element came from it
    expect(await page.locator('#channels tbody th', { hasText: HOSTILE }).count()).toBe(1);
    expect(await page.locator('#planner label', { hasText: HOSTILE }).count()).toBe(1);
    expect(await page.locator('img, iframe, [src], [onerror]').count()).toBe(0);
    expect(await page.locator('script').count()).toBe(2);
    expect(await page.locator('svg.chart').count()).toBeGreaterThan(12);
    // no chart text is cut off, shortened or overlapping; the scroll hint is for narrow screens only
    expect(await chartTextProblems(page)).toEqual([]);
    expect(await page.locator('#scenarios .scroll-hint').isVisible()).toBe(false);
    await page.screenshot({ path: join(SHOTS, 'report-1280.png'), fullPage: true });
    expect(errors).toEqual([]);
    expect(requests).toEqual([]);
    expect(dialogs).toEqual([]);
    await page.close();
  });

  it('at 420 px: no horizontal page scroll, wide tables scroll in their own box; a screenshot', async () => {
    const { page, errors } = await open(420);
    const [scrollWidth, clientWidth] = await page.locator('html').evaluate((e) => [e.scrollWidth, e.clientWidth]);
    expect(scrollWidth).toBeLessThanOrEqual(clientWidth);
    // every chart and figure fits in the viewport
    const widest = await page.locator('figure, .scroll, .kpis, .planner').evaluateAll((els) => Math.max(...els.map((e) => e.getBoundingClientRect().right)));
    expect(widest).toBeLessThanOrEqual(420);
    // the scenario table is wider than its box and scrolls inside it
    const [inner, outer] = await page
      .locator('#scenarios .scroll')
      .first()
      .evaluate((e) => [e.scrollWidth, e.clientWidth]);
    expect(inner).toBeGreaterThan(outer);
    // and says so above it, in words, and with a shadow on its right edge (a background drawn only while columns hide there)
    expect(await page.locator('#scenarios .scroll-hint').first().isVisible()).toBe(true);
    expect(
      await page
        .locator('#scenarios .scroll')
        .first()
        .evaluate((e) => (globalThis as unknown as { getComputedStyle: (e: unknown) => { backgroundImage: string } }).getComputedStyle(e).backgroundImage),
    ).toContain('radial-gradient');
    expect(await chartTextProblems(page)).toEqual([]);
    await page.screenshot({ path: join(SHOTS, 'report-420.png'), fullPage: true });
    expect(errors).toEqual([]);
    await page.close();
  });

  it("the planner: its figures equal the optimiser's curves, a slider changes #planner-revenue, the reset restores the plan", async () => {
    const { page, errors, requests } = await open(1280);
    const { problem: resolved } = resolveProblem(problem);
    const data = JSON.parse((await page.locator('#planner-data').textContent())!) as { channels: { name: string; recommended: number; current: number; seen: number | null }[]; extrapolation: number };
    // after load the sliders hold the recommended plan, rounded to cents as the inputs show it
    const x = resolved.channelNames.map((n) => Math.round(data.channels.find((c) => c.name === n)!.recommended * 100) / 100);
    const expected = evaluatePlan(resolved, [x]).revenue;
    const shown = Number(await page.locator('#planner-revenue').getAttribute('data-value'));
    expect(Math.abs(shown / expected - 1)).toBeLessThan(1e-12);
    expect((await page.locator('#planner-revenue').textContent())!.startsWith(compact(expected))).toBe(true);
    // the marginal ROAS: spend-weighted marginal ROI of the channels on the optimiser's curves
    const mroas = resolved.periods[0].channels.reduce((s, ch, i) => s + x[i] * marginalRoi(ch.revenue, x[i]), 0) / x.reduce((s, v) => s + v, 0);
    expect(Number(await page.locator('#planner-mroas').getAttribute('data-value')) / mroas - 1).toBeCloseTo(0, 12);
    expect(await page.locator('#planner-mroas').textContent()).toMatch(/^\d+\.\d\d \((above|at|below) break-even 2\.00\)$/);
    const before = await page.locator('#planner-revenue').textContent();
    const slider = page.locator('#planner-slider-0');
    await slider.fill(String(Number(await slider.getAttribute('max')) * 0.9));
    const after = await page.locator('#planner-revenue').textContent();
    expect(after).not.toBe(before);
    await page.locator('#planner-reset-recommended').click();
    expect(await page.locator('#planner-revenue').textContent()).toBe(before);
    // Beyond 1.25x the most the model saw, the channel's row says the curve is extrapolated.
    const seen = data.channels[0].seen!;
    expect(seen).toBeGreaterThan(0);
    expect(data.extrapolation).toBe(1.25);
    await page.locator('#planner-input-0').fill(String(Math.round(1.3 * seen)));
    expect(await page.locator('#planner-note-0').textContent()).toBe(`beyond the most the model saw (${compact(seen)} a week): extrapolated`);
    await page.locator('#planner-input-0').fill(String(Math.round(1.2 * seen)));
    expect(await page.locator('#planner-note-0').textContent()).toBe('');
    await page.locator('#planner-reset-current').click();
    const current = resolved.channelNames.map((n) => Math.round(data.channels.find((c) => c.name === n)!.current * 100) / 100);
    expect(Number(await page.locator('#planner-revenue').getAttribute('data-value')) / evaluatePlan(resolved, [current]).revenue - 1).toBeCloseTo(0, 12);
    expect(errors).toEqual([]);
    expect(requests).toEqual([]);
    await page.close();
  });

  it("the planner's CSV download runs through `mmm simulate`", async () => {
    const { page, errors } = await open(1280);
    await page.locator('#planner-input-1').fill('1234.5');
    const [download] = await Promise.all([page.waitForEvent('download'), page.locator('#planner-download').click()]);
    const csvPath = join(t.dir, 'planner-plan.csv');
    await download.saveAs(csvPath);
    const csv = readFileSync(csvPath, 'utf8');
    const lines = csv.trim().split('\n');
    expect(lines[0]).toBe(`date,${CHANNELS.join(',')}`);
    expect(lines).toHaveLength(14);
    expect(lines[1].split(',')[2]).toBe('1234.5');
    const r = runCli(['simulate', '--model', fitDir, '--plan', csvPath, '--draws', '500', '--seed', '1', '--out', join(t.dir, 'planner-sim')]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const bands = JSON.parse(readFileSync(join(t.dir, 'planner-sim', 'bands.json'), 'utf8'));
    expect(bands.weekly).toHaveLength(13);
    expect(bands.weekly[0].p5).toBeLessThan(bands.weekly[0].p95);
    expect(errors).toEqual([]);
    await page.close();
  });
});
