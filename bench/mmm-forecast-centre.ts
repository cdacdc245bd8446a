/**
 * Where the forecast's P50 total comes from (issue 12 follow-up): on the
 * backtest's data sets and origins (bench/simulate-backtest.ts), fits the MMM
 * once per variant of --variants (a JSON array of FitOptions) and prints, per
 * variant, the median and max |z| and the origins with |z| <= 2 of
 *   - P50: the Monte Carlo P50 total (what `mmm simulate` reports),
 *   - draws: the median over parameter draws of each draw's mean-path total,
 *   - point: the point model's own mean-path total,
 *   - recentred: the Monte Carlo bands shifted week by week by (point model's mean path - the draws'
 *     median mean path), i.e. the draws' spread around the point model (weekly coverage beside it),
 *   - oracle: least squares on the true media series (oracleForecast),
 * z = (total - noise-free truth total) / (noise sd x sqrt(weeks)).
 *   node bin/run-ts.mjs bench/mmm-forecast-centre.ts [--foundation-seeds 42,7] [--synthetic-seeds 1,2] [--variants JSON] [--rows]
 */
import { oracleForecast } from '../src/lab/index.ts';
import { backtestCases } from './backtest-cases.ts';
import { fitMmm, predictBaseline } from '../src/mmm/index.ts';
import type { FitOptions } from '../src/mmm/types.ts';
import { sliceWeekly } from '../src/mmm/design.ts';
import { meanPath, modelForDraw, simulatePlans } from '../src/simulate/index.ts';
import type { Plan } from '../src/simulate/index.ts';
import { quantileSorted } from '../src/core/quantile.ts';
import { arg } from './args.ts';

const foundationSeeds = arg('foundation-seeds', '42,7').split(',').filter(Boolean).map(Number);
const syntheticSeeds = arg('synthetic-seeds', '1,2').split(',').filter(Boolean).map(Number);
const variants = JSON.parse(arg('variants', '[{}]')) as FitOptions[];
const showRows = process.argv.includes('--rows');
const cases = await backtestCases(foundationSeeds, syntheticSeeds);
const runs: [number, number][] = [...[104, 117, 130, 143, 156, 169].map((o) => [o, 13] as [number, number]), ...[104, 130, 156].map((o) => [o, 26] as [number, number])];
const sum = (a: Float64Array) => a.reduce((s, v) => s + v, 0);
const summary = (zs: number[]) => {
  const abs = zs.map(Math.abs).sort((a, b) => a - b);
  return `${quantileSorted(abs, 0.5).toFixed(2)} / ${abs[abs.length - 1].toFixed(2)} / ${abs.filter((v) => v <= 2).length}/${abs.length}`;
};

console.log('| variant | data | weeks in P5-P95 (recentred) | P50: median / max abs z / origins <= 2 | draws median | point model | recentred P50 | oracle |');
console.log('|---|---|---|---|---|---|---|---|');
for (const v of variants) {
  const z: Record<string, Record<'p50' | 'draws' | 'point' | 'recentred' | 'oracle', number[]>> = {};
  const cover: Record<string, [number, number, number]> = {};
  for (const c of cases) {
    const group = c.name.split(' ')[0];
    const g = (z[group] ??= { p50: [], draws: [], point: [], recentred: [], oracle: [] });
    for (const [origin, horizon] of runs) {
      const end = origin + horizon;
      const fit = await fitMmm(sliceWeekly(c.data, 0, origin), { trials: 5, iterations: 2000, bootstrap: 200, ...v, seed: 1 });
      const future = sliceWeekly(c.data, origin, end);
      const plan: Plan = {
        dates: future.dates,
        spend: Object.fromEntries(future.channels.map((ch) => [ch.name, ch.values])),
        controls: Object.fromEntries(future.controls.map((ch) => [ch.name, ch.values])),
      };
      const sim = await simulatePlans(fit.model, fit.draws, [plan], { draws: 10_000, seed: 1, threads: 1 });
      const truth = sum(c.expected.subarray(origin, end));
      const paths = fit.draws.map((d) => meanPath(modelForDraw(fit.model, d), plan));
      const pointPath = meanPath(fit.model, plan);
      const delta = Float64Array.from(pointPath, (p, t) => p - quantileSorted(Float64Array.from(paths, (q) => q[t]).sort(), 0.5));
      const cv = (cover[group] ??= [0, 0, 0]);
      sim.plans[0].weekly.forEach((w, t) => {
        cv[0] += future.target[t] >= w.p5 && future.target[t] <= w.p95 ? 1 : 0;
        cv[1] += future.target[t] >= w.p5 + delta[t] && future.target[t] <= w.p95 + delta[t] ? 1 : 0;
        cv[2]++;
      });
      const scale = c.noiseSd * Math.sqrt(horizon);
      const drawTotals = fit.draws.map((d) => sum(meanPath(modelForDraw(fit.model, d), plan))).sort((a, b) => a - b);
      const oracle = sum(oracleForecast(c.data, c.trueMedia, origin, { period: c.period }).subarray(origin, end));
      const row = {
        p50: (sim.plans[0].total.p50 - truth) / scale,
        draws: (quantileSorted(drawTotals, 0.5) - truth) / scale,
        point: (sum(pointPath) - truth) / scale,
        recentred: (sim.plans[0].total.p50 + sum(delta) - truth) / scale,
        oracle: (oracle - truth) / scale,
      };
      for (const k of ['p50', 'draws', 'point', 'recentred', 'oracle'] as const) g[k].push(row[k]);
      if (showRows) {
        const base = (m: typeof fit.model) => sum(predictBaseline(m, plan.dates, plan.controls).total);
        const drawBase = fit.draws.map((d) => base(modelForDraw(fit.model, d))).sort((a, b) => a - b);
        const medBase = quantileSorted(drawBase, 0.5);
        console.error(`  baseline: point ${((base(fit.model) - truth) / scale).toFixed(2)} draws median ${((medBase - truth) / scale).toFixed(2)} (z units vs the whole truth total)`);
      }
      if (showRows)
        console.error(
          `${JSON.stringify(v)} ${c.name} origin ${origin} h ${horizon}: ${Object.entries(row)
            .map(([k, x]) => `${k} ${x.toFixed(2)}`)
            .join(', ')}`,
        );
    }
  }
  for (const [group, g] of Object.entries(z))
    console.log(
      `| ${JSON.stringify(v)} | ${group} | ${((100 * cover[group][0]) / cover[group][2]).toFixed(1)}% (${((100 * cover[group][1]) / cover[group][2]).toFixed(1)}%) of ${cover[group][2]} | ${summary(g.p50)} | ${summary(g.draws)} | ${summary(g.point)} | ${summary(g.recentred)} | ${summary(g.oracle)} |`,
    );
}
