/**
 * The generator battery (src/lab/battery.ts: PyMC-Marketing's example
 * notebook, Robyn's siMMMulator, Meridian's generative model, a power-law
 * family with delayed-peak carryover; plus our own generator, src/lab/synthetic.ts)
 * fitted with `fitMmm` at its defaults (or --opts), beside the oracle (least
 * squares on the TRUE effect series with our baseline form). Prints per
 * family: mean signed total-media error, data sets within 15%, large channels
 * (>= 10% of media) within 20%, 90% ROAS interval coverage and median width
 * (relative to the true ROAS), and the oracle's figures; --rows adds a row per
 * channel, --json FILE writes every row. --identify also asks, for each large
 * channel, whether the data determine its ROAS within 20% when every other
 * channel's true effect is known and its own shape may be any of the model's
 * families (profileRoasFamilies, src/lab/profile-families.ts), and reports the
 * fit's accuracy on the determined ones. --noise-free fits the noise-free
 * target instead (what the estimator tends to with unlimited data).
 * usage: node bin/run-ts.mjs bench/mmm-battery.ts [--families pymc,simmmulator,meridian,powerlaw,ours]
 *        [--seeds 1-10] [--opts JSON] [--threads N] [--rows] [--json FILE] [--identify] [--noise-free]
 */
import { writeFileSync } from 'node:fs';
import { fitMmm, resolveFitOptions } from '../src/mmm/index.ts';
import type { FitOptions } from '../src/mmm/index.ts';
import { profileRoasFamilies } from '../src/lab/index.ts';
import { quantileSorted } from '../src/core/quantile.ts';
import { arg } from './args.ts';
import { parseSeeds } from './recovery-cases.ts';
import { batteryCase, oracleRoas } from './battery-cases.ts';

const families = arg('families', 'pymc,simmmulator,meridian,powerlaw,ours').split(',');
const seeds = parseSeeds(arg('seeds', '1-10'));
const extra = JSON.parse(arg('opts', '{}')) as FitOptions;
const threads = Number(arg('threads', '2'));
const showRows = process.argv.includes('--rows');
const jsonOut = arg('json', '');
const identify = process.argv.includes('--identify');
const noiseFree = process.argv.includes('--noise-free');
const list = <T>(v: T | T[]): T[] => (Array.isArray(v) ? v : [v]);
const resolved = resolveFitOptions(extra);
/** The families the fit may choose from (its defaults unless --opts says otherwise): what --identify lets each channel's curve be. */
const modelFamilies = list(resolved.adstock).flatMap((adstock) => list(resolved.saturation).map((saturation) => ({ adstock, saturation })));

interface Row {
  family: string;
  seed: number;
  weeks: number;
  channels: number;
  channel: string;
  pattern: string;
  share: number;
  roas: number;
  oracle: number;
  fitted: number;
  low: number;
  high: number;
  contribution: number;
  fittedContribution: number;
  determined?: boolean;
}

const rows: Row[] = [];
const perCase: { family: string; seed: number; total: number; oracleTotal: number; ms: number }[] = [];
for (const family of families) {
  for (const seed of seeds) {
    const c = batteryCase(family, seed);
    if (noiseFree) c.data = { ...c.data, target: Float64Array.from(c.expected) };
    const t0 = performance.now();
    const f = await fitMmm(c.data, { seed, threads, ...extra });
    const ms = performance.now() - t0;
    const oracle = oracleRoas(c);
    const fittedTotal = f.model.channels.reduce((a, ch) => a + ch.contribution, 0);
    const oracleTotal = c.channels.reduce((a, ch, j) => a + oracle[j] * ch.spend, 0);
    perCase.push({ family, seed, total: fittedTotal / c.totalContribution - 1, oracleTotal: oracleTotal / c.totalContribution - 1, ms });
    c.channels.forEach((ch, j) => {
      const m = f.model.channels[j];
      let determined: boolean | undefined;
      if (identify && ch.contribution / c.totalContribution >= 0.1) {
        const pf = profileRoasFamilies(
          c.data,
          c.channels.map((x) => x.effect),
          j,
          { families: modelFamilies, seed },
        );
        determined = pf.low >= 0.8 * ch.roas && pf.high <= 1.2 * ch.roas;
      }
      rows.push({
        determined,
        family,
        seed,
        weeks: c.data.dates.length,
        channels: c.channels.length,
        channel: ch.name,
        pattern: ch.pattern,
        share: ch.contribution / c.totalContribution,
        roas: ch.roas,
        oracle: oracle[j],
        fitted: m.roas,
        low: m.roasLow,
        high: m.roasHigh,
        contribution: ch.contribution,
        fittedContribution: m.contribution,
      });
    });
  }
}

const pct = (v: number): string => `${v >= 0 ? '+' : ''}${(100 * v).toFixed(1)}%`;
const median = (v: number[]): number => (v.length ? quantileSorted(Float64Array.from(v).sort(), 0.5) : NaN);
console.log(`## MMM battery: ${seeds.length} seeds per family, options ${JSON.stringify(extra)}\n`);
console.log(
  `| family | data sets | mean signed total-media error (oracle) | within 15% (oracle) | large channels within 20% (oracle) |${identify ? ' determined large channels within 20% |' : ''} 90% interval holds the truth | median width / true ROAS | median fit s |`,
);
console.log(`|---|---|---|---|---|${identify ? '---|' : ''}---|---|---|`);
const summarise = (fam: string, cs: typeof perCase, rs: Row[]): void => {
  const large = rs.filter((r) => r.share >= 0.1);
  const within = (v: number, tol: number) => Math.abs(v) <= tol;
  const cover = rs.filter((r) => r.roas >= r.low && r.roas <= r.high).length;
  const det = large.filter((r) => r.determined);
  const detCol = identify ? ` ${det.filter((r) => within(r.fitted / r.roas - 1, 0.2)).length}/${det.length} |` : '';
  console.log(
    `| ${fam} | ${cs.length} | ${pct(cs.reduce((a, c) => a + c.total, 0) / cs.length)} (${pct(cs.reduce((a, c) => a + c.oracleTotal, 0) / cs.length)}) | ${cs.filter((c) => within(c.total, 0.15)).length}/${cs.length} (${cs.filter((c) => within(c.oracleTotal, 0.15)).length}) | ${large.filter((r) => within(r.fitted / r.roas - 1, 0.2)).length}/${large.length} (${large.filter((r) => within(r.oracle / r.roas - 1, 0.2)).length}) |${detCol} ${cover}/${rs.length} = ${((100 * cover) / rs.length).toFixed(0)}% | ${median(rs.map((r) => (r.high - r.low) / r.roas)).toFixed(2)} | ${(median(cs.map((c) => c.ms)) / 1000).toFixed(2)} |`,
  );
};
for (const fam of families)
  summarise(
    fam,
    perCase.filter((c) => c.family === fam),
    rows.filter((r) => r.family === fam),
  );
summarise('**all**', perCase, rows);
if (showRows) {
  console.log('\n| family | seed | weeks | channel | pattern | true share | true ROAS | oracle | fitted [90%] | in |');
  console.log('|---|---|---|---|---|---|---|---|---|---|');
  for (const r of rows)
    console.log(
      `| ${r.family} | ${r.seed} | ${r.weeks} | ${r.channel} | ${r.pattern} | ${(100 * r.share).toFixed(0)}% | ${r.roas.toFixed(2)} | ${r.oracle.toFixed(2)} | ${r.fitted.toFixed(2)} [${r.low.toFixed(2)}, ${r.high.toFixed(2)}] | ${r.roas >= r.low && r.roas <= r.high ? 'yes' : '**no**'} |`,
    );
  console.log('\n| family | seed | total media error | oracle |');
  console.log('|---|---|---|---|');
  for (const c of perCase) console.log(`| ${c.family} | ${c.seed} | ${pct(c.total)} | ${pct(c.oracleTotal)} |`);
}
if (jsonOut) writeFileSync(jsonOut, JSON.stringify({ options: extra, perCase, rows }, null, 1));
