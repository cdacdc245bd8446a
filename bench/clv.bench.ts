/**
 * CLV benchmark: BG/NBD fit and prediction on 1,000,000 simulated customers.
 * Run: node bin/run-ts.mjs bench/clv.bench.ts [customers]
 * Prints wall times and peak memory; never passes or fails on time.
 * Targets (issue 4): fit < 1.5 s, prediction of all customers < 1 s, peak RSS < 500 MB
 * (lifetimes takes 14.2 s for the same fit).
 */
import { resourceUsage } from 'node:process';
import { Rng } from '../src/core/rng.ts';
import { bgNbdDiscountedPurchases, compressRfmPatterns, fitBgNbd, predictBgNbd, simulateCustomers } from '../src/clv/index.ts';

const customers = Number(process.argv[2] ?? 1_000_000);
const truth = { r: 0.25, alpha: 4.4, a: 0.8, b: 2.4 };
// process.memoryUsage().rss is sampled after each step (the steps are synchronous, so a timer
// would not fire inside them); resourceUsage().maxRSS is the kernel's true peak.
let peakRss = process.memoryUsage().rss;
const sample = (): void => {
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
};
const mb = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(0)} MB`;

function timed<T>(label: string, run: () => T): T {
  const t0 = performance.now();
  const out = run();
  const ms = performance.now() - t0;
  sample();
  console.log(`${label.padEnd(44)} ${ms.toFixed(0).padStart(7)} ms`);
  return out;
}

console.log(`BG/NBD benchmark: ${customers.toLocaleString('en')} simulated customers (true r=${truth.r}, alpha=${truth.alpha}, a=${truth.a}, b=${truth.b}), ages 1-78 weeks on a daily grid`);
const sim = timed('simulate (not part of the targets)', () => simulateCustomers(new Rng(20240601), truth, customers, { minAgeWeeks: 1, maxAgeWeeks: 78, dayGrid: true }));
const patterns = timed('pattern compression alone', () => compressRfmPatterns(sim));
console.log(`unique (x, t_x, T) patterns: ${patterns.count.toLocaleString('en')}`);
const fit = timed('fit BG/NBD (compression + BFGS + Hessian)', () => fitBgNbd(sim));
const { r, alpha, a, b } = fit.params;
const se = fit.standardErrors;
console.log(
  `  estimates r=${r.toFixed(4)} alpha=${alpha.toFixed(3)} a=${a.toFixed(4)} b=${b.toFixed(3)}; se ${se ? `r=${se.r.toFixed(4)} alpha=${se.alpha.toFixed(3)} a=${se.a.toFixed(4)} b=${se.b.toFixed(3)}` : 'n/a'}`,
);
console.log(`  ${fit.diagnostics.iterations} iterations, ${fit.diagnostics.evaluations} likelihood evaluations, log-likelihood ${fit.logLikelihood.toFixed(2)}`);
const pred = timed('predict P(alive) + E[purchases in 52 weeks]', () => predictBgNbd(fit.params, sim, 52));
timed('discounted 12-month purchases (CLV factor)', () => bgNbdDiscountedPurchases(fit.params, sim, 12, 0.01, 4.345));
let total = 0;
for (let i = 0; i < pred.expectedPurchases.length; i++) total += pred.expectedPurchases[i];
console.log(`  mean expected purchases in 52 weeks: ${(total / customers).toFixed(4)}`);
sample();
console.log(`peak RSS (memoryUsage, after each step): ${mb(peakRss)}; maxRSS (resourceUsage, whole run): ${mb(resourceUsage().maxRSS * 1024)}`);
