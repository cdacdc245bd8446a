/**
 * `mmm optimise --problem FILE.json --out FILE.json`: reads an allocation
 * problem, solves it with {@link allocateBudget}, writes the result atomically
 * (a previous output is kept as `<out>.prev-<hash>`). `mmm optimise --model
 * DIR` builds the problem from a fit instead.
 *
 * Exit codes (for the CLI): malformed problem -> ValidationError (exit 2, no
 * output written); infeasible -> the output file IS written with status
 * "infeasible" and the conflicting constraints, and the command exits 3 (no
 * plan, as a weekly run without one is partial); unbounded -> output written,
 * exit 3; solver error -> output written, exit 1; optimal -> exit 0.
 * Use {@link optimiseExitCode} for the mapping.
 */
import { z } from 'zod';
import { UsageError, ValidationError } from '../src/core/errors.ts';
import { parseWith } from '../src/core/schema.ts';
import { configSchema } from '../src/core/config.ts';
import { constraintChannels, constraintSchema, type ConstraintInput } from '../src/optimise/schema.ts';
import { recentWeeklySpend, undeterminedMoves, weeklyProblem } from './allocation.ts';
import { readFitForPlans } from './simulate.ts';
import { readJsonValue } from './schemas.ts';
import { writeFileAtomic } from '../src/core/artifacts.ts';
import { stableJson } from '../src/core/hash.ts';
import { allocateBudget, parseAllocationProblem } from '../src/optimise/index.ts';
import type { AllocationResult } from '../src/optimise/index.ts';

/** What the command returns: the result written to `out`. */
export type OptimiseResult = AllocationResult;

/** Process exit code for a result: 0 optimal, 3 no plan (infeasible or unbounded: the problem's, said in the output), 1 a solver error. */
export function optimiseExitCode(result: OptimiseResult): number {
  return result.status === 'optimal' ? 0 : result.status === 'error' ? 1 : 3;
}

/**
 * Runs the optimise command.
 * @throws ValidationError (exit 2) when the file is not JSON or the problem is malformed; the message names the file and JSON path
 */
export async function runOptimiseCommand(opts: { problem: string; out: string }): Promise<OptimiseResult> {
  const result = await allocateBudget(parseAllocationProblem(await readJsonValue(opts.problem), opts.problem));
  await writeFileAtomic(opts.out, stableJson(result), { keepPrevious: true });
  return result;
}

/** Options of `mmm optimise --model DIR`. */
export interface OptimiseFromModelOptions {
  /** A `mmm fit` output folder (or a weekly pipeline mmm artifact). */
  model: string;
  out: string;
  /** Total budget over the horizon (default: the last horizonWeeks weeks' spend, Robyn's default). */
  budget?: number;
  /** Planning horizon in weeks (default 13). */
  horizonWeeks?: number;
  /** A JSON file with an array of constraints in the problem format (money per week). */
  constraints?: string;
  /** Gross margin (default 1): profit = margin x revenue - spend. */
  margin?: number;
}

/**
 * `mmm optimise --model DIR`: the allocation problem of a fit, built with the
 * same curves and defaults as the weekly pipeline's optimise stage (recent
 * spend from the weeks the model was fitted on), solved and written like the
 * stage's allocation.json. Exit code as {@link optimiseExitCode}.
 */
export async function runOptimiseFromModel(opts: OptimiseFromModelOptions): Promise<OptimiseResult & { horizonWeeks: number }> {
  const { model, data } = await readFitForPlans(opts.model);
  if (!data) throw new UsageError(`${opts.model} has no input.csv (the weekly table of the fit); refit it with this version of mmm`);
  const H = opts.horizonWeeks ?? 13;
  if (!Number.isInteger(H) || H < 1 || H > 104) throw new UsageError(`--horizon-weeks must be a whole number from 1 to 104, got ${opts.horizonWeeks}`);
  if (opts.budget !== undefined && !(opts.budget >= 0)) throw new UsageError(`--budget must be >= 0, got ${opts.budget}`);
  if (opts.margin !== undefined && !(opts.margin > 0 && opts.margin <= 1)) throw new UsageError(`--margin must be > 0 and <= 1, got ${opts.margin}`);
  const constraints = opts.constraints
    ? await readConstraints(
        opts.constraints,
        model.channels.map((c) => c.name),
      )
    : [];
  const recent = recentWeeklySpend(data, H);
  const problem = weeklyProblem(
    model,
    recent,
    {},
    { ...configSchema.shape.optimise.parse({}), horizonWeeks: H, budget: opts.budget ?? null, constraints, ...(opts.margin !== undefined ? { margin: opts.margin } : {}) },
  );
  const solved = await allocateBudget(problem);
  // The stage's own warnings: a raise of a channel whose ROAS the data leave open; amounts per week.
  const result = {
    ...solved,
    message: solved.status === 'optimal' ? solved.message : `${solved.message} (amounts per week)`,
    warnings: [...solved.warnings, ...undeterminedMoves(model, recent, solved)],
  };
  const doc = { ...result, horizonWeeks: H, note: 'allocation and objective are per week; multiply by horizonWeeks for the horizon' };
  await writeFileAtomic(opts.out, stableJson(doc), { keepPrevious: true });
  return doc;
}

/** A constraints file: a JSON array of constraints naming the model's channels. @throws ValidationError naming the file and entry */
async function readConstraints(path: string, channels: string[]): Promise<ConstraintInput[]> {
  const parsed = await readJsonValue(path);
  const list = parseWith(z.array(constraintSchema), parsed, path, 'data');
  list.forEach((c, i) => {
    const unknown = constraintChannels(c).find((n) => !channels.includes(n));
    if (unknown) throw new ValidationError(`[${i}]: unknown channel "${unknown}" (channels: ${channels.join(', ')})`, { file: path });
  });
  return list;
}
