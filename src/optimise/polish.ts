/**
 * Local polish of a solution on the TRUE curves: projected-gradient ascent on
 * the face of the binding linear constraints, each channel kept inside the
 * pieces around it (so binary decisions stay as the MIP chose them). A step is
 * accepted only if it raises the true objective and keeps every constraint
 * (including nonlinear ROAS floors) satisfied, so the polish never makes a
 * plan worse or infeasible.
 */
import { channelCurvature, channelMarginalValue, constraintViolations, evaluatePlan } from './evaluate.ts';
import type { ResolvedProblem } from './types.ts';

interface XRow {
  idx: number[];
  val: number[];
  lo: number;
  hi: number;
}

/** Linear constraints over the flat spend vector (period-major), without ROAS floors (checked separately). */
function linearRows(problem: ResolvedProblem): XRow[] {
  const n = problem.channelNames.length;
  const rows: XRow[] = [];
  problem.periods.forEach((p, t) => {
    const off = t * n;
    const all = p.channels.map((_, i) => off + i);
    if (p.budget !== null) {
      const spendAll = problem.spendAll && problem.objective !== 'efficiency';
      rows.push({ idx: all, val: all.map(() => 1), lo: spendAll ? p.budget : -Infinity, hi: p.budget });
    }
    for (const c of problem.constraints) {
      if (c.kind === 'group') rows.push({ idx: c.channels.map((i) => off + i), val: c.channels.map(() => 1), lo: c.min ?? -Infinity, hi: c.max ?? Infinity });
      else if (c.kind === 'ratio') {
        rows.push({
          idx: [...c.left.map((i) => off + i), ...c.right.map((i) => off + i)],
          val: [...c.left.map(() => 1), ...c.right.map(() => -c.factor)],
          lo: c.sense === '<=' ? -Infinity : 0,
          hi: c.sense === '>=' ? Infinity : 0,
        });
      }
    }
    if (t > 0) {
      for (let i = 0; i < n; i++) {
        if (problem.maxChangeAbsolute !== null) rows.push({ idx: [off + i, off - n + i], val: [1, -1], lo: -problem.maxChangeAbsolute, hi: problem.maxChangeAbsolute });
        if (problem.maxChangeRelative !== null) {
          const r = problem.maxChangeRelative;
          rows.push({ idx: [off + i, off - n + i], val: [1, -(1 + r)], lo: -Infinity, hi: 0 });
          rows.push({ idx: [off + i, off - n + i], val: [1, -Math.max(0, 1 - r)], lo: 0, hi: Infinity });
        }
      }
    }
  });
  return rows;
}

const dot = (r: XRow, v: Float64Array) => r.idx.reduce((s, j, q) => s + r.val[q] * v[j], 0);

/**
 * Newton direction on the face of the given rows: maximises g.d - 1/2 sum h_j d_j^2
 * subject to rows.d = 0 and d_j = 0 off the free set. With s_j = 1/sqrt(h_j)
 * and d = s e this is the projection of s g onto the null space of (rows * s),
 * done by modified Gram-Schmidt.
 */
function project(g: Float64Array, rows: XRow[], free: boolean[], s: Float64Array): Float64Array {
  const N = g.length;
  const basis: Float64Array[] = [];
  for (const r of rows) {
    const v = new Float64Array(N);
    r.idx.forEach((j, q) => {
      if (free[j]) v[j] += r.val[q] * s[j];
    });
    for (const b of basis) {
      let s = 0;
      for (let j = 0; j < N; j++) s += v[j] * b[j];
      for (let j = 0; j < N; j++) v[j] -= s * b[j];
    }
    let norm = 0;
    for (let j = 0; j < N; j++) norm += v[j] * v[j];
    norm = Math.sqrt(norm);
    if (norm > 1e-10) {
      for (let j = 0; j < N; j++) v[j] /= norm;
      basis.push(v);
    }
  }
  const d = new Float64Array(N);
  for (let j = 0; j < N; j++) d[j] = free[j] ? g[j] * s[j] : 0;
  for (const b of basis) {
    let dot = 0;
    for (let j = 0; j < N; j++) dot += d[j] * b[j];
    for (let j = 0; j < N; j++) d[j] -= dot * b[j];
  }
  for (let j = 0; j < N; j++) d[j] *= s[j];
  return d;
}

/**
 * Polishes plan X (maximisation objectives) within per-channel intervals
 * [lower, upper] (the pieces around the solution, intersected with bounds).
 * @returns the polished plan and the objective gain (>= 0)
 */
export function polishPlan(problem: ResolvedProblem, X: number[][], lower: number[][], upper: number[][], maxIterations = 30): { X: number[][]; gain: number } {
  const n = problem.channelNames.length;
  const T = problem.periods.length;
  const N = n * T;
  const unflat = (v: Float64Array) => Array.from({ length: T }, (_, t) => Array.from(v.subarray(t * n, (t + 1) * n)));
  const x = Float64Array.from(X.flat());
  const lb = Float64Array.from(lower.flat());
  const ub = Float64Array.from(upper.flat());
  const rows = linearRows(problem);
  const hasNonlinear = problem.constraints.some((c) => c.kind === 'roasFloor');
  const start = evaluatePlan(problem, X).objective;
  let best = start;
  for (let it = 0; it < maxIterations; it++) {
    const g = new Float64Array(N);
    for (let t = 0; t < T; t++) for (let i = 0; i < n; i++) g[t * n + i] = channelMarginalValue(problem, problem.periods[t].channels[i], x[t * n + i]);
    if (g.some((v) => !Number.isFinite(v))) break;
    const h = new Float64Array(N);
    for (let t = 0; t < T; t++) for (let i = 0; i < n; i++) h[t * n + i] = -channelCurvature(problem, problem.periods[t].channels[i], x[t * n + i]);
    const hMax = Math.max(1e-300, ...Array.from(h));
    const sc = Float64Array.from(h, (v) => 1 / Math.sqrt(Math.max(v, 1e-6 * hMax)));
    const scale = Math.max(1e-300, ...Array.from(g, Math.abs));
    const tolX = (j: number) => 1e-10 * Math.max(1, ub[j] === Infinity ? Math.abs(x[j]) : ub[j]);
    const activeRows: XRow[] = [];
    const rowKinds: ('eq' | 'lo' | 'hi')[] = [];
    for (const r of rows) {
      const a = dot(r, x);
      // infinite limits must not widen the tolerance (an open side is never active)
      const s = 1e-9 * Math.max(1, Number.isFinite(r.lo) ? Math.abs(r.lo) : 0, Number.isFinite(r.hi) ? Math.abs(r.hi) : 0);
      if (r.lo === r.hi) {
        activeRows.push(r);
        rowKinds.push('eq');
      } else if (a - r.lo <= s) {
        activeRows.push(r);
        rowKinds.push('lo');
      } else if (r.hi - a <= s) {
        activeRows.push(r);
        rowKinds.push('hi');
      }
    }
    const atLo = Array.from(x, (v, j) => v - lb[j] <= tolX(j));
    const atHi = Array.from(x, (v, j) => ub[j] - v <= tolX(j));
    // candidates: all active; then with one inequality (row or bound) released
    const candidates: { rows: XRow[]; free: boolean[]; released: number }[] = [];
    const baseFree = atLo.map((l, j) => !l && !atHi[j]);
    candidates.push({ rows: activeRows, free: baseFree, released: -1 });
    for (let j = 0; j < N; j++) {
      if ((atLo[j] && g[j] > 0) || (atHi[j] && g[j] < 0)) {
        const free = [...baseFree];
        free[j] = true;
        candidates.push({ rows: activeRows, free, released: -1 });
      }
    }
    activeRows.forEach((_, q) => {
      if (rowKinds[q] !== 'eq') candidates.push({ rows: activeRows.filter((__, p) => p !== q), free: baseFree, released: q });
    });
    let improved = false;
    for (const cand of candidates) {
      const d = project(g, cand.rows, cand.free, sc);
      const slope = d.reduce((s, v, j) => s + v * g[j], 0);
      if (!(slope > 1e-14 * scale * scale)) continue;
      // a released row must be left towards its inside
      if (cand.released >= 0) {
        const r = activeRows[cand.released];
        const dr = dot(r, d);
        if ((rowKinds[cand.released] === 'lo' && dr < 0) || (rowKinds[cand.released] === 'hi' && dr > 0)) continue;
      }
      // largest step keeping bounds and inactive rows
      let alphaMax = Infinity;
      for (let j = 0; j < N; j++) {
        if (d[j] > 0 && ub[j] !== Infinity) alphaMax = Math.min(alphaMax, (ub[j] - x[j]) / d[j]);
        if (d[j] < 0) alphaMax = Math.min(alphaMax, (lb[j] - x[j]) / d[j]);
      }
      const kept = new Set(cand.rows);
      for (const r of rows) {
        if (kept.has(r)) continue;
        const dr = dot(r, d);
        const a = dot(r, x);
        if (dr > 1e-15 && r.hi !== Infinity) alphaMax = Math.min(alphaMax, Math.max(0, (r.hi - a) / dr));
        if (dr < -1e-15 && r.lo !== -Infinity) alphaMax = Math.min(alphaMax, Math.max(0, (r.lo - a) / dr));
      }
      if (!(alphaMax > 0)) continue;
      let alpha = Math.min(1, alphaMax);
      for (let ls = 0; ls < 40; ls++, alpha *= 0.5) {
        const trial = new Float64Array(N);
        for (let j = 0; j < N; j++) trial[j] = Math.min(ub[j], Math.max(lb[j], x[j] + alpha * d[j]));
        const plan = unflat(trial);
        const value = evaluatePlan(problem, plan).objective;
        if (value > best + 1e-15 * Math.max(1, Math.abs(best)) && (!hasNonlinear || constraintViolations(problem, plan, 1e-9).length === 0)) {
          x.set(trial);
          best = value;
          improved = true;
          break;
        }
      }
      if (improved) break;
    }
    if (!improved) break;
  }
  return { X: unflat(x), gain: best - start };
}
