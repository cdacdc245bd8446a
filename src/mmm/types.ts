/** Types of the marketing-mix model: its input, options, fitted model and draws. */

/** One weekly series with a name (a column of the wide table). */
export interface NamedSeries {
  name: string;
  values: Float64Array;
}

/**
 * The weekly wide table the model is fitted on. All series have one value per
 * week, in date order, one week apart.
 */
export interface WeeklyData {
  /** Source file name, used in error messages (optional). */
  file?: string;
  /** Name of the date column, used in error messages (optional). */
  dateName?: string;
  /** Week start dates as days since 1970-01-01 (UTC), ascending, 7 days apart. */
  dates: Int32Array;
  /** Name of the target column (e.g. revenue). */
  targetName: string;
  /** Target values (currency per week). */
  target: Float64Array;
  /** Paid media spend per channel (currency per week, >= 0). */
  channels: NamedSeries[];
  /**
   * Context variables (price index, competitor sales, 0/1 holiday or event
   * flags, ...). Their coefficients are free by default (Robyn's
   * context_vars); FitOptions.controlSigns constrains one.
   */
  controls: NamedSeries[];
  /**
   * Categorical context variables (Robyn's factor_vars), one string per week
   * (e.g. "na", "event1"). Default none. Each is one-hot coded against its
   * most frequent level in the modelling window (ties: the level seen first),
   * so the model carries its levels; weeks ahead default to that reference level.
   */
  factors?: FactorSeries[];
  /**
   * Organic variables (Robyn's organic_vars): activity without spend, >= 0
   * (newsletters sent, posts, ...). Default none. Adstocked and saturated like
   * paid media with their own hyperparameters, coefficient >= 0; reported as a
   * contribution without ROAS, and left out of DECOMP.RSSD. Weeks ahead are
   * held at their mean over the last 13 weeks unless a plan gives them.
   */
  organic?: NamedSeries[];
}

/** A categorical weekly series: one level name per week. */
export interface FactorSeries {
  name: string;
  values: string[];
}

/** Adstock families: geometric (Robyn's default), Weibull CDF and PDF (Robyn's; the PDF peaks after the week of spend), binomial over 8 lags (Meridian's). */
export type AdstockKind = 'geometric' | 'weibull_cdf' | 'weibull_pdf' | 'binomial';
/**
 * Saturation families: 'hill' a^alpha / (a^alpha + k^alpha) (Robyn), 'log' log1p(a / k),
 * 'logistic' (1 - e^(-lam a / M)) / (1 + e^(-lam a / M)) (PyMC-Marketing's, on media scaled by its
 * largest adstocked value M), 'michaelis_menten' a / (ec M + a) (Hill with slope 1, Meridian's default).
 */
export type SaturationKind = 'hill' | 'log' | 'logistic' | 'michaelis_menten';
/** Sign constraint of a regression coefficient. */
export type CoefficientSign = 'positive' | 'negative' | 'free';

/** A closed range [lo, hi] of a hyperparameter. */
export type Range = readonly [number, number];

/** Per-channel hyperparameter ranges; any field left out takes the default. */
export interface ChannelRanges {
  /** Geometric decay theta (default [0, 0.8], Robyn's widest default by medium). */
  theta?: Range;
  /** Weibull shape (default [0.0001, 2] for CDF, [0.0001, 10] for PDF, Robyn's recommendation). */
  shape?: Range;
  /** Weibull scale as a fraction of the series length (default [0, 0.1], Robyn). */
  scale?: Range;
  /** Binomial adstock decay in (0, 1] (default [0.01, 1]; Meridian's alpha, whose prior is uniform on [0, 1]). */
  decay?: Range;
  /** Hill alpha (default [0.5, 3], Robyn). */
  alpha?: Range;
  /** Hill gamma: inflexion k = gamma * max adstocked value (default [0.3, 1], Robyn); for log saturation, s = gamma * max. */
  gamma?: Range;
  /** Logistic lam (default [0.5, 10], searched on a log scale; PyMC-Marketing's Gamma(3, 1) prior holds 95% in [0.6, 7.2]). */
  lam?: Range;
  /**
   * Michaelis-Menten half-saturation ec as a fraction of the largest adstocked value (default [0.3, 5], log
   * scale). The lower end is Robyn's gamma's: below it an always-on channel's curve is nearly flat over
   * the spend it had, a column the intercept can trade with (README, "Measured figures").
   */
  ec?: Range;
}

/**
 * A lift test (geo experiment, conversion lift study) of one channel: the
 * revenue its spend added over the study's weeks, as measured. Calibrating on
 * it pins down what the weekly data cannot: for an always-on channel, the
 * response below the lowest spend it ever had (see README, "What the data can
 * identify").
 */
export interface CalibrationStudy {
  /** Channel (spend column) name. */
  channel: string;
  /** First and last day of the study (YYYY-MM-DD); the study covers the weeks whose start date falls in [from, to]. */
  from: string;
  to: string;
  /** Measured incremental revenue over those weeks (> 0). */
  lift: number;
  /** Where the study came from, for error messages (a calibration CSV's file and row). */
  source?: { file: string; row: number };
  /** Standard error of the measured lift (revenue; default FitOptions.liftStandardError x lift). */
  se?: number;
}

/** Options of {@link fitMmm}. Every field is optional; each doc states its default. */
export interface FitOptions {
  /** Random seed (default 1). Same seed, same data, same options: same bytes. */
  seed?: number;
  /** Independent optimiser runs, each seeded by its index (default 5, Robyn's default). */
  trials?: number;
  /** Candidate models evaluated per trial (default 2000, Robyn's default). */
  iterations?: number;
  /**
   * Adstock family of every channel, or several (default ['geometric', 'binomial']: Robyn's and
   * Meridian's): then each channel's family is chosen by the data with the other hyperparameters,
   * and the posterior estimator's intervals average over them.
   */
  adstock?: AdstockKind | AdstockKind[];
  /** Multiply geometric adstock by (1 - theta) so it keeps the spend's total (default false). */
  normalisedAdstock?: boolean;
  /** Saturation family of every channel, or several (default ['hill', 'michaelis_menten']), chosen by the data as for `adstock`. */
  saturation?: SaturationKind | SaturationKind[];
  /** Saturation family (or families) per channel or organic variable, by name, overriding `saturation`. */
  channelSaturation?: Record<string, SaturationKind | SaturationKind[]>;
  /** Share of the weeks in each time-ordered validation block (default 0.15). */
  validationFraction?: number;
  /**
   * Rolling-origin validation folds (default 3): fold k fits on the weeks before
   * block k and predicts block k; the blocks are the last `folds` blocks of
   * validationFraction x weeks, so with folds = 1 it is the plain last-15% split.
   * More validated weeks make the out-of-sample error less easy to overfit by
   * a search over 10,000 candidates. Reduced automatically if the first fold
   * would have too few weeks.
   */
  folds?: number;
  /** Fourier order of the yearly seasonality (default 2; 0 turns it off). */
  fourierOrder?: number;
  /** Seasonality period in weeks (default 52.18). */
  seasonalityPeriod?: number;
  /** Include a linear trend (default true). */
  trend?: boolean;
  /**
   * Weeks between the knots of a piecewise-linear trend (default 0: one straight line). With the
   * trend on, a knot every `trendKnotSpacing` weeks adds a hinge column max(0, t - knot), so the
   * baseline can follow a level that drifts; forecasts continue the last segment's slope.
   */
  trendKnotSpacing?: number;
  /**
   * Sign of each context variable's coefficient, by control or factor name (default 'free' for
   * every one, as Robyn's context variables). Paid media and organic coefficients are always >= 0.
   */
  controlSigns?: Record<string, CoefficientSign>;
  /**
   * Sign of the intercept (default 'non_negative', Robyn's intercept_sign default): a fit whose
   * intercept comes out negative is refitted with the intercept at 0 (the exact constrained
   * optimum), and warns. 'free' leaves it unconstrained.
   */
  interceptSign?: 'non_negative' | 'free';
  /**
   * Modelling window (ISO dates, inclusive; default: every week). The regression uses the weeks
   * whose start date falls in [start, end]; the weeks before `start` only warm up the adstock
   * (Robyn's window_start/window_end), and weeks after `end` are not used. Metrics,
   * decomposition and residuals are the window's.
   */
  window?: { start: string; end: string };
  /** Adstock kind per channel or organic variable, by name, overriding `adstock` (default: `adstock` for all). */
  channelAdstock?: Record<string, AdstockKind | AdstockKind[]>;
  /** Hyperparameter ranges for every channel (defaults: see {@link ChannelRanges}). */
  ranges?: ChannelRanges;
  /** Hyperparameter ranges per channel or organic variable name, overriding `ranges`. */
  channelRanges?: Record<string, ChannelRanges>;
  /** log10 range of the ridge penalty lambda on standardised features (default [-5, -1]). */
  log10LambdaRange?: Range;
  /**
   * Weight w of a weak prior on the Hill alphas (default 0.1; 0 turns it off; ignored for log
   * saturation). The search objective is validation NRMSE x (1 + w sum_j z_j^2), z_j =
   * ln(alpha_j / sqrt(lo hi)) / ln(sqrt(hi / lo)) over the channel's alpha range [lo, hi], so an alpha
   * at either end of its range costs w (10%) more validation error than one in the (geometric)
   * middle. Why: for a channel whose spend never nears zero (always-on search), the data hardly
   * tell a steep S-curve (high alpha: most of the channel's effect sits in the intercept, ROAS far
   * too low) from a gentle one; the validation error alone, minimised over 10,000 candidates, picked
   * alphas at the top of the range and total media 31% low on the foundation sample. Measured on
   * recovery seeds 1-6 + the foundation sample and confirmed on unseen seeds 7-12 (see
   * bench/mmm-recovery.ts). A flighted channel's alpha is identified by its data and moves little.
   */
  alphaPrior?: number;
  /**
   * Selection rule (default 'rssd'). Both look only at the near-best candidates, whose
   * objective (validation NRMSE x the alpha prior's factor) is within (1 + selectionTolerance) x the best (error leads). 'rssd' takes
   * the lowest DECOMP.RSSD among them (a tie-break; within 1% it barely moves shares toward
   * spend shares). 'consensus' takes the member whose channel contributions are closest to the
   * set's per-channel medians (see consensusCandidate); on the recovery seeds 1-12 it recovered
   * worse (the near-best set is dominated by the converged DE population), so it is opt-in.
   */
  selection?: 'consensus' | 'rssd';
  /** Near-best tolerance of the selection rule (default 0.05 for 'consensus', 0.01 for 'rssd'). */
  selectionTolerance?: number;
  /**
   * Lift studies to calibrate on (default none). The search objective is then
   * multiplied by (1 + calibrationWeight x MAPE.LIFT), MAPE.LIFT being the mean over studies of
   * |modelled effect of the channel over the study's weeks - lift| / lift in the all-weeks fit
   * (Robyn's calibration, folded into the objective instead of a third one). Selection and the
   * bootstrap's near-optimal set use that objective, so the intervals are calibrated too.
   */
  calibration?: CalibrationStudy[];
  /**
   * Weight of MAPE.LIFT in the objective (default 1: a model 20% off the lifts pays as 20% more
   * validation error). Weights 0.3, 1 and 3 recovered alike on seeds 13-42 with one lift study of
   * the search channel (bench/mmm-recovery.ts --lift): a lift binds the fit at any of them.
   */
  calibrationWeight?: number;
  /**
   * Standard error of a lift study as a fraction of its lift, where the study does not give its own
   * `se` (default 0.1: geo and conversion-lift tests typically report 10-20%). In the posterior
   * estimator a study is a Gaussian measurement of the channel's effect over its weeks.
   */
  liftStandardError?: number;
  /**
   * The user's prior beliefs per paid channel (default none), like Meridian's ROI priors: a Gaussian
   * on the channel's ROAS (`roas: { mean, sd }`) and/or on its contribution as a share of the target's
   * window total (`contribution: { mean, sd }`, e.g. { mean: 0.1, sd: 0.05 }). Priors and lift
   * studies enter the posterior the same way, as Gaussian terms on what the model implies (see
   * logPosterior in kernel.ts), so they combine by adding up; the search (which only starts the
   * posterior) uses the lift studies through MAPE.LIFT as Robyn does.
   */
  priors?: Record<string, { roas?: { mean: number; sd: number }; contribution?: { mean: number; sd: number } }>;
  /**
   * How the point model and the intervals are estimated (default 'posterior'). 'posterior': the
   * posterior over every channel's hyperparameters and family (coefficients profiled out; sampled
   * by DE-MCz from the search's near-best candidates), each draw's coefficients drawn given its
   * curves (see posteriorCoefficients); the point model by posteriorPoint and pointLikelihoodWeight.
   * 'search': the search's selected candidate, with bootstrap draws whose hyperparameters come from
   * the near-best candidates (the estimator before issue 12; see bootstrapTolerance).
   */
  estimator?: 'posterior' | 'search';
  /**
   * A prior for every paid channel without a ROAS prior of the user's (default null: none): ln ROAS ~
   * N(logMean, logSd), a Gaussian term of the posterior like `priors` (Meridian's default ROI prior
   * is { logMean: 0.2, logSd: 0.9 }). It weighs the curves the data cannot tell apart by the ROAS
   * they imply; a channel whose fit gives ROAS 0 counts as ROAS 0.001. Measured on the battery
   * (README, "Measured figures"): not the default.
   */
  roasPrior?: { logMean: number; logSd: number } | null;
  /** Chains of the posterior sampler (default 16). */
  posteriorChains?: number;
  /** Generations of the posterior sampler (default 800; the first half is burn-in). */
  posteriorGenerations?: number;
  /**
   * Likelihood tempering of the posterior (default 'autocorrelation': the Gaussian likelihood counts
   * n (1 - rho) / (1 + rho) effective weeks, rho the lag-1 autocorrelation of the selected model's
   * residuals; 'none': n weeks).
   */
  likelihoodTempering?: 'autocorrelation' | 'none';
  /**
   * Weight w of the likelihood in the posterior (default 0.5): nu = w x the effective weeks. Below 1 it
   * widens the posterior for a model whose families and baseline cannot write the truth exactly; the
   * default is the one whose 90% intervals held the truth at their rate on the generator battery's
   * tuning seeds (README, "Measured figures").
   */
  likelihoodWeight?: number;
  /**
   * Weight of the likelihood in the posterior the point model is chosen from (default: likelihoodWeight,
   * one sampler run). The draws, and so every interval, come from the posterior at `likelihoodWeight`; with
   * another weight here the sampler runs a second time for the point model (1: the model's own posterior).
   * Measured on the generator battery and not made the default (README, "Measured figures").
   */
  pointLikelihoodWeight?: number;
  /**
   * Coefficients of each posterior draw (default 'gaussian': drawn from their Gaussian posterior given
   * the draw's transforms, N(b, s^2 A^-1 / nu) on standardised columns with A = Z'Z / n + lambda I and
   * s^2 = SSE / (n - p - 1), media coefficients floored at 0; 'bootstrap': refitted on a moving-block
   * resample of the weeks; 'fixed': the all-weeks fit).
   */
  posteriorCoefficients?: 'gaussian' | 'bootstrap' | 'fixed';
  /**
   * The posterior estimator's point model (default 'medoid': the draw whose channel contributions are
   * closest to the draws' medians; 'map': the kept state with the highest log posterior; 'search':
   * the search's selected candidate, as with estimator 'search'). The draws are the same for each.
   */
  posteriorPoint?: 'medoid' | 'map' | 'search';
  /** Differential-evolution population size (default min(iterations, max(10, 2 * dims))). */
  populationSize?: number;
  /** Draws for the intervals and the Monte Carlo stage (default 200; 0: no draws, and no intervals). */
  bootstrap?: number;
  /**
   * The near-optimal candidates are those whose search objective is within (1 + bootstrapTolerance)
   * x the best (default 1.5). The posterior sampler starts from them; with estimator 'search' each
   * bootstrap draw takes its hyperparameters from them, so the intervals include the uncertainty of
   * the transforms (measurements behind the default: README, "Measured figures", the earlier tables).
   */
  bootstrapTolerance?: number;
  /** Moving-block length in weeks for the bootstrap (default 6). */
  blockLength?: number;
  /** Interval coverage (default 0.9: the 5th and 95th percentiles). */
  intervalLevel?: number;
  /** Worker threads for the search (default: every core; 1 = in this thread). */
  threads?: number;
  /** Progress callback: candidates evaluated so far and the total (search), then the bootstrap. */
  onProgress?: (phase: 'search' | 'posterior' | 'bootstrap', done: number, total: number) => void;
}

/** Adstock parameters of one channel. */
export type AdstockParams =
  | { kind: 'geometric'; theta: number; normalised: boolean }
  | { kind: 'weibull_cdf' | 'weibull_pdf'; shape: number; scale: number; windowLength: number }
  | { kind: 'binomial'; decay: number; maxLag: number };

/** Saturation parameters of one channel; `k` is fixed once fitted (spend units of the adstocked series). */
export type SaturationParams =
  | { kind: 'hill'; alpha: number; gamma: number; k: number; adstockMax: number }
  | { kind: 'log'; gamma: number; k: number; adstockMax: number }
  | { kind: 'logistic'; lam: number; k: number; adstockMax: number }
  | { kind: 'michaelis_menten'; ec: number; k: number; adstockMax: number };

/**
 * State needed to continue a channel's adstock past the last observed week:
 * the geometric state d[last] and the recent spend (for Weibull, the last
 * windowLength weeks; for geometric, the last few weeks, informative only).
 */
export interface CarryState {
  lastAdstock: number;
  recentSpend: number[];
}

/** Everything needed to turn a channel's spend into a weekly revenue effect. */
export interface ChannelResponse {
  name: string;
  adstock: AdstockParams;
  saturation: SaturationParams;
  /** Revenue per unit of saturated media (original units of the target). */
  coef: number;
  carry: CarryState;
}

/** Anything with channel responses: the fitted model or one bootstrap draw. */
export interface MediaModel {
  channels: ChannelResponse[];
}

/** One baseline regressor and its coefficient (original units). */
export interface BaselineTerm {
  /** Column name; a factor level's dummy is named `<factor>_<level>`. */
  name: string;
  kind: 'trend' | 'fourier' | 'control' | 'dummy' | 'factor';
  /** Factor dummies: the factor and the level (1 in the weeks of that level, 0 otherwise). */
  factor?: string;
  level?: string;
  coef: number;
  /** Fourier terms: harmonic order and function. */
  order?: number;
  fn?: 'sin' | 'cos';
  /** Controls: mean over the last 13 weeks, used by the baseline forecast when a future value is not given. */
  recentMean?: number;
}

/** Fit metrics; NRMSE = RMSE / (max - min of the actuals), MAPE in percent-free fractions. */
export interface FitMetrics {
  r2: number;
  nrmse: number;
  mape: number;
  /** MAPE on the validation weeks of the model fitted on the training weeks only. */
  holdoutMape: number;
  /** Validation NRMSE of the chosen candidate (the search objective without the alpha prior's factor). */
  validationNrmse: number;
  /** DECOMP.RSSD of the final (all-weeks) model. */
  decompRssd: number;
  residualSd: number;
  durbinWatson: number;
}

/** The per-channel summary written to model.json. */
export interface ChannelSummary extends ChannelResponse {
  spend: number;
  contribution: number;
  contributionShare: number;
  spendShare: number;
  roas: number;
  roasLow: number;
  roasHigh: number;
  contributionLow: number;
  contributionHigh: number;
  mroas: number;
}

/** An organic variable of the fitted model: its response and contribution (no spend, so no ROAS). */
export interface OrganicSummary extends ChannelResponse {
  /** Total activity over the window (the variable's own units). */
  activity: number;
  /** Mean activity over the window's last 13 weeks (held there in forecasts unless a plan gives it). */
  recentMean: number;
  contribution: number;
  /** Share of the target's total over the window. */
  targetShare: number;
  contributionLow: number;
  contributionHigh: number;
}

/** A categorical variable of the fitted model: its levels, one dummy per level but the reference. */
export interface FactorSummary {
  name: string;
  /** Every level seen in the window, reference first. */
  levels: string[];
  /** The most frequent level (weeks ahead default to it). */
  reference: string;
}

/** The fitted marketing-mix model: everything needed to rebuild its predictions. */
export interface MmmModel extends MediaModel {
  formatVersion: 1;
  target: string;
  /**
   * The modelling window: first and last week start (ISO dates and days since epoch), number of
   * weeks; warmupWeeks weeks before it only warmed up the adstock.
   */
  window: { first: string; last: string; firstDay: number; lastDay: number; weeks: number; warmupWeeks?: number };
  /** The adstock and saturation families the fit chose among (each channel records its own). */
  adstock: AdstockKind | AdstockKind[];
  saturation: SaturationKind | SaturationKind[];
  seasonalityPeriod: number;
  fourierOrder: number;
  /** Knots of the piecewise-linear trend in weeks since window.firstDay (absent: a straight trend). */
  trendKnots?: number[];
  lambda: number;
  intercept: number;
  /** The intercept's sign constraint (see FitOptions.interceptSign). */
  interceptSign?: 'non_negative' | 'free';
  baseline: BaselineTerm[];
  channels: ChannelSummary[];
  /** Organic variables (absent when there are none). */
  organic?: OrganicSummary[];
  /** Factor variables (absent when there are none). */
  factors?: FactorSummary[];
  metrics: FitMetrics;
  /** Residuals (actual - fitted) per week, in date order. */
  residuals: number[];
  /** Lag-1 autocorrelation of the residuals (for the simulation's noise). */
  residualAutocorrelation: number;
  validation: { folds: number; horizon: number; cuts: number[] };
  selection: { rule: string; objective: string; trial: number; candidate: number; validationNrmse: number; objectiveValue: number; decompRssd: number };
  validationWeeks: number;
  /**
   * The posterior estimator's run (absent with estimator 'search'): chains, generations, acceptance rate, effective weeks
   * (nu of the draws' posterior; pointEffectiveWeeks: of the point model's, present when it had its own run), draws, and
   * the share of the draws in each family per channel with several.
   */
  posterior?: {
    chains: number;
    generations: number;
    acceptance: number;
    effectiveWeeks: number;
    pointEffectiveWeeks?: number;
    draws: number;
    families?: Record<string, Record<string, number>>;
  };
  /** Lift-test calibration: each study against the model's effect of its channel over its weeks (only when studies were given). */
  calibration?: { weight: number; mapeLift: number; studies: { channel: string; from: string; to: string; weeks: number; lift: number; modelled: number; error: number }[] };
}

/** One candidate of the search, decoded. */
export interface Candidate {
  trial: number;
  index: number;
  /** Search objective: validation NRMSE x (1 + alpha prior) [x (1 + calibration weight x MAPE.LIFT)], what the search minimises. */
  objective: number;
  validationNrmse: number;
  decompRssd: number;
  trainNrmse: number;
  /** MAPE.LIFT against the calibration studies (only when there are studies). */
  mapeLift?: number;
  lambda: number;
  hyperparameters: Record<string, Record<string, number>>;
}

/** One bootstrap draw: full coefficients and transform parameters. */
export interface BootstrapDraw extends MediaModel {
  draw: number;
  /** Index (trial * iterations + evaluation) of the search candidate whose hyperparameters the draw uses. */
  candidate: number;
  lambda: number;
  intercept: number;
  baselineCoefs: number[];
  residualSd: number;
  roas: number[];
  contribution: number[];
  /** Organic variables' responses and contributions (absent when there are none). */
  organic?: ChannelResponse[];
  organicContribution?: number[];
}

/** The output of {@link fitMmm}. */
export interface MmmFit {
  model: MmmModel;
  decomposition: { header: string[]; rows: number[][]; dates: string[] };
  pareto: Candidate[];
  draws: BootstrapDraw[];
  warnings: string[];
  diagnostics: { candidates: number; trials: number; iterations: number; populationSize: number; threads: number };
}
