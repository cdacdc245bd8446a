/**
 * Report benchmark (figures only, never pass/fail), on the sample's last run
 * (`npm run weekly` first):
 *  1. build: the report stage (read the artifacts, assemble, render the
 *     charts), median of 5 after a warm-up; target < 2 s;
 *  2. size of the page; target < 3 MB;
 *  3. in Chromium (Debian's, playwright-core): the load event and the planner
 *     filled by its script, median of 5 fresh pages; target < 2 s.
 * Run: node bin/run-ts.mjs bench/report.bench.ts [--store data] [--runs 5]
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import { buildReport } from '../pipelines/stages.ts';
import { arg } from './args.ts';

const store = resolve(arg('store', 'data'));
const runs = Number(arg('runs', '5'));
const median = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)];

// the newest run record (by file time)
const newest = readdirSync(join(store, 'runs')).map((f) => join(store, 'runs', f)).sort((a, b) => statSync(a).mtimeMs - statSync(b).mtimeMs).at(-1)!;
const run = JSON.parse(readFileSync(newest, 'utf8')) as { runId: string; stages: { stage: string; dir: string; dataVersion: string }[] };
const dirOf = (stage: string) => join(store, run.stages.find((s) => s.stage === stage)!.dir);
const input = {
  ingestDir: dirOf('ingest'), fitDir: dirOf('mmm'), clvDir: dirOf('clv'), optimiseDir: dirOf('optimise'), simulateDir: dirOf('simulate'), driftDir: dirOf('drift'),
  runId: run.runId, lineage: run.stages.map((s) => ({ stage: s.stage, dataVersion: s.dataVersion, dir: s.dir })),
};

const out = mkdtempSync(join(tmpdir(), 'mmm-report-bench-'));
await buildReport(input, out); // warm-up (module loading, Vega's first parse)
const build: number[] = [];
for (let r = 0; r < runs; r++) {
  const t0 = performance.now();
  await buildReport(input, out);
  build.push(performance.now() - t0);
}
const file = join(out, 'report.html');
console.log(`report stage (read, assemble, render): median ${median(build).toFixed(0)} ms (min ${Math.min(...build).toFixed(0)}, max ${Math.max(...build).toFixed(0)}) over ${runs} runs`);
console.log(`page size: ${(statSync(file).size / 1e6).toFixed(2)} MB`);

const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'] });
const load: number[] = [];
const ready: number[] = [];
for (let r = 0; r <= runs; r++) {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const t0 = performance.now();
  await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
  const tLoad = performance.now() - t0;
  await page.waitForFunction(() => (globalThis as unknown as { document: { getElementById(id: string): { textContent: string } } }).document.getElementById('planner-revenue').textContent !== '–');
  const tReady = performance.now() - t0;
  if (r > 0) {
    load.push(tLoad);
    ready.push(tReady);
  }
  await page.close();
}
await browser.close();
console.log(`Chromium, 1280 px: load event median ${median(load).toFixed(0)} ms (max ${Math.max(...load).toFixed(0)}), planner filled median ${median(ready).toFixed(0)} ms (max ${Math.max(...ready).toFixed(0)}) over ${runs} pages after a warm-up page`);
rmSync(out, { recursive: true, force: true });
