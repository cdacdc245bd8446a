/**
 * A report made the way the pipeline makes it, with real processes: a weekly
 * CSV generated here (seeded; one channel column named like an HTML
 * injection), `mmm fit`, the optimise stage's outputs computed with the
 * project's functions (as the optimise stage of pipelines/stages.ts does),
 * `mmm simulate` for the forecast, then
 * assembleReportData + renderReport.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseCsv } from '../../src/core/csv.ts';
import { Rng } from '../../src/core/rng.ts';
import type { BootstrapDraw, MmmModel } from '../../src/mmm/types.ts';
import { allocateBudget, budgetScenarios, defaultProblemFromCurves } from '../../src/optimise/index.ts';
import type { AllocationProblem, CurveSpec } from '../../src/optimise/index.ts';
import { weeklyCurve } from '../../src/optimise/mmm-curves.ts';
import { assembleReportData, renderReport } from '../../src/report/index.ts';
import type { BandsDoc, ReportArtifacts } from '../../src/report/index.ts';
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
  return rows.join('\n') + '\n';
}

function cli(args: string[]): void {
  const r = runCli(args);
  if (r.code !== 0) throw new Error(`mmm ${args[0]} exited ${r.code}: ${r.stderr}`);
}

/** Mean of the last `weeks` values of a CSV column. */
function recentMean(csv: string, column: number, weeks: number): number {
  const rows = csv.trim().split('\n').slice(1).map((l) => l.split(','));
  const last = rows.slice(-weeks);
  return last.reduce((s, r) => s + Number(r[column]), 0) / last.length;
}

/** A plan CSV: every week the same spend per channel (the `mmm simulate --plan` format). */
function planCsv(dates: string[], allocation: Record<string, number>): string {
  const head = ['date', ...CHANNELS.map((c) => (/[",\n]/.test(c) ? `"${c.replace(/"/g, '""')}"` : c))].join(',');
  return [head, ...dates.map((d) => [d, ...CHANNELS.map((c) => (Math.round(allocation[c] * 100) / 100).toString())].join(','))].join('\n') + '\n';
}

/** Fits, optimises, simulates and renders into `dir`; returns the report's path and the fit folder. */
export async function buildReportFromFit(dir: string, margin = 0.5): Promise<{ reportPath: string; fitDir: string; problem: AllocationProblem; artifacts: ReportArtifacts }> {
  const csv = weeklyCsv(7);
  const csvPath = join(dir, 'weekly.csv');
  writeFileSync(csvPath, csv);
  const fitDir = join(dir, 'fit');
  cli(['fit', '--weekly', csvPath, '--date-col', 'date', '--target', 'revenue', '--channels', CHANNELS.join(','), '--controls', 'price', '--out', fitDir, '--trials', '1', '--iterations', '300', '--bootstrap', '40', '--threads', '1', '--seed', '3']);
  const model = JSON.parse(readFileSync(join(fitDir, 'model.json'), 'utf8')) as MmmModel;
  const draws = (JSON.parse(readFileSync(join(fitDir, 'bootstrap.json'), 'utf8')) as { draws: BootstrapDraw[] }).draws;
  // the optimise stage: weekly curves, the default problem on the last 13 weeks, scenarios under the draws
  const H = 13;
  const curves = model.channels.map((c) => ({ channel: c.name, curve: weeklyCurve(c) }));
  const recent = Object.fromEntries(CHANNELS.map((c, j) => [c, recentMean(csv, 2 + j, H)]));
  const problem: AllocationProblem = { ...defaultProblemFromCurves(curves.map((c) => ({ name: c.channel, response: c.curve, recentSpend: recent[c.channel] * H }))), margin };
  const allocation = { ...(await allocateBudget(problem)), horizonWeeks: H };
  const curveDraws = draws.map((d) => Object.fromEntries(d.channels.map((c, j) => [model.channels[j].name, weeklyCurve({ ...c, name: model.channels[j].name })]))) as Record<string, CurveSpec>[];
  const scenarios = await budgetScenarios(problem, { curveDraws });
  const planDates = Array.from({ length: H }, (_, i) => iso((model.window.lastDay + 7 * (i + 1)) * DAY));
  // the simulate stage
  writeFileSync(join(dir, 'plan.csv'), planCsv(planDates, allocation.allocation));
  writeFileSync(join(dir, 'current.csv'), planCsv(planDates, recent));
  cli(['simulate', '--model', fitDir, '--plan', join(dir, 'plan.csv'), '--compare', join(dir, 'current.csv'), '--draws', '2000', '--seed', '1', '--out', join(dir, 'sim')]);
  const bands = JSON.parse(readFileSync(join(dir, 'sim', 'bands.json'), 'utf8')) as BandsDoc;
  const decomposition = parseCsv(readFileSync(join(fitDir, 'decomposition.csv'), 'utf8'), 'decomposition.csv');
  const artifacts: ReportArtifacts = {
    runId: 'browser-test',
    lineage: [{ stage: 'mmm', dataVersion: JSON.parse(readFileSync(join(fitDir, 'manifest.json'), 'utf8')).dataVersion, dir: fitDir }],
    ingest: { status: 'ok', data: { weeks: model.window.weeks, firstWeek: model.window.first, lastWeek: model.window.last, currency: null } },
    mmm: { status: 'ok', data: { model, decomposition } },
    optimise: { status: 'ok', data: { allocation, curves: { channels: curves }, scenarios, curveDraws, planDates } },
    simulate: { status: 'ok', data: bands },
    clv: { status: 'skipped', reason: 'the input is a weekly table without a transaction log' },
  };
  const reportPath = join(dir, 'report.html');
  writeFileSync(reportPath, await renderReport(assembleReportData(artifacts)));
  return { reportPath, fitDir, problem, artifacts };
}
