/**
 * Schemas of the files the weekly pipeline itself writes and reads back: the
 * drift decision, the store's pointer to the model and report in use, and the
 * run record. The writer builds a value of the inferred type; the reader parses
 * it with the same schema, so a hand-edited or truncated file is one clear error.
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
export const allocationFileSchema = z.looseObject({
  status: z.string(),
  horizonWeeks: z.number().int().min(1),
  allocation: z.record(z.string(), z.number().min(0)),
  againstCurrent: z.looseObject({ current: z.record(z.string(), z.number().min(0)) }).nullable().optional(),
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
  kind: z.enum(['refit', 'roas-floor', 'clv-drop']),
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
  stages: z.array(z.object({
    stage: z.string(),
    action: z.enum(['built', 'skipped', 'reused', 'failed', 'not-run']),
    dataVersion: z.string().optional(),
    dir: z.string().optional(),
    error: z.string().optional(),
  })),
  decisions: z.array(z.object({ model: z.enum(['mmm', 'clv']), action: z.enum(['reuse', 'refit']), reason: z.string() })),
  warnings: z.array(z.object({ stage: z.string(), message: z.string() })),
  alerts: z.array(alertSchema),
  report: z.string().nullable(),
  error: z.string().optional(),
});
export type RunRecord = z.infer<typeof runRecordSchema>;

/** Reads and checks a JSON file with a schema. @throws ValidationError naming the file and key path */
export async function readJson<S extends z.ZodType>(schema: S, path: string): Promise<z.infer<S>> {
  let value: unknown;
  try {
    value = JSON.parse(await readFile(path, 'utf8'));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code) throw e;
    throw new ValidationError(`not valid JSON: ${(e as Error).message}`, { file: path });
  }
  return parseWith(schema, value, path, 'data');
}

export const readDecision = (path: string) => readJson(decisionSchema, path);
