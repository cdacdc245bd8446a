/**
 * Ingest benchmark: events per second and peak memory for the generated sample
 * at --scale 1 (2M events) and --scale 10 (20M events); pass scales to add
 * more (e.g. `1 10 20`). Each ingest runs in its own process so its peak RSS
 * is its own, three times per scale: the peak of a multi-threaded engine
 * varies from run to run by tens of MB, so the table shows the median and range.
 *   node bin/run-ts.mjs bench/ingest.bench.ts [scales...]   (default: 1 10)
 */
import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { cpus } from 'node:os';
import { generateSample } from '../src/ingest/generate.ts';
import { quantileSorted } from '../src/core/quantile.ts';

const RUNS = 3;
const scales = process.argv
  .slice(2)
  .map(Number)
  .filter((x) => x > 0);
const root = join(process.cwd(), 'bench', 'out');
const median = (xs: number[]) =>
  quantileSorted(
    [...xs].sort((a, b) => a - b),
    0.5,
  );
console.log(`machine: ${cpus().length} x ${cpus()[0]?.model}, node ${process.version}; ${RUNS} runs per scale`);
console.log('| scale | events | orders | raw MB | ingest s (median) | events/s | peak RSS MB (median) | peak RSS MB (range) |');
console.log('|---|---|---|---|---|---|---|---|');
for (const scale of scales.length ? scales : [1, 10]) {
  const raw = join(root, `sample-x${scale}`);
  if (!existsSync(join(raw, 'manifest.json'))) await generateSample({ out: raw, seed: 42, scale });
  const out = join(root, `star-x${scale}`);
  const runs: { events: number; orders: number; seconds: number; rawMb: number; maxRssMb: number }[] = [];
  for (let i = 0; i < RUNS; i++) {
    await rm(out, { recursive: true, force: true });
    const child = spawnSync(process.execPath, ['bin/run-ts.mjs', 'bench/ingest-child.ts', raw, out], { encoding: 'utf8' });
    if (child.status !== 0) throw new Error(child.stderr);
    runs.push(JSON.parse(child.stdout.trim().split('\n').pop()!));
  }
  const r = runs[0];
  const seconds = median(runs.map((x) => x.seconds));
  const rss = runs.map((x) => x.maxRssMb);
  console.log(
    `| ${scale} | ${r.events.toLocaleString('en')} | ${r.orders.toLocaleString('en')} | ${r.rawMb.toFixed(0)} | ${seconds.toFixed(2)} | ${Math.round(r.events / seconds).toLocaleString('en')} | ${median(rss).toFixed(0)} | ${Math.min(...rss).toFixed(0)}-${Math.max(...rss).toFixed(0)} |`,
  );
}
