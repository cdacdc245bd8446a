/**
 * Runs every benchmark in turn, each in its own process, and prints their
 * figures (none of them passes or fails on time): `npm run bench`.
 * Pass names to run a subset: `npm run bench -- mmm simulate`.
 */
import { spawnSync } from 'node:child_process';

const ALL = ['weekly', 'ingest', 'mmm', 'clv', 'optimise', 'simulate', 'report'];
const chosen = process.argv.slice(2).length ? process.argv.slice(2) : ALL;
for (const name of chosen) {
  if (!ALL.includes(name)) throw new Error(`unknown benchmark "${name}" (have: ${ALL.join(', ')})`);
  console.log(`\n## ${name}\n`);
  const r = spawnSync(process.execPath, ['bin/run-ts.mjs', `bench/${name}.bench.ts`], { stdio: 'inherit' });
  if (r.status !== 0) process.exitCode = 1;
}
