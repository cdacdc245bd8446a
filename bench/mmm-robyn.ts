/**
 * Robyn's demo data (/work/shared/data/robyn/dt_simulated_weekly.csv) fitted as
 * Robyn's own demo.R specifies it: revenue on the five paid channels' spend,
 * competitor_sales_B and events (a factor) as context, newsletter as organic,
 * window 2016-01-01 to 2018-12-31, geometric adstock (or --opts). Prints the
 * intercept, each channel's carryover (the share of the adstock's weight after
 * the week of spend: theta for geometric adstock) and ROAS with 90% intervals
 * from the draws, its share, and whether the data tell its ROAS (90% interval
 * narrower than its ROAS: "yes"), then the fit's warnings. The data set has no
 * published truth.
 * usage: node bin/run-ts.mjs bench/mmm-robyn.ts [--opts JSON] [--seed N]
 */
import { quantileSorted } from '../src/core/quantile.ts';
import { adstockWeights, fitMmm } from '../src/mmm/index.ts';
import type { ChannelResponse, FitOptions } from '../src/mmm/index.ts';
import { readWeeklyCsv } from '../pipelines/mmm.ts';
import { arg } from './args.ts';

const extra = JSON.parse(arg('opts', '{}')) as FitOptions;
const seed = Number(arg('seed', '1'));
const channels = ['tv_S', 'ooh_S', 'print_S', 'facebook_S', 'search_S'];
const data = await readWeeklyCsv('/work/shared/data/robyn/dt_simulated_weekly.csv', 'DATE', 'revenue', channels, ['competitor_sales_B'], { factors: ['events'], organic: ['newsletter'] });
const t0 = performance.now();
const f = await fitMmm(data, { seed, window: { start: '2016-01-01', end: '2018-12-31' }, ...extra });
const ms = performance.now() - t0;

/** Share of the adstock's total weight after the week of spend (geometric: theta). */
function carryover(c: ChannelResponse): number {
  const a = c.adstock;
  if (a.kind === 'geometric') return a.theta;
  const w = adstockWeights(a) as Float64Array;
  const total = w.reduce((s, v) => s + v, 0);
  return total > 0 ? 1 - w[0] / total : 0;
}
const q = (v: number[], p: number): number => quantileSorted(Float64Array.from(v).sort(), p);
const m = f.model;
console.log(
  `## Robyn's demo data (window ${m.window.first} to ${m.window.last}, ${m.window.weeks} weeks + ${m.window.warmupWeeks} warm-up; options ${JSON.stringify(extra)}; fit ${(ms / 1000).toFixed(1)} s)\n`,
);
console.log(`Intercept ${m.intercept.toFixed(0)} (sign ${m.interceptSign}); R2 ${m.metrics.r2.toFixed(3)}, NRMSE ${m.metrics.nrmse.toFixed(4)}, DECOMP.RSSD ${m.metrics.decompRssd.toFixed(3)}\n`);
console.log('| channel | family | carryover [90%] | ROAS [90%] | share of media | data tell the ROAS |');
console.log('|---|---|---|---|---|---|');
m.channels.forEach((c, j) => {
  const carry = f.draws.map((d) => carryover(d.channels[j]));
  const tells = c.roasHigh - c.roasLow < c.roas;
  console.log(
    `| ${c.name} | ${c.adstock.kind}+${c.saturation.kind} | ${carryover(c).toFixed(2)} [${q(carry, 0.05).toFixed(2)}, ${q(carry, 0.95).toFixed(2)}] | ${c.roas.toFixed(2)} [${c.roasLow.toFixed(2)}, ${c.roasHigh.toFixed(2)}] | ${(100 * c.contributionShare).toFixed(1)}% | ${tells ? 'yes' : '**no**'} |`,
  );
});
for (const o of m.organic ?? [])
  console.log(`\nOrganic ${o.name}: contribution ${o.contribution.toFixed(0)} [${o.contributionLow.toFixed(0)}, ${o.contributionHigh.toFixed(0)}] (${(100 * o.targetShare).toFixed(1)}% of revenue)`);
console.log('\nWarnings:');
for (const w of f.warnings) console.log(`- ${w}`);
