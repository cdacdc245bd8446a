/**
 * Monte Carlo revenue bands for spend plans.
 *
 * For each parameter draw b of the MMM (the bootstrap draws), the mean path of
 * a plan is baseline_b(t) + sum_c media_b,c(t): trend, seasonality and controls
 * from the draw's coefficients, and each channel's effect of the planned spend
 * with the adstock carried over from the last observed weeks. A simulation draw
 * picks a parameter draw at random and adds week-to-week noise: a moving-block
 * resample of the model's residuals (keeps their autocorrelation and shape),
 * scaled by residualSd / rms(residuals) so the in-sample fit's optimism is
 * undone. Plans are simulated with common random numbers.
 */
import { ValidationError } from '../core/errors.ts';
import { dayToIso } from '../core/csv.ts';
import { defaultThreads, runInWorkers } from '../core/workers.ts';
import { adstockSeries, mediaEffect, predictBaseline } from '../mmm/predict.ts';
import type { BootstrapDraw, MmmModel } from '../mmm/types.ts';
import type { Plan } from './plan.ts';
import { CHUNK, sampleDraws, type SampleSpec } from './sample.ts';
import { bandOf, type Band } from './quantiles.ts';

export interface SimulateOptions {
  /** Simulation draws (default 10,000). */
  draws?: number;
  /** Seed (default 1). */
  seed?: number;
  /** Moving-block length of the residual resample, weeks (default 4). */
  blockLength?: number;
  /**
   * Worker threads (default: every core when the work is large enough for
   * threads to pay for their start-up, draws x weeks x plans >= 4,000,000; else 1).
   * The result does not depend on it.
   */
  threads?: number;
  /** Names of the plans in warnings (default `plan 1`, `plan 2`, ...). */
  labels?: string[];
}

export interface Bands {
  total: Band;
  weekly: (Band & { date: string })[];
}

export interface SimulationResult {
  /** Bands per plan, in the order given. */
  plans: Bands[];
  /** Share of draws where plan 0's horizon total beats plan 1's (when two plans are given). */
  probabilityFirstBeatsSecond?: number;
  draws: number;
  parameterDraws: number;
  noiseScale: number;
  blockLength: number;
  /** Plans that take a channel beyond the adstocked spend the model saw (extrapolation: bands less reliable). */
  warnings: string[];
}

/** Adstocked spend beyond this multiple of the most the model saw is extrapolation (warned about here and in the report's planner). */
export const EXTRAPOLATION = 1.25;

/**
 * Warnings for weeks where a plan drives a channel's adstocked spend above
 * {@link EXTRAPOLATION} x the most the model saw: the response there is
 * extrapolated, and the bands do not include that model uncertainty.
 */
export function extrapolationWarnings(model: MmmModel, plan: Plan, label: string): string[] {
  const out: string[] = [];
  for (const ch of model.channels) {
    const seen = ch.saturation.adstockMax;
    if (!(seen > 0)) continue;
    const a = adstockSeries(ch.adstock, plan.spend[ch.name], ch.carry);
    let worst = 0;
    let at = -1;
    for (let t = 0; t < a.length; t++) if (a[t] / seen > worst) [worst, at] = [a[t] / seen, t];
    if (worst > EXTRAPOLATION)
      out.push(`${label}: ${ch.name} reaches ${worst.toFixed(2)}x the adstocked spend the model saw (week of ${dayToIso(plan.dates[at])}); the response there is extrapolated`);
  }
  return out;
}

/** The model with a bootstrap draw's coefficients and transforms (for its baseline and media). */
export function modelForDraw(model: MmmModel, draw: BootstrapDraw): MmmModel {
  if (draw.baselineCoefs.length !== model.baseline.length) {
    throw new ValidationError(`bootstrap draw ${draw.draw} has ${draw.baselineCoefs.length} baseline coefficients, the model ${model.baseline.length}`);
  }
  return {
    ...model,
    intercept: draw.intercept,
    baseline: model.baseline.map((b, i) => ({ ...b, coef: draw.baselineCoefs[i] })),
    channels: model.channels.map((c, j) => ({ ...c, ...draw.channels[j], name: c.name })),
  };
}

/** Mean weekly revenue path of a plan under one parameter set. */
export function meanPath(model: MmmModel, plan: Plan): Float64Array {
  const base = predictBaseline(model, plan.dates, plan.controls).total;
  const out = Float64Array.from(base);
  for (const ch of model.channels) {
    const spend = plan.spend[ch.name];
    if (!spend) throw new ValidationError(`plan has no spend for channel "${ch.name}"`);
    const m = mediaEffect(ch, spend);
    for (let t = 0; t < out.length; t++) out[t] += m[t];
  }
  return out;
}

/**
 * Simulates every plan and returns P5/P50/P95/mean per week and for the
 * horizon total. Deterministic for a given seed, whatever the thread count.
 * @throws ValidationError if plans differ in length or dates, or there are no draws
 */
export async function simulatePlans(model: MmmModel, paramDraws: BootstrapDraw[], plans: Plan[], opts: SimulateOptions = {}): Promise<SimulationResult> {
  const N = opts.draws ?? 10_000;
  const seed = opts.seed ?? 1;
  const L = opts.blockLength ?? 4;
  if (!Number.isInteger(N) || N < 100) throw new ValidationError(`draws must be an integer >= 100, got ${N}`);
  if (!plans.length) throw new ValidationError('no plan to simulate');
  const H = plans[0].dates.length;
  for (const p of plans) {
    if (p.dates.length !== H || p.dates.some((d, i) => d !== plans[0].dates[i])) throw new ValidationError('plans must cover the same weeks');
  }
  const sets = paramDraws.length ? paramDraws.map((d) => modelForDraw(model, d)) : [model];
  const B = sets.length;
  const means = plans.map((plan) => {
    const m = new Float64Array(B * H);
    sets.forEach((s, b) => m.set(meanPath(s, plan), b * H));
    return m;
  });
  const residuals = Float64Array.from(model.residuals);
  const rms = Math.sqrt(residuals.reduce((s, e) => s + e * e, 0) / Math.max(1, residuals.length));
  const noiseScale = rms > 0 ? model.metrics.residualSd / rms : 1;
  const spec: SampleSpec = { horizon: H, paramDraws: B, means, residuals, noiseScale, blockLength: L, seed };

  const work = N * H * plans.length;
  const threads = Math.max(1, opts.threads ?? (work >= 4_000_000 ? defaultThreads() : 1));
  const values = plans.map(() => new Float64Array(N * H));
  if (threads === 1) sampleDraws(spec, 0, N, values);
  else {
    // Whole chunks per thread, so each thread's streams start at a chunk boundary.
    const chunks = Math.ceil(N / CHUNK);
    const per = Math.ceil(chunks / threads);
    const tasks = Array.from({ length: Math.ceil(chunks / per) }, (_, k) => ({ spec, from: k * per * CHUNK, to: Math.min(N, (k + 1) * per * CHUNK) }));
    const parts = await runInWorkers<(typeof tasks)[number], Float64Array[]>(new URL('./worker.ts', import.meta.url), tasks, threads);
    parts.forEach((part, k) => part.forEach((arr, p) => values[p].set(arr, tasks[k].from * H)));
  }

  const totals = values.map((v) => {
    const tot = new Float64Array(N);
    for (let i = 0; i < N; i++) {
      let s = 0;
      for (let t = 0; t < H; t++) s += v[i * H + t];
      tot[i] = s;
    }
    return tot;
  });
  const column = new Float64Array(N);
  const bands: Bands[] = values.map((v, p) => ({
    total: bandOf(totals[p]),
    weekly: Array.from({ length: H }, (_, t) => {
      for (let i = 0; i < N; i++) column[i] = v[i * H + t];
      return { date: dayToIso(plans[p].dates[t]), ...bandOf(column) };
    }),
  }));
  const warnings = plans.flatMap((p, i) => extrapolationWarnings(model, p, opts.labels?.[i] ?? `plan ${i + 1}`));
  const result: SimulationResult = { plans: bands, draws: N, parameterDraws: B, noiseScale, blockLength: L, warnings };
  if (plans.length >= 2) {
    let wins = 0;
    for (let i = 0; i < N; i++) if (totals[0][i] > totals[1][i]) wins++;
    result.probabilityFirstBeatsSecond = wins / N;
  }
  return result;
}
