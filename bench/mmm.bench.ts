/**
 * MMM search speed: the default search (5 trials x 2000 = 10,000 candidates) on
 * 156 weeks x 6 channels, timed end to end (worker start-up included), run twice
 * to check the output bytes are identical for the same seed; then the Python
 * peer (/work/shared/peers/mmm_sklearn.py: numpy + scikit-learn Ridge) on the
 * same data. Prints candidates/second for both and the ratio. No pass/fail.
 * usage: node bin/run-ts.mjs bench/mmm.bench.ts [--peer-candidates N]
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { toCsv } from '../src/core/csv.ts';
import { sha256 } from '../src/core/hash.ts';
import { defaultThreads } from '../src/core/workers.ts';
import { fitMmm, generateWeeklyData, weeklyDataToCsvRows } from '../src/mmm/index.ts';

const peerIdx = process.argv.indexOf('--peer-candidates');
const peerCandidates = peerIdx >= 0 ? Number(process.argv[peerIdx + 1]) : 2000;
const s = generateWeeklyData({ seed: 1, channels: 6 });
const threads = defaultThreads();
const run = async (): Promise<{ ms: number; hash: string }> => {
  const t0 = performance.now();
  const f = await fitMmm(s.data, { seed: 1, bootstrap: 0, threads });
  const ms = performance.now() - t0;
  return { ms, hash: sha256(JSON.stringify({ m: f.model, p: f.pareto })) };
};
await run(); // warm-up (JIT)
const a = await run();
const b = await run();
const ours = 10000 / (Math.min(a.ms, b.ms) / 1000);
console.log(`ours: 10000 candidates, 156 weeks x 6 channels, ${threads} threads: ${a.ms.toFixed(0)} ms, ${b.ms.toFixed(0)} ms (${ours.toFixed(0)} candidates/s); identical output: ${a.hash === b.hash}`);

const dir = mkdtempSync(join(tmpdir(), 'mmm-bench-'));
const { header, rows } = weeklyDataToCsvRows(s.data);
const csv = join(dir, 'weekly.csv');
writeFileSync(csv, toCsv(header, rows));
try {
  const out = execFileSync('/usr/bin/python3', ['/work/shared/peers/mmm_sklearn.py', csv, String(peerCandidates), '1'], { encoding: 'utf8' });
  const m = /\((\d+)\/s\)/.exec(out);
  console.log(`peer (numpy + scikit-learn Ridge, 1 process): ${out.trim().split('\n')[0]}`);
  if (m) console.log(`ratio: ${(ours / Number(m[1])).toFixed(1)}x`);
} catch (e) {
  console.log(`peer not run (${(e as Error).message.split('\n')[0]}); install python3-sklearn and run with /usr/bin/python3`);
}
