/**
 * Twins: how far the data determine the total media effect, whatever the
 * estimator. Each battery case's noise-free media effect (plus its baseline's
 * mean level) is fitted by the model restricted to one curve family at a time
 * (the search estimator, no intervals); the twin is the case with its media
 * part replaced by that fit (the truth's baseline kept, plus the fit's
 * intercept, trend and season). A twin whose revenue path lies within the
 * case's noise of the truth's is one the data cannot tell from the truth: its
 * Kullback-Leibler divergence from the truth, n d^2 / (2 sigma^2) (d the RMS
 * gap between the two noise-free paths, sigma the noise sd), bounds how well
 * any test tells them apart: with KL <= 1 the likelihood-ratio test between
 * just these two errs at least Phi(-sqrt(KL / 2)) >= 24% of the time. Where
 * such a twin's total media differs from the truth's, no estimator can be
 * right on both data-generating processes: they give nearly the same data.
 * Prints, per family, how often a twin lies 15% or more away from the truth,
 * and the range of the twins' total-media errors. At KL <= 0.1 the two data
 * distributions are within total variation 0.22 (Pinsker), so no estimator
 * can be within 15% of two totals 30% apart with probability above 61% on
 * each.
 * usage: node bin/run-ts.mjs bench/mmm-twins.ts [--families pymc,simmmulator,meridian,powerlaw,ours] [--seeds 31-40] [--kl 1] [--rows] [--json FILE]
 */
import { writeFileSync } from 'node:fs';
import { fitMmm } from '../src/mmm/index.ts';
import type { FitOptions } from '../src/mmm/index.ts';
import { arg } from './args.ts';
import { batteryCase } from './battery-cases.ts';
import { parseSeeds } from './recovery-cases.ts';

const families = arg('families', 'pymc,simmmulator,meridian,powerlaw,ours').split(',');
const seeds = parseSeeds(arg('seeds', '31-40'));
const klMax = Number(arg('kl', '1'));
const jsonOut = arg('json', '');
const showRows = process.argv.includes('--rows');

/** The explanations tried: one saturation family each (both adstocks), with ranges wide enough for strongly concave curves. */
const EXPLANATIONS: { name: string; opts: FitOptions }[] = [
  { name: 'hill', opts: { saturation: 'hill', ranges: { gamma: [0.05, 1], alpha: [0.5, 4] } } },
  { name: 'michaelis_menten', opts: { saturation: 'michaelis_menten', ranges: { ec: [0.01, 10] } } },
  { name: 'logistic', opts: { saturation: 'logistic', ranges: { lam: [0.1, 50] } } },
  { name: 'log', opts: { saturation: 'log', ranges: { gamma: [0.01, 1] } } },
];

interface Twin {
  name: string;
  kl: number;
  total: number;
}

const pct = (v: number): string => `${v >= 0 ? '+' : ''}${(100 * v).toFixed(0)}%`;
const rows: { family: string; seed: number; n: number; twins: Twin[] }[] = [];
for (const family of families) {
  for (const seed of seeds) {
    const c = batteryCase(family, seed);
    const n = c.expected.length;
    // The twin keeps the truth's baseline: only the media part (with a level) is re-explained.
    const media = new Float64Array(n);
    for (const ch of c.channels) for (let t = 0; t < n; t++) media[t] += ch.effect[t];
    let level = 0;
    for (let t = 0; t < n; t++) level += (c.expected[t] - media[t]) / n;
    const data = { ...c.data, target: Float64Array.from(media, (v) => v + level) };
    const twins: Twin[] = [];
    for (const e of EXPLANATIONS) {
      const f = await fitMmm(data, { seed, estimator: 'search', bootstrap: 0, adstock: ['geometric', 'binomial'], ...e.opts });
      let ss = 0;
      f.model.residuals.forEach((r) => (ss += r * r));
      const total = f.model.channels.reduce((a, ch) => a + ch.contribution, 0);
      twins.push({ name: e.name, kl: ss / (2 * c.noiseSd ** 2), total: total / c.totalContribution - 1 });
    }
    rows.push({ family, seed, n, twins });
  }
}

/** Per family: data sets with a twin, twins 15% or more below / above the truth, both, and the mean lowest and highest twin. */
function table(title: string, within: (r: (typeof rows)[number], t: Twin) => boolean): void {
  console.log(`${title}\n`);
  console.log('| family | data sets | with a twin | twin 15% or more below the truth | 15% or more above | both | mean lowest twin | mean highest twin |');
  console.log('|---|---|---|---|---|---|---|---|');
  for (const family of [...families, '**all**']) {
    const rs = rows.filter((r) => family === '**all**' || r.family === family);
    const spans = rs.map((r) => r.twins.filter((t) => within(r, t)).map((t) => t.total)).filter((s) => s.length);
    const mean = (v: number[]) => (v.length ? pct(v.reduce((a, x) => a + x, 0) / v.length) : '-');
    const count = (f: (v: number) => boolean) => spans.filter((s) => s.some(f)).length;
    const both = spans.filter((s) => s.some((v) => v <= -0.15) && s.some((v) => v >= 0.15)).length;
    console.log(
      `| ${family} | ${rs.length} | ${spans.length} | ${count((v) => v <= -0.15)} | ${count((v) => v >= 0.15)} | ${both} | ${mean(spans.map((s) => Math.min(...s)))} | ${mean(spans.map((s) => Math.max(...s)))} |`,
    );
  }
}
const bestKl = (r: (typeof rows)[number]) => Math.min(...r.twins.map((t) => t.kl));
table(`## Twins within KL <= 0.1 of the truth (total variation <= 0.22; seeds ${arg('seeds', '31-40')})`, (_, t) => t.kl <= 0.1);
table(`\n## Twins within KL <= ${klMax} of the truth`, (_, t) => t.kl <= klMax);
table(`\n## Twins within KL <= ${klMax} of the best explanation (for media effects with their own noise, as siMMMulator's)`, (r, t) => t.kl <= bestKl(r) + klMax);
if (showRows) {
  console.log(`\n| family | seed | weeks | ${EXPLANATIONS.map((e) => `${e.name}: total media error (KL)`).join(' | ')} |`);
  console.log(`|---|---|---|${EXPLANATIONS.map(() => '---|').join('')}`);
  for (const r of rows) console.log(`| ${r.family} | ${r.seed} | ${r.n} | ${r.twins.map((t) => `${pct(t.total)} (${t.kl.toFixed(2)})`).join(' | ')} |`);
}
if (jsonOut) writeFileSync(jsonOut, JSON.stringify(rows, null, 1));
