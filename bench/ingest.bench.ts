/**
 * Ingest benchmark: events per second and peak memory for the generated sample
 * at --scale 1 (2M events) and --scale 10 (20M events). Each ingest runs in its
 * own process so its peak RSS is its own.
 *   node bin/run-ts.mjs bench/ingest.bench.ts [scales...]   (default: 1 10)
 */
import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { cpus } from 'node:os';
import { generateSample } from '../src/ingest/generate.ts';

const scales = process.argv.slice(2).map(Number).filter((x) => x > 0);
const root = join(process.cwd(), 'bench', 'out');
console.log(`machine: ${cpus().length} x ${cpus()[0]?.model}, node ${process.version}`);
console.log('| scale | events | orders | raw MB | ingest s | events/s | peak RSS MB |');
console.log('|---|---|---|---|---|---|---|');
for (const scale of scales.length ? scales : [1, 10]) {
  const raw = join(root, `sample-x${scale}`);
  if (!existsSync(join(raw, 'manifest.json'))) await generateSample({ out: raw, seed: 42, scale });
  const out = join(root, `star-x${scale}`);
  await rm(out, { recursive: true, force: true });
  const child = spawnSync(process.execPath, ['bin/run-ts.mjs', 'bench/ingest-child.ts', raw, out], { encoding: 'utf8' });
  if (child.status !== 0) throw new Error(child.stderr);
  const r = JSON.parse(child.stdout.trim().split('\n').pop()!);
  console.log(`| ${scale} | ${r.events.toLocaleString('en')} | ${r.orders.toLocaleString('en')} | ${r.rawMb.toFixed(0)} | ${r.seconds.toFixed(2)} | ${Math.round(r.events / r.seconds).toLocaleString('en')} | ${r.maxRssMb.toFixed(0)} |`);
}
