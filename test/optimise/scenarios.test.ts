import { describe, expect, it } from 'vitest';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ValidationError } from '../../src/core/errors.ts';
import { allocateBudget, budgetScenarios } from '../../src/optimise/index.ts';
import type { AllocationProblem, CurveSpec, Scenario } from '../../src/optimise/index.ts';
import { runOptimiseCommand } from '../../pipelines/optimise.ts';
import { tempDir } from '../helpers/tmp.ts';

/** Two log channels: beta 20, s 4 and beta 30, s 2. */
const LOGS = [
  { beta: 20, s: 4 },
  { beta: 30, s: 2 },
];

/** Log-curve plan where every channel's marginal ROI is lambda: beta / (s + x) = lambda -> x = beta / lambda - s. */
const logPlan = (lambda: number) => LOGS.map((c) => Math.max(0, c.beta / lambda - c.s));
const logRevenue = (x: number[]) => LOGS.reduce((s, c, i) => s + c.beta * Math.log(1 + x[i] / c.s), 0);

function logProblem(extra: Partial<AllocationProblem> = {}): AllocationProblem {
  return {
    budget: 10,
    margin: 0.5,
    channels: LOGS.map((c, i) => ({ name: `c${i}`, response: { type: 'log', beta: c.beta, s: c.s } as CurveSpec, current: 5 })),
    ...extra,
  };
}

const byId = (scenarios: Scenario[], id: Scenario['id']) => scenarios.find((s) => s.id === id)!;

describe('budgetScenarios against closed forms (log curves, no bounds)', () => {
  it('re-split, profit, target marginal ROAS and target ROAS budgets and splits', async () => {
    const s = await budgetScenarios(logProblem(), { targetMarginalRoas: 3, targetRoas: 2.5 });
    // re-split of 10: equal marginal ROI lambda with sum (beta/lambda - s) = 10 -> lambda = (20 + 30) / (10 + 4 + 2)
    const resplit = byId(s.scenarios, 'resplit').plan!;
    const lambda = 50 / 16;
    expect(resplit.allocation.c0).toBeCloseTo(logPlan(lambda)[0], 4);
    expect(resplit.marginalRoas!).toBeCloseTo(lambda, 4);
    // profit at margin 0.5: lambda = 2 -> (6, 13)
    const profit = byId(s.scenarios, 'profit').plan!;
    expect(profit.spend).toBeCloseTo(19, 4);
    expect(profit.allocation.c1).toBeCloseTo(13, 4);
    expect(profit.profit).toBeCloseTo(0.5 * logRevenue([6, 13]) - 19, 8);
    expect(profit.atBound).toEqual({ c0: null, c1: null });
    // target marginal ROAS 3: (20/3 - 4, 30/3 - 2)
    const mroas = byId(s.scenarios, 'targetMarginalRoas').plan!;
    expect(mroas.spend).toBeCloseTo(20 / 3 - 4 + 8, 4);
    expect(mroas.marginalRoas!).toBeCloseTo(3, 4);
    // target ROAS 2.5: on the equal-marginal-ROI path the ROAS falls as lambda falls; bisect for ROAS = 2.5
    let lo = 1e-3;
    let hi = 5;
    for (let it = 0; it < 200; it++) {
      const mid = 0.5 * (lo + hi);
      const x = logPlan(mid);
      if (logRevenue(x) / (x[0] + x[1]) >= 2.5) hi = mid;
      else lo = mid;
    }
    const xRoas = logPlan(hi);
    const roas = byId(s.scenarios, 'targetRoas').plan!;
    expect(roas.roas!).toBeGreaterThanOrEqual(2.5 - 1e-9);
    expect(roas.spend / (xRoas[0] + xRoas[1]) - 1).toBeLessThan(1e-3);
    expect(Math.abs(roas.allocation.c0 / xRoas[0] - 1)).toBeLessThan(1e-3);
  });

  it('the current plan is evaluated as it is (revenue from the formula)', async () => {
    const s = await budgetScenarios(logProblem(), { targetMarginalRoas: 3, targetRoas: 2.5 });
    const cur = byId(s.scenarios, 'current');
    expect(cur.problem).toBeNull();
    expect(cur.plan!.revenue).toBeCloseTo(logRevenue([5, 5]), 12);
    expect(cur.plan!.profit).toBeCloseTo(0.5 * logRevenue([5, 5]) - 10, 12);
    expect(s.breakEvenRoi).toBe(2);
  });

  it('Hill curves (alpha 1): the profit budget from x = sqrt(m beta k) - k', async () => {
    const hills = [
      { beta: 40, k: 5 },
      { beta: 90, k: 10 },
      { beta: 12, k: 8 },
    ];
    const m = 0.4;
    const s = await budgetScenarios({
      budget: 20,
      margin: m,
      channels: hills.map((h, i) => ({ name: `h${i}`, response: { type: 'hill', beta: h.beta, alpha: 1, k: h.k }, current: 20 / 3 })),
    });
    const want = hills.map((h) => Math.max(0, Math.sqrt(m * h.beta * h.k) - h.k)); // 4.142, 8.974, 0 (sqrt(38.4) < 8)
    const plan = byId(s.scenarios, 'profit').plan!;
    hills.forEach((_, i) => expect(plan.allocation[`h${i}`]).toBeCloseTo(want[i], 3));
    expect(plan.atBound.h2).toBe('min');
    for (const i of [0, 1]) expect(Math.abs(plan.marginalRoi[`h${i}`]! * m - 1)).toBeLessThan(0.01);
  });
});

describe('budgetScenarios: agreement, bounds and bands', () => {
  it('each scenario equals allocateBudget, and the `mmm optimise` command, on the problem it records', async () => {
    const s = await budgetScenarios(logProblem({ channels: logProblem().channels!.map((c) => ({ ...c, recent: 5, minMultiple: 0.5, maxMultiple: 2 })) }), { targetMarginalRoas: 3 });
    const t = tempDir('mmm-scenarios-');
    try {
      for (const sc of s.scenarios.filter((x) => x.problem)) {
        const direct = await allocateBudget(sc.problem!);
        expect(direct.status).toBe('optimal');
        expect(direct.allocation).toEqual(sc.plan!.allocation);
        expect(direct.revenue).toBe(sc.plan!.revenue);
        expect(direct.profit).toBe(sc.plan!.profit);
        const file = join(t.dir, `${sc.id}.json`);
        await writeFile(file, JSON.stringify(sc.problem));
        await runOptimiseCommand({ problem: file, out: join(t.dir, `${sc.id}-out.json`) });
        const viaCommand = JSON.parse(await readFile(join(t.dir, `${sc.id}-out.json`), 'utf8'));
        for (const [k, v] of Object.entries(sc.plan!.allocation)) expect(viaCommand.allocation[k]).toBeCloseTo(v, 9);
      }
    } finally {
      t.cleanup();
    }
  });

  it('says which bound binds when the limits, not break-even, decide the profit budget', async () => {
    // every channel's marginal ROI at half its recent spend is below break-even 1/0.1 = 10
    const s = await budgetScenarios(logProblem({ margin: 0.1, channels: logProblem().channels!.map((c) => ({ ...c, recent: 5, minMultiple: 0.5, maxMultiple: 2 })) }));
    const p = byId(s.scenarios, 'profit');
    expect(p.plan!.atBound).toEqual({ c0: 'min', c1: 'min' });
    expect(p.plan!.spend).toBeCloseTo(5, 9);
    expect(p.note).toMatch(/every channel is at its minimum/);
    // the reason in numbers: marginal ROI at 2.5 is 20/6.5 and 30/4.5, both below 10
    expect(p.plan!.marginalRoi.c0!).toBeCloseTo(20 / 6.5, 9);
    expect(p.plan!.marginalRoi.c1!).toBeCloseTo(30 / 4.5, 9);
  });

  it('a ROAS no plan can reach is reported as infeasible with the reason, the other scenarios stand', async () => {
    const s = await budgetScenarios(logProblem({ channels: logProblem().channels!.map((c) => ({ ...c, min: 2 })) }), { targetRoas: 50 });
    const r = byId(s.scenarios, 'targetRoas');
    expect(r.status).toBe('infeasible');
    expect(r.plan).toBeNull();
    expect(r.note).toBe('no plan within the channel limits reaches a ROAS of 50.0');
    expect(byId(s.scenarios, 'profit').status).toBe('ok');
  });

  it('bands: P5/P50/P95 of revenue and profit under scaled curve draws, from the order statistics of the scales', async () => {
    // draw d scales both betas by f_d, so the revenue of any plan is f_d x its point revenue
    const factors = Array.from({ length: 21 }, (_, d) => 0.6 + 0.04 * ((d * 7) % 21)); // a permutation of 0.6 .. 1.4
    const draws = factors.map((f) => Object.fromEntries(LOGS.map((c, i) => [`c${i}`, { type: 'log', beta: f * c.beta, s: c.s } as CurveSpec])));
    const s = await budgetScenarios(logProblem(), { curveDraws: draws });
    const sorted = [...factors].sort((a, b) => a - b);
    // type-7 quantiles of 21 values: p5 = 2nd smallest (h = 20 x 0.05 = 1), p50 = 11th, p95 = 20th
    const [f5, f50, f95] = [sorted[1], sorted[10], sorted[19]];
    for (const sc of s.scenarios) {
      const p = sc.plan!;
      expect(p.bands!.revenue.p5).toBeCloseTo(f5 * p.revenue, 8);
      expect(p.bands!.revenue.p50).toBeCloseTo(f50 * p.revenue, 8);
      expect(p.bands!.revenue.p95).toBeCloseTo(f95 * p.revenue, 8);
      expect(p.bands!.profit.p5).toBeCloseTo(0.5 * f5 * p.revenue - p.spend, 8);
    }
    for (const pt of s.sweep) expect(pt.bands!.revenue.p95).toBeCloseTo(f95 * pt.revenue!, 8);
    expect(s.draws).toBe(21);
  });

  it('the sweep: revenue rises with the budget, profit peaks at the profit scenario, each point an optimal split', async () => {
    const s = await budgetScenarios(logProblem(), { sweep: { points: 11 } });
    expect(s.sweep).toHaveLength(11);
    const best = byId(s.scenarios, 'profit').plan!;
    for (let i = 1; i < s.sweep.length; i++) expect(s.sweep[i].revenue!).toBeGreaterThan(s.sweep[i - 1].revenue!);
    for (const pt of s.sweep) {
      expect(pt.profit!).toBeLessThanOrEqual(best.profit + 1e-9);
      // optimal split of budget B: lambda = 50 / (B + 6) while both channels spend
      const lambda = 50 / (pt.budget + 6);
      if (logPlan(lambda).every((x) => x > 0)) expect(pt.revenue!).toBeCloseTo(logRevenue(logPlan(lambda)), 5);
    }
    expect(s.sweep[0].budget).toBeCloseTo(5, 12); // half the current budget
    // 5% past the largest scenario budget (the default target ROAS, 0.8 x the current plan's, spends the most)
    const largest = Math.max(...s.scenarios.map((x) => x.plan!.spend));
    expect(largest).toBeGreaterThan(20);
    expect(s.sweep[10].budget).toBeCloseTo(1.05 * largest, 9);
  });

  it('is deterministic', async () => {
    const a = JSON.stringify(await budgetScenarios(logProblem()));
    expect(JSON.stringify(await budgetScenarios(logProblem()))).toBe(a);
  });

  it('refuses what it cannot answer, naming the key', async () => {
    const bad: [AllocationProblem, unknown, RegExp][] = [
      [{ ...logProblem(), objective: 'clv' }, {}, /^objective: budget scenarios compare revenue and profit; got "clv"$/],
      [{ periods: [{ budget: 1, channels: logProblem().channels! }] }, {}, /^periods: budget scenarios need a single-period problem$/],
      [{ budget: 10, channels: [{ name: 'a', response: { type: 'log', beta: 1, s: 1 } }] }, {}, /^current: budget scenarios need the current spend/],
      [logProblem(), { targetRoas: -1 }, /^targetRoas: must be a finite number > 0, got -1$/],
      [logProblem(), { sweep: { points: 1 } }, /^sweep.points: must be an integer from 2 to 201, got 1$/],
      [logProblem(), { sweep: { from: 8, to: 4 } }, /^sweep: "to" \(4\) must be above "from" \(8\)$/],
    ];
    for (const [problem, options, message] of bad) {
      await expect(budgetScenarios(problem, options as never)).rejects.toThrow(ValidationError);
      await expect(budgetScenarios(problem, options as never)).rejects.toThrow(message);
    }
  });
});
