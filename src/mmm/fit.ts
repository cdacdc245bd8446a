/**
 * fitMmm: the marketing-mix model end to end, on a weekly table in memory.
 * Each step is a function of its own file:
 * options (options.ts) -> search problem (problem.ts) -> hyperparameter
 * search on workers (search.ts) -> selection (select.ts) -> refit on all
 * weeks (refit.ts) -> intervals (intervals.ts) -> metrics (metrics.ts) ->
 * decomposition (decompose.ts) -> the model as model.json shows it (summarise.ts).
 */
import { dayToIso } from '../core/csv.ts';
import { resolveFitOptions } from './options.ts';
import { buildSearchProblem } from './problem.ts';
import type { SearchProblem } from './problem.ts';
import { paretoFront, runSearch } from './search.ts';
import type { SearchResult } from './search.ts';
import { candidateReporter, selectCandidate } from './select.ts';
import type { Selection } from './select.ts';
import { alphaPriorTerm, createEvaluator, evaluateCandidate, fitRidgeRows } from './kernel.ts';
import { posteriorDraws } from './posterior-draws.ts';
import type { PosteriorEstimate } from './posterior-draws.ts';
import { allWeeks, channelResponses, coefficientSigns, refitAllWeeks } from './refit.ts';
import type { Refit } from './refit.ts';
import { bootstrapDraws } from './intervals.ts';
import { decompRssd, fitMetrics, holdoutMape, inSampleMetrics } from './metrics.ts';
import { baselineParts, channelContributions, decompose } from './decompose.ts';
import { baselineTerms, calibrationReport, channelSummaries, dominantContextWarnings, interceptWarning, organicSummaries, spendTotals, uncertaintyWarnings } from './summarise.ts';
import type { BootstrapDraw, Candidate, ChannelSummary, FitOptions, MmmFit, MmmModel, OrganicSummary, WeeklyData } from './types.ts';

/** Runs the hyperparameter search of a problem (worker threads when o.threads > 1). */
async function searchProblem(pr: SearchProblem): Promise<{ search: SearchResult; threads: number }> {
  const { o, dims, spec } = pr;
  const populationSize = o.populationSize ?? Math.min(o.iterations, Math.max(10, 2 * dims));
  const threads = Math.max(1, Math.min(o.threads, o.trials * populationSize));
  const search = await runSearch(spec, {
    seed: o.seed,
    trials: o.trials,
    iterations: o.iterations,
    populationSize,
    threads,
    onProgress: o.onProgress ? (d, t) => o.onProgress!('search', d, t) : undefined,
  });
  return { search, threads };
}

/** The model record of model.json from the fit's parts. */
function modelRecord(pr: SearchProblem, sel: Selection, chosen: Candidate, refit: Refit, channels: ChannelSummary[], organic: OrganicSummary[]): MmmModel {
  const { o, n, data } = pr;
  const sample = inSampleMetrics(
    pr.y,
    refit.fitted,
    refit.coef.reduce((a, c) => a + (c !== 0 ? 1 : 0), 0),
  );
  const model: MmmModel = {
    formatVersion: 1,
    target: data.targetName,
    window: { first: dayToIso(data.dates[0]), last: dayToIso(data.dates[n - 1]), firstDay: data.dates[0], lastDay: data.dates[n - 1], weeks: n, warmupWeeks: pr.warmup },
    adstock: o.adstock,
    saturation: o.saturation,
    seasonalityPeriod: o.seasonalityPeriod,
    fourierOrder: o.fourierOrder,
    ...(o.trend && o.trendKnotSpacing > 0 ? { trendKnots: pr.knots } : {}),
    lambda: sel.hp[pr.dims - 1],
    intercept: refit.intercept,
    interceptSign: o.interceptSign,
    baseline: baselineTerms(pr, refit.coef),
    channels,
    metrics: fitMetrics(sample, holdoutMape(pr, refit, sel.hp[pr.dims - 1]), chosen.validationNrmse, decompRssd(channels)),
    residuals: sample.residuals,
    residualAutocorrelation: sample.residualAutocorrelation,
    validation: { folds: pr.folds, horizon: pr.nValid, cuts: Array.from(pr.cuts) },
    selection: {
      rule: sel.rule,
      objective: sel.objective,
      trial: chosen.trial,
      candidate: chosen.index,
      validationNrmse: chosen.validationNrmse,
      objectiveValue: chosen.objective,
      decompRssd: chosen.decompRssd,
    },
    validationWeeks: pr.nValid,
  };
  if (organic.length) model.organic = organic;
  if (pr.factors.length) model.factors = pr.factors;
  const calibration = calibrationReport(pr, refit);
  if (calibration) model.calibration = calibration;
  return model;
}

/** The fit's warnings: input checks, the intercept at its bound, dominant context variables, undetermined channels. */
function fitWarnings(pr: SearchProblem, refit: Refit, lambda: number, channels: ChannelSummary[], draws: BootstrapDraw[]): string[] {
  const free = refit.intercept === 0 && pr.o.interceptSign === 'non_negative' ? freeInterceptOf(pr, refit, lambda) : 0;
  return [...pr.warnings, ...interceptWarning(pr, refit, free), ...dominantContextWarnings(pr, refit, baselineParts(pr)), ...uncertaintyWarnings(pr, channels, draws)];
}

/** The intercept of the same design fitted with the intercept free (for the warning at its bound). */
function freeInterceptOf(pr: SearchProblem, refit: Refit, lambda: number): number {
  const coef = new Float64Array(pr.nb + pr.nm);
  return fitRidgeRows(pr.nb + pr.nm, pr.n, refit.design.cols, pr.y, allWeeks(pr.n), pr.n, lambda, coefficientSigns(pr), coef, 0);
}

/**
 * Fits the marketing-mix model (see the module comment). Pure apart from the
 * worker threads it may start; the same data, options and seed give the same
 * result for any thread count.
 * @throws ValidationError for bad data (see checkWeeklyData), UsageError for bad options
 */
export async function fitMmm(data: WeeklyData, options: FitOptions = {}): Promise<MmmFit> {
  const pr = buildSearchProblem(data, resolveFitOptions(options));
  const { search, threads } = await searchProblem(pr);
  const sel = selectCandidate(pr, search);
  const selected = refitAllWeeks(pr, sel.hp);
  const totals = spendTotals(pr);
  const lambda = sel.hp[pr.dims - 1];
  let posterior: PosteriorEstimate | null = null;
  let refit = selected;
  let draws: BootstrapDraw[];
  if (pr.o.estimator === 'posterior') {
    posterior = await posteriorDraws(pr, search, sel.chosen, sel.hp, selected, lambda, threads, totals);
    refit = posterior.pointFit;
    draws = posterior.draws;
  } else draws = bootstrapDraws(pr, search, sel.chosen, sel.hp, selected.design, totals);
  const hp = posterior ? posterior.point : sel.hp;
  const responses = channelResponses(pr, hp, refit.design.ks, refit.coef);
  const contribution = channelContributions(pr, refit);
  const channels = channelSummaries(pr, responses.slice(0, pr.nc), contribution.subarray(0, pr.nc), totals, draws);
  const organic = organicSummaries(pr, responses.slice(pr.nc), contribution, draws);
  const report = candidateReporter(pr, search);
  const model = modelRecord(pr, sel, posterior ? scorePoint(pr, hp, report(sel.chosen)) : report(sel.chosen), refit, channels, organic);
  if (posterior) model.posterior = posterior.summary;
  return {
    model,
    decomposition: decompose(pr, refit),
    pareto: paretoFront(search.scores, search.trials * search.iterations).map(report),
    draws,
    warnings: [...fitWarnings(pr, refit, lambda, channels, draws), ...holdoutWarning(pr, model.metrics)],
    diagnostics: { candidates: search.trials * search.iterations, trials: pr.o.trials, iterations: pr.o.iterations, populationSize: search.populationSize, threads },
  };
}

/** A holdout error at or above this (MAPE over the weeks the model did not see) is warned about. */
export const HOLDOUT_WARN = 0.2;

/**
 * A warning when the model, fitted without its last weeks, misses them by {@link HOLDOUT_WARN} or more on
 * average: its forecasts and plans then rest on a baseline that does not carry forward.
 */
function holdoutWarning(pr: SearchProblem, m: { holdoutMape: number; mape: number }): string[] {
  if (!(m.holdoutMape >= HOLDOUT_WARN)) return [];
  return [
    `the model, fitted without the last ${pr.n - pr.nTrain} weeks, misses them by ${(100 * m.holdoutMape).toFixed(1)}% on average (${(100 * m.mape).toFixed(1)}% on the weeks it fits): its forecast and plan rest on a baseline that may not carry forward (a trend that bends: mmm.trendKnotSpacing; a missing control; a change in the business)`,
  ];
}

/** The point model's own validation NRMSE and DECOMP.RSSD (scored as the search scores a candidate), with the selection's trial and index. */
function scorePoint(pr: SearchProblem, hp: Float64Array, selected: Candidate): Candidate {
  const u = new Float64Array(pr.dims);
  for (let d = 0; d < pr.dims; d++) {
    const x = pr.logScale[d] ? Math.log10(hp[d]) : hp[d];
    u[d] = pr.upper[d] > pr.lower[d] ? (x - pr.lower[d]) / (pr.upper[d] - pr.lower[d]) : 0;
  }
  const ev = createEvaluator(pr.spec);
  const out = new Float64Array(3);
  evaluateCandidate(ev, u, 0, out, 0);
  const prior = pr.spec.alphaPrior > 0 ? pr.spec.alphaPrior * alphaPriorTerm(ev.hp as Float64Array, pr.spec.alphaDim, pr.lower, pr.upper) : 0;
  const cal = pr.cal.channel.length > 0 ? 1 + pr.o.calibrationWeight * (ev.mapeLift as number) : 1;
  return { ...selected, objective: out[0], validationNrmse: out[0] / ((1 + prior) * cal), decompRssd: out[1], trainNrmse: out[2] };
}

/** Re-exported for pipelines/weekly.ts, which checks calibration.csv before the drift stage (defined in calibration.ts). */
export { resolveCalibration } from './calibration.ts';
