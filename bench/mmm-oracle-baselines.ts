/**
 * What the oracle (least squares on the TRUE effect series, effects >= 0) gets of the total media
 * effect with each baseline form: our straight trend, and trend hinges every K weeks (Meridian's
 * generator draws its baseline through knots every 13 weeks, linear between, so K = 13 is its own
 * form). The oracle knows every curve; what it misses is the noise's and the baseline's. Prints per
 * family and form: data sets within 15% and the mean signed total-media error.
 * usage: node bin/run-ts.mjs bench/mmm-oracle-baselines.ts [--families pymc,simmmulator,meridian,powerlaw,ours] [--seeds 11-70] [--knots 0,26,13]
 */
import { arg } from './args.ts';
import { batteryCase, oracleRoas } from './battery-cases.ts';
import { parseSeeds } from './recovery-cases.ts';

const families = arg('families', 'pymc,simmmulator,meridian,powerlaw,ours').split(',');
const seeds = parseSeeds(arg('seeds', '11-70'));
const spacings = arg('knots', '0,26,13').split(',').map(Number);

console.log(`## The oracle's total media effect by baseline form (seeds ${arg('seeds', '11-70')})\n`);
console.log(`| family | ${spacings.map((k) => (k > 0 ? `hinges every ${k} weeks: within 15% / mean signed` : 'straight trend: within 15% / mean signed')).join(' | ')} |`);
console.log(`|---|${spacings.map(() => '---|').join('')}`);
for (const family of families) {
  const cells = spacings.map((k) => {
    const errors = seeds.map((seed) => {
      const c = batteryCase(family, seed);
      const roas = oracleRoas(c, k);
      return c.channels.reduce((a, ch, j) => a + roas[j] * ch.spend, 0) / c.totalContribution - 1;
    });
    const mean = errors.reduce((a, e) => a + e, 0) / errors.length;
    return `${errors.filter((e) => Math.abs(e) <= 0.15).length}/${errors.length} / ${mean >= 0 ? '+' : ''}${(100 * mean).toFixed(1)}%`;
  });
  console.log(`| ${family} | ${cells.join(' | ')} |`);
}
