/**
 * Types of the budget optimiser: the JSON problem a user writes
 * ({@link AllocationProblem}), the resolved form the solver works on
 * ({@link ResolvedProblem}, every default filled), and the result
 * ({@link AllocationResult}). Money is in one currency; a curve maps spend of
 * one channel in one period to incremental response (revenue or CLV value) of
 * that period.
 */

/** Hill saturation `beta * x^alpha / (x^alpha + k^alpha)`; S-shaped when alpha > 1. beta >= 0, alpha > 0, k > 0. */
export interface HillCurve {
  type: 'hill';
  beta: number;
  alpha: number;
  k: number;
}

/** Logarithmic response `beta * ln(1 + x / s)`; concave. beta >= 0, s > 0. */
export interface LogCurve {
  type: 'log';
  beta: number;
  s: number;
}

/**
 * Piecewise-linear response through the points `(spend[j], response[j])`.
 * `spend` is strictly increasing and >= 0. If `spend[0] > 0` the curve is
 * extended with the point (0, 0); if `spend[0] == 0` then `response[0]` must be
 * 0 (a response curve is incremental). Beyond the last point the curve is flat
 * (response stays at the last value, marginal ROI 0): the data say nothing
 * there, so no extrapolated gain is promised.
 */
export interface PointsCurve {
  type: 'points';
  spend: number[];
  response: number[];
}

/** One tier of a {@link TiersCurve}: `width` money units earning `roi` per unit. Width omitted or null = unlimited (last tier only). */
export interface Tier {
  width?: number | null;
  roi: number;
}

/**
 * Tiered linear response: the sum over tiers, in order, of
 * `min(remaining spend, width) * roi`. Tiers fill in order whatever their ROIs,
 * so tiers whose ROI rises need binaries in the solver.
 */
export interface TiersCurve {
  type: 'tiers';
  tiers: Tier[];
}

/** Any response curve. */
export type CurveSpec = HillCurve | LogCurve | PointsCurve | TiersCurve;

/** A channel of the JSON problem. Bounds are absolute (`min`/`max`) or multiples of `recent` spend (`minMultiple`/`maxMultiple`), not both. */
export interface ChannelSpec {
  name: string;
  /** Revenue response curve (required unless given for the same name at top level when inside a period). */
  response?: CurveSpec;
  /** Lower bound on spend (default 0). */
  min?: number;
  /** Upper bound on spend (default: the period budget; unbounded without budget). */
  max?: number;
  /** Lower bound as a multiple of `recent`. */
  minMultiple?: number;
  /** Upper bound as a multiple of `recent`. */
  maxMultiple?: number;
  /** Recent spend per period, the base of `minMultiple`/`maxMultiple` and the default current spend. */
  recent?: number;
  /** Spend is 0 or at least this (a binary decision). Default 0 (no such rule). */
  minIfActive?: number;
  /** Strategic priority weight on this channel's value (default 1, >= 0). */
  weight?: number;
  /** CLV value per unit of revenue: CLV value curve = clvPerRevenue * response. */
  clvPerRevenue?: number;
  /** A separate CLV value curve (instead of clvPerRevenue). */
  valueResponse?: CurveSpec;
  /** Current spend of this channel (overrides `recent` as the comparison plan). */
  current?: number;
}

/** Caps and/or floors on the summed spend of a set of channels. */
export interface GroupConstraintSpec {
  type: 'group';
  name?: string;
  channels: string[];
  min?: number;
  max?: number;
}

/** `sum(left) sense factor * sum(right)`. */
export interface RatioConstraintSpec {
  type: 'ratio';
  name?: string;
  left: string[];
  right: string[];
  sense: '<=' | '>=' | '=';
  /** Default 1, must be >= 0. */
  factor?: number;
}

/** Total revenue response >= value * total spend. */
export interface RoasFloorConstraintSpec {
  type: 'roasFloor';
  name?: string;
  value: number;
}

export type ConstraintSpec = GroupConstraintSpec | RatioConstraintSpec | RoasFloorConstraintSpec;

/** One period of a multi-period plan. Channel entries are merged over the top-level channel of the same name. */
export interface PeriodSpec {
  budget?: number;
  channels: ChannelSpec[];
}

/**
 * Stability limit between consecutive periods: `absolute` caps |x_t - x_{t-1}|
 * in money; `relative` caps it at `relative * x_{t-1}` (so a channel at 0 stays
 * at 0). A plain number means `absolute`.
 */
export type MaxChangeSpec = number | { absolute?: number; relative?: number };

/** The allocation problem as read from JSON. */
export interface AllocationProblem {
  /** Total budget per period (single-period problems); omit for no budget. */
  budget?: number;
  /** true: spend exactly the budget; false: at most the budget. Default true, except for the "profit" objective (default false). */
  spendAll?: boolean;
  /**
   * Default "revenue". "profit" maximises margin x revenue - spend (gross
   * profit of the media), spending less than the budget when the next unit
   * returns less than break-even (marginal ROI 1 / margin).
   */
  objective?: 'revenue' | 'clv' | 'weighted' | 'efficiency' | 'profit';
  /**
   * Gross margin: the share of revenue left after the cost of the goods sold,
   * 0 < margin <= 1 (default 1: profit is revenue minus media spend). Used by
   * the "profit" objective and for the profit and break-even ROI (1 / margin)
   * of every result.
   */
  margin?: number;
  /** Weight of CLV value in the "weighted" objective (default 1). */
  clvWeight?: number;
  /** Targets of the "efficiency" objective. */
  target?: { revenue?: number; roas?: number };
  channels?: ChannelSpec[];
  constraints?: ConstraintSpec[];
  /** Current spend by channel name (the comparison plan); defaults to channel `current`, then `recent`. */
  current?: Record<string, number>;
  periods?: PeriodSpec[];
  maxChange?: MaxChangeSpec;
  /** Budget of period t = its budget + reinvestRate * revenue response of period t-1. Default 0. */
  reinvestRate?: number;
  /** Relative optimality tolerance of the piecewise-linear solve (default 1e-4, at most 1e-3). */
  tolerance?: number;
}

// ---------------------------------------------------------------- resolved

/** A channel with every default filled, bounds absolute. */
export interface ResolvedChannel {
  name: string;
  /** JSON path of this channel entry, for messages. */
  path: string;
  revenue: CurveSpec;
  /** CLV value curve (null: none given). */
  clvCurve: CurveSpec | null;
  clvPerRevenue: number;
  lo: number;
  /** May be Infinity. */
  hi: number;
  minIfActive: number;
  weight: number;
  current: number | null;
}

export interface ResolvedPeriod {
  /** null: no budget. */
  budget: number | null;
  channels: ResolvedChannel[];
}

export interface ResolvedGroup {
  kind: 'group';
  id: string;
  channels: number[];
  min: number | null;
  max: number | null;
}

export interface ResolvedRatio {
  kind: 'ratio';
  id: string;
  left: number[];
  right: number[];
  sense: '<=' | '>=' | '=';
  factor: number;
}

export interface ResolvedRoasFloor {
  kind: 'roasFloor';
  id: string;
  value: number;
}

export type ResolvedConstraint = ResolvedGroup | ResolvedRatio | ResolvedRoasFloor;

/** The problem after validation: what the solver works on. Channel order is the same in every period. */
export interface ResolvedProblem {
  objective: 'revenue' | 'clv' | 'weighted' | 'efficiency' | 'profit';
  /**
   * Coefficients of the value objective: value_i = weight_i * (revenueCoef * f_i + clvCoef * g_i) - spendCost * x_i
   * ("profit": revenueCoef = margin, spendCost = 1; otherwise spendCost = 0).
   */
  revenueCoef: number;
  clvCoef: number;
  spendCost: number;
  /** Gross margin (0, 1]; profit = margin x revenue - spend. */
  margin: number;
  spendAll: boolean;
  /** Efficiency: least spend with revenue >= targetRevenue in each period (null: no such target). */
  targetRevenue: number | null;
  channelNames: string[];
  periods: ResolvedPeriod[];
  constraints: ResolvedConstraint[];
  maxChangeAbsolute: number | null;
  maxChangeRelative: number | null;
  reinvestRate: number;
  /** Current plan per period and channel (null: no comparison). */
  current: number[][] | null;
  tolerance: number;
  multiPeriod: boolean;
}

// ---------------------------------------------------------------- results

/** A constraint that holds with equality at the optimum. */
export interface BindingConstraint {
  /** Stable id, e.g. `budget`, `channels[tv].max`, `constraints[1]`, `periods[3].maxChange[tv]`. */
  id: string;
  description: string;
  activity: number;
  limit: number;
  /**
   * d objective / d limit: the change in the objective per unit the limit is
   * raised (e.g. per extra unit of budget). null when not available.
   */
  shadowPrice: number | null;
}

export interface PeriodResult {
  budget: number | null;
  allocation: Record<string, number>;
  objective: number;
  revenue: number;
  spend: number;
  marginalRoi: Record<string, number | null>;
}

export interface SolverDiagnostics {
  /** "lp" when every curve is concave (no binaries), else "mip". */
  method: 'lp' | 'mip';
  /** Solves of the refinement loop. */
  solves: number;
  segments: number;
  binaries: number;
  /** Objective of the last piecewise-linear model (not the reported objective). */
  linearisedObjective: number;
  /** |true - linearised| / max(1, |true|) at the returned allocation. */
  linearisationGap: number;
  /** How shadow prices were obtained. */
  shadowPrices: 'lp-duals' | 'fixed-binary-lp-duals' | 'none';
  /** Objective improvement of the true-curve polish (>= 0). */
  polishGain: number;
}

export interface ChangeAgainstCurrent {
  current: Record<string, number>;
  change: Record<string, number>;
  /** Relative change (null when current spend is 0). */
  changePct: Record<string, number | null>;
  currentObjective: number;
  currentRevenue: number;
  /** margin x revenue - spend of the current plan. */
  currentProfit: number;
  /** objective(optimal) - objective(current). For "efficiency" this is the spend saved... as a negative (less spend). */
  uplift: number;
  revenueUplift: number;
  profitUplift: number;
}

/** The answer of {@link allocateBudget}; JSON-safe (no NaN or Infinity). */
export interface AllocationResult {
  status: 'optimal' | 'infeasible' | 'unbounded' | 'error';
  message: string;
  objectiveKind: ResolvedProblem['objective'];
  /** True objective at the allocation (for "efficiency": total spend). null unless optimal. */
  objective: number | null;
  /** Spend by channel; for multi-period plans the total over periods. */
  allocation: Record<string, number>;
  /** d revenue / d spend on the true curve at the allocation (right derivative at kinks); null if infinite. */
  marginalRoi: Record<string, number | null>;
  /** d objective-contribution / d spend per channel (weights and CLV included). */
  marginalValue: Record<string, number | null>;
  binding: BindingConstraint[];
  revenue: number | null;
  clvValue: number | null;
  spend: number | null;
  roas: number | null;
  /** Gross margin the result was computed with (the problem's, default 1). */
  margin: number;
  /** Marginal ROI at which the next unit of spend pays for itself: 1 / margin. */
  breakEvenRoi: number;
  /** margin x revenue - spend at the allocation (null unless optimal). */
  profit: number | null;
  /**
   * Single-period problems: which of each channel's own bounds its spend sits
   * at ("min", "max", "off" for a minIfActive channel switched off, or null
   * when free). A channel at a bound need not have the common marginal ROI.
   */
  atBound?: Record<string, 'min' | 'max' | 'off' | null>;
  periods?: PeriodResult[];
  /** Multi-period: the one-period-at-a-time plan, for comparison with the joint plan. */
  rolling?: { status: AllocationResult['status']; objective: number | null; periods: PeriodResult[] };
  againstCurrent?: ChangeAgainstCurrent;
  /** Infeasible: the constraints that cannot hold together. */
  conflict?: { constraints: string[]; explanation: string };
  solver?: SolverDiagnostics;
  warnings: string[];
}
