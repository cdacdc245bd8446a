import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/core/rng.ts';
import { alphaPriorTerm, createEvaluator, evaluateCandidate, predictWeek, solvePrefix } from '../../src/mmm/kernel.ts';
import type { SearchSpec } from '../../src/mmm/search.ts';

/** A small random search problem: 3 baseline columns, 3 channels, 3 rolling folds of 10 weeks. */
function spec(seed: number, alphaPrior = 0): SearchSpec {
  const n = 80;
  const nb = 3;
  const nc = 3;
  const rng = new Rng(seed, 1);
  const baseline = Float64Array.from({ length: nb * n }, (_, i) => (i < n ? i % n : rng.normal()));
  const spend = Float64Array.from({ length: nc * n }, () => (rng.uniform() < 0.2 ? 0 : 1000 * rng.uniform()));
  const y = Float64Array.from({ length: n }, (_, t) => 5000 + 3 * t + 0.5 * spend[t] + 0.3 * spend[n + t] + 100 * rng.normal());
  const dims = nc * 3 + 1;
  const lower = new Float64Array(dims);
  const upper = new Float64Array(dims);
  for (let j = 0; j < nc; j++) {
    lower.set([0, 0.5, 0.3], j * 3);
    upper.set([0.8, 3, 1], j * 3);
  }
  lower[dims - 1] = -5;
  upper[dims - 1] = -1;
  const logScale = new Uint8Array(dims);
  logScale[dims - 1] = 1;
  return {
    nWeeks: n,
    warmup: 0,
    cuts: Int32Array.from([50, 60, 70]),
    horizon: 10,
    nBase: nb,
    nChannels: nc,
    nMedia: nc,
    y,
    baseline,
    baseSign: new Int8Array(nb),
    interceptSign: 0,
    spend,
    maxFam: 1,
    famCount: new Int8Array(nc).fill(1),
    famAd: new Int8Array(nc),
    famSat: new Int8Array(nc),
    famLo: new Float64Array(4 * nc),
    famHi: new Float64Array(4 * nc),
    famLog: new Uint8Array(4 * nc),
    hpOff: Int32Array.from([0, 3, 6, 9]),
    alphaDim: Int32Array.from([1, 4, 7]),
    normalised: false,
    dims,
    lower,
    upper,
    logScale,
    alphaPrior,
    calChannel: new Int32Array(0),
    calFrom: new Int32Array(0),
    calTo: new Int32Array(0),
    calLift: new Float64Array(0),
    calWeight: 0,
  };
}

describe('search kernel', () => {
  it('scores validation and in-sample error from the Gram matrices exactly as week-by-week predictions do', () => {
    const sp = spec(7);
    const st = createEvaluator(sp);
    expect(st.aligned).toBe(true);
    const rng = new Rng(9, 0);
    const u = new Float64Array(sp.dims);
    const out = new Float64Array(3);
    for (let trial = 0; trial < 30; trial++) {
      for (let d = 0; d < sp.dims; d++) u[d] = rng.uniform();
      evaluateCandidate(st, u, 0, out, 0);
      // Direct: refit each prefix and predict its validation block week by week.
      let sse = 0;
      let cnt = 0;
      const lambda = st.hp[sp.dims - 1];
      for (let k = 0; k < 3; k++) {
        solvePrefix(st, k, lambda);
        for (let t = st.ends[k]; t < st.ends[k] + 10; t++) {
          sse += (st.yc[t] - predictWeek(st, t)) ** 2;
          cnt++;
        }
      }
      solvePrefix(st, 3, lambda);
      let sseAll = 0;
      for (let t = 0; t < 80; t++) sseAll += (st.yc[t] - predictWeek(st, t)) ** 2;
      expect(out[0]).toBeCloseTo(Math.sqrt(sse / cnt) / st.vRange, 9);
      expect(out[2]).toBeCloseTo(Math.sqrt(sseAll / 80) / st.aRange, 9);
    }
  });
});

describe('alpha prior', () => {
  it('is 0 at the geometric middle of the alpha range and 1 per channel at either end', () => {
    // two channels, layout [theta, alpha, gamma]; alpha range [0.5, 2]: middle sqrt(0.5 * 2) = 1
    const lower = Float64Array.from([0, 0.5, 0.3, 0, 0.5, 0.3]);
    const upper = Float64Array.from([0.8, 2, 1, 0.8, 2, 1]);
    const at = (a1: number, a2: number): number => alphaPriorTerm(Float64Array.from([0.2, a1, 0.5, 0.2, a2, 0.5]), Int32Array.from([1, 4]), lower, upper);
    expect(at(1, 1)).toBeCloseTo(0, 14);
    expect(at(2, 1)).toBeCloseTo(1, 14);
    expect(at(0.5, 2)).toBeCloseTo(2, 14);
    // z = ln(a) / ln(2): a = sqrt(2) gives z = 1/2
    expect(at(Math.SQRT2, 1)).toBeCloseTo(0.25, 14);
    // a fixed alpha (lo = hi) adds nothing
    expect(alphaPriorTerm(Float64Array.from([0.2, 3, 0.5]), Int32Array.from([1]), Float64Array.from([0, 3, 0.3]), Float64Array.from([0.8, 3, 1]))).toBe(0);
  });
  it('scales the validation NRMSE by (1 + w x term) and leaves the other scores alone', () => {
    const w = 0.1;
    const plain = createEvaluator(spec(7));
    const withPrior = createEvaluator(spec(7, w));
    const rng = new Rng(3, 0);
    const u = new Float64Array(10);
    const a = new Float64Array(3);
    const b = new Float64Array(3);
    for (let trial = 0; trial < 10; trial++) {
      for (let d = 0; d < 10; d++) u[d] = rng.uniform();
      evaluateCandidate(plain, u, 0, a, 0);
      evaluateCandidate(withPrior, u, 0, b, 0);
      const term = alphaPriorTerm(withPrior.hp, withPrior.alphaDim, withPrior.lower, withPrior.upper);
      expect(b[0]).toBeCloseTo(a[0] * (1 + w * term), 14);
      expect(b[1]).toBe(a[1]);
      expect(b[2]).toBe(a[2]);
    }
  });
});

describe('consensusCandidate', () => {
  it('takes the near-best member closest to the per-channel medians, ignoring candidates outside the tolerance', async () => {
    const { consensusCandidate } = await import('../../src/mmm/search.ts');
    // (validation NRMSE, RSSD, train NRMSE) per candidate; candidate 3 is outside 1.05 x best.
    const scores = Float64Array.from([0.1, 0, 0, 0.104, 0, 0, 0.102, 0, 0, 0.2, 0, 0, 0.103, 0, 0]);
    const contrib = [
      [10, 0],
      [30, 5],
      [20, 2],
      [0, 0],
      [21, 3],
    ];
    const r = consensusCandidate(scores, 5, 0.05, 100, (i) => Float64Array.from(contrib[i]));
    // members 0, 2, 4, 1 (by NRMSE); medians (20.5, 2.5); L1 distances 13, 1, 1, 12 -> first of the tie: 2
    expect(r.members).toEqual([0, 2, 4, 1]);
    expect(r.chosen).toBe(2);
    expect(() => consensusCandidate(Float64Array.from([NaN, 0, 0]), 1, 0.05, 10, () => new Float64Array(1))).toThrow('consensusCandidate: no candidate has a finite validation error');
  });
});
