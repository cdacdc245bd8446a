/**
 * Types of the budget optimiser: the JSON problem a user writes
 * ({@link AllocationProblem}), the resolved form the solver works on
 * ({@link ResolvedProblem}, every default filled), and the result
 * ({@link AllocationResult}). Money is in one currency; a curve maps spend of
 * one channel in one period to incremental response (revenue or CLV value) of
 * that period.
 */

import type { z } from 'zod';
import type {
  allocationProblemSchema,
  channelSchema,
  constraintSchema,
  curveSchema,
  groupConstraintSchema,
  hillCurveSchema,
  logCurveSchema,
  maxChangeSchema,
  periodSchema,
  pointsCurveSchema,
  ratioConstraintSchema,
  roasFloorConstraintSchema,
  tierSchema,
  tiersCurveSchema,
} from './schema.ts';

// ---------------------------------------------------------------- the problem as written (z.input of the schemas)
// Each key's meaning, range and default are documented on its schema in schema.ts.

/** Hill saturation `beta * x^alpha / (x^alpha + k^alpha)`; S-shaped when alpha > 1. beta >= 0, 0 < alpha <= 50, k > 0. */
export type HillCurve = z.input<typeof hillCurveSchema>;

/** Logarithmic response `beta * ln(1 + x / s)`; concave. beta >= 0, s > 0. */
export type LogCurve = z.input<typeof logCurveSchema>;

/** Piecewise-linear response through `(spend[j], response[j])`, flat beyond the last point (see {@link pointsCurveSchema}). */
export type PointsCurve = z.input<typeof pointsCurveSchema>;

/** One tier of a {@link TiersCurve}: `width` money units earning `roi` per unit. Width omitted or null = unlimited (last tier only). */
export type Tier = z.input<typeof tierSchema>;

/** Tiered linear response: tiers fill in order, `min(remaining spend, width) * roi` each. */
export type TiersCurve = z.input<typeof tiersCurveSchema>;

/** Any response curve. */
export type CurveSpec = z.input<typeof curveSchema>;

/** A channel of the problem. Bounds are absolute (`min`/`max`) or multiples of `recent` spend (`minMultiple`/`maxMultiple`), not both. */
export type ChannelSpec = z.input<typeof channelSchema>;

/** Caps and/or floors on the summed spend of a set of channels. */
export type GroupConstraintSpec = z.input<typeof groupConstraintSchema>;

/** `sum(left) sense factor * sum(right)`. */
export type RatioConstraintSpec = z.input<typeof ratioConstraintSchema>;

/** Total revenue response >= value * total spend. */
export type RoasFloorConstraintSpec = z.input<typeof roasFloorConstraintSchema>;

export type ConstraintSpec = z.input<typeof constraintSchema>;

/** One period of a multi-period plan. Channel entries are merged over the top-level channel of the same name. */
export type PeriodSpec = z.input<typeof periodSchema>;

/** Stability limit between consecutive periods (a plain number means `absolute`). */
export type MaxChangeSpec = z.input<typeof maxChangeSchema>;

/** The allocation problem as a user or a pipeline writes it (JSON). */
export type AllocationProblem = z.input<typeof allocationProblemSchema>;

/**
 * The allocation problem after {@link allocationProblemSchema} accepted it
 * (parseAllocationProblem): what resolveProblem takes. Its shape is the
 * written one (the schema fills no defaults); the name says it was checked.
 */
export type CheckedAllocationProblem = z.output<typeof allocationProblemSchema>;

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
   * The change in the objective per unit the limit is loosened: a cap or the
   * budget raised, a floor (a minimum, a group's floor, a ROAS floor, a revenue
   * target) lowered. null when not available.
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
