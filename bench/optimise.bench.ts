/**
 * Budget optimiser benchmark (figures only, never pass/fail):
 *  1. 20 channels with S-shaped Hill curves and every constraint kind
 *     (bounds, minIfActive, group cap and floor, ratio, ROAS floor), target < 200 ms;
 *  2. 52 periods x 20 channels with seasonal concave curves and a stability
 *     limit (maxChange), target < 2 s;
 *  3. the same 20 S-curve channels with objective "profit" (margin 0.5, the
 *     budget an upper limit);
 *  4. budget scenarios (current, re-split, profit, target marginal ROAS,
 *     target ROAS, a 21-point sweep) of 6 Hill channels under 200 curve draws,
 *     the size of the weekly pipeline's problem;
 *  5. checking (zod schema) and resolving problems 1 and 2 alone, once per
 *     solve in every run above (CPU time per problem, median of 7 batches).
 * Figures: wall-clock and process CPU time (user + system; HiGHS WebAssembly is
 * single-threaded, so CPU time is the solve cost even when other processes
 * load the machine), medians over several runs after one warm-up run (the
 * first MIP of a process pays WebAssembly compilation/JIT warm-up).
 * Run: node bin/run-ts.mjs bench/optimise.bench.ts
 */
import { Rng } from '../src/core/rng.ts';
import { allocateBudget, budgetScenarios, defaultProblemFromCurves, loadHighs, parseAllocationProblem, resolveProblem } from '../src/optimise/index.ts';
import { solveCore } from '../src/optimise/allocate.ts';
import type { AllocationProblem, ChannelSpec, CurveSpec } from '../src/optimise/index.ts';

function sCurveProblem(seed: number): AllocationProblem {
  const rng = new Rng(seed);
  const channels: ChannelSpec[] = Array.from({ length: 20 }, (_, i) => ({
    name: `c${i}`,
    response: { type: 'hill', beta: 5 + 10 * rng.uniform(), alpha: 1.5 + 1.5 * rng.uniform(), k: 2 + 4 * rng.uniform() },
    max: 15,
    ...(i % 4 === 0 ? { minIfActive: 2 } : {}),
    ...(i % 5 === 1 ? { min: 1 } : {}),
  }));
  return {
    budget: 80,
    spendAll: true,
    channels,
    constraints: [
      { type: 'group', channels: ['c0', 'c1', 'c2', 'c3', 'c4'], max: 20 },
      { type: 'group', channels: ['c10', 'c11', 'c12'], min: 6 },
      { type: 'ratio', left: ['c5'], right: ['c6', 'c7'], sense: '<=', factor: 0.5 },
      { type: 'roasFloor', value: 1.2 },
    ],
  };
}

function multiPeriodProblem(seed: number): AllocationProblem {
  const rng = new Rng(seed);
  const base = Array.from({ length: 20 }, (_, i) => ({ name: `c${i}`, beta: 5 + 10 * rng.uniform(), k: 2 + 4 * rng.uniform(), log: i % 2 === 0 }));
  return {
    spendAll: true,
    maxChange: 1.5,
    channels: base.map((b) => ({ name: b.name, max: 15, response: { type: 'log', beta: 1, s: 1 } })),
    periods: Array.from({ length: 52 }, (_, t) => {
      const season = 1 + 0.3 * Math.sin((2 * Math.PI * t) / 52);
      return {
        budget: 80 * season,
        channels: base.map((b, i) => ({
          name: b.name,
          response: b.log ? { type: 'log' as const, beta: b.beta * (1 + 0.2 * Math.sin((2 * Math.PI * (t + i)) / 52)), s: b.k } : { type: 'hill' as const, beta: b.beta * season, alpha: 0.8, k: b.k },
        })),
      };
    }),
  };
}

const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
const median = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)];

async function time<T>(label: string, runs: number, fn: () => Promise<T>): Promise<T> {
  let last = await fn(); // warm-up
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let r = 0; r < runs; r++) {
    const t0 = performance.now();
    const c0 = cpuMs();
    last = await fn();
    cpu.push(cpuMs() - c0);
    wall.push(performance.now() - t0);
  }
  console.log(
    `${label}: wall median ${median(wall).toFixed(1)} ms (min ${Math.min(...wall).toFixed(1)}, max ${Math.max(...wall).toFixed(1)}), ` +
      `CPU median ${median(cpu).toFixed(1)} ms (min ${Math.min(...cpu).toFixed(1)}) over ${runs} runs`,
  );
  return last;
}

const t0 = performance.now();
await loadHighs();
console.log(`HiGHS load (once per process): ${(performance.now() - t0).toFixed(1)} ms`);

for (const seed of [1, 2, 3]) {
  const s = await time(`20 channels, S-curves, all constraint kinds (seed ${seed})`, 7, () => allocateBudget(sCurveProblem(seed)));
  const core = solveCore(await loadHighs(), resolveProblem(parseAllocationProblem(sCurveProblem(seed))).problem);
  const gap = (core.bound - s.objective!) / Math.abs(s.objective!);
  console.log(
    `  status ${s.status}, objective ${s.objective?.toFixed(4)}, proven bound ${core.bound.toFixed(4)} (gap ${(100 * gap).toFixed(3)}%), method ${s.solver?.method}, solves ${s.solver?.solves}, binding ${s.binding.length}`,
  );
}
const m = await time('52 periods x 20 channels, maxChange (joint + rolling)', 3, () => allocateBudget(multiPeriodProblem(2)));
console.log(
  `  status ${m.status}, joint objective ${m.objective?.toFixed(4)}, rolling objective ${m.rolling?.objective?.toFixed(4)}, method ${m.solver?.method}, solves ${m.solver?.solves}, segments ${m.solver?.segments}`,
);

const profit = await time('20 channels, S-curves, objective "profit" (margin 0.5)', 7, () => allocateBudget({ ...sCurveProblem(1), objective: 'profit', margin: 0.5, spendAll: false }));
console.log(`  status ${profit.status}, spend ${profit.spend?.toFixed(2)} of budget 80, profit ${profit.profit?.toFixed(4)}, method ${profit.solver?.method}, solves ${profit.solver?.solves}`);

/** Six Hill channels like the weekly pipeline's (recent spend 2-15k per week) and 200 draws scaling each curve. */
function scenarioInput(seed: number): { problem: AllocationProblem; draws: Record<string, CurveSpec>[] } {
  const rng = new Rng(seed);
  const curves = Array.from({ length: 6 }, (_, i) => {
    const recent = 2000 + 13000 * rng.uniform();
    return {
      name: `c${i}`,
      response: { type: 'hill' as const, beta: recent * (1 + 2 * rng.uniform()), alpha: 0.8 + 1.5 * rng.uniform(), k: recent * (0.5 + rng.uniform()) },
      recentSpend: 13 * recent,
    };
  });
  const draws = Array.from({ length: 200 }, () => Object.fromEntries(curves.map((c) => [c.name, { ...c.response, beta: c.response.beta * (0.7 + 0.6 * rng.uniform()) }])));
  return { problem: { ...defaultProblemFromCurves(curves), margin: 0.6 }, draws };
}
const sc = scenarioInput(1);
const scen = await time('budget scenarios, 6 channels, 200 draws, 21-point sweep', 3, () => budgetScenarios(sc.problem, { curveDraws: sc.draws }));
console.log(`  ${scen.scenarios.map((x) => `${x.id} ${x.status}${x.plan ? ` ${x.plan.spend.toFixed(0)}` : ''}`).join(', ')}; sweep ${scen.sweep.length} points`);

/** CPU time of checking and resolving a problem, per problem (batches of n after a warm-up). */
function checkCost(label: string, problem: AllocationProblem, n: number): void {
  const once = () => resolveProblem(parseAllocationProblem(problem));
  for (let i = 0; i < n; i++) once();
  const per: number[] = [];
  for (let r = 0; r < 7; r++) {
    const c0 = cpuMs();
    for (let i = 0; i < n; i++) once();
    per.push((cpuMs() - c0) / n);
  }
  console.log(`check + resolve, ${label}: CPU median ${(1000 * median(per)).toFixed(0)} us per problem (min ${(1000 * Math.min(...per)).toFixed(0)})`);
}
checkCost('20 channels, every constraint kind', sCurveProblem(1), 1000);
checkCost('52 periods x 20 channels', multiPeriodProblem(2), 50);
