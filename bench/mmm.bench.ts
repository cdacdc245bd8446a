/**
 * MMM speed. First the search: the default search (5 trials x 2000 = 10,000 candidates) on
 * 156 weeks x 6 channels, timed end to end (search estimator, bootstrap off; worker start-up
 * included in the first run, the pool is kept between fits), with 1 thread
 * and with every core, each run three times (best wall time reported, plus the
 * CPU time of the process: this thread + workers) and checked for identical
 * output bytes across runs and thread counts; then the Python peer
 * (/work/shared/peers/mmm_sklearn.py: numpy + scikit-learn Ridge, 1 process)
 * on the same data. Prints candidates/second for both and the ratio. Then the
 * default fit with intervals (search, posterior sampling, 200 draws) on every
 * core, three runs, with the time of each phase. No pass/fail.
 * usage: node bin/run-ts.mjs bench/mmm.bench.ts [--peer-candidates N]
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { toCsv } from '../src/core/csv.ts';
import { sha256 } from '../src/core/hash.ts';
import { defaultThreads } from '../src/core/workers.ts';
import { fitMmm } from '../src/mmm/index.ts';
import { generateWeeklyData, weeklyDataToCsvRows } from '../src/lab/index.ts';

const peerIdx = process.argv.indexOf('--peer-candidates');
const peerCandidates = peerIdx >= 0 ? Number(process.argv[peerIdx + 1]) : 2000;
const s = generateWeeklyData({ seed: 1, channels: 6 });
const cores = defaultThreads();
const cpuMs = (): number => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
const hashes = new Set<string>();
const run = async (threads: number): Promise<{ ms: number; cpu: number }> => {
  const c0 = cpuMs();
  const t0 = performance.now();
  const f = await fitMmm(s.data, { seed: 1, bootstrap: 0, threads, estimator: 'search' });
  const ms = performance.now() - t0;
  hashes.add(sha256(JSON.stringify({ m: f.model, p: f.pareto })));
  return { ms, cpu: cpuMs() - c0 };
};
const rows: { threads: number; best: number; all: number[]; cpu: number }[] = [];
for (const threads of [...new Set([1, cores])]) {
  const runs = [await run(threads), await run(threads), await run(threads)];
  const best = Math.min(...runs.map((r) => r.ms));
  rows.push({ threads, best, all: runs.map((r) => r.ms), cpu: Math.min(...runs.map((r) => r.cpu)) });
}
console.log('| threads | wall ms (3 runs) | best wall ms | candidates/s | CPU ms (all threads) | CPU us per candidate |');
console.log('|---|---|---|---|---|---|');
for (const r of rows)
  console.log(`| ${r.threads} | ${r.all.map((v) => v.toFixed(0)).join(', ')} | ${r.best.toFixed(0)} | ${(10000 / (r.best / 1000)).toFixed(0)} | ${r.cpu.toFixed(0)} | ${(r.cpu / 10).toFixed(0)} |`);
const top = rows[rows.length - 1];
if (rows.length > 1) console.log(`thread scaling: ${(rows[0].best / top.best).toFixed(2)}x with ${top.threads} threads`);
console.log(`identical output bytes across all runs and thread counts: ${hashes.size === 1}`);
const ours = 10000 / (top.best / 1000);

const dir = mkdtempSync(join(tmpdir(), 'mmm-bench-'));
const { header, rows: csvRows } = weeklyDataToCsvRows(s.data);
const csv = join(dir, 'weekly.csv');
writeFileSync(csv, toCsv(header, csvRows));
try {
  const out = execFileSync('/usr/bin/python3', ['/work/shared/peers/mmm_sklearn.py', csv, String(peerCandidates), '1'], { encoding: 'utf8' });
  const m = /\((\d+)\/s\)/.exec(out);
  console.log(`peer (numpy + scikit-learn Ridge, 1 process): ${out.trim().split('\n')[0]}`);
  if (m) console.log(`ratio (ours with ${top.threads} threads / peer): ${(ours / Number(m[1])).toFixed(1)}x`);
} catch (e) {
  console.log(`peer not run (${(e as Error).message.split('\n')[0]}); install python3-sklearn and run with /usr/bin/python3`);
}

const phases: Record<string, number>[] = [];
const full: number[] = [];
for (let r = 0; r < 3; r++) {
  const t: Record<string, number> = {};
  let phase = '';
  let last = performance.now();
  const t0 = last;
  await fitMmm(s.data, {
    seed: 1,
    threads: cores,
    onProgress: (p) => {
      if (p === phase) return;
      const now = performance.now();
      if (phase) t[phase] = now - last;
      [phase, last] = [p, now];
    },
  });
  const end = performance.now();
  t[phase] = end - last;
  full.push(end - t0);
  phases.push(t);
}
const bestRun = full.indexOf(Math.min(...full));
console.log(
  `default fit with intervals (${cores} threads, 200 draws): ${full.map((v) => v.toFixed(0)).join(', ')} ms; best ${full[bestRun].toFixed(0)} ms = ${Object.entries(phases[bestRun])
    .map(([k, v]) => `${k} ${v.toFixed(0)}`)
    .join(' + ')} ms (+ the rest)`,
);
