/**
 * Monte Carlo speed: 10,000 draws x 52 weeks x 10 channels (issue 6 target:
 * under 2 s on 2 cores), single-threaded and on every core, with the check
 * that both give the same bytes.
 *   node bin/run-ts.mjs bench/simulate.bench.ts
 */
import { cpus } from 'node:os';
import { fitMmm } from '../src/mmm/index.ts';
import { generateWeeklyData } from '../src/lab/index.ts';
import type { WeeklyData } from '../src/mmm/types.ts';
import { simulatePlans, type Plan } from '../src/simulate/index.ts';

// Ten channels: two synthetic five-channel mixes on the same weeks, effects added.
const a = generateWeeklyData({ seed: 1, weeks: 156, channels: 5 });
const b = generateWeeklyData({ seed: 2, weeks: 156, channels: 5 });
const data: WeeklyData = {
  ...a.data,
  target: Float64Array.from(a.data.target, (y, t) => y + b.data.target[t] - b.truth.baseline[t]),
  channels: [...a.data.channels, ...b.data.channels.map((c) => ({ name: `b_${c.name}`, values: c.values }))],
};
const fit = await fitMmm(data, { trials: 2, iterations: 400, bootstrap: 200, seed: 1 });
const H = 52;
const dates = Int32Array.from({ length: H }, (_, i) => fit.model.window.lastDay + 7 * (i + 1));
const plan: Plan = { dates, spend: Object.fromEntries(data.channels.map((c) => [c.name, new Float64Array(H).fill(c.values.slice(-13).reduce((s, v) => s + v, 0) / 13)])), controls: {} };
const current: Plan = { ...plan, spend: Object.fromEntries(Object.entries(plan.spend).map(([k, v]) => [k, v.map((x) => x * 0.9)])) };

console.log(`machine: ${cpus().length} x ${cpus()[0]?.model}, node ${process.version}`);
console.log(`model: ${fit.model.channels.length} channels, ${fit.draws.length} bootstrap draws; plan: ${H} weeks`);
console.log('| threads | plans | draws | wall ms |');
console.log('|---|---|---|---|');
let reference = '';
for (const threads of [1, cpus().length]) {
  for (const plans of [[plan], [plan, current]]) {
    const t0 = performance.now();
    const r = await simulatePlans(fit.model, fit.draws, plans, { draws: 10_000, seed: 1, threads });
    const ms = performance.now() - t0;
    console.log(`| ${threads} | ${plans.length} | 10,000 | ${ms.toFixed(0)} |`);
    if (plans.length === 2) {
      const s = JSON.stringify(r);
      if (reference && s !== reference) throw new Error('results differ between thread counts');
      reference = s;
    }
  }
}
console.log('same bytes for 1 and all threads: yes');
