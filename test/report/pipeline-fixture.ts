/**
 * A report made by the pipeline itself: a weekly CSV generated here (seeded;
 * one channel column named like an HTML injection) run through `mmm weekly`
 * as a real process, as a user with a weekly table would.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Rng } from '../../src/core/rng.ts';
import type { AllocationProblem } from '../../src/optimise/index.ts';
import { runCli } from '../helpers/tmp.ts';

/** The hostile column name of issue 14. */
export const HOSTILE = '<img src=x onerror=alert(1)>';
export const CHANNELS = ['tv', 'search', HOSTILE];
const DAY = 86400000;
const iso = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/**
 * A weekly table: revenue = base + seasonality + price effect + each channel's
 * geometric-adstocked Hill effect + noise (2% of the base), spend flighted
 * around a level per channel. Seeded.
 */
export function weeklyCsv(seed: number, weeks = 104): string {
  const rng = new Rng(seed);
  const level = [9000, 5000, 2500];
  const theta = [0.5, 0.1, 0.3];
  const beta = [26000, 14000, 6000];
  const half = [8000, 4000, 2000];
  const carry = [0, 0, 0];
  const rows: string[] = [['date', 'revenue', ...CHANNELS, 'price'].map((h) => (/[",\n]/.test(h) ? `"${h}"` : h)).join(',')];
  for (let t = 0; t < weeks; t++) {
    const spend = level.map((l) => Math.round(l * (0.4 + 1.2 * rng.uniform()) * (t % 9 < 2 ? 0.3 : 1)));
    const price = 1 + 0.05 * Math.sin(t / 6) + 0.01 * rng.normal();
    let revenue = 60000 + 6000 * Math.sin((2 * Math.PI * t) / 52.18) - 20000 * (price - 1) + 1200 * rng.normal();
    spend.forEach((x, j) => {
      carry[j] = x + theta[j] * carry[j];
      const a = carry[j] * (1 - theta[j]);
      revenue += (beta[j] * a) / (a + half[j]);
    });
    rows.push([iso(Date.UTC(2023, 0, 2) + 7 * t * DAY), revenue.toFixed(2), ...spend, price.toFixed(4)].join(','));
  }
  return `${rows.join('\n')}\n`;
}

/**
 * Runs the weekly pipeline on the table (`mmm weekly` from a config whose
 * input block names it, gross margin `margin`) in `dir`; returns the report's
 * path, the fit folder and the optimise stage's problem.
 */
export async function buildReportFromFit(dir: string, margin = 0.5): Promise<{ reportPath: string; fitDir: string; problem: AllocationProblem }> {
  writeFileSync(join(dir, 'weekly.csv'), weeklyCsv(7));
  writeFileSync(
    join(dir, 'mmm.config.json'),
    JSON.stringify({
      seed: 3,
      input: { weekly: 'weekly.csv', dateCol: 'date', target: 'revenue', channels: CHANNELS, controls: ['price'] },
      mmm: { trials: 1, iterations: 300, bootstrap: 40, threads: 1 },
      optimise: { margin },
      simulate: { draws: 2000 },
    }),
  );
  const r = runCli(['weekly'], dir);
  if (r.code !== 0) throw new Error(`mmm weekly exited ${r.code}: ${r.stderr}`);
  const folder = (stage: string) => join(dir, r.stdout.match(new RegExp(`^${stage} +built +(\\S+)$`, 'm'))![1]);
  return {
    reportPath: join(dir, 'reports', 'latest.html'),
    fitDir: folder('mmm'),
    problem: JSON.parse(readFileSync(join(folder('optimise'), 'problem.json'), 'utf8')) as AllocationProblem,
  };
}
