/**
 * The weekly run as a scheduler sees it: `mmm weekly` on the bundled sample
 * in a fresh project folder, cold (sample generation and every stage built)
 * and then unchanged (every stage skipped), each in its own process, with
 * wall time and peak RSS (GNU time). Issue 13's targets: under 15 s cold and
 * under 2 s unchanged on 2 cores. Prints figures; passes or fails nothing.
 *
 *   node bin/run-ts.mjs bench/weekly.bench.ts [--runs 3]
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { arg } from './args.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const runs = Number(arg('runs', '3'));

/** One `mmm weekly` in `dir`: wall seconds, peak RSS in MB, exit code. */
function weekly(dir: string): { seconds: number; rssMb: number; code: number } {
  const t0 = performance.now();
  const r = spawnSync('/usr/bin/time', ['-f', '%M', process.execPath, join(ROOT, 'bin/mmm.mjs'), 'weekly', '--quiet'], { cwd: dir, encoding: 'utf8' });
  const seconds = (performance.now() - t0) / 1000;
  const rssKb = Number(r.stderr.trim().split('\n').at(-1));
  return { seconds, rssMb: rssKb / 1024, code: r.status ?? -1 };
}

console.log(`weekly run on the sample, ${runs} fresh project folder(s), node ${process.version}`);
console.log('run | cold s | cold peak MB | unchanged s | unchanged peak MB');
for (let i = 1; i <= runs; i++) {
  const dir = mkdtempSync(join(tmpdir(), 'mmm-weekly-bench-'));
  try {
    copyFileSync(join(ROOT, 'mmm.config.json'), join(dir, 'mmm.config.json'));
    const cold = weekly(dir);
    const warm = weekly(dir);
    if (cold.code !== 0 || warm.code !== 0) throw new Error(`mmm weekly exited ${cold.code}, ${warm.code}`);
    console.log(`${i} | ${cold.seconds.toFixed(1)} | ${cold.rssMb.toFixed(0)} | ${warm.seconds.toFixed(2)} | ${warm.rssMb.toFixed(0)}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
