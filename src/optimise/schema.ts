/**
 * Schemas (zod) of the allocation problem, one per part: curves, channels,
 * constraints, periods, targets, objective, margin and the whole problem,
 * with the rules that join several keys as refinements. The JSON a user (or
 * a pipeline) writes is `z.input` of {@link allocationProblemSchema}; the
 * checked form is its `z.output` (types.ts names both: AllocationProblem,
 * CheckedAllocationProblem, ChannelSpec, CurveSpec, ...). Defaults are not
 * filled here but by resolveProblem (resolve.ts), because several depend on
 * other keys (spendAll on the objective, max on the budget). The config's
 * `optimise.constraints` uses {@link constraintSchema}, so a constraint is
 * refused with the same words wherever it is written.
 */
import { z } from 'zod';
import { ValidationError } from '../core/errors.ts';
import { describeIssue, parseWith, pathPrefix } from '../core/schema.ts';
import { type Broken, isBroken, ownBounds, periodLayout } from './layout.ts';

// zod 4 numbers are finite: NaN and +-Infinity are refused as "must be a number"
const name = z.string().min(1);
const nonNegative = z.number().min(0);
const positive = z.number().gt(0);

/**
 * A refinement from a rule: adds the rule's first broken part as an issue.
 * Skipped while the value already has issues: zod runs refinements after
 * "continuable" issues (a number out of range, an empty list), and a rule
 * over several keys reads them as valid.
 */
function rule<T>(check: (value: T) => Broken | null) {
  return (value: T, ctx: z.core.$RefinementCtx<T>): void => {
    if (ctx.issues.length > 0) return;
    const broken = check(value);
    if (broken) ctx.addIssue({ code: 'custom', path: broken.path, message: broken.message });
  };
}

/** A list of channel names: at least one, none twice. */
const channelList = z
  .array(name)
  .min(1)
  .refine((a) => new Set(a).size === a.length, { message: 'lists a channel twice' });

// ---------------------------------------------------------------- curves

/** Hill saturation `beta * x^alpha / (x^alpha + k^alpha)`; S-shaped when alpha > 1. */
export const hillCurveSchema = z.strictObject({
  type: z.literal('hill'),
  /** Response as spend grows without limit, >= 0. */
  beta: nonNegative,
  /** Shape, 0 < alpha <= 50. */
  alpha: positive.max(50),
  /** Spend at half of beta, > 0. */
  k: positive,
});

/** Logarithmic response `beta * ln(1 + x / s)`; concave. */
export const logCurveSchema = z.strictObject({
  type: z.literal('log'),
  /** Scale, >= 0. */
  beta: nonNegative,
  /** Spend scale, > 0. */
  s: positive,
});

/**
 * Piecewise-linear response through the points `(spend[j], response[j])`.
 * `spend` is strictly increasing and >= 0. If `spend[0] > 0` the curve is
 * extended with the point (0, 0); if `spend[0] == 0` then `response[0]` must be
 * 0 (a response curve is incremental). Beyond the last point the curve is flat
 * (response stays at the last value, marginal ROI 0): the data say nothing
 * there, so no extrapolated gain is promised.
 */
export const pointsCurveSchema = z
  .strictObject({
    type: z.literal('points'),
    spend: z.array(nonNegative).min(1),
    response: z.array(z.number()).min(1),
  })
  .superRefine(rule(pointsRule));

function pointsRule(c: { spend: number[]; response: number[] }): Broken | null {
  const { spend, response } = c;
  if (spend.length !== response.length) return { path: ['response'], message: `must have as many values as spend (${spend.length}), got ${response.length}` };
  for (let j = 1; j < spend.length; j++) {
    if (!(spend[j] > spend[j - 1])) return { path: ['spend', j], message: `must be strictly increasing, got ${spend[j]} after ${spend[j - 1]}` };
  }
  if (spend[0] === 0 && response[0] !== 0) return { path: ['response', 0], message: `must be 0 at spend 0 (a response curve is incremental), got ${response[0]}` };
  return null;
}

/** One tier of a tiered curve: `width` money units earning `roi` per unit. Width omitted or null = unlimited (last tier only). */
export const tierSchema = z.strictObject({
  /** Money units in this tier, > 0; omitted or null: unlimited. */
  width: positive.nullish(),
  /** Response per unit of spend in this tier (any sign). */
  roi: z.number(),
});

/**
 * Tiered linear response: the sum over tiers, in order, of
 * `min(remaining spend, width) * roi`. Tiers fill in order whatever their ROIs,
 * so tiers whose ROI rises need binaries in the solver.
 */
export const tiersCurveSchema = z
  .strictObject({
    type: z.literal('tiers'),
    tiers: z.array(tierSchema).min(1),
  })
  .superRefine(
    rule((c) => {
      const j = c.tiers.findIndex((t, i) => i < c.tiers.length - 1 && (t.width === undefined || t.width === null));
      return j >= 0 ? { path: ['tiers', j, 'width'], message: 'only the last tier may be unlimited (width omitted or null)' } : null;
    }),
  );

/** Any response curve: spend of one channel in one period -> incremental response of that period. */
export const curveSchema = z.discriminatedUnion('type', [hillCurveSchema, logCurveSchema, pointsCurveSchema, tiersCurveSchema]);

// ---------------------------------------------------------------- channels

/**
 * A channel of the problem. Bounds are absolute (`min`/`max`) or multiples of
 * `recent` spend (`minMultiple`/`maxMultiple`), not both.
 */
export const channelSchema = z
  .strictObject({
    name,
    /** Revenue response curve (required, unless given for the same name at top level when inside a period). */
    response: curveSchema.optional(),
    /** Lower bound on spend (default 0). */
    min: nonNegative.optional(),
    /** Upper bound on spend (default: the period budget; unbounded without budget). */
    max: nonNegative.optional(),
    /** Lower bound as a multiple of `recent`. */
    minMultiple: nonNegative.optional(),
    /** Upper bound as a multiple of `recent`. */
    maxMultiple: nonNegative.optional(),
    /** Recent spend per period, the base of `minMultiple`/`maxMultiple` and the default current spend. */
    recent: nonNegative.optional(),
    /** Spend is 0 or at least this (a binary decision). Default 0 (no such rule). */
    minIfActive: nonNegative.optional(),
    /** Strategic priority weight on this channel's value (default 1, >= 0). */
    weight: nonNegative.optional(),
    /** CLV value per unit of revenue: CLV value curve = clvPerRevenue * response. */
    clvPerRevenue: nonNegative.optional(),
    /** A separate CLV value curve (instead of clvPerRevenue). */
    valueResponse: curveSchema.optional(),
    /** Current spend of this channel (overrides `recent` as the comparison plan). */
    current: nonNegative.optional(),
  })
  .superRefine(rule((c) => eitherOrRule(c)));

type ChannelEntry = z.output<typeof channelSchema>;

/** Keys of a channel entry that exclude each other. */
function eitherOrRule(c: ChannelEntry): Broken | null {
  if (c.valueResponse !== undefined && c.clvPerRevenue !== undefined) return { path: ['clvPerRevenue'], message: 'give either clvPerRevenue or valueResponse, not both' };
  if (c.min !== undefined && c.minMultiple !== undefined) return { path: ['minMultiple'], message: 'give either min or minMultiple, not both' };
  if (c.max !== undefined && c.maxMultiple !== undefined) return { path: ['maxMultiple'], message: 'give either max or maxMultiple, not both' };
  return null;
}

/**
 * The rules of a channel entry as it applies in a period (merged over the
 * top-level entry of its name): a response curve, `recent` behind multiples,
 * a CLV value where the objective needs one, and bounds that leave room.
 */
function effectiveChannelRule(c: ChannelEntry, needsClv: boolean): Broken | null {
  const either = eitherOrRule(c);
  if (either) return either;
  if (c.response === undefined) return { path: ['response'], message: 'is required' };
  if ((c.minMultiple !== undefined || c.maxMultiple !== undefined) && c.recent === undefined) {
    return { path: ['recent'], message: 'is required when minMultiple or maxMultiple is given' };
  }
  if (needsClv && c.valueResponse === undefined && c.clvPerRevenue === undefined) {
    return { path: [], message: `channel "${c.name}" needs clvPerRevenue or valueResponse for this objective` };
  }
  const b = ownBounds(c);
  if (b.lo > b.hi) return { path: [], message: `min ${b.lo} > max ${b.hi} for channel "${c.name}"` };
  if (b.minIfActive > b.hi) return { path: ['minIfActive'], message: `${b.minIfActive} exceeds max ${b.hi} of channel "${c.name}": it could never be active` };
  return null;
}

// ---------------------------------------------------------------- constraints

export const groupConstraintSchema = z
  .strictObject({
    type: z.literal('group'),
    name: name.optional(),
    channels: channelList,
    /** Floor on the group's summed spend. */
    min: nonNegative.optional(),
    /** Cap on the group's summed spend. */
    max: nonNegative.optional(),
  })
  .superRefine(
    rule((g) => {
      if (g.min === undefined && g.max === undefined) return { path: [], message: 'a group constraint needs "min" and/or "max"' };
      return g.min !== undefined && g.max !== undefined && g.min > g.max ? { path: [], message: `min ${g.min} > max ${g.max}` } : null;
    }),
  );

/** `sum(left) sense factor * sum(right)`. */
export const ratioConstraintSchema = z
  .strictObject({
    type: z.literal('ratio'),
    name: name.optional(),
    left: channelList,
    right: channelList,
    sense: z.enum(['<=', '>=', '=']),
    /** Default 1, >= 0. */
    factor: nonNegative.optional(),
  })
  .refine((r) => !r.left.some((n) => r.right.includes(n)), { message: 'a channel cannot be on both sides of a ratio' });

/** Total revenue response >= value * total spend. */
export const roasFloorConstraintSchema = z.strictObject({
  type: z.literal('roasFloor'),
  name: name.optional(),
  value: nonNegative,
});

/** One business constraint (README, "mmm optimise problem"). */
export const constraintSchema = z.discriminatedUnion('type', [groupConstraintSchema, ratioConstraintSchema, roasFloorConstraintSchema]);

export type ConstraintInput = z.infer<typeof constraintSchema>;

/** The channel names a constraint refers to. */
export function constraintChannels(c: ConstraintInput): string[] {
  return c.type === 'group' ? c.channels : c.type === 'ratio' ? [...c.left, ...c.right] : [];
}

/** The first channel name of a constraint that is not a channel of the problem. */
function unknownConstraintChannel(c: ConstraintInput, known: ReadonlySet<string>): Broken | null {
  const lists: [string, string[]][] =
    c.type === 'group'
      ? [['channels', c.channels]]
      : c.type === 'ratio'
        ? [
            ['left', c.left],
            ['right', c.right],
          ]
        : [];
  for (const [key, list] of lists) {
    const q = list.findIndex((n) => !known.has(n));
    if (q >= 0) return { path: [key, q], message: `unknown channel ${JSON.stringify(list[q])}` };
  }
  return null;
}

// ---------------------------------------------------------------- periods, targets, objective, margin

/** One period of a multi-period plan. Channel entries are merged over the top-level channel of the same name. */
export const periodSchema = z.strictObject({
  /** Budget of this period (none: no budget). */
  budget: nonNegative.optional(),
  /** Channels of this period (default none: the top-level channels apply unchanged). */
  channels: z.array(channelSchema).optional(),
});

/**
 * Stability limit between consecutive periods: `absolute` caps |x_t - x_{t-1}|
 * in money; `relative` caps it at `relative * x_{t-1}` (so a channel at 0 stays
 * at 0). A plain number means `absolute`.
 */
export const maxChangeSchema = z.union([
  nonNegative,
  z
    .strictObject({ absolute: nonNegative.optional(), relative: nonNegative.optional() })
    .refine((m) => m.absolute !== undefined || m.relative !== undefined, { message: 'needs "absolute" and/or "relative"' }),
]);

/** Targets of the "efficiency" objective: the least spend reaching `revenue`, and/or a plan ROAS of at least `roas`. */
export const targetSchema = z
  .strictObject({ revenue: positive.optional(), roas: positive.optional() })
  .refine((t) => t.revenue !== undefined || t.roas !== undefined, { message: 'needs "revenue" and/or "roas"' });

/**
 * What the plan maximises: "revenue" (default), "clv" (CLV value), "weighted"
 * (revenue + clvWeight x CLV value), "efficiency" (least spend reaching a
 * target), "profit" (margin x revenue - spend, spending less than the budget
 * when the next unit returns less than break-even, marginal ROI 1 / margin).
 */
export const objectiveSchema = z.enum(['revenue', 'clv', 'weighted', 'efficiency', 'profit']);

/**
 * Gross margin: the share of revenue left after the cost of the goods sold,
 * 0 < margin <= 1 (above 1 the goods would cost less than nothing).
 */
export const marginSchema = positive.max(1);

// ---------------------------------------------------------------- the problem

/** The allocation problem (README, "mmm optimise problem"); defaults as each key's doc says. */
export const allocationProblemSchema = z
  .strictObject({
    /** Total budget per period (single-period problems); omit for no budget. */
    budget: nonNegative.optional(),
    /** true: spend exactly the budget; false: at most the budget. Default true, except for the "profit" objective (default false). */
    spendAll: z.boolean().optional(),
    /** Default "revenue" (see {@link objectiveSchema}). */
    objective: objectiveSchema.optional(),
    /** Gross margin (default 1: profit is revenue minus media spend); used by "profit" and for every result's profit and break-even ROI (1 / margin). */
    margin: marginSchema.optional(),
    /** Weight of CLV value in the "weighted" objective (default 1, >= 0). */
    clvWeight: nonNegative.optional(),
    /** Targets of the "efficiency" objective. */
    target: targetSchema.optional(),
    /** The channels (required without periods). */
    channels: z.array(channelSchema).min(1).optional(),
    constraints: z.array(constraintSchema).optional(),
    /** Current spend by channel name (the comparison plan); defaults to channel `current`, then `recent`. */
    current: z.record(z.string(), nonNegative).optional(),
    periods: z.array(periodSchema).min(1).optional(),
    maxChange: maxChangeSchema.optional(),
    /** Budget of period t = its budget + reinvestRate * revenue response of period t-1. Default 0, at most 10. */
    reinvestRate: nonNegative.max(10).optional(),
    /** Relative optimality tolerance of the piecewise-linear solve (default 1e-4, at most 1e-3). */
    tolerance: positive.max(1e-3).optional(),
  })
  .superRefine(rule((p) => problemRule(p)));

type Problem = z.output<typeof allocationProblemSchema>;

/** The rules that join several keys of the problem, in order; the first broken one. */
function problemRule(p: Problem): Broken | null {
  return objectiveRule(p) ?? periodsRule(p) ?? layoutRule(p);
}

function objectiveRule(p: Problem): Broken | null {
  const objective = p.objective ?? 'revenue';
  if (p.target !== undefined && objective !== 'efficiency') return { path: ['target'], message: 'is only used with objective "efficiency"' };
  if (objective === 'efficiency' && p.target === undefined) {
    return { path: ['target'], message: 'objective "efficiency" needs target.revenue (least spend reaching it) and/or target.roas' };
  }
  return null;
}

function periodsRule(p: Problem): Broken | null {
  if (p.periods !== undefined) {
    if (p.budget !== undefined) return { path: ['budget'], message: 'give budgets per period in "periods[t].budget" for multi-period problems' };
    return null;
  }
  if (p.channels === undefined) return { path: ['channels'], message: 'is required (an array of channels) when there are no periods' };
  if (p.maxChange !== undefined) return { path: ['maxChange'], message: 'only applies to multi-period problems ("periods")' };
  if (p.reinvestRate !== undefined) return { path: ['reinvestRate'], message: 'only applies to multi-period problems ("periods")' };
  return null;
}

/** Channel names (unique, known, the same in every period), each channel as it applies in each period, budgets, the current plan and the constraints' names. */
function layoutRule(p: Problem): Broken | null {
  const layout = periodLayout(p);
  if (isBroken(layout)) return layout;
  const known = new Set(layout.channelNames);
  for (const name of Object.keys(p.current ?? {})) if (!known.has(name)) return { path: ['current', name], message: `unknown channel "${name}"` };
  const needsClv = p.objective === 'clv' || p.objective === 'weighted';
  for (const period of layout.periods) {
    for (const e of period.entries) {
      const broken = effectiveChannelRule(e.entry, needsClv);
      if (broken) return { path: [...e.path, ...broken.path], message: broken.message };
    }
  }
  for (const [j, c] of (p.constraints ?? []).entries()) {
    const broken = unknownConstraintChannel(c, known);
    if (broken) return { path: ['constraints', j, ...broken.path], message: broken.message };
  }
  return null;
}

/** Response curves of alternative draws (e.g. the MMM's bootstrap): per draw, channel name -> revenue curve. */
export const curveSetsSchema = z.array(z.record(z.string(), curveSchema));

/** Parses a value held in memory (no file); the error starts with the key path under `prefix`. */
function check<S extends z.ZodType>(schema: S, input: unknown, prefix: PropertyKey[] = []): z.output<S> {
  const r = schema.safeParse(input);
  if (r.success) return r.data;
  const issue = r.error.issues[0];
  throw new ValidationError(`${pathPrefix([...prefix, ...issue.path])}${describeIssue(issue, schema, input)}`);
}

/**
 * Checks an allocation problem (parsed JSON) against {@link allocationProblemSchema}.
 * @param where the file the problem came from, named first in the error; omitted for a problem built in memory
 * @returns the checked problem (a copy; defaults are filled later by resolveProblem)
 * @throws ValidationError (exit 2), one line: `[<where>: ]<key path>: <what is wrong>`, e.g. `problem.json: channels[2].response.alpha: must be > 0`
 */
export function parseAllocationProblem(input: unknown, where?: string): Problem {
  return where === undefined ? check(allocationProblemSchema, input) : parseWith(allocationProblemSchema, input, where, 'data');
}

/**
 * Checks curve sets (see {@link curveSetsSchema}).
 * @throws ValidationError naming the draw, channel and key, e.g. `curveSets[3].tv.k: must be > 0`
 */
export function parseCurveSets(input: unknown): z.output<typeof curveSetsSchema> {
  return check(curveSetsSchema, input, ['curveSets']);
}
