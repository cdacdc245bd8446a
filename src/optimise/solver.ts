/**
 * The one interface to the LP/MIP solver (HiGHS, compiled to WebAssembly, npm
 * `highs`). A model is built in code with {@link LinearModelBuilder}, solved
 * with {@link solveLinearModel}, and comes back as primal values, row
 * activities, row duals and a status. This is the only module that loads
 * HiGHS; the runtime is loaded once per process (the promise is cached).
 *
 * Model: `optimise colCost . x` subject to `rowLower <= A x <= rowUpper`,
 * `colLower <= x <= colUpper`, some columns integer.
 */
import highsModule from 'highs';
import type { Highs } from 'highs';

// `highs` ships CommonJS-style typings; under NodeNext the default import is typed as the module object,
// while at run time (ESM build) it is the loader function itself. Accept both shapes.
type HighsLoader = () => Promise<Highs>;
const highsLoader: HighsLoader = typeof highsModule === 'function' ? (highsModule as unknown as HighsLoader) : (highsModule as unknown as { default: HighsLoader }).default;

/** A linear or mixed-integer model, rows stored sparse by row. */
export interface LinearModel {
  sense: 'maximize' | 'minimize';
  colNames: string[];
  colCost: number[];
  colLower: number[];
  colUpper: number[];
  integer: boolean[];
  rowNames: string[];
  rowLower: number[];
  rowUpper: number[];
  /** CSR: row r has entries rowStarts[r] .. rowStarts[r+1]-1. */
  rowStarts: number[];
  rowIndices: number[];
  rowValues: number[];
  /** Constant added to the objective (default 0). */
  objectiveOffset?: number;
}

/** Builds a {@link LinearModel} column by column and row by row. */
export class LinearModelBuilder {
  private readonly m: LinearModel;
  constructor(sense: 'maximize' | 'minimize') {
    this.m = {
      sense,
      colNames: [],
      colCost: [],
      colLower: [],
      colUpper: [],
      integer: [],
      rowNames: [],
      rowLower: [],
      rowUpper: [],
      rowStarts: [0],
      rowIndices: [],
      rowValues: [],
    };
  }

  /** Adds a column `lower <= x <= upper` (upper may be Infinity) with objective coefficient `cost`; returns its index. */
  addColumn(name: string, lower: number, upper: number, cost: number, integer = false): number {
    this.m.colNames.push(name);
    this.m.colLower.push(lower);
    this.m.colUpper.push(upper);
    this.m.colCost.push(cost);
    this.m.integer.push(integer);
    return this.m.colNames.length - 1;
  }

  /** Adds a row `lower <= sum values[j] * x[indices[j]] <= upper` (either side may be infinite); duplicate indices are summed; returns its index. */
  addRow(name: string, lower: number, upper: number, indices: readonly number[], values: readonly number[]): number {
    const acc = new Map<number, number>();
    for (let j = 0; j < indices.length; j++) acc.set(indices[j], (acc.get(indices[j]) ?? 0) + values[j]);
    for (const [c, v] of [...acc].sort((a, b) => a[0] - b[0])) {
      if (v === 0) continue;
      this.m.rowIndices.push(c);
      this.m.rowValues.push(v);
    }
    this.m.rowStarts.push(this.m.rowIndices.length);
    this.m.rowNames.push(name);
    this.m.rowLower.push(lower);
    this.m.rowUpper.push(upper);
    return this.m.rowNames.length - 1;
  }

  /** Adds a constant to the objective. */
  addObjectiveOffset(v: number): void {
    this.m.objectiveOffset = (this.m.objectiveOffset ?? 0) + v;
  }

  get numCols(): number {
    return this.m.colNames.length;
  }

  get numRows(): number {
    return this.m.rowNames.length;
  }

  /** Changes a column's bounds (used to fix binaries or relax a bound). */
  setColumnBounds(col: number, lower: number, upper: number): void {
    this.m.colLower[col] = lower;
    this.m.colUpper[col] = upper;
  }

  /** The model built so far (a copy: later additions do not change it). */
  build(): LinearModel {
    const m = this.m;
    return {
      ...m,
      colNames: [...m.colNames],
      colCost: [...m.colCost],
      colLower: [...m.colLower],
      colUpper: [...m.colUpper],
      integer: [...m.integer],
      rowNames: [...m.rowNames],
      rowLower: [...m.rowLower],
      rowUpper: [...m.rowUpper],
      rowStarts: [...m.rowStarts],
      rowIndices: [...m.rowIndices],
      rowValues: [...m.rowValues],
    };
  }
}

/** The solver's answer. Duals are null for MIPs (solve the LP with fixed integers for them). */
export interface LinearSolution {
  status: 'optimal' | 'infeasible' | 'unbounded' | 'limit' | 'error';
  /** HiGHS model status text, for messages. */
  detail: string;
  objective: number;
  colValues: Float64Array;
  /** Row activities A x. */
  rowValues: Float64Array;
  /** d objective / d row bound at the optimum (LP only). */
  rowDuals: Float64Array | null;
  /** Reduced costs: d objective / d column bound (LP only). */
  colDuals: Float64Array | null;
  /**
   * Proven bound on the optimum (offset included): for a MIP the dual bound
   * HiGHS reports (>= the optimum when maximising, <= when minimising); for an
   * LP the objective. NaN when not available.
   */
  bound: number;
}

/** Solve options. */
export interface SolveOptions {
  /** Relative MIP gap at which HiGHS stops (default 1e-7). */
  mipRelGap?: number;
  /** Seconds (default 120). */
  timeLimit?: number;
}

let highsPromise: Promise<Highs> | null = null;

/** Loads the HiGHS WebAssembly runtime once per process and returns it (cached promise). */
export function loadHighs(): Promise<Highs> {
  if (!highsPromise) {
    highsPromise = highsLoader().catch((err: unknown) => {
      highsPromise = null;
      throw err;
    });
  }
  return highsPromise as Promise<Highs>;
}

const STATUS_TEXT: Record<number, string> = {
  0: 'not set',
  1: 'load error',
  2: 'model error',
  3: 'presolve error',
  4: 'solve error',
  5: 'postsolve error',
  6: 'empty',
  7: 'optimal',
  8: 'infeasible',
  9: 'unbounded or infeasible',
  10: 'unbounded',
  11: 'objective bound',
  12: 'objective target',
  13: 'time limit',
  14: 'iteration limit',
  15: 'unknown',
  16: 'solution limit',
  17: 'interrupted',
};

function runOnce(highs: Highs, model: LinearModel, opts: SolveOptions, presolve: 'choose' | 'off'): LinearSolution {
  const isMip = model.integer.some((b) => b);
  const numCols = model.colNames.length;
  const numRows = model.rowNames.length;
  const inf = highs.infinity;
  const clip = (v: number) => (v === Infinity ? inf : v === -Infinity ? -inf : v);
  const data = {
    numCols,
    numRows,
    sense: model.sense === 'maximize' ? highs.constants.objectiveSense.maximize : highs.constants.objectiveSense.minimize,
    colCost: Float64Array.from(model.colCost),
    colLower: Float64Array.from(model.colLower, clip),
    colUpper: Float64Array.from(model.colUpper, clip),
    rowLower: Float64Array.from(model.rowLower, clip),
    rowUpper: Float64Array.from(model.rowUpper, clip),
    matrix: {
      format: 'csr' as const,
      numRows,
      numCols,
      starts: Int32Array.from(model.rowStarts),
      indices: Int32Array.from(model.rowIndices),
      values: Float64Array.from(model.rowValues),
    },
    ...(model.objectiveOffset ? { offset: model.objectiveOffset } : {}),
    ...(isMip ? { integrality: Int32Array.from(model.integer, (b) => (b ? 1 : 0)) } : {}),
  };
  const hm = highs.createModel(data);
  try {
    hm.options.set({
      output_flag: false,
      presolve,
      time_limit: opts.timeLimit ?? 120,
      random_seed: 0,
      // MIPs here are small, tight incremental PWL models solved at the root node: HiGHS presolve, symmetry
      // detection and primal heuristics cost more than they save (measured 3x faster without them).
      ...(isMip ? { mip_rel_gap: opts.mipRelGap ?? 1e-7, mip_abs_gap: 1e-9, mip_detect_symmetry: false, mip_heuristic_effort: 0 } : {}),
      ...(isMip && presolve === 'choose' ? { presolve: 'off' } : {}),
    });
    const run = hm.run();
    const code = run.modelStatus as number;
    const detail = STATUS_TEXT[code] ?? `status ${code}`;
    const empty = new Float64Array(0);
    let status: LinearSolution['status'];
    if (code === 7 || code === 6) status = 'optimal';
    else if (code === 8) status = 'infeasible';
    else if (code === 10) status = 'unbounded';
    else if (code === 9)
      status = 'error'; // caller re-solves without presolve
    else if (code >= 11 && code <= 17 && code !== 15) status = 'limit';
    else status = 'error';
    const primalOk = (hm.info.get('primal_solution_status') as number) === 2;
    if (status === 'optimal' || (status === 'limit' && primalOk)) {
      const sol = hm.getSolution();
      const dualOk = !isMip && (hm.info.get('dual_solution_status') as number) === 2;
      const objective = hm.getObjectiveValue();
      const dualBound = isMip ? (hm.info.get('mip_dual_bound') as number | undefined) : objective;
      return {
        status: status === 'limit' && !primalOk ? 'error' : status,
        detail,
        objective,
        bound: typeof dualBound === 'number' && Number.isFinite(dualBound) ? dualBound : NaN,
        colValues: Float64Array.from(sol.colValue),
        rowValues: Float64Array.from(sol.rowValue),
        rowDuals: dualOk ? Float64Array.from(sol.rowDual) : null,
        colDuals: dualOk ? Float64Array.from(sol.colDual) : null,
      };
    }
    return { status: code === 9 ? 'error' : status, detail, objective: NaN, colValues: empty, rowValues: empty, rowDuals: null, colDuals: null, bound: NaN };
  } finally {
    hm.dispose();
  }
}

/**
 * Solves a model with a loaded HiGHS runtime (synchronous: blocks until done).
 * "unbounded or infeasible" from presolve is resolved by a second solve
 * without presolve.
 * @returns status "optimal" with primal values (and duals for LPs),
 *   "infeasible", "unbounded", "limit" (time/iteration limit; primal values if
 *   a feasible point was found) or "error".
 */
export function solveLinearModel(highs: Highs, model: LinearModel, opts: SolveOptions = {}): LinearSolution {
  const first = runOnce(highs, model, opts, 'choose');
  if (first.status === 'error' && first.detail === 'unbounded or infeasible') return runOnce(highs, model, opts, 'off');
  return first;
}

function lpNumber(v: number): string {
  if (v === Infinity) return '+inf';
  if (v === -Infinity) return '-inf';
  return String(v);
}

/**
 * Writes a model as CPLEX LP format text (for inspection, or for
 * `highs.solve(text)`). Names must be LP-format identifiers (the optimiser
 * uses letters, digits, `_` and `.`).
 */
export function toCplexLp(model: LinearModel): string {
  const term = (v: number, name: string, first: boolean) => `${v < 0 ? '- ' : first ? '' : '+ '}${Math.abs(v) === 1 ? '' : `${Math.abs(v)} `}${name}`;
  const lines: string[] = [model.sense === 'maximize' ? 'Maximize' : 'Minimize'];
  const obj = model.colCost.map((c, j) => [c, j] as const).filter(([c]) => c !== 0);
  lines.push(` obj: ${obj.length ? obj.map(([c, j], q) => term(c, model.colNames[j], q === 0)).join(' ') : `0 ${model.colNames[0]}`}`);
  lines.push('Subject To');
  for (let r = 0; r < model.rowNames.length; r++) {
    const parts: string[] = [];
    for (let q = model.rowStarts[r]; q < model.rowStarts[r + 1]; q++) {
      parts.push(term(model.rowValues[q], model.colNames[model.rowIndices[q]], parts.length === 0));
    }
    const lhs = parts.length ? parts.join(' ') : `0 ${model.colNames[0]}`;
    const lo = model.rowLower[r];
    const hi = model.rowUpper[r];
    if (lo === hi) lines.push(` ${model.rowNames[r]}: ${lhs} = ${lpNumber(hi)}`);
    else if (lo === -Infinity && hi !== Infinity) lines.push(` ${model.rowNames[r]}: ${lhs} <= ${lpNumber(hi)}`);
    else if (hi === Infinity && lo !== -Infinity) lines.push(` ${model.rowNames[r]}: ${lhs} >= ${lpNumber(lo)}`);
    else if (lo !== -Infinity) lines.push(` ${model.rowNames[r]}: ${lpNumber(lo)} <= ${lhs} <= ${lpNumber(hi)}`);
  }
  lines.push('Bounds');
  for (let j = 0; j < model.colNames.length; j++) {
    lines.push(` ${lpNumber(model.colLower[j])} <= ${model.colNames[j]} <= ${lpNumber(model.colUpper[j])}`);
  }
  const ints = model.colNames.filter((_, j) => model.integer[j]);
  if (ints.length) lines.push('General', ` ${ints.join(' ')}`);
  lines.push('End');
  return `${lines.join('\n')}\n`;
}
