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
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import { silentLog } from '../pipelines/log.ts';
import { outcomesOf } from '../pipelines/report-command.ts';
import { inputsFor } from '../pipelines/runner.ts';
import { listRuns } from '../pipelines/runs.ts';
import { reportStage } from '../pipelines/stages/report.ts';
import { arg } from './args.ts';

const store = resolve(arg('store', 'data'));
const runs = Number(arg('runs', '5'));
const median = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)];

// The newest run with a report, and the report stage handed that run's artifacts.
const record = (await listRuns(store)).runs.filter((r) => r.report).at(-1)!;
const stage = reportStage(resolve('.'));
const inputs = inputsFor(stage, new Map((await outcomesOf(record, store)).map((o) => [o.stage, o])));
const params = await stage.params(inputs);
const out = mkdtempSync(join(tmpdir(), 'mmm-report-bench-'));
const build1 = () => stage.run({ ...inputs, dir: out, params, files: {}, log: silentLog });
await build1(); // warm-up (module loading, Vega's first parse)
const build: number[] = [];
for (let r = 0; r < runs; r++) {
  const t0 = performance.now();
  await build1();
  build.push(performance.now() - t0);
}
const file = join(out, 'report.html');
console.log(`report stage (read, assemble, render): median ${median(build).toFixed(0)} ms (min ${Math.min(...build).toFixed(0)}, max ${Math.max(...build).toFixed(0)}) over ${runs} runs`);
console.log(`page size: ${(statSync(file).size / 1e6).toFixed(2)} MB`);

const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
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
console.log(
  `Chromium, 1280 px: load event median ${median(load).toFixed(0)} ms (max ${Math.max(...load).toFixed(0)}), planner filled median ${median(ready).toFixed(0)} ms (max ${Math.max(...ready).toFixed(0)}) over ${runs} pages after a warm-up page`,
);
rmSync(out, { recursive: true, force: true });
