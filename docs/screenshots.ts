/**
 * Screenshots of the sample report for the README, in Debian's Chromium:
 * the whole page at 1280 px (JPEG), its first 1500 px (PNG), and its first
 * 2400 px on a 420 px phone (PNG). Run after `npm run weekly`:
 *   node bin/run-ts.mjs docs/screenshots.ts [reports/latest.html]
 */
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';

const file = resolve(process.argv[2] ?? 'reports/latest.html');
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'] });
const wide = await browser.newPage({ viewport: { width: 1280, height: 900 } });
await wide.goto(pathToFileURL(file).href);
await wide.screenshot({ path: resolve('docs/report-sample.jpg'), fullPage: true, type: 'jpeg', quality: 70 });
await wide.screenshot({ path: resolve('docs/report-sample-top.png'), fullPage: true, clip: { x: 0, y: 0, width: 1280, height: 1500 } });
const phone = await browser.newPage({ viewport: { width: 420, height: 900 } });
await phone.goto(pathToFileURL(file).href);
await phone.screenshot({ path: resolve('docs/report-sample-420.png'), fullPage: true, clip: { x: 0, y: 0, width: 420, height: 2400 } });
await browser.close();
console.log('docs/report-sample.jpg, docs/report-sample-top.png, docs/report-sample-420.png');
