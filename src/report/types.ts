/**
 * Types of the report: the artifacts it is made from ({@link ReportArtifacts},
 * plain parsed files as the stages write them) and the data it renders
 * ({@link ReportData}). Money is per week everywhere in ReportData, except
 * forecast totals, which are over the forecast horizon and say so.
 */
import type { AllocationResult, BudgetScenarios, CurveSpec } from '../optimise/index.ts';
import type { MmmModel } from '../mmm/types.ts';

/** The report's sections, in page order (each an element id). */
export const SECTION_IDS = ['summary', 'scenarios', 'decomposition', 'fit', 'channels', 'curves', 'plan', 'forecast', 'customers', 'planner', 'appendix'] as const;
/** A section's id. */
export type SectionId = (typeof SECTION_IDS)[number];

/** Whether a section has its data, and if not, why in plain words. */
export interface SectionState {
  status: 'ok' | 'skipped' | 'failed';
  /** Plain words, shown in the page: e.g. "The input is a weekly table without a transaction log, so there is no customer lifetime value." */
  reason: string | null;
}

/** A stage's outcome as the report sees it: its parsed files, or why there are none. */
export type StageArtifact<T> = { status: 'ok'; data: T; warnings?: string[] } | { status: 'skipped' | 'failed'; reason: string };

/** One entry of the run's lineage: a stage's artifact folder and data version. */
export interface LineageEntry {
  stage: string;
  dataVersion: string;
  dir: string;
}

/** The ingest manifest's metrics the report shows. */
export interface IngestSummary {
  weeks: number;
  firstWeek: string;
  lastWeek: string;
  currency?: string | null;
  revenue?: number | null;
  spend?: number | null;
}

/** The fields of model.json the report reads (organic variables are optional: older models have none). */
export type ModelForReport = Pick<MmmModel, 'window' | 'channels' | 'metrics' | 'validationWeeks' | 'selection' | 'calibration' | 'posterior'> & {
  organic?: { name: string; contribution?: number }[];
};

/** A parsed CSV (decomposition.csv): the header's first column is the week's date. */
export interface CsvLike {
  header: string[];
  rows: string[][];
}

/** A forecast band document (bands.json of the simulate stage). */
export interface BandsDoc {
  total: Band;
  weekly: (Band & { date: string })[];
  draws: number;
  compare?: { total: Band; weekly: (Band & { date: string })[] };
  probabilityBetter?: number;
}

/** Quantiles of a simulated figure. */
export interface Band {
  p5: number;
  p50: number;
  p95: number;
  mean: number;
}

/** The parts of clv.json the report shows. */
export interface ClvForReport {
  customers: number;
  clvTotal: number;
  byChannel: { channel: string; customers: number; meanClv: number; totalClv: number }[];
  bgnbd: { r: number; alpha: number; a: number; b: number };
  gammaGamma: { p: number; q: number; v: number };
  settings?: { horizonWeeks?: number; months?: number; monthlyDiscountRate?: number };
}

/** The optimise stage's files the report reads. */
export interface OptimiseForReport {
  /** allocation.json: the recommended plan (per week) and the horizon it is planned for. */
  allocation: AllocationResult & { horizonWeeks: number };
  /** allocation-clv.json, when present. */
  allocationClv?: AllocationResult | null;
  /** curves.json: each channel's weekly response curve. */
  curves: { channels: { channel: string; curve: CurveSpec; seenWeekly?: number }[] };
  /** scenarios.json (see budgetScenarios); null when the stage did not compute them. */
  scenarios: BudgetScenarios | null;
  /** curve-draws.json: the model draws' weekly curves, channel -> curve. */
  curveDraws: Record<string, CurveSpec>[];
  /** robustness.json. */
  robustness?: { outOfSampleDrop: number | null; probabilityRecommendedBetter: number; upliftUnderDraws?: number | null } | null;
  /** The dates of the planned weeks (the date column of plan.csv), as `mmm simulate --plan` expects them. */
  planDates: string[];
  /** plan.csv's columns besides the date and the channels (holiday flags, held controls), by name; older stages wrote none. */
  planControls?: Record<string, number[]>;
  /** current.csv's spend per week by channel (its first week): the current plan, also when no allocation was found. */
  currentPlan?: Record<string, number>;
}

/** Everything the report is made from; each stage either delivered its files or says why not. */
export interface ReportArtifacts {
  title?: string;
  /** Alerts the run raised on the data and the model (default none). */
  alerts?: string[];
  /**
   * The build id: a hash of the lineage (the artifact set), so an unchanged
   * re-run renders the same bytes. Not a run id of `mmm runs`; the page calls
   * it "build".
   */
  runId: string;
  lineage: LineageEntry[];
  ingest: StageArtifact<IngestSummary>;
  drift?: StageArtifact<{ decision: 'refit' | 'reuse'; reasons: string[] }>;
  mmm: StageArtifact<{ model: ModelForReport; decomposition: CsvLike }>;
  optimise: StageArtifact<OptimiseForReport>;
  simulate: StageArtifact<BandsDoc>;
  clv: StageArtifact<ClvForReport>;
}

/** A layer of the weekly decomposition. */
export interface DecompositionLayer {
  name: string;
  kind: 'baseline' | 'controls' | 'organic' | 'channel';
  /** Revenue per week. */
  values: number[];
}

/** A channel as the report shows it; money per week (averages over the model's weeks). */
export interface ReportChannel {
  name: string;
  spend: number;
  spendShare: number;
  contribution: number;
  /** Share of the media effect. */
  contributionShare: number;
  roas: number;
  roasLow: number;
  roasHigh: number;
  mroas: number;
  adstock: {
    /** In words, e.g. "geometric, 45% carried to the next week". */
    description: string;
    /** Weeks until a week's effect falls to half its peak (null: within the first week). */
    halfLifeWeeks: number | null;
    /** Effect remaining at lags 0..12 weeks, relative to its peak. */
    decay: number[];
  };
}

/** The fitted model as the report shows it. */
export interface ReportModel {
  metrics: { r2: number; nrmse: number; mape: number; holdoutMape: number; decompRssd: number; durbinWatson?: number; residualSd?: number };
  /** How the model and its draws were made, in words (the posterior sampler, or the search's selection rule). */
  selection: string | null;
  dates: string[];
  actual: number[];
  fitted: number[];
  /** The last `holdoutWeeks` weeks were held out to choose the model. */
  holdoutWeeks: number;
  layers: DecompositionLayer[];
  channels: ReportChannel[];
  calibration: { channel: string; from: string; to: string; lift: number; modelled: number; error: number }[];
}

/** The recommended plan, per week. */
export interface ReportPlan {
  status: string;
  message: string;
  /** What the split maximises (the allocation's objective, e.g. "revenue"). */
  objective: string;
  /** The budget the plan spends, per week. */
  budget: number;
  /** The current plan's spend per week (the sum of the rows' current spend: the last horizon weeks' average; 0 when unknown). */
  currentSpend: number;
  /** Whether the plan spends the current budget (within 0.5%, or the current spend is unknown) rather than one the configuration set. */
  budgetIsCurrent: boolean;
  rows: { channel: string; current: number; recommended: number; marginalRoi: number | null; atBound: 'min' | 'max' | 'off' | null; clvRecommended: number | null }[];
  binding: { id: string; description: string; shadowPrice: number | null }[];
  revenue: number | null;
  currentRevenue: number | null;
  profit: number | null;
  currentProfit: number | null;
  /**
   * The plan under the model's draws: its gain over the current plan on the
   * point model (`pointUplift`) and averaged over the draws (`upliftUnderDraws`;
   * smaller: the optimiser's curse), and how often it beats the current plan.
   */
  robustness: { pointUplift: number | null; upliftUnderDraws: number | null; probabilityBetter: number } | null;
}

/** What the in-page planner needs (travels as JSON). */
export interface PlannerData {
  /** `seen`: the weekly spend whose steady-state adstock is the largest the model saw (null: not known). */
  channels: { name: string; curve: CurveSpec; current: number; recommended: number; max: number; seen: number | null }[];
  /** Bootstrap draws: channel -> weekly curve (a seeded, evenly spaced subset when there are many). */
  draws: Record<string, CurveSpec>[];
  /** Current weekly budget. */
  budget: number;
  /** A channel's spend beyond this multiple of its `seen` is extrapolation. */
  extrapolation: number;
  margin: number;
  /** Week start dates of the plan (`mmm simulate --plan` format). */
  dates: string[];
  /** The planned weeks' other columns (holiday flags, held controls), written into the download as the pipeline's plan has them. */
  controls: Record<string, number[]>;
}

/** The Monte Carlo forecast: weekly bands and totals over the horizon. */
export interface ReportForecast {
  weeks: number;
  draws: number;
  /** Which plan `recommended` holds: the recommended one, or the current one when the optimiser found no plan. */
  plan: 'recommended' | 'current';
  recommended: { total: Band; weekly: (Band & { date: string })[] };
  current: { total: Band; weekly: (Band & { date: string })[] } | null;
  probabilityBetter: number | null;
}

/** Customer lifetime value. */
export interface ReportCustomers {
  customers: number;
  clvTotal: number;
  months: number | null;
  byChannel: { channel: string; customers: number; meanClv: number; totalClv: number }[];
  bgnbd: { r: number; alpha: number; a: number; b: number };
  gammaGamma: { p: number; q: number; v: number };
}

/** What the report renders. Optional parts are missing when their stage did not deliver; `sections` says why. */
export interface ReportData {
  title: string;
  /** The build id (see {@link ReportArtifacts.runId}). */
  buildId: string;
  /** The data as ingested: all its weeks, with revenue and spend totals over them (money in `currency`, null when unknown). */
  data: { firstWeek: string; lastWeek: string; weeks: number; currency: string | null; revenue: number | null; spend: number | null };
  /** Gross margin (default 1) and its break-even ROI 1 / margin. */
  margin: number;
  /** Weeks the plan and the forecast cover. */
  horizonWeeks: number;
  /**
   * Revenue per week expected without media over the horizon (baseline,
   * controls, organic), to turn media revenue into total revenue; null when
   * neither the forecast nor the model gives it.
   */
  expectedBaseline: number | null;
  sections: Record<SectionId, SectionState>;
  warnings: { stage: string; message: string }[];
  /** The run's alerts on the state of the data and the model (stale data, ROAS below a floor, CLV falling), one line each. */
  alerts: string[];
  drift: { decision: 'refit' | 'reuse'; reasons: string[] } | null;
  model?: ReportModel;
  scenarios?: BudgetScenarios;
  plan?: ReportPlan;
  /**
   * Each channel's weekly response curve and, when the model's draws came with it, the next unit's
   * return at the current spend under the draws: its 90% interval and the share of draws in which it
   * is above break-even.
   */
  curves?: { channel: string; curve: CurveSpec; next?: { low: number; high: number; paying: number } }[];
  planner?: PlannerData;
  forecast?: ReportForecast;
  customers?: ReportCustomers;
  lineage: LineageEntry[];
}
