/**
 * The weekly pipeline's stages after ingest: drift check, MMM fit, CLV,
 * response curves + budget allocation, Monte Carlo bands, report. Each
 * `build*` fills an artifact folder given by the runner; the numerical work is
 * in src/ (pure), the files are read and written here.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { readManifest, type BuildResult } from '../src/core/artifacts.ts';
import type { Config } from '../src/core/config.ts';
import { dayToIso, parseCsv, toCsv } from '../src/core/csv.ts';
import { MmmError } from '../src/core/errors.ts';
import { stableJson } from '../src/core/hash.ts';
import { queryFiles, sqlString } from '../src/ingest/duckdb.ts';
import { holidayCalendar } from '../src/ingest/generate.ts';
import { analyseClv } from '../src/clv/index.ts';
import { fitMmm } from '../src/mmm/index.ts';
import type { BootstrapDraw, CalibrationStudy, MmmModel, WeeklyData } from '../src/mmm/types.ts';
import { decideRefit, type DriftDecision } from '../src/monitor/drift.ts';
import { allocateBudget, budgetScenarios, defaultProblemFromCurves, evaluateUnderCurveDraws, resolveProblem, responseValue, marginalRoi } from '../src/optimise/index.ts';
import type { AllocationProblem, AllocationResult, CurveSpec } from '../src/optimise/types.ts';
import { weeklyCurve } from '../src/optimise/mmm-curves.ts';
import { planFromTable, rollForward, simulatePlans, type Plan } from '../src/simulate/index.ts';
import { assembleReportData, renderReport, type BandsDoc, type LineageEntry, type OptimiseForReport, type StageArtifact } from '../src/report/index.ts';
import { readWeeklyCsv, writeFitFiles } from './mmm.ts';
import { toSummary, writeClvFiles, type ClvSummary } from './clv.ts';
import { bandsDocument, readFit } from './simulate.ts';

const NON_CONTROL = new Set(['date', 'revenue', 'orders', 'new_customers']);

/** The columns of the ingest's wide table: channel spend columns (from dim_channel) and controls. */
export async function modelColumns(ingestDir: string, cfg: Config): Promise<{ channels: string[]; controls: string[]; channelOf: Record<string, string> }> {
  const rows = await queryFiles<{ channel: string; spend_column: string }>(`SELECT channel, spend_column FROM read_parquet(${sqlString(join(ingestDir, 'dim_channel.parquet'))}) WHERE has_spend ORDER BY spend_column`);
  const channels = rows.map((r) => r.spend_column);
  const header = parseCsv((await readFile(join(ingestDir, 'mmm_input.csv'), 'utf8')).split('\n', 1)[0] + '\n', 'mmm_input.csv').header;
  const controls = cfg.mmm.controls ?? header.filter((h) => !NON_CONTROL.has(h) && !channels.includes(h));
  return { channels, controls, channelOf: Object.fromEntries(rows.map((r) => [r.spend_column, r.channel])) };
}

/** Reads the wide table of an ingest folder. */
export async function readMmmInput(ingestDir: string, cols: { channels: string[]; controls: string[] }): Promise<WeeklyData> {
  return readWeeklyCsv(join(ingestDir, 'mmm_input.csv'), 'date', 'revenue', cols.channels, cols.controls);
}

/** Actual target values of a fit folder's weeks (decomposition.csv), to detect restated history. */
async function fitActuals(fitDir: string): Promise<number[] | null> {
  const p = join(fitDir, 'decomposition.csv');
  if (!existsSync(p)) return null;
  const t = parseCsv(await readFile(p, 'utf8'), p);
  const j = t.header.indexOf('actual');
  return j < 0 ? null : t.rows.map((r) => Number(r[j]));
}

/** Drift stage: compares the data with the current model and records the decision. */
export async function buildDrift(data: WeeklyData, label: string | null, currentFitDir: string | null, settingsChanged: boolean, cfg: Config, dir: string): Promise<BuildResult & { decision: DriftDecision }> {
  let model: MmmModel | null = null;
  let actuals: number[] | null = null;
  if (currentFitDir && existsSync(join(currentFitDir, 'model.json'))) {
    model = (await readFit(currentFitDir)).model;
    actuals = await fitActuals(currentFitDir);
  }
  let decision = decideRefit(model, data, actuals, cfg.drift);
  if (settingsChanged && decision.decision === 'reuse') decision = { ...decision, decision: 'refit', reasons: ['the model settings (config or calibration.csv) changed'] };
  await writeFile(join(dir, 'decision.json'), stableJson({ ...decision, currentModel: label, thresholds: cfg.drift }));
  return { decision, metrics: { newWeeks: decision.newWeeks, errorRms: decision.errorRms }, };
}

/** MMM stage: fits the model on the wide table (same code and files as `mmm fit`). */
export async function buildMmm(data: WeeklyData, cfg: Config, dir: string, calibration: CalibrationStudy[] = []): Promise<BuildResult> {
  const t0 = performance.now();
  const fit = await fitMmm(data, { seed: cfg.seed, trials: cfg.mmm.trials, iterations: cfg.mmm.iterations, bootstrap: cfg.mmm.bootstrap, threads: cfg.mmm.threads ?? undefined, ...(calibration.length ? { calibration } : {}) });
  const result = await writeFitFiles(fit, dir);
  return { ...result, timingsMs: { ...(result.timingsMs ?? {}), fit: Math.round(performance.now() - t0) } };
}

/** CLV stage: the whole history for the customers' CLV; a refit with the last `holdoutWeeks` held out for validation. */
export async function buildClv(ingestDir: string, cfg: Config, dir: string): Promise<BuildResult> {
  const rows = await queryFiles<{ customer_id: string; day: number; amount: number; channel: string }>(
    `SELECT customer_id, CAST(date - DATE '1970-01-01' AS INTEGER) AS day, amount, acquisition_channel AS channel
     FROM read_parquet(${sqlString(join(ingestDir, 'fct_transactions.parquet'))}) ORDER BY timestamp, order_id`,
  );
  const tx = { customerIds: rows.map((r) => r.customer_id), days: Int32Array.from(rows, (r) => r.day), amounts: Float64Array.from(rows, (r) => r.amount), channels: rows.map((r) => r.channel) };
  const lastDay = tx.days.reduce((m, d) => Math.max(m, d), -Infinity);
  const opts = { horizonWeeks: cfg.clv.horizonWeeks, months: 12, monthlyDiscountRate: cfg.clv.discountRate };
  const full = analyseClv(tx, { ...opts, calibrationEndDay: lastDay });
  const summary: ClvSummary = toSummary(full, dayToIso(lastDay), null, []);
  if (cfg.clv.holdoutWeeks > 0) {
    // The holdout fit only validates; if it cannot be fitted the CLV itself stands, with a warning.
    const calibrationEnd = dayToIso(lastDay - 7 * cfg.clv.holdoutWeeks);
    try {
      const held = analyseClv(tx, { ...opts, calibrationEndDay: lastDay - 7 * cfg.clv.holdoutWeeks });
      summary.validation = held.validation;
      summary.settings = { ...summary.settings, holdoutEnd: dayToIso(lastDay) };
      summary.holdoutFit = { calibrationEnd, bgnbd: held.bgNbd.params, gammaGamma: held.gammaGamma.params, warnings: held.warnings };
    } catch (e) {
      if (!(e instanceof MmmError)) throw e;
      summary.warnings.push(`holdout validation (calibration end ${calibrationEnd}) could not be fitted: ${e.message}`);
    }
  }
  return writeClvFiles(full, summary, dir);
}

/** Mean weekly spend per channel over the last `weeks` weeks. */
export function recentWeeklySpend(data: WeeklyData, weeks: number): Record<string, number> {
  const n = data.dates.length;
  const from = Math.max(0, n - weeks);
  return Object.fromEntries(data.channels.map((c) => [c.name, c.values.slice(from).reduce((s, v) => s + v, 0) / (n - from)]));
}

/**
 * The future weeks after the data, with the holiday flag when the model has a
 * `holiday` dummy: from the user's holiday dates when a holidays file was
 * given (list the coming year's dates there), else from the built-in US retail
 * calendar (`holidayCalendar`).
 */
function futureWeeks(model: MmmModel, weeks: number, holidayDates: string[] | null): { dates: Int32Array; controls: Record<string, Float64Array> } {
  const dates = Int32Array.from({ length: weeks }, (_, i) => model.window.lastDay + 7 * (i + 1));
  const controls: Record<string, Float64Array> = {};
  if (model.baseline.some((b) => b.name === 'holiday' && b.kind === 'dummy')) {
    const start = dates[0] * 86400000;
    const end = start + weeks * 7 * 86400000;
    const days = holidayDates ? holidayDates.map((d) => Date.parse(`${d}T00:00:00Z`)) : holidayCalendar(start, end).map((h) => h.ms);
    const flags = new Float64Array(weeks);
    for (const ms of days) if (ms >= start && ms < end) flags[Math.floor((ms - start) / (7 * 86400000))] = 1;
    controls.holiday = flags;
  }
  return { dates, controls };
}

/** The dates of a raw holidays file (CSV, CSV.gz or Parquet), as YYYY-MM-DD. */
export async function readHolidayDates(path: string): Promise<string[]> {
  const reader = path.endsWith('.parquet') ? `read_parquet(${sqlString(path)})` : `read_csv(${sqlString(path)}, header = true, all_varchar = true)`;
  const rows = await queryFiles<{ d: string }>(`SELECT DISTINCT strftime(CAST(trim(CAST(date AS VARCHAR)) AS DATE), '%Y-%m-%d') AS d FROM ${reader} ORDER BY 1`);
  return rows.map((r) => r.d);
}

function planCsv(plan: Plan): string {
  const channels = Object.keys(plan.spend);
  const controls = Object.keys(plan.controls);
  return toCsv(['date', ...channels, ...controls], Array.from(plan.dates, (d, t) => [dayToIso(d), ...channels.map((c) => round2(plan.spend[c][t])), ...controls.map((c) => plan.controls[c][t])]));
}
const round2 = (v: number) => Math.round(v * 100) / 100;

/**
 * Optimise stage: response curves from the model, CLV value per channel, the
 * default (or configured) allocation problem, its solution with explanation
 * and robustness under the bootstrap draws, and the two plans to simulate.
 */
export async function buildOptimise(fitDir: string, clvDir: string, data: WeeklyData, channelOf: Record<string, string>, holidaysFile: string | null, cfg: Config, dir: string): Promise<BuildResult> {
  // A model kept by the drift stage is carried forward over the weeks seen since its fit: plans start after the newest week.
  const fit = await readFit(fitDir);
  const { model, draws } = rollForward(fit.model, fit.draws, data);
  const clv = JSON.parse(await readFile(join(clvDir, 'clv.json'), 'utf8')) as ClvSummary;
  const H = cfg.optimise.horizonWeeks;
  const recent = recentWeeklySpend(data, H);
  const curves = Object.fromEntries(model.channels.map((c) => [c.name, weeklyCurve(c)]));
  // CLV value per unit of revenue: customers the channel acquired per unit of its modelled contribution x their mean CLV.
  const clvPerRevenue = Object.fromEntries(
    model.channels.map((c) => {
      const g = clv.byChannel.find((b) => b.channel === channelOf[c.name]);
      return [c.name, g && c.contribution > 0 ? (g.customers * g.meanClv) / c.contribution : 0];
    }),
  );
  const base = defaultProblemFromCurves(
    model.channels.map((c) => ({ name: c.name, response: curves[c.name], recentSpend: recent[c.name] * H })),
    { horizonWeeks: H, minMultiple: cfg.optimise.minMultiple, maxMultiple: cfg.optimise.maxMultiple },
  );
  const problem: AllocationProblem = {
    ...base,
    ...(cfg.optimise.budget !== null ? { budget: cfg.optimise.budget / H } : {}),
    channels: base.channels!.map((c) => ({ ...c, clvPerRevenue: clvPerRevenue[c.name] })),
    constraints: cfg.optimise.constraints as AllocationProblem['constraints'],
  };
  const revenue = await allocateBudget(problem);
  const clvPlan = await allocateBudget({ ...problem, objective: 'clv' });
  let robustness = null;
  const sets: Record<string, CurveSpec>[] = draws.map((d) => Object.fromEntries(d.channels.map((c, j) => [model.channels[j].name, weeklyCurve({ ...c, name: model.channels[j].name })])));
  // Budget scenarios (issue 14): current, re-split, profit-maximising, target marginal ROAS, target ROAS, and a sweep, under the draws.
  const scenarios = revenue.status === 'optimal' ? await budgetScenarios(problem, { curveDraws: sets }) : null;
  if (revenue.status === 'optimal' && draws.length) {
    const { problem: resolved } = resolveProblem(problem);
    const plan = [resolved.channelNames.map((n) => revenue.allocation[n])];
    const currentPlan = [resolved.channelNames.map((n) => recent[n])];
    const rec = evaluateUnderCurveDraws(resolved, plan, sets);
    const cur = evaluateUnderCurveDraws(resolved, currentPlan, sets);
    const wins = rec.values.filter((v, i) => v > cur.values[i]).length;
    robustness = {
      note: 'weekly media revenue of each plan under every bootstrap draw of the MMM',
      recommended: { ...rec, values: undefined },
      current: { ...cur, values: undefined },
      probabilityRecommendedBetter: wins / rec.values.length,
      // The optimiser's curse: the plan was chosen on the point model, so under the other draws it returns less.
      outOfSampleDrop: revenue.revenue ? (revenue.revenue - rec.mean) / revenue.revenue : null,
      upliftUnderDraws: rec.mean - cur.mean,
    };
  }
  // Curves for the report: horizon spend -> horizon incremental revenue, with marginal ROI.
  const curveTable = model.channels.map((c) => {
    const max = Math.max(1, 2.5 * Math.max(recent[c.name], revenue.allocation[c.name] ?? 0));
    const spend = Array.from({ length: 41 }, (_, i) => (max * i) / 40);
    return {
      channel: c.name,
      curve: curves[c.name],
      horizonWeeks: H,
      spend: spend.map((s) => round2(s * H)),
      response: spend.map((s) => round2(responseValue(curves[c.name], s) * H)),
      marginalRoi: spend.map((s) => {
        const m = marginalRoi(curves[c.name], s);
        return Number.isFinite(m) ? Math.round(m * 1e6) / 1e6 : null; // infinite at 0 for Hill alpha < 1
      }),
      clvValue: spend.map((s) => round2(responseValue(curves[c.name], s) * H * clvPerRevenue[c.name])),
      current: round2(recent[c.name] * H),
      recommended: revenue.status === 'optimal' ? round2(revenue.allocation[c.name] * H) : null,
    };
  });
  const fw = futureWeeks(model, H, holidaysFile ? await readHolidayDates(holidaysFile) : null);
  const weeklyPlan = (alloc: Record<string, number>): Plan => ({ dates: fw.dates, controls: fw.controls, spend: Object.fromEntries(model.channels.map((c) => [c.name, new Float64Array(H).fill(alloc[c.name] ?? 0)])) });
  const recommendedPlan = weeklyPlan(revenue.status === 'optimal' ? revenue.allocation : recent);
  await writeFile(join(dir, 'problem.json'), stableJson(problem));
  await writeFile(join(dir, 'allocation.json'), stableJson({ ...revenue, horizonWeeks: H, note: 'allocation and objective are per week; multiply by horizonWeeks for the horizon' }));
  await writeFile(join(dir, 'allocation-clv.json'), stableJson({ ...clvPlan, horizonWeeks: H }));
  await writeFile(join(dir, 'curves.json'), stableJson({ channels: curveTable, clvPerRevenue }));
  await writeFile(join(dir, 'robustness.json'), stableJson(robustness));
  await writeFile(join(dir, 'scenarios.json'), stableJson(scenarios));
  await writeFile(join(dir, 'curve-draws.json'), stableJson({ note: 'weekly response curve of every channel under each bootstrap draw of the MMM', draws: sets }));
  await writeFile(join(dir, 'plan.csv'), planCsv(recommendedPlan));
  await writeFile(join(dir, 'current.csv'), planCsv(weeklyPlan(recent)));
  return {
    metrics: { status: revenue.status, weeklyRevenue: revenue.revenue, weeklyBudget: problem.budget ?? null, upliftPerWeek: revenue.againstCurrent?.revenueUplift ?? null },
    warnings: revenue.status === 'optimal' ? [] : [`allocation ${revenue.status}: ${revenue.message}`],
  };
}

/** Simulate stage: bands for the recommended and the current plan. */
export async function buildSimulate(fitDir: string, optimiseDir: string, data: WeeklyData, cfg: Config, dir: string): Promise<BuildResult> {
  const fit = await readFit(fitDir);
  const { model, draws } = rollForward(fit.model, fit.draws, data);
  const read = async (name: string) => planFromTable(model, parseCsv(await readFile(join(optimiseDir, name), 'utf8'), name));
  const plans = [await read('plan.csv'), await read('current.csv')];
  const labels = ['recommended', 'current'];
  const r = await simulatePlans(model, draws as BootstrapDraw[], plans, { draws: cfg.simulate.draws, seed: cfg.seed, labels: labels.map((l) => `${l} plan`) });
  await writeFile(join(dir, 'bands.json'), stableJson(bandsDocument(r, labels)));
  return { warnings: r.warnings, metrics: { p50: r.plans[0].total.p50, currentP50: r.plans[1].total.p50, probabilityBetter: r.probabilityFirstBeatsSecond ?? null } };
}

/** Report stage: one self-contained HTML page from the stage outputs (ReportArtifacts -> assembleReportData -> renderReport). */
export async function buildReport(input: { ingestDir: string; fitDir: string; clvDir: string; optimiseDir: string; simulateDir: string; driftDir: string; runId: string; lineage: LineageEntry[] }, dir: string): Promise<BuildResult> {
  const j = async <T>(p: string): Promise<T> => JSON.parse(await readFile(p, 'utf8')) as T;
  const stages: [label: string, dir: string][] = [['ingest', input.ingestDir], ['model', input.fitDir], ['clv', input.clvDir], ['allocation', input.optimiseDir], ['forecast', input.simulateDir]];
  const manifests = await Promise.all(stages.map(async ([label, d]) => {
    const m = await readManifest(d);
    if (!m) throw new MmmError(`report: the ${label} stage has no complete artifact in ${d}`);
    return m;
  }));
  const ok = <T>(data: T, i: number): StageArtifact<T> => ({ status: 'ok', data, warnings: manifests[i].warnings });
  const model = await j<MmmModel>(join(input.fitDir, 'model.json'));
  const decomposition = parseCsv(await readFile(join(input.fitDir, 'decomposition.csv'), 'utf8'), 'decomposition.csv');
  const plan = parseCsv(await readFile(join(input.optimiseDir, 'plan.csv'), 'utf8'), 'plan.csv');
  const optimise: OptimiseForReport = {
    allocation: await j(join(input.optimiseDir, 'allocation.json')),
    allocationClv: await j(join(input.optimiseDir, 'allocation-clv.json')),
    curves: await j(join(input.optimiseDir, 'curves.json')),
    scenarios: await j(join(input.optimiseDir, 'scenarios.json')),
    curveDraws: (await j<{ draws: Record<string, CurveSpec>[] }>(join(input.optimiseDir, 'curve-draws.json'))).draws,
    robustness: await j(join(input.optimiseDir, 'robustness.json')),
    planDates: plan.rows.map((r) => r[0]),
  };
  const drift = await j<DriftDecision>(join(input.driftDir, 'decision.json'));
  const data = assembleReportData({
    runId: input.runId,
    lineage: input.lineage,
    ingest: ok(manifests[0].metrics as { weeks: number; firstWeek: string; lastWeek: string; currency: string; revenue: number; spend: number }, 0),
    drift: { status: 'ok', data: { decision: drift.decision, reasons: drift.reasons } },
    mmm: ok({ model, decomposition }, 1),
    clv: ok(await j<ClvSummary>(join(input.clvDir, 'clv.json')), 2),
    optimise: ok(optimise, 3),
    simulate: ok(await j<BandsDoc>(join(input.simulateDir, 'bands.json')), 4),
  });
  await writeFile(join(dir, 'report.html'), await renderReport(data));
  return { metrics: { channels: model.channels.length, decision: drift.decision } };
}
