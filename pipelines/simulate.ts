/**
 * `mmm simulate`: Monte Carlo revenue bands for a spend plan (and optionally a
 * second plan to compare with), from a `mmm fit` output folder.
 */
import { existsSync } from 'node:fs';
import { basename, join } from 'node:path';
import { readUserCsv } from '../src/ingest/read-error.ts';
import { UsageError, ValidationError } from '../src/core/errors.ts';
import { readManifest, recordInputs, writeArtifact, writeFileAtomic, type Manifest } from '../src/core/artifacts.ts';
import { stableJson } from '../src/core/hash.ts';
import { codeFingerprint } from './fingerprint.ts';
import { STAGE_VERSIONS } from './versions.ts';
import { planFromTable, rollForward, simulatePlans, type Plan, type SimulationResult } from '../src/simulate/index.ts';
import type { BootstrapDraw, MmmModel, WeeklyData } from '../src/mmm/types.ts';
import { readWeeklyCsv } from './mmm.ts';
import { constantPlan, futureWeeks } from './allocation.ts';
import { weeklyHolidayFlags } from './holidays.ts';
import { allocationFileSchema, bootstrapFileSchema, modelFileSchema, readChecked, readJson, type BandsFile } from './schemas.ts';

export const SIMULATE_CODE_VERSION = STAGE_VERSIONS.simulate;

export interface SimulateCommandOptions {
  model: string;
  /** A plan CSV (one of plan and allocation). */
  plan?: string;
  /** An allocation (`mmm optimise` output): its plan is simulated against the current plan it was compared with. */
  allocation?: string;
  out: string;
  draws?: number;
  seed?: number;
  /** A second plan (e.g. the current one) to compare with. */
  compare?: string;
  threads?: number;
}

/**
 * Reads `model.json` and `bootstrap.json` of a fit folder, each checked with
 * its schema (pipelines/schemas.ts).
 * @throws UsageError when the folder has no model.json; ValidationError naming the file and key when a file is not a fit's
 */
export async function readFit(dir: string): Promise<{ model: MmmModel; draws: BootstrapDraw[]; files: string[] }> {
  const modelPath = join(dir, 'model.json');
  if (!existsSync(modelPath)) throw new UsageError(`${dir} is not a mmm fit output (no model.json)`);
  // The schema checks the fields every reader relies on; the rest is the numerical core's own type.
  const model = await readChecked<MmmModel>(modelFileSchema, modelPath);
  const bootPath = join(dir, 'bootstrap.json');
  if (!existsSync(bootPath)) return { model, draws: [], files: [modelPath] };
  const { draws } = await readChecked<{ draws: BootstrapDraw[] }>(bootstrapFileSchema, bootPath);
  return { model, draws, files: [modelPath, bootPath] };
}

/**
 * The weekly table a fit was made on (`input.csv` in its folder), for what
 * needs the data beside the model: recent spend for a default allocation,
 * restated history for the drift check.
 * @throws UsageError when the folder has no input.csv (a fit made before it was kept)
 */
export async function readFitInput(dir: string, model: MmmModel): Promise<WeeklyData> {
  const path = join(dir, 'input.csv');
  if (!existsSync(path)) throw new UsageError(`${dir} has no input.csv (the weekly table of the fit); refit it with this version of mmm`);
  const controls = model.baseline.filter((b) => b.kind === 'control' || b.kind === 'dummy').map((b) => b.name);
  return readWeeklyCsv(
    path,
    'date',
    model.target,
    model.channels.map((c) => c.name),
    controls,
    { factors: model.factors?.map((f) => f.name), organic: model.organic?.map((o) => o.name) },
  );
}

/**
 * A fit ready to plan from: when its folder keeps the weekly table and the
 * table goes on past the model's window (a window ending before the data do),
 * the model is carried forward over those weeks, so plans start the week
 * after the data, as the weekly pipeline's do.
 */
export async function readFitForPlans(dir: string): Promise<{ model: MmmModel; draws: BootstrapDraw[]; files: string[]; data: WeeklyData | null; calendar: Calendar | null }> {
  const fit = await readFit(dir);
  // A fit made with --country flags future weeks from the same calendar, over the same 7 days of each label.
  const params = (await readManifest(dir))?.params as { country?: string; weekEnding?: boolean } | undefined;
  const calendar = typeof params?.country === 'string' ? { country: params.country, weekEnding: params.weekEnding === true } : null;
  if (!existsSync(join(dir, 'input.csv'))) return { ...fit, data: null, calendar };
  const data = await readFitInput(dir, fit.model);
  const rolled = rollForward(fit.model, fit.draws, data);
  return { model: rolled.model, draws: rolled.draws, files: [...fit.files, join(dir, 'input.csv')], data, calendar };
}

/** The holiday calendar a fit flagged its weeks with (`mmm fit --country`, `--week-ending`). */
export interface Calendar {
  country: string;
  weekEnding: boolean;
}

/** Bands of the first plan in the contract's shape, plus the comparison when there is one. */
export function bandsDocument(result: SimulationResult, labels: string[]): BandsFile {
  const [first, second] = result.plans;
  const doc: BandsFile = {
    total: first.total,
    weekly: first.weekly,
    draws: result.draws,
    parameterDraws: result.parameterDraws,
    noise: { method: 'moving-block resample of the model residuals', blockLength: result.blockLength, scale: result.noiseScale },
    plan: labels[0],
    warnings: result.warnings,
  };
  if (second) {
    doc.compare = { plan: labels[1], total: second.total, weekly: second.weekly };
    doc.probabilityBetter = result.probabilityFirstBeatsSecond;
  }
  return doc;
}

/** The plans of a command: the plan CSV (+ compare CSV), or an allocation's plan and the current plan it was compared with. */
async function commandPlans(
  model: MmmModel,
  calendar: Calendar | null,
  opts: SimulateCommandOptions,
  warnings: string[],
): Promise<{ plans: Plan[]; labels: string[]; files: { path: string; label: string }[] }> {
  if ((opts.plan === undefined) === (opts.allocation === undefined)) throw new UsageError('mmm simulate: give either --plan FILE.csv or --allocation FILE.json');
  if (opts.allocation) {
    if (opts.compare) throw new UsageError('mmm simulate: --compare goes with --plan; an allocation is compared with its current plan');
    const alloc = await readJson(allocationFileSchema, opts.allocation);
    if (alloc.status !== 'optimal') throw new ValidationError(`the allocation is ${alloc.status}, not a plan`, { file: opts.allocation });
    const missing = model.channels.find((c) => alloc.allocation[c.name] === undefined);
    if (missing) throw new ValidationError(`no spend for the model's channel "${missing.name}" (an allocation of another model?)`, { file: opts.allocation });
    const dates = Array.from({ length: alloc.horizonWeeks }, (_, i) => model.window.lastDay + 7 * (i + 1));
    const holidays = calendar ? new Map(Array.from(await weeklyHolidayFlags(dates, calendar.country, '--country', calendar.weekEnding), (f, i) => [dates[i], f])) : null;
    const future = futureWeeks(model, alloc.horizonWeeks, holidays);
    warnings.push(...future.warnings);
    const current = alloc.againstCurrent?.current ?? {};
    return {
      plans: [constantPlan(model, future, alloc.allocation), constantPlan(model, future, current)],
      labels: ['recommended', 'current'],
      files: [{ path: opts.allocation, label: 'allocation.json' }],
    };
  }
  const planFiles = [opts.plan!, ...(opts.compare ? [opts.compare] : [])];
  const plans: Plan[] = [];
  for (const f of planFiles) {
    if (!existsSync(f)) throw new UsageError(`plan file not found: ${f}`);
    const plan = planFromTable(model, await readUserCsv(f));
    // A holiday flag the plan leaves out: from the fit's calendar when it has one, else 0, said.
    for (const b of model.baseline.filter((t) => t.kind === 'dummy' && plan.controls[t.name] === undefined)) {
      if (calendar && b.name === 'holiday') plan.controls[b.name] = await weeklyHolidayFlags(plan.dates, calendar.country, '--country', calendar.weekEnding);
      else warnings.push(`${basename(f)}: ${b.name} is 0 in every planned week: the plan has no ${b.name} column and the fit no calendar for it`);
    }
    plans.push(plan);
  }
  if (plans.length === 2 && plans[1].dates.length !== plans[0].dates.length) {
    throw new ValidationError(`covers ${plans[1].dates.length} weeks but ${opts.plan} covers ${plans[0].dates.length}`, { file: opts.compare });
  }
  return { plans, labels: planFiles.map((f, i) => `${i ? 'compare' : 'plan'} (${basename(f)})`), files: planFiles.map((p, i) => ({ path: p, label: i ? 'compare.csv' : 'plan.csv' })) };
}

export async function runSimulateCommand(opts: SimulateCommandOptions): Promise<{ manifest: Manifest; skipped: boolean }> {
  const fit = await readFitForPlans(opts.model);
  const planWarnings: string[] = [];
  const { plans, labels, files } = await commandPlans(fit.model, fit.calendar, opts, planWarnings);
  const params = { draws: opts.draws ?? 10_000, seed: opts.seed ?? 1 };
  const inputs = await recordInputs([...fit.files.map((p) => ({ path: p, label: basename(p) })), ...files]);
  return writeArtifact({
    dir: opts.out,
    stage: 'simulate',
    codeVersion: `${SIMULATE_CODE_VERSION}+${codeFingerprint(import.meta.url)}`,
    params,
    inputs,
    build: async (tmp) => {
      const r = await simulatePlans(fit.model, fit.draws, plans, {
        draws: params.draws,
        seed: params.seed,
        threads: opts.threads,
        labels,
      });
      await writeFileAtomic(join(tmp, 'bands.json'), stableJson(bandsDocument(r, files.length === 1 && opts.allocation ? ['recommended', 'current'] : files.map((f) => f.label))));
      return {
        warnings: [...planWarnings, ...r.warnings],
        metrics: {
          p50: r.plans[0].total.p50,
          p5: r.plans[0].total.p5,
          p95: r.plans[0].total.p95,
          ...(r.probabilityFirstBeatsSecond !== undefined ? { probabilityBetter: r.probabilityFirstBeatsSecond } : {}),
        },
      };
    },
  });
}
