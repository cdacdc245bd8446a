import { afterAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { dayToIso } from '../../src/core/csv.ts';
import { Rng } from '../../src/core/rng.ts';
import { generateWeeklyData } from '../../src/lab/index.ts';
import { buildSearchProblem, resolveFitOptions } from '../../src/mmm/index.ts';
import { createEvaluator, evaluateCandidate } from '../../src/mmm/kernel.ts';
import { EvaluatorPool, claimCandidate } from '../../src/mmm/search-worker.ts';

describe('claimCandidate', () => {
  it('gives each number of a batch once, and a claimant still holding the last batch nothing of the next', () => {
    const ctrl = new Int32Array(new SharedArrayBuffer(6 * 4));
    // Batch 1: numbers 0-2, all taken.
    expect([claimCandidate(ctrl, 3), claimCandidate(ctrl, 3), claimCandidate(ctrl, 3), claimCandidate(ctrl, 3)]).toEqual([0, 1, 2, -1]);
    // Batch 2 (numbers 3-6) opens while a late claimant still holds batch 1's end: it gets nothing, and skips nothing.
    expect(claimCandidate(ctrl, 3)).toBe(-1);
    const taken = [claimCandidate(ctrl, 7), claimCandidate(ctrl, 7)];
    expect(claimCandidate(ctrl, 3)).toBe(-1);
    taken.push(claimCandidate(ctrl, 7), claimCandidate(ctrl, 7), claimCandidate(ctrl, 7));
    expect(taken).toEqual([3, 4, 5, 6, -1]);
    expect(Atomics.load(ctrl, 1)).toBe(7);
  });
});

describe('searchWorkerSource', () => {
  it('serialises the kernel under the loader mmm runs with (tsx), not only under the test runner', () => {
    const r = spawnSync(process.execPath, [fileURLToPath(new URL('../../bin/run-ts.mjs', import.meta.url)), fileURLToPath(new URL('../helpers/worker-source.ts', import.meta.url))], {
      encoding: 'utf8',
    });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(Number(r.stdout)).toBeGreaterThan(1000);
  });
});

describe('EvaluatorPool', () => {
  const s = generateWeeklyData({ seed: 4, channels: 2, noise: 0.05, weeks: 60 });
  const pr = buildSearchProblem(s.data, resolveFitOptions({ fourierOrder: 1, adstock: 'geometric', saturation: 'hill' }));
  const D = pr.dims;
  let pool: EvaluatorPool | null = null;
  afterAll(async () => pool?.close());

  it('scores thousands of batches of changing sizes exactly as this thread does alone', async () => {
    pool = await EvaluatorPool.acquire(pr.spec, 1, 12, D);
    expect(sameAsLocal(pool, pr.spec, 3000)).toBe(0);
  });

  it('the same for the posterior with a lift study and a ROAS prior (every kernel function serialises into the worker)', async () => {
    const lifted = buildSearchProblem(
      s.data,
      resolveFitOptions({
        fourierOrder: 1,
        adstock: 'geometric',
        saturation: 'hill',
        calibration: [{ channel: s.data.channels[0].name, from: dayToIso(s.data.dates[20]), to: dayToIso(s.data.dates[27]), lift: 1e5 }],
      }),
    );
    const z = new Float64Array(lifted.nc);
    const spec = {
      ...lifted.spec,
      posterior: { nu: 60, roasMean: Float64Array.from(z, () => 2), roasSd: Float64Array.from(z, () => 0.5), roasLogMean: z, roasLogSd: z, shareMean: z, shareSd: z, liftSe: Float64Array.from([1e4]) },
    };
    await pool?.close();
    pool = await EvaluatorPool.acquire(spec, 1, 12, D);
    expect(sameAsLocal(pool, spec, 500)).toBe(0);
  });

  /** Batches of 1-12 random candidates scored by the pool and by this thread alone: the count of batches that differ. */
  function sameAsLocal(p: EvaluatorPool, spec: unknown, batches: number): number {
    const mine = createEvaluator(spec);
    const alone = (u: Float64Array, from: number, to: number, out: Float64Array) => {
      for (let i = from; i < to; i++) evaluateCandidate(mine, u, i * D, out, i * 3);
    };
    const rng = new Rng(11, 1);
    let mismatches = 0;
    for (let b = 0; b < batches; b++) {
      const count = 1 + Math.floor(rng.uniform() * 12);
      const units = new Float64Array(count * D);
      for (let i = 0; i < units.length; i++) units[i] = rng.uniform();
      const got = p.evaluate(units, count, D, alone);
      const want = new Float64Array(count * 3);
      alone(units, 0, count, want);
      if (got.some((v) => Number.isNaN(v)) || got.length !== want.length || got.some((v, i) => !Object.is(v, want[i]))) mismatches++;
    }
    return mismatches;
  }
});
