import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/core/rng.ts';
import { ValidationError } from '../../src/core/errors.ts';
import { allocateBudget, parseAllocationProblem, resolveProblem } from '../../src/optimise/index.ts';
import type { AllocationProblem, ChannelSpec, CurveSpec } from '../../src/optimise/index.ts';

const hill = (beta: number, alpha: number, k: number): CurveSpec => ({ type: 'hill', beta, alpha, k });
const log = (beta: number, s: number): CurveSpec => ({ type: 'log', beta, s });

/**
 * Closed-form profit-maximising spend of one channel, unconstrained:
 * - log: m beta / (s + x) = 1  ->  x = m beta - s (0 when negative);
 * - hill alpha = 1: m beta k / (x + k)^2 = 1  ->  x = sqrt(m beta k) - k (0 when negative).
 */
function closedFormSpend(c: CurveSpec, margin: number): number {
  if (c.type === 'log') return Math.max(0, margin * c.beta - c.s);
  if (c.type === 'hill' && c.alpha === 1) return Math.max(0, Math.sqrt(margin * c.beta * c.k) - c.k);
  throw new Error('no closed form');
}

/** Profit of one channel written out from the curve formulas (not the library's responseValue). */
function profitOf(c: CurveSpec, margin: number, x: number): number {
  if (c.type === 'log') return margin * c.beta * Math.log(1 + x / c.s) - x;
  if (c.type === 'hill') return x <= 0 ? 0 : (margin * c.beta * x ** c.alpha) / (x ** c.alpha + c.k ** c.alpha) - x;
  throw new Error('unsupported');
}

/** Marginal ROI written out: log beta/(s+x); hill beta a k^a x^(a-1) / (x^a + k^a)^2. */
function mroiOf(c: CurveSpec, x: number): number {
  if (c.type === 'log') return c.beta / (c.s + x);
  if (c.type === 'hill') return (c.beta * c.alpha * c.k ** c.alpha * x ** (c.alpha - 1)) / (x ** c.alpha + c.k ** c.alpha) ** 2;
  throw new Error('unsupported');
}

describe('the "profit" objective (margin x revenue - spend)', () => {
  it('spends each unbounded concave channel up to its closed-form break-even point', async () => {
    const channels: ChannelSpec[] = [
      { name: 'tv', response: log(20, 4) }, // m = 0.5: x = 10 - 4 = 6
      { name: 'search', response: hill(40, 1, 5) }, // m = 0.5: x = sqrt(100) - 5 = 5
      { name: 'print', response: log(6, 4) }, // m = 0.5: 3 - 4 < 0 -> 0
    ];
    const r = await allocateBudget({ objective: 'profit', margin: 0.5, channels });
    expect(r.status).toBe('optimal');
    expect(r.allocation.tv).toBeCloseTo(6, 3);
    expect(r.allocation.search).toBeCloseTo(5, 3);
    expect(r.allocation.print).toBeCloseTo(0, 6);
    expect(r.breakEvenRoi).toBe(2);
    expect(r.marginalRoi.tv!).toBeCloseTo(2, 3);
    expect(r.marginalRoi.search!).toBeCloseTo(2, 3);
    // print: the first unit already returns less than break-even (6/4 = 1.5 < 2), and its minimum is 0
    expect(r.atBound).toEqual({ tv: null, search: null, print: 'min' });
    const expected = profitOf(channels[0].response!, 0.5, 6) + profitOf(channels[1].response!, 0.5, 5);
    expect(r.profit!).toBeCloseTo(expected, 6);
    expect(r.objective!).toBeCloseTo(expected, 6);
  });

  it('at the optimum every channel not at a bound has marginal ROI 1/margin within 1%, on seeded log and Hill families', async () => {
    const rng = new Rng(5);
    for (let rep = 0; rep < 8; rep++) {
      const margin = 0.3 + 0.6 * rng.uniform();
      const n = 3 + rng.int(4);
      const curves = Array.from({ length: n }, () => (rep % 2 === 0 ? log(2 + 30 * rng.uniform(), 1 + 5 * rng.uniform()) : hill(10 + 60 * rng.uniform(), 1, 1 + 6 * rng.uniform())));
      // bounds around the closed-form optimum so some bind: max below it or min above it for a third of the channels
      const channels: ChannelSpec[] = curves.map((c, i) => {
        const x = closedFormSpend(c, margin);
        if (i % 3 === 1 && x > 0.5) return { name: `c${i}`, response: c, max: 0.5 * x };
        if (i % 3 === 2) return { name: `c${i}`, response: c, min: 1.5 * x + 1 };
        return { name: `c${i}`, response: c };
      });
      const r = await allocateBudget({ objective: 'profit', margin, channels });
      expect(r.status).toBe('optimal');
      channels.forEach((ch, i) => {
        const x = r.allocation[ch.name];
        const bound = r.atBound![ch.name];
        if (ch.max !== undefined) expect(bound).toBe('max');
        else if (ch.min !== undefined) expect(bound).toBe('min');
        else if (closedFormSpend(curves[i], margin) === 0) expect(bound).toBe('min');
        else {
          expect(bound).toBeNull();
          expect(Math.abs(mroiOf(curves[i], x) * margin - 1)).toBeLessThan(0.01);
          expect(x).toBeCloseTo(closedFormSpend(curves[i], margin), 2);
        }
        // a channel held at its max still pays more than break-even at the margin; one held at its min less
        if (bound === 'max') expect(mroiOf(curves[i], x) * margin).toBeGreaterThan(1);
        if (bound === 'min' && x > 0) expect(mroiOf(curves[i], x) * margin).toBeLessThan(1);
      });
    }
  });

  it('S-curves: the global optimum found by brute force over a grid, including switching a channel off', async () => {
    // profit of an S-curve is negative for small spend: the optimum is 0 or past the inflection
    const curves = [hill(100, 2.5, 10), hill(30, 3, 15), hill(60, 2, 8)];
    const margin = 0.6;
    const r = await allocateBudget({ objective: 'profit', margin, channels: curves.map((c, i) => ({ name: `s${i}`, response: c })) });
    expect(r.status).toBe('optimal');
    curves.forEach((c, i) => {
      let best = 0;
      let bestX = 0;
      for (let x = 0; x <= 100; x += 0.001) {
        const p = profitOf(c, margin, x);
        if (p > best) {
          best = p;
          bestX = x;
        }
      }
      expect(r.allocation[`s${i}`]).toBeCloseTo(bestX, 1);
      expect(profitOf(c, margin, r.allocation[`s${i}`])).toBeGreaterThanOrEqual(best - 1e-3 * Math.max(1, best));
    });
    // s1: 0.6 x 30 = 18 at most, reached only far past k = 15 -> never pays: off
    expect(r.allocation.s1).toBe(0);
  });

  it('treats the budget as an upper limit: below the break-even spend it is spent in full with a common marginal ROI above 1/margin', async () => {
    const channels: ChannelSpec[] = [
      { name: 'a', response: log(20, 4) },
      { name: 'b', response: log(30, 2) },
    ];
    // unconstrained optimum at m = 0.5: a = 6, b = 13 (sum 19)
    const capped = await allocateBudget({ objective: 'profit', margin: 0.5, budget: 10, channels });
    expect(capped.spend!).toBeCloseTo(10, 6);
    // equal marginal ROI: 20/(4+a) = 30/(2+b), a + b = 10 -> a = (20*12 - 30*4 + ... ) closed form below
    // 20 (2 + b) = 30 (4 + a), b = 10 - a -> 240 - 20a = 120 + 30a -> a = 2.4, b = 7.6
    expect(capped.allocation.a).toBeCloseTo(2.4, 3);
    expect(capped.allocation.b).toBeCloseTo(7.6, 3);
    expect(capped.binding.map((b) => b.id)).toContain('budget');
    const loose = await allocateBudget({ objective: 'profit', margin: 0.5, budget: 40, channels });
    expect(loose.spend!).toBeCloseTo(19, 3);
    expect(loose.binding.map((b) => b.id)).not.toContain('budget');
    // spendAll: true restores "spend it all" (then the best split of 40)
    const all = await allocateBudget({ objective: 'profit', margin: 0.5, budget: 40, spendAll: true, channels });
    expect(all.spend!).toBeCloseTo(40, 6);
  });

  it('every result reports profit and break-even against the given margin, and the change in profit against the current plan', async () => {
    const problem: AllocationProblem = {
      budget: 10,
      margin: 0.4,
      channels: [
        { name: 'a', response: log(20, 4), current: 7 },
        { name: 'b', response: log(30, 2), current: 3 },
      ],
    };
    const r = await allocateBudget(problem);
    expect(r.objectiveKind).toBe('revenue');
    expect(r.breakEvenRoi).toBeCloseTo(2.5, 12);
    const rev = 20 * Math.log(1 + r.allocation.a / 4) + 30 * Math.log(1 + r.allocation.b / 2);
    expect(r.profit!).toBeCloseTo(0.4 * rev - 10, 6);
    const curRev = 20 * Math.log(1 + 7 / 4) + 30 * Math.log(1 + 3 / 2);
    expect(r.againstCurrent!.currentProfit).toBeCloseTo(0.4 * curRev - 10, 9);
    expect(r.againstCurrent!.profitUplift).toBeCloseTo(0.4 * (rev - curRev), 6);
  });

  it('refuses a margin outside (0, 1] naming the key', () => {
    const base = { objective: 'profit' as const, channels: [{ name: 'a', response: log(1, 1) }] };
    for (const margin of [0, -0.2, 1.5, Number.NaN]) {
      expect(() => parseAllocationProblem({ ...base, margin })).toThrow(ValidationError);
    }
    expect(() => parseAllocationProblem({ ...base, margin: 1.5 })).toThrow(/^margin: must be <= 1$/);
    expect(() => parseAllocationProblem({ ...base, margin: 0 })).toThrow(/^margin: must be > 0$/);
    expect(() => parseAllocationProblem({ ...base, margin: '0.4' })).toThrow(/^margin: must be a number$/);
    expect(resolveProblem(base).problem.margin).toBe(1);
    expect(resolveProblem(base).problem.spendAll).toBe(false);
    expect(resolveProblem({ ...base, objective: 'revenue' }).problem.spendAll).toBe(true);
  });
});
