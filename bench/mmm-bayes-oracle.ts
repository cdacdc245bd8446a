/**
 * What the best possible estimator gets of the 'meridian' family's total media effect: the Bayes
 * oracle (src/lab/bayes-oracle.ts) knows every true curve and the noise sd, and, row by row, more or
 * less of the generator's priors (the baseline's random walk, the ROI prior, the level's ratio to media).
 * Prints per row: data sets within 15% with the best rule for "within 15%" and with the posterior mean,
 * the posterior's own expected share within 15%, and the mean signed total-media error of both rules.
 * usage: node bin/run-ts.mjs bench/mmm-bayes-oracle.ts [--seeds 11-70] [--sweeps 20000]
 */
import { meridianCase } from '../src/lab/battery.ts';
import { meridianBayesOracle } from '../src/lab/bayes-oracle.ts';
import type { OracleKnowledge } from '../src/lab/bayes-oracle.ts';
import { arg } from './args.ts';
import { parseSeeds } from './recovery-cases.ts';

const seeds = parseSeeds(arg('seeds', '11-70'));
const sweeps = Number(arg('sweeps', '20000'));
const rows: [string, OracleKnowledge][] = [
  ['all: random-walk baseline, ROI prior, level prior', { baseline: 'random walk', roi: true, level: true }],
  ['no ROI prior', { baseline: 'random walk', roi: false, level: true }],
  ['no level prior', { baseline: 'random walk', roi: true, level: false }],
  ['neither ROI nor level prior', { baseline: 'random walk', roi: false, level: false }],
  ['free knots (flat), ROI and level priors', { baseline: 'free knots', roi: true, level: true }],
  ['free knots, neither prior', { baseline: 'free knots', roi: false, level: false }],
  ['straight trend, ROI and level priors', { baseline: 'straight', roi: true, level: true }],
  ['straight trend, neither prior', { baseline: 'straight', roi: false, level: false }],
];
const cases = seeds.map((s) => meridianCase(s));
const pct = (v: number) => `${v >= 0 ? '+' : ''}${(100 * v).toFixed(1)}%`;

console.log(`## The Bayes oracle on the Meridian family (seeds ${arg('seeds', '11-70')}, ${sweeps} sweeps; true curves and noise sd known)\n`);
console.log('| what the oracle knows besides the curves | within 15%: best rule / posterior mean | expected within 15% (posterior) | mean signed error: best rule / posterior mean |');
console.log('|---|---|---|---|');
for (const [label, know] of rows) {
  let best = 0;
  let mean = 0;
  let expected = 0;
  let signedBest = 0;
  let signedMean = 0;
  for (const c of cases) {
    const r = meridianBayesOracle(c, { seed: 1, sweeps, burnIn: 5000 }, know);
    const eb = r.best15 / c.totalContribution - 1;
    const em = r.mean / c.totalContribution - 1;
    best += Math.abs(eb) <= 0.15 ? 1 : 0;
    mean += Math.abs(em) <= 0.15 ? 1 : 0;
    expected += r.best15Mass / cases.length;
    signedBest += eb / cases.length;
    signedMean += em / cases.length;
  }
  console.log(`| ${label} | ${best}/${cases.length} / ${mean}/${cases.length} | ${(100 * expected).toFixed(1)}% | ${pct(signedBest)} / ${pct(signedMean)} |`);
}
