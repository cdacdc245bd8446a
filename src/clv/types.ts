/**
 * Types of the CLV models: inputs, options (each field's doc says its default)
 * and results. Time is in weeks throughout; money in the input's currency.
 */

/** BG/NBD parameters (Fader, Hardie & Lee 2005): purchase rate ~ Gamma(r, alpha), dropout probability ~ Beta(a, b). alpha is in weeks. */
export interface BgNbdParams {
  r: number;
  alpha: number;
  a: number;
  b: number;
}

/** Gamma-Gamma spend parameters (Fader, Hardie & Lee 2005b; Hardie note 025): spend per order ~ Gamma(p, nu), nu ~ Gamma(q, v). */
export interface GammaGammaParams {
  p: number;
  q: number;
  v: number;
}

/** Per-customer RFM columns for the BG/NBD model, in weeks. */
export interface RfmColumns {
  /** Number of repeat purchase days (x), a whole number >= 0. */
  frequency: ArrayLike<number>;
  /** Time of the last purchase after the first (t_x), 0 when frequency is 0. */
  recency: ArrayLike<number>;
  /** Age at the end of calibration (T), >= recency. */
  T: ArrayLike<number>;
  /** Optional number of customers each row stands for (default 1 each). */
  weight?: ArrayLike<number>;
}

/** Unique (frequency, recency, T) patterns with weights; `patternOfCustomer[i]` is customer i's pattern. */
export interface RfmPatterns {
  count: number;
  frequency: Float64Array;
  recency: Float64Array;
  T: Float64Array;
  weight: Float64Array;
  patternOfCustomer: Int32Array;
}

/** How an optimiser run ended; kept in every fit result. */
export interface FitDiagnostics {
  converged: boolean;
  iterations: number;
  evaluations: number;
  /** Largest absolute gradient component of the per-customer objective at the end (log-parameters). */
  gradientNorm: number;
  reason: string;
}

/** Options of {@link fitBgNbd}. */
export interface BgNbdFitOptions {
  /** L2 penalty coefficient on the parameters, added to the mean negative log-likelihood as penalty * (r² + alpha² + a² + b²), as lifetimes does (default 0). */
  penalty?: number;
  /** Starting values (default r = 1, alpha = weighted mean T / weighted mean frequency, a = 1, b = 1). */
  initial?: BgNbdParams;
  /** Largest number of BFGS iterations (default 500). */
  maxIterations?: number;
  /** Convergence tolerance on the largest gradient component of the per-customer objective in log-parameters (default 1e-9). */
  gradientTolerance?: number;
}

/** A fitted BG/NBD model with its uncertainty and diagnostics. */
export interface BgNbdFit {
  params: BgNbdParams;
  /** Asymptotic standard errors from the inverse Hessian of the (penalised) negative log-likelihood; null when the Hessian is not positive definite. */
  standardErrors: BgNbdParams | null;
  /** Unpenalised log-likelihood summed over customers. */
  logLikelihood: number;
  penalty: number;
  /** Total weight (number of customers). */
  customers: number;
  /** Number of unique (frequency, recency, T) patterns the likelihood was evaluated on. */
  patterns: number;
  diagnostics: FitDiagnostics;
  /**
   * Set when the fit ran off to the boundary a, b -> infinity (a + b > 1e4): the dropout probability is
   * then the same for every customer, p = a/(a+b), with its delta-method standard error (null without a
   * covariance). Predictions at the fitted a, b are those of this limit. Null otherwise.
   */
  constantDropout: { p: number; standardError: number | null } | null;
  /** Human-readable problems with the fit (e.g. the boundary above); empty when none. */
  warnings: string[];
}

/** Options of {@link fitGammaGamma}. */
export interface GammaGammaFitOptions {
  /** L2 penalty coefficient on (p, q, v), as for BG/NBD (default 0). */
  penalty?: number;
  /** Starting values (default p = 1, q = 2, v = mean spend). */
  initial?: GammaGammaParams;
  /** Largest number of BFGS iterations (default 500). */
  maxIterations?: number;
  /** Convergence tolerance on the largest gradient component (default 1e-9). */
  gradientTolerance?: number;
}

/** A fitted Gamma-Gamma model. */
export interface GammaGammaFit {
  params: GammaGammaParams;
  standardErrors: GammaGammaParams | null;
  logLikelihood: number;
  penalty: number;
  /** Customers the model was fitted on (frequency > 0 and mean spend > 0). */
  customers: number;
  /** Repeat customers left out because their mean spend was zero or negative. */
  excludedNonPositiveSpend: number;
  warnings: string[];
  diagnostics: FitDiagnostics;
}

/** Per-customer BG/NBD predictions. */
export interface BgNbdPredictions {
  /** P(alive | x, t_x, T). */
  pAlive: Float64Array;
  /** Expected purchases in the next `horizonWeeks` weeks. */
  expectedPurchases: Float64Array;
}

/** Options of {@link customerLifetimeValue} (lifetimes' `customer_lifetime_value`). */
export interface ClvValueOptions {
  /** Horizon in months (default 12). */
  months?: number;
  /** Discount rate per month (default 0.01). */
  monthlyDiscountRate?: number;
  /** Weeks in a month (default 4.345, lifetimes' factor for freq = 'W'). */
  weeksPerMonth?: number;
}

/** Transactions for {@link analyseClv}: parallel arrays, one entry per order. */
export interface ClvTransactions {
  customerIds: readonly string[];
  /** Day of each order as a whole day number (e.g. days since 1970-01-01); orders on the same day are merged. */
  days: ArrayLike<number>;
  /** Order amount, >= 0. */
  amounts: ArrayLike<number>;
  /** Acquisition channel per order; a customer's channel is the one on their first order (default "unknown"). */
  channels?: readonly (string | undefined)[];
}

/** Options of {@link summariseTransactions}. */
export interface SummaryOptions {
  /** Last day of calibration, inclusive (a day number like the transactions'). */
  calibrationEndDay: number;
  /** Last day of the holdout period, inclusive (default: the last transaction day, when it is after the calibration end). */
  holdoutEndDay?: number;
}

/** RFM summary per customer (time in weeks from each customer's first purchase) with the optional holdout. */
export interface RfmSummary {
  customerIds: string[];
  frequency: Float64Array;
  recency: Float64Array;
  T: Float64Array;
  /** Mean spend per repeat purchase day (same-day orders summed); 0 when frequency is 0. */
  monetaryValue: Float64Array;
  firstPurchaseDay: Int32Array;
  channel: string[];
  /** Purchase days per customer in the holdout period; null when there is no holdout. */
  holdoutFrequency: Float64Array | null;
  /** Holdout length in weeks; null when there is no holdout. */
  holdoutWeeks: number | null;
  /** Customers whose first purchase is after the calibration end (left out of the summary). */
  customersFirstSeenInHoldout: number;
  /** Orders after the holdout end (ignored). */
  ordersAfterHoldout: number;
}

/** One row of the holdout validation table. */
export interface ValidationRow {
  /** "0".."6" or "7+": calibration frequency. */
  bucket: string;
  customers: number;
  actualMean: number;
  predictedMean: number;
}

/** CLV aggregated over a group of customers. */
export interface ClvGroup {
  customers: number;
  meanClv: number;
  totalClv: number;
  meanExpectedPurchases: number;
  meanPAlive: number;
}

/** Options of {@link analyseClv}. */
export interface AnalyseClvOptions extends SummaryOptions, ClvValueOptions {
  /** Horizon of the per-customer expected purchases, in weeks (default 52). */
  horizonWeeks?: number;
  /** BG/NBD fit options. */
  bgNbd?: BgNbdFitOptions;
  /** Gamma-Gamma fit options. */
  gammaGamma?: GammaGammaFitOptions;
}

/** Everything {@link analyseClv} computes. */
export interface ClvResult {
  summary: RfmSummary;
  bgNbd: BgNbdFit;
  gammaGamma: GammaGammaFit;
  pAlive: Float64Array;
  expectedPurchases: Float64Array;
  expectedOrderValue: Float64Array;
  clv: Float64Array;
  clvTotal: number;
  byChannel: (ClvGroup & { channel: string })[];
  /** Acquisition cohort = calendar month (YYYY-MM, UTC) of the first purchase. */
  byCohort: (ClvGroup & { cohort: string })[];
  /** Holdout validation by calibration frequency; null without a holdout. */
  validation: { holdoutWeeks: number; rows: ValidationRow[] } | null;
  warnings: string[];
  settings: { horizonWeeks: number; months: number; monthlyDiscountRate: number; weeksPerMonth: number };
}
