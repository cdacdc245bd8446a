import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser } from 'playwright-core';
import { renderReport } from '../../src/report/index.ts';
import { EVIL, reportFixture } from './fixture.ts';
import { tempDir } from '../helpers/tmp.ts';

const CHROMIUM = '/usr/bin/chromium';
const t = tempDir('mmm-report-');
let browser: Browser;

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: install Debian's chromium (.ci/run does)`);
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
});
afterAll(async () => {
  await browser?.close();
  t.cleanup();
});

describe('the HTML report in Chromium', () => {
  it('renders every section with its charts, runs nothing from the data, and makes no request', async () => {
    const file = join(t.dir, 'report.html');
    writeFileSync(file, renderReport(reportFixture()));
    const page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
    const errors: string[] = [];
    const requests: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
    page.on('request', (r) => r.url() !== pathToFileURL(file).href && requests.push(r.url()));
    await page.goto(pathToFileURL(file).href);
    expect(await page.title()).toBe('Weekly marketing-mix report');
    expect(await page.evaluate(() => (globalThis as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
    expect(await page.locator('script').count()).toBe(0);
    expect(await page.locator('img').count()).toBe(0);
    // The hostile channel name is shown as text.
    expect(await page.locator('td', { hasText: EVIL }).count()).toBeGreaterThan(0);
    const headings = await page.locator('h2').allTextContents();
    expect(headings).toEqual(['Model decision', 'Weekly revenue', 'What each channel returned', 'Response curves', 'Recommended budget (13 weeks)', 'Forecast: revenue bands', 'Customer lifetime value', 'Lineage']);
    const charts = page.locator('svg.chart');
    expect(await charts.count()).toBe(4);
    const box = await charts.first().boundingBox();
    expect(box!.width).toBeGreaterThan(500);
    expect(box!.height).toBeGreaterThan(100);
    expect(errors).toEqual([]);
    expect(requests).toEqual([]);
    await page.screenshot({ path: join(t.dir, 'report.png'), fullPage: true });
    await page.close();
  });
});
