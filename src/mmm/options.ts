/**
 * Fit options: one zod schema checks them and fills the defaults, and
 * {@link resolveFitOptions} is the one entry point that turns user options
 * into the resolved type the rest of the fit reads (no optional fields left).
 * The meaning and default of each option is documented on FitOptions (types.ts).
 */
import { z } from 'zod';
import { UsageError } from '../core/errors.ts';
import { defaultThreads } from '../core/workers.ts';
import type { AdstockKind, ChannelRanges, FitOptions, Range } from './types.ts';

/** Robyn's default ranges (theta by the widest medium guideline, alpha, gamma; Weibull per Robyn's docs), and lam and ec of the logistic and Michaelis-Menten families. */
export function defaultRanges(adstock: AdstockKind = 'geometric'): Required<ChannelRanges> {
  return { theta: [0, 0.8], shape: adstock === 'weibull_pdf' ? [0.0001, 10] : [0.0001, 2], scale: [0, 0.1], decay: [0.01, 1], alpha: [0.5, 3], gamma: [0.3, 1], lam: [0.5, 10], ec: [0.3, 5] };
}

/** Names of one family's hyperparameters in kernel order (adstock, then saturation). */
export function channelParamNames(adstock: string, saturation: string): string[] {
  const sat: Record<string, string[]> = { hill: ['alpha', 'gamma'], log: ['gamma'], logistic: ['lam'], michaelis_menten: ['ec'] };
  return [...(adstock === 'geometric' ? ['theta'] : adstock === 'binomial' ? ['decay'] : ['shape', 'scale']), ...sat[saturation]];
}

/** Hyperparameters searched on a log10 scale (their ranges span orders of magnitude). */
export const LOG_SCALED: ReadonlySet<string> = new Set(['lam', 'ec']);

/** The allowed box of each hyperparameter (a user range must lie inside it). */
export const HYPERPARAMETER_LIMITS: Record<keyof ChannelRanges, Range> = {
  theta: [0, 0.999],
  alpha: [1e-6, 20],
  gamma: [1e-6, 1],
  shape: [0, 50],
  scale: [0, 1],
  decay: [1e-6, 1],
  lam: [1e-3, 1e3],
  ec: [1e-4, 1e3],
};

const int = (min: number) => z.number().int(`must be an integer >= ${min}`).min(min, `must be an integer >= ${min}`);
const finite = z.number().refine(Number.isFinite, 'must be a finite number');
const range = (lo: number, hi: number) => z.tuple([z.number(), z.number()]).refine((r) => r[0] >= lo && r[1] <= hi && r[0] <= r[1], `must be [lo, hi] within [${lo}, ${hi}]`);
const rangesSchema = z.strictObject(
  Object.fromEntries(Object.entries(HYPERPARAMETER_LIMITS).map(([k, [lo, hi]]) => [k, range(lo, hi).optional()])) as Record<keyof ChannelRanges, z.ZodOptional<ReturnType<typeof range>>>,
);
const adstockKind = z.enum(['geometric', 'weibull_cdf', 'weibull_pdf', 'binomial']);
const saturationKind = z.enum(['hill', 'log', 'logistic', 'michaelis_menten']);
/** One family or a non-empty list of distinct families. */
const oneOrMany = <T extends z.ZodTypeAny>(kind: T) =>
  z.union([
    kind,
    z
      .array(kind)
      .min(1)
      .refine((a) => new Set(a).size === a.length, 'must not repeat a family'),
  ]);
const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date YYYY-MM-DD');
const studySchema = z.object({
  channel: z.string(),
  from: z.string(),
  to: z.string(),
  lift: z.number(),
  source: z.object({ file: z.string(), row: z.number() }).optional(),
  se: z.number().gt(0).optional(),
});
const gaussian = z.strictObject({ mean: z.number(), sd: z.number().gt(0) });

/** The schema of FitOptions: types, ranges and defaults (see FitOptions for each field's meaning). */
export const fitOptionsSchema = z.strictObject({
  seed: finite.default(1),
  trials: int(1).default(5),
  iterations: int(4).default(2000),
  adstock: oneOrMany(adstockKind).default(['geometric', 'binomial']),
  channelAdstock: z.record(z.string(), oneOrMany(adstockKind)).default({}),
  normalisedAdstock: z.boolean().default(false),
  saturation: oneOrMany(saturationKind).default(['hill', 'michaelis_menten']),
  channelSaturation: z.record(z.string(), oneOrMany(saturationKind)).default({}),
  validationFraction: z.number().gt(0).lt(0.5).default(0.15),
  folds: int(1).default(3),
  fourierOrder: int(0).default(2),
  seasonalityPeriod: z.number().gt(1).default(52.18),
  trend: z.boolean().default(true),
  trendKnotSpacing: int(0)
    .refine((v) => v === 0 || v >= 8, 'must be 0 (a straight trend) or at least 8 weeks')
    .default(0),
  controlSigns: z.record(z.string(), z.enum(['positive', 'negative', 'free'])).default({}),
  interceptSign: z.enum(['non_negative', 'free']).default('non_negative'),
  window: z.strictObject({ start: isoDate, end: isoDate }).optional(),
  ranges: rangesSchema.default({}),
  channelRanges: z.record(z.string(), rangesSchema).default({}),
  log10LambdaRange: range(-12, 3).default([-5, -1]),
  alphaPrior: finite.min(0).default(0.1),
  selection: z.enum(['rssd', 'consensus']).default('rssd'),
  selectionTolerance: z.number().min(0).optional(),
  calibration: z.array(studySchema).default([]),
  calibrationWeight: finite.min(0).default(1),
  liftStandardError: z.number().gt(0).default(0.1),
  priors: z.record(z.string(), z.strictObject({ roas: gaussian.optional(), contribution: gaussian.optional() })).default({}),
  roasPrior: z
    .strictObject({ logMean: finite, logSd: z.number().gt(0) })
    .nullable()
    .default(null),
  estimator: z.enum(['posterior', 'search']).default('posterior'),
  posteriorChains: int(4).default(16),
  posteriorGenerations: int(10).default(800),
  likelihoodTempering: z.enum(['autocorrelation', 'none']).default('autocorrelation'),
  likelihoodWeight: z.number().gt(0).max(1).default(0.5),
  pointLikelihoodWeight: z.number().gt(0).max(1).optional(),
  posteriorCoefficients: z.enum(['gaussian', 'bootstrap', 'fixed']).default('gaussian'),
  posteriorPoint: z.enum(['medoid', 'map', 'search']).default('medoid'),
  populationSize: int(4).optional(),
  bootstrap: int(0).default(200),
  bootstrapTolerance: z.number().min(0).default(1.5),
  blockLength: int(1).default(6),
  intervalLevel: z.number().gt(0).lt(1).default(0.9),
  threads: int(1).optional(),
  onProgress: z.custom<NonNullable<FitOptions['onProgress']>>((v) => typeof v === 'function', 'must be a function').optional(),
});

/** FitOptions with every default filled in and every value checked. */
export type ResolvedFitOptions = Omit<z.output<typeof fitOptionsSchema>, 'selectionTolerance' | 'threads' | 'populationSize' | 'calibration'> & {
  selectionTolerance: number;
  threads: number;
  populationSize: number | null;
  calibration: NonNullable<FitOptions['calibration']>;
};

/**
 * Checks options and fills defaults: the one way options enter a fit.
 * @throws UsageError naming the first bad option, e.g. `fit option trials: must be an integer >= 1 (got 0)`
 */
export function resolveFitOptions(options: FitOptions = {}): ResolvedFitOptions {
  const parsed = fitOptionsSchema.safeParse(options);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const path = issue.path.join('.');
    let got: unknown = options;
    for (const k of issue.path) got = (got as Record<PropertyKey, unknown> | undefined)?.[k as string];
    const shown = issue.code === 'unrecognized_keys' ? `unknown option(s) ${issue.keys.join(', ')}` : `${issue.message} (got ${JSON.stringify(got)})`;
    throw new UsageError(`fit option${path ? ` ${path}` : ''}: ${shown}`);
  }
  const o = parsed.data;
  if (o.trendKnotSpacing > 0 && !o.trend) throw new UsageError('fit option trendKnotSpacing: needs the trend (trend is false)');
  if (o.pointLikelihoodWeight !== undefined && o.posteriorPoint === 'search')
    throw new UsageError("fit option pointLikelihoodWeight: the point model is the search's candidate (posteriorPoint is 'search'), so no posterior weight chooses it");
  if (o.estimator === 'search') {
    const unused = [
      ...(o.roasPrior ? ['roasPrior'] : []),
      ...(Object.keys(o.priors).length ? ['priors'] : []),
      ...(o.posteriorPoint !== 'medoid' ? ['posteriorPoint'] : []),
      ...(o.pointLikelihoodWeight !== undefined ? ['pointLikelihoodWeight'] : []),
    ];
    if (unused.length) throw new UsageError(`fit option ${unused[0]}: only the posterior estimator uses it (estimator is 'search')`);
  }
  return {
    ...o,
    selectionTolerance: o.selectionTolerance ?? (o.selection === 'consensus' ? 0.05 : 0.01),
    threads: o.threads ?? defaultThreads(),
    populationSize: o.populationSize ?? null,
    calibration: o.calibration,
  };
}
