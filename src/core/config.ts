/**
 * The configuration of the weekly pipeline (`mmm.config.json`), as one zod
 * schema: every key optional, unknown keys refused, ranges checked, defaults
 * filled, and every path resolved inside the project root, so a config can
 * never point the pipeline outside its artifact store. Errors name the file
 * and the key path (`mmm.config.json: mmm.trials: must be <= 100`).
 */
import { z } from 'zod';
import { resolveInside } from './artifacts.ts';
import { UsageError } from './errors.ts';
import { parseWith } from './schema.ts';
import { constraintSchema } from '../optimise/schema.ts';
import { fitOptionsSchema } from '../mmm/options.ts';
import { WeeklyTableSpecSchema, type WeeklyTableSpec } from '../ingest/types.ts';

const int = (min: number, max: number) => z.number().int().min(min).max(max);
const num = (min: number, max: number) => z.number().min(min).max(max);
const name = z.string().min(1);
const names = z.array(name);

/**
 * A weekly table as the pipeline's input (the alternative to `raw`): Robyn's and
 * PyMC-Marketing's format. The ingest's own spec schema, with the file as
 * `weekly` (relative to the root) and an optional transaction log for CLV.
 */
export const weeklyInputSchema = WeeklyTableSpecSchema.omit({ file: true }).extend({
  /** The weekly CSV, relative to the root. */
  weekly: name,
  /** Date column (default "date"). */
  dateCol: name.default('date'),
  /** A transaction log (customer_id, date, amount[, channel]) for the CLV stage; without it there is no CLV. */
  transactions: name.optional(),
  /** Lift studies to calibrate on (channel,from,to,lift; README "Lift tests"). */
  calibration: name.optional(),
});

/** The model settings a config may give, from the fit's own option schema (Robyn's defaults). */
const modelOptionsSchema = fitOptionsSchema
  .pick({
    adstock: true,
    channelAdstock: true,
    saturation: true,
    controlSigns: true,
    interceptSign: true,
    ranges: true,
    channelRanges: true,
    priors: true,
    roasPrior: true,
    trendKnotSpacing: true,
    estimator: true,
  })
  .partial();

const alertsSchema = z.strictObject({
  /** Alert when the drift stage refits the model (default true). */
  onRefit: z.boolean().default(true),
  /** Alert when a channel's ROAS falls below this (default null: off). */
  roasFloor: z.number().min(0).nullable().default(null),
  /** Alert when an acquisition channel's mean CLV falls by more than this fraction against the previous run (default null: off). */
  clvDrop: num(0, 1).nullable().default(null),
  /** Alert when the data's last week ends more than this many weeks before the run's as-of date: a stalled export (default 2; null: off). */
  staleAfterWeeks: int(0, 520).nullable().default(2),
  /** POST each run's alerts as JSON to this URL (default null: none). */
  webhook: z
    .url({ protocol: /^https?$/ })
    .nullable()
    .default(null),
});

/** The config as written by a user; parsing fills every default. */
export const configSchema = z.strictObject({
  $schema: z.string().optional(),
  /** Raw input folder, relative to the root; "data/sample" is generated from `sample` when missing. A run needs `raw` or `input`. */
  raw: name.optional(),
  /** A weekly table instead of raw events (see {@link weeklyInputSchema}). */
  input: weeklyInputSchema.optional(),
  /** Country (or region, e.g. DE-BY) whose public holidays flag the weeks of raw input without holidays.csv (date-holidays). */
  country: z.string().min(2).optional(),
  /** Artifact store (default "data"). */
  store: name.default('data'),
  /** Report folder (default "reports"). */
  reports: name.default('reports'),
  /** Seed of every random stage (default 1). */
  seed: int(0, 2 ** 31 - 1).default(1),
  sample: z.strictObject({ seed: int(0, 2 ** 31 - 1).default(42), weeks: int(8, 1040).default(156), scale: num(0.01, 100).default(1) }).prefault({}),
  mmm: z
    .strictObject({
      trials: int(1, 100).default(5),
      iterations: int(10, 100000).default(2000),
      bootstrap: int(0, 10000).default(200),
      /** Control columns of the modelling table (default: every non-channel column). */
      controls: names.nullable().default(null),
      threads: int(1, 256).nullable().default(null),
      ...modelOptionsSchema.shape,
    })
    .prefault({}),
  clv: z.strictObject({ horizonWeeks: int(1, 520).default(52), discountRate: num(0, 1).default(0.01), holdoutWeeks: int(0, 260).default(26) }).prefault({}),
  optimise: z
    .strictObject({
      horizonWeeks: int(1, 104).default(13),
      /** Total budget over the horizon; null = the last horizonWeeks weeks' spend (Robyn's default). */
      budget: num(0, 1e15).nullable().default(null),
      minMultiple: num(0, 100).default(0.5),
      maxMultiple: num(0, 1000).default(2),
      /** Extra constraints in the problem format, money per week. */
      constraints: z.array(constraintSchema).default([]),
      /** Gross margin, 0 < m <= 1: profit = m x revenue - media spend; break-even marginal ROAS is 1/m (default 1: revenue). */
      margin: z.number().gt(0).max(1).default(1),
      /** The scenario "spend until the next unit returns this much revenue" (Meridian's target mROI; default 1). */
      targetMarginalRoas: z.number().positive().default(1),
      /** The scenario "the most revenue at this ROAS" (Robyn's target_efficiency; default 0.8 x the current plan's ROAS). */
      targetRoas: z.number().positive().nullable().default(null),
      /** Upper limit on the total weekly budget of the flexible scenarios (default none). */
      maxBudget: z.number().positive().nullable().default(null),
      /** Total budgets in the scenario sweep (the report's revenue and profit against budget chart; default 21). */
      sweepPoints: int(3, 101).default(21),
    })
    .prefault({}),
  simulate: z.strictObject({ draws: int(100, 1_000_000).default(10000) }).prefault({}),
  drift: z
    .strictObject({
      errorBandSigma: num(0.5, 10).default(2),
      recentWeeks: int(1, 52).default(4),
      spendRangeTolerance: num(0, 10).default(0.25),
      maxModelAgeWeeks: int(1, 520).default(13),
    })
    .prefault({}),
  alerts: alertsSchema.prefault({}),
});

export type ConfigInput = z.input<typeof configSchema>;
type Parsed = z.output<typeof configSchema>;

/** The config with defaults filled and paths absolute. */
export interface Config extends Omit<Parsed, 'raw' | '$schema' | 'input'> {
  root: string;
  /** Raw events folder (null when the input is a weekly table, or none is configured). */
  raw: string | null;
  rawIsSample: boolean;
  /**
   * The weekly-table input (file paths absolute), and its transaction log if any; null for raw events.
   * `named`: where its settings came from, so errors name them as the user wrote them (input.channels, --channels).
   */
  input: { spec: WeeklyTableSpec; transactions: string | null; calibration: string | null; named: 'config' | 'flags' } | null;
}

function withoutKeys<T extends object, K extends keyof T>(o: T, keys: K[]): Omit<T, K> {
  const out = { ...o };
  for (const k of keys) delete out[k];
  return out;
}

/** Checks a parsed config, fills defaults, and resolves paths inside `root`. @throws UsageError naming the file and key path */
export function resolveConfig(input: unknown, root: string, file = 'config'): Config {
  const c = parseWith(configSchema, input ?? {}, file);
  if (c.raw !== undefined && c.input) throw new UsageError(`${file}: raw and input: give one input, raw events or a weekly table`);
  const inside = (p: string, what: string) => resolveInside(root, p, what, 'the project folder');
  const { $schema: _schema, raw, input: weekly, ...rest } = c;
  if (weekly && c.country) throw new UsageError(`${file}: country: goes with raw input; a weekly table takes input.holidays: { "country": ... }`);
  return {
    ...rest,
    root,
    raw: weekly || raw === undefined ? null : inside(raw, 'raw'),
    rawIsSample: !weekly && raw === 'data/sample',
    store: inside(c.store, 'store'),
    reports: inside(c.reports, 'reports'),
    input: weekly
      ? {
          spec: {
            ...withoutKeys(weekly, ['weekly', 'transactions', 'calibration']),
            file: inside(weekly.weekly, 'input.weekly'),
            holidays: weekly.holidays && 'file' in weekly.holidays ? { file: inside(weekly.holidays.file, 'input.holidays.file') } : weekly.holidays,
          },
          transactions: weekly.transactions ? inside(weekly.transactions, 'input.transactions') : null,
          calibration: weekly.calibration ? inside(weekly.calibration, 'input.calibration') : null,
          named: 'config' as const,
        }
      : null,
  };
}
