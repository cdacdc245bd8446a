/**
 * Schemas of the files one stage (or command) writes and another reads: the
 * drift decision, the fit's model and draws, the CLV summary, the optimise
 * stage's allocation, curves, scenarios and draws, the forecast's bands, the
 * store's pointer and the run record. A writer's value is checked against the
 * schema's input type when it is written (`satisfies`), and the reader parses
 * the file with the same schema, so a hand-edited or truncated file is one
 * clear error naming the file and key. For the large numerical results
 * (model, scenarios) the schema holds the fields the readers use, and the
 * readers keep the full type the numerical core defines.
 */
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { ValidationError } from '../src/core/errors.ts';
import { parseWith } from '../src/core/schema.ts';

/** decision.json of the drift stage. */
export const decisionSchema = z.object({
  decision: z.enum(['refit', 'reuse']),
  reasons: z.array(z.string()),
  newWeeks: z.number(),
  errorRms: z.number().nullable(),
  errorMean: z.number().nullable(),
  weekly: z.array(z.object({ date: z.string(), actual: z.number(), predicted: z.number(), scaledError: z.number() })),
  /** The model in use when the decision was made (folder relative to the store). */
  currentModel: z.string().nullable(),
  thresholds: z.record(z.string(), z.number()),
});
export type DecisionFile = z.infer<typeof decisionSchema>;

/** The parts of an allocation file (`allocation.json` of the optimise stage, `mmm optimise --out`) that plans are made from. */
export const allocationFileSchema = z.object({
  status: z.string(),
  horizonWeeks: z.number().int().min(1),
  allocation: z.record(z.string(), z.number().min(0)),
  againstCurrent: z
    .object({ current: z.record(z.string(), z.number().min(0)) })
    .nullable()
    .optional(),
});
export type AllocationFile = z.infer<typeof allocationFileSchema>;

/** current.json: what the last committed run left in use (folders relative to the store, report relative to the root). */
export const currentSchema = z.object({
  mmm: z.string().optional(),
  report: z.string().optional(),
  run: z.string().optional(),
});
export type CurrentFile = z.infer<typeof currentSchema>;

export const alertSchema = z.object({
  kind: z.enum(['refit', 'roas-floor', 'clv-drop', 'stale-data']),
  message: z.string(),
  fields: z.record(z.string(), z.unknown()).optional(),
});
export type Alert = z.infer<typeof alertSchema>;

/** runs/<runId>.json: one run of `mmm weekly` (issue 13's record). */
export const runRecordSchema = z.object({
  runId: z.string(),
  asOf: z.string(),
  startedAt: z.string(),
  endedAt: z.string(),
  status: z.enum(['ok', 'partial', 'failed']),
  input: z.string(),
  /** The store, relative to the root the run was made from (records before it lack it). */
  store: z.string().optional(),
  stages: z.array(
    z.object({
      stage: z.string(),
      action: z.enum(['built', 'skipped', 'reused', 'failed', 'not-run']),
      dataVersion: z.string().optional(),
      dir: z.string().optional(),
      error: z.string().optional(),
    }),
  ),
  decisions: z.array(z.object({ model: z.enum(['mmm', 'clv']), action: z.enum(['reuse', 'refit']), reason: z.string() })),
  warnings: z.array(z.object({ stage: z.string(), message: z.string() })),
  alerts: z.array(alertSchema),
  report: z.string().nullable(),
  error: z.string().optional(),
});
export type RunRecord = z.infer<typeof runRecordSchema>;

const num = z.number();
const channelFields = z.object({
  name: z.string(),
  coef: num,
  adstock: z.object({ kind: z.string() }),
  saturation: z.object({ kind: z.string() }),
  carry: z.object({ lastAdstock: num, recentSpend: z.array(num) }),
});

/** model.json of a fit (`mmm fit`, the mmm stage): the parts every reader relies on. */
export const modelFileSchema = z.object({
  formatVersion: z.literal(1),
  target: z.string(),
  window: z.object({ first: z.string(), last: z.string(), firstDay: num, lastDay: num, weeks: num }),
  intercept: num,
  baseline: z.array(z.object({ name: z.string(), kind: z.string(), coef: num })),
  channels: z.array(channelFields.extend({ roas: num, contribution: num })),
  residuals: z.array(num),
  metrics: z.object({ residualSd: num }),
});

/** bootstrap.json of a fit: the draws the forecast and the scenarios use. */
export const bootstrapFileSchema = z.object({ draws: z.array(z.object({ channels: z.array(channelFields), intercept: num, baselineCoefs: z.array(num) })) });

/** clv.json (`mmm clv`, the clv stage): the summary the allocation, the alerts and the report read. */
export const clvFileSchema = z.object({
  customers: num,
  clvTotal: num,
  byChannel: z.array(z.object({ channel: z.string(), customers: num, meanClv: num, totalClv: num })),
  bgnbd: z.object({ r: num, alpha: num, a: num, b: num }),
  gammaGamma: z.object({ p: num, q: num, v: num }),
  settings: z.object({ months: num }),
  warnings: z.array(z.string()),
});

/** bands.json (`mmm simulate`, the simulate stage): the whole file, so the writer builds exactly this type. */
const strictBand = z.object({ p5: num, p50: num, p95: num, mean: num });
const weeklyBands = z.array(strictBand.extend({ date: z.string() }));
export const bandsFileSchema = z.object({
  plan: z.string(),
  total: strictBand,
  weekly: weeklyBands,
  draws: num,
  parameterDraws: num,
  noise: z.object({ method: z.string(), blockLength: num, scale: num }),
  warnings: z.array(z.string()),
  compare: z.object({ plan: z.string(), total: strictBand, weekly: weeklyBands }).optional(),
  probabilityBetter: num.optional(),
});
export type BandsFile = z.infer<typeof bandsFileSchema>;

const curve = z.object({ type: z.enum(['hill', 'log', 'points', 'tiers']) });

/** curves.json of the optimise stage: each channel's weekly response curve and its table for the report. */
export const curvesFileSchema = z.object({ channels: z.array(z.object({ channel: z.string(), curve })), clvPerRevenue: z.record(z.string(), num) });
/** curve-draws.json: each draw's weekly curve per channel. */
export const curveDrawsFileSchema = z.object({ draws: z.array(z.record(z.string(), curve)) });
/** scenarios.json: the budget scenarios (null when the allocation was not optimal). */
export const scenariosFileSchema = z
  .object({
    margin: num,
    breakEvenRoi: num,
    scenarios: z.array(z.object({ id: z.string(), status: z.string() })),
    sweep: z.array(z.object({ budget: num, revenue: num.nullable(), profit: num.nullable() })),
  })
  .nullable();
/** robustness.json: the recommended plan under the bootstrap draws (null without draws). */
export const robustnessFileSchema = z.object({ probabilityRecommendedBetter: num, outOfSampleDrop: num.nullable(), upliftUnderDraws: num }).nullable();
/** allocation-clv.json: the CLV-objective allocation (null without CLV). */
export const allocationClvFileSchema = z.object({ status: z.string(), allocation: z.record(z.string(), num) }).nullable();

/** A file's JSON value. @throws ValidationError naming the file when it is not JSON */
export async function readJsonValue(path: string): Promise<unknown> {
  try {
    return JSON.parse(await readFile(path, 'utf8'));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code) throw e;
    throw new ValidationError(`not valid JSON: ${(e as Error).message}`, { file: path });
  }
}

/** Reads a JSON file the schema describes whole, and returns the parsed value. @throws ValidationError naming the file and key path */
export async function readJson<S extends z.ZodType>(schema: S, path: string): Promise<z.infer<S>> {
  return parseWith(schema, await readJsonValue(path), path, 'data');
}

/**
 * Reads a JSON file, checks it with a schema that names the fields its readers
 * rely on, and returns the whole file (fields beyond the schema kept) as the
 * writer's full type `T`.
 * @throws ValidationError naming the file and key path
 */
export async function readChecked<T, S extends z.ZodType = z.ZodType>(schema: S, path: string): Promise<T> {
  const value = await readJsonValue(path);
  parseWith(schema, value, path, 'data');
  return value as T;
}

export const readDecision = (path: string) => readJson(decisionSchema, path);
