/**
 * The reference for the report's text-width table (src/report/charts.ts,
 * CHAR_WIDTHS): each printable ASCII character's advance width in the page's
 * font stack as Debian's Chromium renders it (DejaVu Sans, the widest of the
 * common sans-serif fonts, so labels sized by it fit in the others), in
 * thousandths of an em, regular and bold. Run by hand:
 *   node bin/run-ts.mjs test/report/measure-text-widths.ts
 */
import { chromium } from 'playwright-core';

const FONT = 'system-ui, -apple-system, Segoe UI, Roboto, sans-serif';
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-gpu'] });
const page = await browser.newPage();
await page.setContent('<canvas id="c"></canvas>');
// a string, not a function: tsx would wrap a function's inner functions in a helper the page does not have
const widths = (await page.evaluate(`(() => {
  const ctx = document.getElementById('c').getContext('2d');
  const out = {};
  for (const [key, weight] of [['regular', 400], ['bold', 600]]) {
    ctx.font = weight + ' 1000px ${FONT}';
    out[key] = Array.from({ length: 95 }, (_, i) => Math.round(ctx.measureText(String.fromCharCode(32 + i)).width));
  }
  return out;
})()`)) as { regular: number[]; bold: number[] };
await browser.close();
const sum = (v: number[]) => v.reduce((s, x) => s + x, 0);
console.log(`regular (32..126): ${widths.regular.join(', ')}`);
console.log(`bold / regular over a-z: ${(sum(widths.bold.slice(65, 91)) / sum(widths.regular.slice(65, 91))).toFixed(3)}`);
