/**
 * `mmm optimise --problem FILE.json --out FILE.json`: reads an allocation
 * problem, solves it with {@link allocateBudget}, writes the result atomically
 * (a previous output is kept as `<out>.prev-<hash>`).
 *
 * Exit codes (for the CLI): malformed problem -> ValidationError (exit 2, no
 * output written); infeasible -> the output file IS written with status
 * "infeasible" and the conflicting constraints, and the command exits 1;
 * unbounded or solver error -> output written, exit 1; optimal -> exit 0.
 * Use {@link optimiseExitCode} for the mapping.
 */
import { readFile } from 'node:fs/promises';
import { ValidationError } from '../src/core/errors.ts';
import { writeFileAtomic } from '../src/core/artifacts.ts';
import { stableJson } from '../src/core/hash.ts';
import { allocateBudget } from '../src/optimise/index.ts';
import type { AllocationProblem, AllocationResult } from '../src/optimise/index.ts';

/** What the command returns: the result written to `out`. */
export type OptimiseResult = AllocationResult;

/** Process exit code for a result: 0 optimal, 1 otherwise (infeasible, unbounded, error). */
export function optimiseExitCode(result: OptimiseResult): number {
  return result.status === 'optimal' ? 0 : 1;
}

/**
 * Runs the optimise command.
 * @throws ValidationError (exit 2) when the file is not JSON or the problem is malformed; the message names the file and JSON path
 */
export async function runOptimiseCommand(opts: { problem: string; out: string }): Promise<OptimiseResult> {
  const text = await readFile(opts.problem, 'utf8');
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw new ValidationError(`not valid JSON: ${(err as Error).message}`, { file: opts.problem });
  }
  let result: AllocationResult;
  try {
    result = await allocateBudget(parsed as AllocationProblem);
  } catch (err) {
    if (err instanceof ValidationError && err.location.file === undefined) throw new ValidationError(err.detail, { file: opts.problem });
    throw err;
  }
  await writeFileAtomic(opts.out, stableJson(result), { keepPrevious: true });
  return result;
}
