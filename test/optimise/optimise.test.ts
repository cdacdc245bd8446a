import { describe, expect, it } from 'vitest';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Rng } from '../../src/core/rng.ts';
import { ValidationError } from '../../src/core/errors.ts';
import {
  allocateBudget,
  constraintViolations,
  defaultProblemFromCurves,
  evaluatePlan,
  loadHighs,
  evaluateUnderCurveDraws,
  marginalRoi,
  resolveProblem,
  responseValue,
} from '../../src/optimise/index.ts';
import type { AllocationProblem, ChannelSpec, CurveSpec } from '../../src/optimise/index.ts';
import { runOptimiseCommand } from '../../pipelines/optimise.ts';
import { solveCore } from '../../src/optimise/allocate.ts';

const hill = (beta: number, alpha: number, k: number): CurveSpec => ({ type: 'hill', beta, alpha, k });
const log = (beta: number, s: number): CurveSpec => ({ type: 'log', beta, s });

/** True objective of a spend vector (revenue objective, weights 1). */
function revenueOf(curves: CurveSpec[], x: number[]): number {
  return curves.reduce((s, c, i) => s + responseValue(c, x[i]), 0);
}

/** Checks every constraint of the problem on the true curves. */
function expectFeasible(problem: AllocationProblem, allocation: Record<string, number>) {
  const { problem: resolved } = resolveProblem(problem);
  const X = [resolved.channelNames.map((n) => allocation[n])];
  expect(X[0].every((v) => v >= 0)).toBe(true);
  expect(constraintViolations(resolved, X, 1e-7)).toEqual([]);
}

describe('response curves', () => {
  it('hill at x = k gives half of beta; log at e-1 gives beta (definitions)', () => {
    expect(responseValue(hill(9, 2, 1.5), 1.5)).toBeCloseTo(4.5, 12);
    expect(responseValue(log(2, 1), Math.E - 1)).toBeCloseTo(2, 12);
    // marginal of log at x: beta / (s + x) = 2 / 2
    expect(marginalRoi(log(2, 1), 1)).toBeCloseTo(1, 12);
  });
  it('marginal ROI agrees with a central finite difference', () => {
    for (const c of [hill(9, 2, 1.5), hill(4, 0.7, 2), log(3, 0.5)]) {
      for (const x of [0.3, 1, 2.7, 8]) {
        const h = 1e-6;
        const fd = (responseValue(c, x + h) - responseValue(c, x - h)) / (2 * h);
        expect(marginalRoi(c, x)).toBeCloseTo(fd, 6);
      }
    }
  });
  it('points interpolate, start from (0,0) and stay flat after the last point; tiers fill in order', () => {
    const p: CurveSpec = { type: 'points', spend: [2, 4], response: [4, 5] };
    expect(responseValue(p, 1)).toBe(2);
    expect(responseValue(p, 3)).toBe(4.5);
    expect(responseValue(p, 10)).toBe(5);
    expect(marginalRoi(p, 10)).toBe(0);
    const t: CurveSpec = { type: 'tiers', tiers: [{ width: 2, roi: 1 }, { width: 3, roi: 3 }, { roi: 0.5 }] };
    // 2*1 + 3*3 + 1*0.5
    expect(responseValue(t, 6)).toBe(11.5);
    expect(marginalRoi(t, 3)).toBe(3);
  });
});

describe('optimality against independent references', () => {
  it('concave curves: equal marginal ROI on channels not at a bound (KKT), randomised seeded instances', async () => {
    const rng = new Rng(11);
    for (let rep = 0; rep < 6; rep++) {
      const n = 3 + rng.int(4);
      const channels: ChannelSpec[] = Array.from({ length: n }, (_, i) => ({
        name: `c${i}`,
        response: rng.uniform() < 0.5 ? log(1 + 5 * rng.uniform(), 0.5 + 2 * rng.uniform()) : hill(3 + 8 * rng.uniform(), 0.5 + 0.5 * rng.uniform(), 1 + 3 * rng.uniform()),
        max: 2 + 6 * rng.uniform(),
      }));
      const problem: AllocationProblem = { budget: 8, channels };
      const r = await allocateBudget(problem);
      expect(r.status).toBe('optimal');
      expectFeasible(problem, r.allocation);
      expect(Object.values(r.allocation).reduce((s, v) => s + v, 0)).toBeCloseTo(8, 9);
      const interior = channels.filter((c) => r.allocation[c.name] > 1e-6 && r.allocation[c.name] < c.max! - 1e-6);
      const mroi = interior.map((c) => marginalRoi(c.response!, r.allocation[c.name]));
      for (const m of mroi) expect(Math.abs(m - mroi[0]) / mroi[0]).toBeLessThan(2e-3);
      // channels at their max earn at least the common marginal ROI, channels at 0 at most
      for (const c of channels) {
        const m = marginalRoi(c.response!, r.allocation[c.name]);
        if (mroi.length && r.allocation[c.name] >= c.max! - 1e-6) expect(m).toBeGreaterThanOrEqual(mroi[0] * (1 - 2e-3));
        if (mroi.length && r.allocation[c.name] <= 1e-6) expect(m).toBeLessThanOrEqual(mroi[0] * (1 + 2e-3));
      }
    }
  });

  it('the analytic optimum of two log curves: a = 3, b = 7 (1/(1+a) = 2/(1+b), a + b = 10)', async () => {
    const r = await allocateBudget({
      budget: 10,
      channels: [
        { name: 'a', response: log(1, 1) },
        { name: 'b', response: log(2, 1) },
      ],
    });
    expect(r.allocation.a).toBeCloseTo(3, 4);
    expect(r.allocation.b).toBeCloseTo(7, 4);
    expect(r.objective).toBeCloseTo(Math.log(4) + 2 * Math.log(8), 8);
    // budget shadow price = common marginal ROI 1/(1+3)
    expect(r.binding.find((b) => b.id === 'budget')!.shadowPrice!).toBeCloseTo(0.25, 3);
  });

  it('S-curves: matches brute-force grid enumeration over 2 and 3 channels (global, not local optimum)', async () => {
    const rng = new Rng(5);
    for (let rep = 0; rep < 4; rep++) {
      const n = rep < 2 ? 2 : 3;
      const curves = Array.from({ length: n }, () => hill(4 + 8 * rng.uniform(), 2 + 2 * rng.uniform(), 1 + 3 * rng.uniform()));
      const budget = 3 + 5 * rng.uniform();
      const problem: AllocationProblem = { budget, channels: curves.map((c, i) => ({ name: `c${i}`, response: c })) };
      const r = await allocateBudget(problem);
      expect(r.status).toBe('optimal');
      expectFeasible(problem, r.allocation);
      // brute force: fine grid over the simplex (last channel takes the rest)
      const steps = n === 2 ? 20000 : 600;
      let best = -Infinity;
      for (let a = 0; a <= steps; a++) {
        if (n === 2) best = Math.max(best, revenueOf(curves, [(a / steps) * budget, budget - (a / steps) * budget]));
        else {
          for (let b = 0; a + b <= steps; b++) {
            best = Math.max(best, revenueOf(curves, [(a / steps) * budget, (b / steps) * budget, budget - ((a + b) / steps) * budget]));
          }
        }
      }
      expect(r.objective!).toBeGreaterThanOrEqual(best * (1 - 1e-3));
      expect(r.objective!).toBeLessThanOrEqual(best * (1 + 1e-3) + 1e-9);
    }
  });

  it('S-curves: the proven bound (MIP on upper-bounding PWLs) certifies the plan within 0.1% and is never beaten', async () => {
    const highs = await loadHighs();
    // small: brute force over two channels lies between the returned objective and the bound
    const two = [hill(6, 3, 2), hill(9, 2.5, 3.5)];
    const small = resolveProblem({ budget: 5, channels: two.map((c, i) => ({ name: `c${i}`, response: c })) }).problem;
    const coreSmall = solveCore(highs, small);
    let brute = -Infinity;
    for (let a = 0; a <= 20000; a++) brute = Math.max(brute, revenueOf(two, [(a / 20000) * 5, 5 - (a / 20000) * 5]));
    const valueSmall = evaluatePlan(small, coreSmall.X).objective;
    expect(coreSmall.bound).toBeGreaterThanOrEqual(brute - 1e-9);
    expect(valueSmall).toBeGreaterThanOrEqual(brute * (1 - 1e-3));
    expect((coreSmall.bound - valueSmall) / valueSmall).toBeLessThanOrEqual(1e-3);
    // larger randomised instance: 14 S-curve channels, minIfActive, a group cap and a ratio
    const rng = new Rng(23);
    const n = 14;
    const curves = Array.from({ length: n }, () => hill(4 + 10 * rng.uniform(), 1.5 + 2 * rng.uniform(), 1 + 4 * rng.uniform()));
    const problem: AllocationProblem = {
      budget: 40,
      channels: curves.map((c, i) => ({ name: `c${i}`, response: c, max: 12, ...(i % 3 === 0 ? { minIfActive: 2 } : {}) })),
      constraints: [
        { type: 'group', channels: ['c0', 'c1', 'c2', 'c3'], max: 12 },
        { type: 'ratio', left: ['c4'], right: ['c5'], sense: '<=', factor: 1.5 },
      ],
    };
    const resolved = resolveProblem(problem).problem;
    const core = solveCore(highs, resolved);
    const r = await allocateBudget(problem);
    expect(r.status).toBe('optimal');
    expectFeasible(problem, r.allocation);
    expect(Number.isFinite(core.bound)).toBe(true);
    expect(core.bound).toBeGreaterThanOrEqual(r.objective! - 1e-9);
    expect((core.bound - r.objective!) / r.objective!).toBeLessThanOrEqual(1e-3);
    // no feasible plan beats the bound: seeded random plans (budget split by normalised exponentials)
    for (let s = 0; s < 3000; s++) {
      const w = curves.map(() => -Math.log(1 - rng.uniform()) * (rng.uniform() < 0.3 ? 0 : 1));
      const tot = w.reduce((a, v) => a + v, 0);
      if (!(tot > 0)) continue;
      const X = [w.map((v) => (v / tot) * 40)];
      if (constraintViolations(resolved, X, 1e-9).length > 0) continue;
      const v = evaluatePlan(resolved, X).objective;
      expect(v).toBeLessThanOrEqual(core.bound + 1e-9);
      expect(v).toBeLessThanOrEqual(r.objective! + 1e-9);
    }
  });

  it('tiers with rising ROI (MIP) and a minIfActive rule match brute force', async () => {
    const tiered: CurveSpec = {
      type: 'tiers',
      tiers: [
        { width: 2, roi: 0.5 },
        { width: 2, roi: 3 },
        { width: 4, roi: 0.2 },
      ],
    };
    const flat: CurveSpec = { type: 'tiers', tiers: [{ width: 10, roi: 1.2 }] };
    const problem: AllocationProblem = {
      budget: 5,
      channels: [
        { name: 't', response: tiered },
        { name: 'f', response: flat, minIfActive: 2 },
      ],
    };
    const r = await allocateBudget(problem);
    let best = -Infinity;
    for (let a = 0; a <= 5000; a++) {
      const x = (a / 5000) * 5;
      const y = 5 - x;
      if (y > 1e-12 && y < 2) continue;
      best = Math.max(best, revenueOf([tiered, flat], [x, y]));
    }
    // tiers 0.5*2 + 3*2 = 7 at t = 4, then f = 1 < 2 not allowed; t = 5 -> 7.2; t = 3, f = 2 -> 4 + 2.4
    expect(best).toBeCloseTo(7.2, 9);
    expect(r.objective!).toBeCloseTo(best, 6);
    expectFeasible(problem, r.allocation);
  });

  it('LP with group and ratio constraints: equals exhaustive enumeration of the tier vertices', async () => {
    // concave tiers (falling ROI) make a pure LP; with integer widths, caps and factor 1 the optimum lies on the integer grid
    const curves: CurveSpec[] = [
      {
        type: 'tiers',
        tiers: [
          { width: 2, roi: 3 },
          { width: 3, roi: 1 },
          { width: 5, roi: 0.2 },
        ],
      },
      {
        type: 'tiers',
        tiers: [
          { width: 1, roi: 2.5 },
          { width: 4, roi: 1.5 },
          { width: 5, roi: 0.1 },
        ],
      },
      {
        type: 'tiers',
        tiers: [
          { width: 3, roi: 2 },
          { width: 7, roi: 0.9 },
        ],
      },
    ];
    const problem: AllocationProblem = {
      budget: 9,
      spendAll: false,
      channels: curves.map((c, i) => ({ name: `c${i}`, response: c, max: 10 })),
      constraints: [
        { type: 'group', channels: ['c0', 'c1'], max: 5 },
        { type: 'ratio', left: ['c2'], right: ['c1'], sense: '<=', factor: 1 },
      ],
    };
    const r = await allocateBudget(problem);
    let best = -Infinity;
    const step = 0.25;
    for (let a = 0; a <= 10; a += step)
      for (let b = 0; b <= 10; b += step)
        for (let c = 0; c <= 10; c += step) {
          if (a + b + c > 9 + 1e-12 || a + b > 5 + 1e-12 || c > b + 1e-12) continue;
          best = Math.max(best, revenueOf(curves, [a, b, c]));
        }
    expect(r.solver!.method).toBe('lp');
    expect(r.objective!).toBeCloseTo(best, 9);
    expectFeasible(problem, r.allocation);
  });

  it('budget shadow price of an LP matches a finite-difference re-solve', async () => {
    const base: AllocationProblem = {
      budget: 6,
      channels: [
        { name: 'a', response: log(3, 1) },
        { name: 'b', response: hill(5, 0.8, 2), max: 2 },
        { name: 'c', response: log(1, 0.5) },
      ],
    };
    const r = await allocateBudget(base);
    const r2 = await allocateBudget({ ...base, budget: 6.01 });
    const fd = (r2.objective! - r.objective!) / 0.01;
    expect(r.binding.find((b) => b.id === 'budget')!.shadowPrice!).toBeCloseTo(fd, 2);
  });

  it("a channel's minimum and maximum: the shadow price is what loosening the limit gains (a finite-difference re-solve)", async () => {
    // c returns little, so its minimum binds; b returns much, so its maximum binds.
    const base: AllocationProblem = {
      budget: 6,
      channels: [
        { name: 'a', response: log(3, 1) },
        { name: 'b', response: hill(5, 0.8, 2), max: 1 },
        { name: 'c', response: log(0.2, 0.5), min: 1 },
      ],
    };
    const r = await allocateBudget(base);
    const price = (id: string) => r.binding.find((b) => b.id === id)!.shadowPrice!;
    const loosened = async (i: number, key: 'min' | 'max', by: number) => {
      const channels = base.channels!.map((c, j) => (j === i ? { ...c, [key]: c[key]! + by } : c));
      return ((await allocateBudget({ ...base, channels })).objective! - r.objective!) / Math.abs(by);
    };
    expect(price('channels[c].min')).toBeGreaterThan(0);
    expect(price('channels[c].min')).toBeCloseTo(await loosened(2, 'min', -0.01), 2);
    expect(price('channels[b].max')).toBeGreaterThan(0);
    expect(price('channels[b].max')).toBeCloseTo(await loosened(1, 'max', 0.01), 2);
  });

  it('a group floor and a ROAS floor: the shadow price is what lowering the floor gains (a finite-difference re-solve)', async () => {
    const channels: AllocationProblem['channels'] = [
      { name: 'a', response: log(3, 1) },
      { name: 'b', response: hill(5, 0.8, 2), max: 1 },
      { name: 'c', response: log(0.2, 0.5) },
    ];
    const gain = async (p: AllocationProblem, q: AllocationProblem, by: number) => ((await allocateBudget(q)).objective! - (await allocateBudget(p)).objective!) / by;
    // c returns little: a floor on its group binds.
    const group = (min: number): AllocationProblem => ({ budget: 6, channels, constraints: [{ type: 'group', channels: ['c'], min }] });
    const g = (await allocateBudget(group(1))).binding.find((b) => b.id === 'constraints[0]')!;
    expect(g.shadowPrice!).toBeGreaterThan(0);
    expect(g.shadowPrice!).toBeCloseTo(await gain(group(1), group(0.99), 0.01), 2);
    // Without a budget the revenue objective spends while the ROAS floor allows: the floor binds.
    const roas = (value: number): AllocationProblem => ({ channels, constraints: [{ type: 'roasFloor', value }] });
    const r = (await allocateBudget(roas(1.5))).binding.find((b) => b.id === 'constraints[0]')!;
    expect(r.shadowPrice!).toBeGreaterThan(0);
    expect(r.shadowPrice!).toBeCloseTo(await gain(roas(1.5), roas(1.49), 0.01), 1);
  });
});

describe('constraints always hold', () => {
  it('randomised seeded problems with every constraint kind give feasible, non-negative allocations', async () => {
    const rng = new Rng(23);
    for (let rep = 0; rep < 8; rep++) {
      const n = 4 + rng.int(3);
      const channels: ChannelSpec[] = Array.from({ length: n }, (_, i) => ({
        name: `c${i}`,
        response: rng.uniform() < 0.5 ? hill(5 + 5 * rng.uniform(), 0.7 + 2 * rng.uniform(), 1 + 2 * rng.uniform()) : log(2 + 4 * rng.uniform(), 1),
        max: 6,
        ...(i === 0 ? { minIfActive: 1.5 } : {}),
        ...(i === 1 ? { min: 0.5 } : {}),
      }));
      const problem: AllocationProblem = {
        budget: 10,
        spendAll: rng.uniform() < 0.5,
        channels,
        constraints: [
          { type: 'group', channels: ['c0', 'c1', 'c2'], max: 6 },
          { type: 'group', channels: ['c3'], min: 1 },
          { type: 'ratio', left: ['c2'], right: ['c3'], sense: '<=', factor: 1.5 },
          { type: 'roasFloor', value: 0.8 },
        ],
      };
      const r = await allocateBudget(problem);
      expect(r.status).toBe('optimal');
      expectFeasible(problem, r.allocation);
    }
  });
});

describe('multi-period plans', () => {
  it('respects stability limits, solves jointly at least as well as rolling, and reports both', async () => {
    const problem: AllocationProblem = {
      maxChange: 1,
      channels: [
        { name: 'a', response: log(2, 1), max: 8 },
        { name: 'b', response: log(2, 1), max: 8 },
      ],
      periods: [
        { budget: 6, channels: [{ name: 'a', response: log(6, 1) }] },
        { budget: 6, channels: [{ name: 'b', response: log(6, 1) }] },
        { budget: 6, channels: [{ name: 'a', response: log(6, 1) }] },
      ],
    };
    const r = await allocateBudget(problem);
    expect(r.status).toBe('optimal');
    expect(r.periods).toHaveLength(3);
    for (let t = 1; t < 3; t++) {
      for (const nm of ['a', 'b']) expect(Math.abs(r.periods![t].allocation[nm] - r.periods![t - 1].allocation[nm])).toBeLessThanOrEqual(1 + 1e-7);
    }
    expect(r.rolling!.status).toBe('optimal');
    expect(r.objective!).toBeGreaterThanOrEqual(r.rolling!.objective! - 1e-6);
    const { problem: resolved } = resolveProblem(problem);
    expect(
      constraintViolations(
        resolved,
        r.periods!.map((p) => ['a', 'b'].map((n) => p.allocation[n])),
      ),
    ).toEqual([]);
  });

  it('reinvestment raises the next period budget by rate x revenue', async () => {
    const r = await allocateBudget({
      reinvestRate: 0.5,
      channels: [{ name: 'a', response: log(2, 1) }],
      periods: [
        { budget: 2, channels: [] },
        { budget: 1, channels: [] },
      ],
    });
    const rev0 = responseValue(log(2, 1), 2);
    expect(r.periods![1].spend).toBeCloseTo(1 + 0.5 * rev0, 6);
  });
});

describe('infeasible, unbounded and malformed problems', () => {
  it('a group floor above its channels maximums is infeasible with the conflict named', async () => {
    const r = await allocateBudget({
      budget: 10,
      spendAll: false,
      channels: [
        { name: 'a', response: log(1, 1), max: 2 },
        { name: 'b', response: log(1, 1), max: 2 },
        { name: 'c', response: log(1, 1) },
      ],
      constraints: [{ type: 'group', name: 'ab', channels: ['a', 'b'], min: 5 }],
    });
    expect(r.status).toBe('infeasible');
    expect(r.conflict!.constraints).toEqual(['constraints[0] "ab"', 'channels[a].max', 'channels[b].max']);
  });

  it('a ROAS floor no allocation reaches is infeasible and the deletion filter names it with the budget', async () => {
    const r = await allocateBudget({
      budget: 10,
      channels: [
        { name: 'a', response: log(1, 1) },
        { name: 'b', response: log(1, 1) },
      ],
      constraints: [{ type: 'roasFloor', value: 2 }],
    });
    expect(r.status).toBe('infeasible');
    expect(r.conflict!.constraints).toEqual(['budget', 'constraints[0]']);
  });

  it('a budget below the channel minimums is infeasible with the budget and the minimums named, amounts rounded', async () => {
    const two = (min: number) => [
      { name: 'a', response: log(1, 1), min },
      { name: 'b', response: log(1, 1), min },
    ];
    const r = await allocateBudget({ budget: 10, channels: two(6) });
    expect(r.status).toBe('infeasible');
    expect(r.conflict).toEqual({ constraints: ['budget', 'channels[a].min', 'channels[b].min'], explanation: 'the budget 10 is below the channel minimums, which add up to 12' });
    // A minimum that keeps a channel active raises it to minIfActive: max(1, 4) = 4 > 3.
    const raised = await allocateBudget({ budget: 3, channels: [{ name: 'a', response: log(1, 1), min: 1, minIfActive: 4 }] });
    expect(raised.conflict?.explanation).toBe('the budget 3 is below the channel minimums, which add up to 4');
    const odd = await allocateBudget({ budget: 10 / 3, channels: two(2.123456) });
    expect(odd.conflict?.explanation).toBe('the budget 3.33 is below the channel minimums, which add up to 4.25');
    const period = await allocateBudget({ channels: [{ name: 'a', response: log(1, 1), min: 2 }], periods: [{ budget: 3 }, { budget: 1 }] });
    expect(period.conflict).toEqual({ constraints: ['periods[1].budget', 'periods[1].channels[a].min'], explanation: 'the budget 1 is below the channel minimums, which add up to 2' });
    // With reinvestment a later period also spends the earlier revenue: minimums of 4 + 4 over a base budget of 5 can hold.
    const reinvest = await allocateBudget({
      reinvestRate: 1,
      channels: [
        { name: 'a', response: log(100, 1) },
        { name: 'b', response: log(100, 1) },
      ],
      periods: [
        { budget: 10 },
        {
          budget: 5,
          channels: [
            { name: 'a', min: 4 },
            { name: 'b', min: 4 },
          ],
        },
      ],
    });
    expect(reinvest.status).toBe('optimal');
  });

  it('no budget, spend at most, and an unlimited tier is unbounded', async () => {
    const r = await allocateBudget({ spendAll: false, channels: [{ name: 'a', response: { type: 'tiers', tiers: [{ width: 5, roi: 2 }, { roi: 1 }] } }] });
    expect(r.status).toBe('unbounded');
  });

  const base = () =>
    ({
      budget: 10,
      channels: [
        { name: 'a', response: log(1, 1) },
        { name: 'b', response: hill(2, 1, 1) },
      ],
    }) as Record<string, unknown>;
  const cases: [string, (p: Record<string, unknown>) => void, string][] = [
    ['unknown channel in a constraint', (p) => (p.constraints = [{ type: 'ratio', left: ['a'], right: ['tv'], sense: '<=' }]), 'constraints[0].right[0]: unknown channel "tv"'],
    ['negative budget', (p) => (p.budget = -1), 'budget: must be >= 0'],
    [
      'min > max',
      (p) => {
        (p.channels as ChannelSpec[])[1].min = 3;
        (p.channels as ChannelSpec[])[1].max = 2;
      },
      'channels[1]: min 3 > max 2 for channel "b"',
    ],
    ['bad curve parameter', (p) => ((p.channels as ChannelSpec[])[1].response = hill(2, 1, -1)), 'channels[1].response.k: must be > 0'],
    ['unknown key', (p) => (p.budgett = 3), 'unknown key "budgett" (allowed: budget, spendAll, objective, margin, '],
  ];
  for (const [what, mutate, message] of cases) {
    it(`malformed: ${what} -> ValidationError naming the path`, async () => {
      const p = base();
      mutate(p);
      const err = await allocateBudget(p as AllocationProblem).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ValidationError);
      expect((err as Error).message.startsWith(message)).toBe(true);
    });
  }
});

describe('explanation, robustness and the default problem', () => {
  it('reports change and uplift against the current plan', async () => {
    const r = await allocateBudget({
      budget: 10,
      channels: [
        { name: 'a', response: log(1, 1) },
        { name: 'b', response: log(2, 1) },
      ],
      current: { a: 5, b: 5 },
    });
    expect(r.againstCurrent!.change.a).toBeCloseTo(-2, 4);
    expect(r.againstCurrent!.uplift).toBeCloseTo(Math.log(4) + 2 * Math.log(8) - 3 * Math.log(6), 6);
  });

  it('robustness: identical draws give a degenerate band; a scaled draw scales the objective', async () => {
    const problem = {
      budget: 10,
      channels: [
        { name: 'a', response: log(1, 1) },
        { name: 'b', response: log(2, 1) },
      ],
    };
    const r = await allocateBudget(problem);
    const { problem: resolved } = resolveProblem(problem);
    const plan = [[r.allocation.a, r.allocation.b]];
    const s = evaluateUnderCurveDraws(resolved, plan, [{}, { a: log(2, 1), b: log(4, 1) }]);
    expect(s.values[0]).toBeCloseTo(r.objective!, 12);
    expect(s.values[1]).toBeCloseTo(2 * r.objective!, 12);
    expect(s.p5).toBeLessThanOrEqual(s.p95);
  });

  it('default problem: 13-week spend as budget, 0.5x-2x bounds, current = recent; the solution respects them', async () => {
    const curves = [
      { name: 'tv', response: hill(30, 1.5, 4), recentSpend: 52 },
      { name: 'search', response: log(10, 1), recentSpend: 26 },
    ];
    const problem = defaultProblemFromCurves(curves);
    expect(problem.budget).toBeCloseTo(6, 12);
    const r = await allocateBudget(problem);
    expect(r.status).toBe('optimal');
    expect(r.allocation.tv).toBeGreaterThanOrEqual(2 - 1e-9);
    expect(r.allocation.tv).toBeLessThanOrEqual(8 + 1e-9);
    expect(r.againstCurrent!.current).toEqual({ tv: 4, search: 2 });
    expect(r.againstCurrent!.uplift).toBeGreaterThanOrEqual(-1e-9);
  });

  it('runOptimiseCommand writes the result; an infeasible problem is written with its status', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'mmm-opt-'));
    const problemPath = join(dir, 'p.json');
    await writeFile(problemPath, JSON.stringify({ budget: 10, channels: [{ name: 'a', response: log(1, 1), max: 2 }] }));
    const r = await runOptimiseCommand({ problem: problemPath, out: join(dir, 'out.json') });
    expect(r.status).toBe('infeasible');
    const written = JSON.parse(await readFile(join(dir, 'out.json'), 'utf8'));
    expect(written.status).toBe('infeasible');
    await writeFile(problemPath, '{"budget": 1, "channels": [{"name": "a", "response": {"type": "log", "beta": 1, "s": 0}}]}');
    await expect(runOptimiseCommand({ problem: problemPath, out: join(dir, 'out.json') })).rejects.toThrow(`${problemPath}: channels[0].response.s: must be > 0`);
  });
});
