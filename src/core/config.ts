/**
 * The one configuration schema of the weekly pipeline (`mmm.config.json`).
 * Every field is optional; {@link resolveConfig} checks types and ranges,
 * refuses unknown keys, fills defaults, and resolves paths inside the root so
 * a config can never point the pipeline outside its artifact store.
 */
import { UsageError } from './errors.ts';
import { resolveInside } from './artifacts.ts';

/** The config as written by a user (every field optional). */
export interface ConfigInput {
  /** Folder of raw inputs, relative to the root (default "data/sample"). Generated from `sample` when missing and equal to the default. */
  raw?: string;
  /** Artifact store, relative to the root (default "data"). */
  store?: string;
  /** Report folder, relative to the root (default "reports"). */
  reports?: string;
  /** Master seed of every random stage (default 1). */
  seed?: number;
  /** Sample generator settings, used when the raw folder is missing (defaults: seed 42, 156 weeks, scale 1). */
  sample?: { seed?: number; weeks?: number; scale?: number };
  mmm?: { trials?: number; iterations?: number; bootstrap?: number; controls?: string[]; threads?: number };
  clv?: { horizonWeeks?: number; discountRate?: number; holdoutWeeks?: number };
  optimise?: { horizonWeeks?: number; budget?: number | null; minMultiple?: number; maxMultiple?: number; constraints?: unknown[] };
  /** Monte Carlo draws (default 10000); the horizon is the optimiser's. */
  simulate?: { draws?: number };
  drift?: { errorBandSigma?: number; recentWeeks?: number; spendRangeTolerance?: number; maxModelAgeWeeks?: number };
}

/** The config with defaults filled and paths absolute. */
export interface Config {
  root: string;
  raw: string;
  rawIsSample: boolean;
  store: string;
  reports: string;
  seed: number;
  sample: { seed: number; weeks: number; scale: number };
  mmm: { trials: number; iterations: number; bootstrap: number; controls: string[] | null; threads: number | null };
  clv: { horizonWeeks: number; discountRate: number; holdoutWeeks: number };
  optimise: { horizonWeeks: number; budget: number | null; minMultiple: number; maxMultiple: number; constraints: unknown[] };
  simulate: { draws: number };
  drift: { errorBandSigma: number; recentWeeks: number; spendRangeTolerance: number; maxModelAgeWeeks: number };
}

type FieldSpec =
  | { type: 'string' }
  | { type: 'number'; min?: number; max?: number; integer?: boolean; nullable?: boolean }
  | { type: 'stringArray' }
  | { type: 'array' }
  | { type: 'object'; fields: Record<string, FieldSpec> };

const int = (min: number, max: number): FieldSpec => ({ type: 'number', integer: true, min, max });
const num = (min: number, max: number): FieldSpec => ({ type: 'number', min, max });

/** The schema: every key a config may have, with its type and range. */
export const CONFIG_SCHEMA: Record<string, FieldSpec> = {
  $schema: { type: 'string' },
  raw: { type: 'string' },
  store: { type: 'string' },
  reports: { type: 'string' },
  seed: int(0, 2 ** 31 - 1),
  sample: { type: 'object', fields: { seed: int(0, 2 ** 31 - 1), weeks: int(8, 1040), scale: num(0.01, 100) } },
  mmm: { type: 'object', fields: { trials: int(1, 100), iterations: int(10, 100000), bootstrap: int(0, 10000), controls: { type: 'stringArray' }, threads: int(1, 256) } },
  clv: { type: 'object', fields: { horizonWeeks: int(1, 520), discountRate: num(0, 1), holdoutWeeks: int(0, 260) } },
  optimise: {
    type: 'object',
    fields: { horizonWeeks: int(1, 104), budget: { type: 'number', min: 0, max: 1e15, nullable: true }, minMultiple: num(0, 100), maxMultiple: num(0, 1000), constraints: { type: 'array' } },
  },
  simulate: { type: 'object', fields: { draws: int(100, 1_000_000) } },
  drift: { type: 'object', fields: { errorBandSigma: num(0.5, 10), recentWeeks: int(1, 52), spendRangeTolerance: num(0, 10), maxModelAgeWeeks: int(1, 520) } },
};

function validate(value: unknown, spec: FieldSpec, path: string, file: string): void {
  const fail = (msg: string) => {
    throw new UsageError(`${file}: ${path}: ${msg}`);
  };
  switch (spec.type) {
    case 'string':
      if (typeof value !== 'string' || value === '') fail('must be a non-empty string');
      break;
    case 'number':
      if (value === null && spec.nullable) return;
      if (typeof value !== 'number' || !Number.isFinite(value)) fail('must be a number');
      if (spec.integer && !Number.isInteger(value)) fail('must be an integer');
      if (spec.min !== undefined && (value as number) < spec.min) fail(`must be >= ${spec.min}`);
      if (spec.max !== undefined && (value as number) > spec.max) fail(`must be <= ${spec.max}`);
      break;
    case 'stringArray':
      if (!Array.isArray(value) || value.some((v) => typeof v !== 'string')) fail('must be an array of strings');
      break;
    case 'array':
      if (!Array.isArray(value)) fail('must be an array');
      break;
    case 'object': {
      if (!value || typeof value !== 'object' || Array.isArray(value)) fail('must be an object');
      for (const [k, v] of Object.entries(value as object)) {
        const sub = spec.fields[k];
        if (!sub) fail(`unknown key "${k}" (allowed: ${Object.keys(spec.fields).join(', ')})`);
        validate(v, sub, path === '$' ? k : `${path}.${k}`, file);
      }
    }
  }
}

/** Checks a parsed config against {@link CONFIG_SCHEMA}, fills defaults, and resolves paths inside `root`. */
export function resolveConfig(input: unknown, root: string, file = 'config'): Config {
  validate(input ?? {}, { type: 'object', fields: CONFIG_SCHEMA }, '$', file);
  const c = (input ?? {}) as ConfigInput;
  const raw = c.raw ?? 'data/sample';
  const store = resolveInside(root, c.store ?? 'data', 'store');
  return {
    root,
    raw: resolveInside(root, raw, 'raw'),
    rawIsSample: c.raw === undefined || c.raw === 'data/sample',
    store,
    reports: resolveInside(root, c.reports ?? 'reports', 'reports'),
    seed: c.seed ?? 1,
    sample: { seed: c.sample?.seed ?? 42, weeks: c.sample?.weeks ?? 156, scale: c.sample?.scale ?? 1 },
    mmm: { trials: c.mmm?.trials ?? 5, iterations: c.mmm?.iterations ?? 2000, bootstrap: c.mmm?.bootstrap ?? 200, controls: c.mmm?.controls ?? null, threads: c.mmm?.threads ?? null },
    clv: { horizonWeeks: c.clv?.horizonWeeks ?? 52, discountRate: c.clv?.discountRate ?? 0.01, holdoutWeeks: c.clv?.holdoutWeeks ?? 26 },
    optimise: {
      horizonWeeks: c.optimise?.horizonWeeks ?? 13,
      budget: c.optimise?.budget ?? null,
      minMultiple: c.optimise?.minMultiple ?? 0.5,
      maxMultiple: c.optimise?.maxMultiple ?? 2,
      constraints: c.optimise?.constraints ?? [],
    },
    simulate: { draws: c.simulate?.draws ?? 10000 },
    drift: {
      errorBandSigma: c.drift?.errorBandSigma ?? 2,
      recentWeeks: c.drift?.recentWeeks ?? 4,
      spendRangeTolerance: c.drift?.spendRangeTolerance ?? 0.25,
      maxModelAgeWeeks: c.drift?.maxModelAgeWeeks ?? 13,
    },
  };
}
