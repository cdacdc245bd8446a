/**
 * From the stages' parsed files to the report's data: every figure put per
 * week, each section marked ok, skipped or failed with the reason in plain
 * words. Pure: the pipeline reads the files and calls
 * {@link assembleReportData}.
 */
import { quantileSorted } from '../core/quantile.ts';
import { marginalRoi, type CurveSpec } from '../optimise/index.ts';
import { EXTRAPOLATION } from '../simulate/index.ts';
import { adstockSummary } from './adstock.ts';
import type {
  BandsDoc,
  ClvForReport,
  CsvLike,
  DecompositionLayer,
  ModelForReport,
  OptimiseForReport,
  PlannerData,
  ReportArtifacts,
  ReportChannel,
  ReportData,
  ReportForecast,
  ReportModel,
  ReportPlan,
  SectionId,
  SectionState,
  StageArtifact,
} from './types.ts';

/** Decomposition columns that are not parts of revenue (aggregates and the target). */
const NOT_PARTS = new Set(['date', 'actual', 'fitted', 'baseline', 'media']);
/** Decomposition columns that make up the baseline (everything the business would sell without media or controls). */
const BASELINE_PARTS = new Set(['intercept', 'trend', 'seasonality']);
/** At most this many of the model's draws travel to the planner. */
export const PLANNER_DRAWS = 200;

const OK: SectionState = { status: 'ok', reason: null };

/** A reason whose first clause already says what the prefix would ("the forecast did not run (...)", "the model failed: ..."). */
const SAYS_PREFIX = /\b(did not run|failed)\b/i;

/**
 * Why a section is missing, in one sentence: "<stage> did not run: <reason>"
 * or "<stage> failed: <reason>", unless the reason's first clause already
 * says "did not run" or "failed" (then the reason alone, capitalised), so the
 * page never says it twice. A leading "did not run: " or "failed: " (the
 * runner's raw form) is dropped first.
 * @example sectionReason('The forecast', 'skipped', 'the forecast did not run (needs optimise)') // => 'The forecast did not run (needs optimise)'
 * @example sectionReason('Customer lifetime value', 'skipped', 'the input is a weekly table') // => 'Customer lifetime value did not run: the input is a weekly table'
 */
export function sectionReason(stage: string, status: 'skipped' | 'failed', reason: string): string {
  const why = reason.trim().replace(/^(did not run|failed):\s*/i, '');
  if (why === '') return `${stage} ${status === 'skipped' ? 'did not run' : 'failed'}.`;
  if (SAYS_PREFIX.test(why.split(/[:(]/)[0])) return why[0].toUpperCase() + why.slice(1);
  return `${stage} ${status === 'skipped' ? 'did not run' : 'failed'}: ${why}`;
}

/** Why a section is missing, from its stage's outcome (see {@link sectionReason}). */
function missing(stage: string, a: StageArtifact<unknown>): SectionState {
  if (a.status === 'ok') return OK;
  return { status: a.status, reason: sectionReason(stage, a.status, a.reason) };
}

/** Each section's state (see {@link SectionState}). */
export function sectionStates(a: ReportArtifacts): Record<SectionId, SectionState> {
  const model = missing('The marketing-mix model', a.mmm);
  const optimise = missing('The budget optimisation', a.optimise);
  const scenarios: SectionState =
    a.optimise.status === 'ok' && a.optimise.data.scenarios === null ? { status: 'skipped', reason: 'The budget optimisation did not compute budget scenarios for this run.' } : optimise;
  return {
    summary: OK,
    scenarios,
    decomposition: model,
    fit: model,
    channels: model,
    curves: optimise,
    plan: optimise,
    forecast: missing('The forecast', a.simulate),
    customers: missing('Customer lifetime value', a.clv),
    planner: optimise,
    appendix: OK,
  };
}

/** The decomposition's weekly layers: baseline, controls (and events), organic, each channel. */
export function decompositionLayers(model: ModelForReport, csv: CsvLike): DecompositionLayer[] {
  const channels = new Set(model.channels.map((c) => c.name));
  const organic = new Set((model.organic ?? []).map((o) => o.name));
  const n = csv.rows.length;
  const sumOf = (cols: number[]) => Array.from({ length: n }, (_, t) => cols.reduce((s, j) => s + Number(csv.rows[t][j]), 0));
  const base: number[] = [];
  const controls: number[] = [];
  const org: number[] = [];
  csv.header.forEach((h, j) => {
    if (j === 0 || NOT_PARTS.has(h) || channels.has(h)) return;
    (BASELINE_PARTS.has(h) ? base : organic.has(h) ? org : controls).push(j);
  });
  const layers: DecompositionLayer[] = [{ name: 'Baseline', kind: 'baseline', values: sumOf(base) }];
  if (controls.length) layers.push({ name: 'Controls and events', kind: 'controls', values: sumOf(controls) });
  if (org.length) layers.push({ name: 'Organic', kind: 'organic', values: sumOf(org) });
  for (const c of model.channels) {
    const j = csv.header.indexOf(c.name);
    if (j >= 0) layers.push({ name: c.name, kind: 'channel', values: sumOf([j]) });
  }
  return layers;
}

/** A decomposition column as numbers (empty when absent). */
function column(csv: CsvLike, name: string): number[] {
  const j = csv.header.indexOf(name);
  return j < 0 ? [] : csv.rows.map((r) => Number(r[j]));
}

/** The model's channels per week (the model's totals over its weeks divided by the weeks). */
function channelRows(model: ModelForReport): ReportChannel[] {
  const weeks = Math.max(1, model.window.weeks);
  return model.channels.map((c) => ({
    name: c.name,
    spend: c.spend / weeks,
    spendShare: c.spendShare,
    contribution: c.contribution / weeks,
    contributionShare: c.contributionShare,
    roas: c.roas,
    roasLow: c.roasLow,
    roasHigh: c.roasHigh,
    mroas: c.mroas,
    adstock: adstockSummary(c.adstock),
  }));
}

/** How the posterior estimator's point model was chosen, in words. */
function pointRule(p: NonNullable<ModelForReport['posterior']>): string {
  if (p.pointEffectiveWeeks === undefined) return "the point model is the draw nearest the draws' medians";
  const why = p.pointEffectiveWeeks > p.effectiveWeeks ? ', tempered to widen the intervals for a model that cannot write the truth exactly' : '';
  return `the point model is chosen from a second run with the likelihood counting ${p.pointEffectiveWeeks.toFixed(0)} effective weeks (the draws' run counts ${p.effectiveWeeks.toFixed(0)}${why})`;
}

/** The model section's data. */
function reportModel(model: ModelForReport, csv: CsvLike): ReportModel {
  const m = model.metrics;
  return {
    metrics: { r2: m.r2, nrmse: m.nrmse, mape: m.mape, holdoutMape: m.holdoutMape, decompRssd: m.decompRssd, durbinWatson: m.durbinWatson, residualSd: m.residualSd },
    selection: model.posterior
      ? `the posterior over each channel's curve family and hyperparameters (${model.posterior.chains} chains, ${model.posterior.draws} draws, the coefficients drawn given each draw's curves); ${pointRule(model.posterior)}, and every interval is read from the draws`
      : model.selection
        ? `${model.selection.rule}; intervals from refits on resampled blocks of weeks`
        : null,
    dates: csv.rows.map((r) => r[0]),
    actual: column(csv, 'actual'),
    fitted: column(csv, 'fitted'),
    holdoutWeeks: model.validationWeeks ?? 0,
    layers: decompositionLayers(model, csv),
    channels: channelRows(model),
    calibration: model.calibration?.studies.map((s) => ({ channel: s.channel, from: s.from, to: s.to, lift: s.lift, modelled: s.modelled, error: s.error })) ?? [],
  };
}

/** Budgets within this relative distance are the same budget. */
const SAME_BUDGET = 0.005;

/** The current plan's spend per week by channel: the allocation's comparison, else current.csv's (no allocation found). */
function currentPlanOf(o: OptimiseForReport): Record<string, number> {
  return o.allocation.againstCurrent?.current ?? o.currentPlan ?? {};
}

/** The recommended plan per week. */
function reportPlan(o: OptimiseForReport): ReportPlan {
  const a = o.allocation;
  const clv = o.allocationClv?.status === 'optimal' ? o.allocationClv.allocation : null;
  const currentSpend = Object.values(currentPlanOf(o)).reduce((s, v) => s + v, 0);
  // No plan found (infeasible limits): the current spend is what runs, so the plan's budget is the current one.
  const budget = a.spend ?? currentSpend;
  return {
    status: a.status,
    message: a.message,
    objective: a.objectiveKind,
    budget,
    currentSpend,
    budgetIsCurrent: !(currentSpend > 0) || Math.abs(budget / currentSpend - 1) < SAME_BUDGET,
    // With no plan found, the channels of the current plan, which is what runs.
    rows: Object.keys(Object.keys(a.allocation).length ? a.allocation : currentPlanOf(o)).map((c) => ({
      channel: c,
      current: currentPlanOf(o)[c] ?? 0,
      recommended: a.allocation[c] ?? currentPlanOf(o)[c] ?? 0,
      marginalRoi: a.marginalRoi[c] ?? null,
      atBound: a.atBound?.[c] ?? null,
      clvRecommended: clv ? (clv[c] ?? null) : null,
    })),
    binding: a.binding.map((b) => ({ id: b.id, description: b.description, shadowPrice: b.shadowPrice })),
    revenue: a.revenue,
    currentRevenue: a.againstCurrent?.currentRevenue ?? null,
    profit: a.profit ?? null,
    currentProfit: a.againstCurrent?.currentProfit ?? null,
    robustness: o.robustness
      ? { pointUplift: a.againstCurrent?.revenueUplift ?? null, upliftUnderDraws: o.robustness.upliftUnderDraws ?? null, probabilityBetter: o.robustness.probabilityRecommendedBetter }
      : null,
  };
}

/** 1, 2 or 5 times a power of ten, at or above v: a slider's round end. */
export function niceCeil(v: number): number {
  if (!(v > 0)) return 1;
  const p = 10 ** Math.floor(Math.log10(v));
  for (const m of [1, 2, 5, 10]) if (m * p >= v * (1 - 1e-12)) return m * p;
  return 10 * p;
}

/**
 * The next unit's return (the curve's slope) at a weekly spend under each of the model's draws: its
 * 5th and 95th percentiles and the share of draws above break-even; null without draws or a spend.
 */
export function nextUnitUnderDraws(draws: Record<string, CurveSpec>[], channel: string, spend: number | undefined, breakEven: number): { low: number; high: number; paying: number } | null {
  const curves = draws.map((d) => d[channel]).filter((c) => c !== undefined);
  if (spend === undefined || curves.length < 20) return null;
  const m = curves.map((c) => marginalRoi(c, spend)).sort((a, b) => a - b);
  return { low: quantileSorted(m, 0.05), high: quantileSorted(m, 0.95), paying: m.filter((v) => v > breakEven).length / m.length };
}

/** Evenly spaced draws, at most `max` (deterministic: draw floor(i n / max)). */
function spacedDraws(draws: Record<string, CurveSpec>[], max: number): Record<string, CurveSpec>[] {
  if (draws.length <= max) return draws;
  return Array.from({ length: max }, (_, i) => draws[Math.floor((i * draws.length) / max)]);
}

/** What the in-page planner needs. */
function plannerData(o: OptimiseForReport, margin: number): PlannerData {
  const a = o.allocation;
  const scenarioMax = (name: string) => Math.max(0, ...(o.scenarios?.scenarios ?? []).map((s) => s.plan?.allocation[name] ?? 0));
  return {
    channels: o.curves.channels.map((c) => {
      const current = currentPlanOf(o)[c.channel] ?? 0;
      const recommended = a.allocation[c.channel] ?? current;
      const max = niceCeil(Math.max(2 * current, 1.5 * recommended, 1.2 * scenarioMax(c.channel), 1));
      return { name: c.channel, curve: c.curve, current, recommended, max, seen: c.seenWeekly ?? null };
    }),
    draws: spacedDraws(o.curveDraws, PLANNER_DRAWS),
    budget: a.spend ?? Object.values(currentPlanOf(o)).reduce((s, v) => s + v, 0),
    extrapolation: EXTRAPOLATION,
    margin,
    dates: o.planDates,
    controls: o.planControls ?? {},
  };
}

/** The forecast's bands; with no recommended plan (the optimiser found none, and the simulate stage planned the current spend) only the current plan's. */
function reportForecast(b: BandsDoc, recommended: boolean): ReportForecast {
  return {
    weeks: b.weekly.length,
    draws: b.draws,
    plan: recommended ? 'recommended' : 'current',
    recommended: { total: b.total, weekly: b.weekly },
    current: recommended ? (b.compare ?? null) : null,
    probabilityBetter: recommended ? (b.probabilityBetter ?? null) : null,
  };
}

function reportCustomers(c: ClvForReport): ReportData['customers'] {
  return {
    customers: c.customers,
    clvTotal: c.clvTotal,
    months: c.settings?.months ?? null,
    byChannel: c.byChannel.map((b) => ({ channel: b.channel, customers: b.customers, meanClv: b.meanClv, totalClv: b.totalClv })),
    bgnbd: { r: c.bgnbd.r, alpha: c.bgnbd.alpha, a: c.bgnbd.a, b: c.bgnbd.b },
    gammaGamma: { p: c.gammaGamma.p, q: c.gammaGamma.q, v: c.gammaGamma.v },
  };
}

/**
 * Revenue per week without media over the horizon: the forecast's mean for a
 * plan less the plan's media revenue; else the model's last `weeks` weeks of
 * fitted revenue less the channels' parts.
 */
function expectedBaseline(opt: OptimiseForReport | null, bands: BandsDoc | null, model: ReportModel | undefined, weeks: number): number | null {
  const a = opt?.allocation;
  if (a && bands && bands.weekly.length > 0) {
    if (bands.compare && a.againstCurrent) return bands.compare.total.mean / bands.compare.weekly.length - a.againstCurrent.currentRevenue;
    if (a.revenue !== null) return bands.total.mean / bands.weekly.length - a.revenue;
  }
  if (!model || model.fitted.length === 0) return null;
  const from = Math.max(0, model.fitted.length - Math.max(1, weeks));
  let s = 0;
  for (let t = from; t < model.fitted.length; t++) s += model.fitted[t] - model.layers.filter((l) => l.kind === 'channel').reduce((m, l) => m + l.values[t], 0);
  return s / (model.fitted.length - from);
}

/** Every stage's warnings, labelled by stage, in pipeline order. */
function collectWarnings(a: ReportArtifacts): ReportData['warnings'] {
  const stages: [string, StageArtifact<unknown> | undefined][] = [
    ['ingest', a.ingest],
    ['drift', a.drift],
    ['model', a.mmm],
    ['clv', a.clv],
    ['allocation', a.optimise],
    ['forecast', a.simulate],
  ];
  const out = stages.flatMap(([stage, s]) => (s?.status === 'ok' ? (s.warnings ?? []).map((message) => ({ stage, message })) : []));
  if (a.optimise.status === 'ok') out.push(...(a.optimise.data.scenarios?.warnings ?? []).map((message) => ({ stage: 'scenarios', message })));
  return out;
}

/**
 * Assembles the report's data from the stages' parsed files. Never throws for
 * a missing stage: its sections say why they are empty.
 * @param a the artifacts; money in them is per week (the optimise stage solves for the average week)
 */
export function assembleReportData(a: ReportArtifacts): ReportData {
  const opt = a.optimise.status === 'ok' ? a.optimise.data : null;
  const margin = opt?.scenarios?.margin ?? opt?.allocation.margin ?? 1;
  const ingest = a.ingest.status === 'ok' ? a.ingest.data : null;
  const mmm = a.mmm.status === 'ok' ? a.mmm.data : null;
  const data: ReportData = {
    title: a.title ?? 'Weekly marketing-mix report',
    buildId: a.runId,
    data: {
      firstWeek: ingest?.firstWeek ?? mmm?.model.window.first ?? '–',
      lastWeek: ingest?.lastWeek ?? mmm?.model.window.last ?? '–',
      weeks: ingest?.weeks ?? mmm?.model.window.weeks ?? 0,
      currency: ingest?.currency ?? null,
      revenue: ingest?.revenue ?? null,
      spend: ingest?.spend ?? null,
    },
    margin,
    horizonWeeks: opt?.allocation.horizonWeeks ?? (a.simulate.status === 'ok' ? a.simulate.data.weekly.length : 0),
    expectedBaseline: null,
    sections: sectionStates(a),
    warnings: collectWarnings(a),
    alerts: a.alerts ?? [],
    drift: a.drift?.status === 'ok' ? a.drift.data : null,
    lineage: a.lineage,
  };
  if (mmm) data.model = reportModel(mmm.model, mmm.decomposition);
  if (opt) {
    if (opt.scenarios) data.scenarios = opt.scenarios;
    data.plan = reportPlan(opt);
    data.curves = opt.curves.channels.map((c) => {
      const next = nextUnitUnderDraws(opt.curveDraws, c.channel, currentPlanOf(opt)[c.channel], 1 / margin);
      return { channel: c.channel, curve: c.curve, ...(next ? { next } : {}) };
    });
    data.planner = plannerData(opt, margin);
  }
  if (a.simulate.status === 'ok') data.forecast = reportForecast(a.simulate.data, opt?.allocation.status === 'optimal');
  if (a.clv.status === 'ok') data.customers = reportCustomers(a.clv.data);
  data.expectedBaseline = expectedBaseline(opt, a.simulate.status === 'ok' ? a.simulate.data : null, data.model, data.horizonWeeks || 13);
  return data;
}
