/**
 * Turns a resolved allocation problem and its piecewise-linear curves into one
 * LP/MIP ("incremental" or "delta" formulation):
 *
 *   x_ti = sum_k d_tik,  0 <= d_tik <= len_k,  value = sum_k slope_k d_tik.
 *
 * Pieces of a concave stretch fill in order by themselves (an earlier piece
 * has a higher slope). Where a slope rises (S-curves, rising tiers) a binary
 * y says "the stretch before is full", so pieces fill in order and the MIP
 * finds the global optimum of the PWL model. `minIfActive` m adds a binary z:
 * m z <= x <= M z.
 *
 * A PWL may start at bp[0] > 0 (a channel whose spend cannot fall below it)
 * and with values rev[0], clv[0] != 0 there (upper-bounding PWLs): then
 * x = bp[0] + sum_k d_k and the values at bp[0] enter as constants (objective
 * offset, and on the right-hand side of revenue rows).
 */
import { LinearModelBuilder } from './solver.ts';
import type { LinearModel } from './solver.ts';
import type { ChannelPwl } from './breakpoints.ts';
import type { ResolvedProblem } from './types.ts';

/** What a row stands for, for explanations and conflict analysis. */
export interface RowMeta {
  /** Group key used when relaxing constraints (e.g. `budget`, `constraint:2`, `max:3`). */
  item: string;
  /** User-facing id, e.g. `periods[2].budget` or `constraints[1] "digital cap"`. */
  id: string;
  description: string;
  period: number;
  internal: boolean;
}

/** Where each variable of the problem sits in the model. */
export interface ModelMap {
  /** x[t][i]: column of the spend of channel i in period t. */
  x: number[][];
  /** segStart[t][i]: first segment column; segments are consecutive. */
  segStart: number[][];
  segCount: number[][];
  /** Binary columns (ordering and activity). */
  binaries: number[];
  /** minIfActive activity binary per [t][i] (-1 if none). */
  active: number[][];
  rows: RowMeta[];
  numSegments: number;
}

/** Options of {@link formulate}. */
export interface FormulateOptions {
  /** Constraint items to leave out (conflict analysis); see {@link RowMeta.item}. */
  omit?: ReadonlySet<string>;
  /** Zero objective: only feasibility matters. */
  feasibilityOnly?: boolean;
  /** Rolling plans: the previous period's spend and revenue, for maxChange and reinvestment of period 0. */
  previous?: { x: number[]; revenue: number } | null;
}

const EPS_SLOPE = 1e-12;

/** Indices where a run of non-increasing slopes ends (slope k+1 > slope k), for the values that matter. */
function runBoundaries(slopes: number[][], lens: number[]): number[] {
  const out: number[] = [];
  for (let k = 0; k + 1 < lens.length; k++) {
    for (const s of slopes) {
      if (s[k + 1] > s[k] + EPS_SLOPE * Math.max(1, Math.abs(s[k]))) {
        out.push(k);
        break;
      }
    }
  }
  return out;
}

/**
 * Builds the model. Objective: maximise sum_t sum_i weight_i (revenueCoef
 * f + clvCoef g) - spendCost x, or for "efficiency" minimise total spend.
 * @param pwls pwls[t][i], breakpoints of channel i in period t
 */
export function formulate(problem: ResolvedProblem, pwls: ChannelPwl[][], opts: FormulateOptions = {}): { model: LinearModel; map: ModelMap } {
  const omit = opts.omit ?? new Set<string>();
  const efficiency = problem.objective === 'efficiency';
  const b = new LinearModelBuilder(efficiency ? 'minimize' : 'maximize');
  const T = problem.periods.length;
  const n = problem.channelNames.length;
  const rows: RowMeta[] = [];
  const addRow = (meta: Omit<RowMeta, 'internal'> & { internal?: boolean }, lo: number, hi: number, idx: number[], val: number[]) => {
    b.addRow(`r${rows.length}`, lo, hi, idx, val);
    rows.push({ internal: false, ...meta });
  };
  const revenueInRows = problem.constraints.some((c) => c.kind === 'roasFloor') || problem.targetRevenue !== null || problem.reinvestRate > 0;
  const map: ModelMap = { x: [], segStart: [], segCount: [], binaries: [], active: [], rows, numSegments: 0 };
  const pfx = (t: number) => (problem.multiPeriod ? `periods[${t}].` : '');
  // revenue terms per period (segment columns and slopes), for roas/target/reinvest rows
  const revTerms: { idx: number[]; val: number[]; constant: number }[] = [];

  for (let t = 0; t < T; t++) {
    const period = problem.periods[t];
    map.x.push([]);
    map.segStart.push([]);
    map.segCount.push([]);
    map.active.push([]);
    const rt = { idx: [] as number[], val: [] as number[], constant: 0 };
    for (let i = 0; i < n; i++) {
      const ch = period.channels[i];
      const pwl = pwls[t][i];
      const name = ch.name;
      const budgetCap = period.budget !== null && !omit.has('budget') ? period.budget : Infinity;
      const hiUser = omit.has(`max:${i}`) ? budgetCap : ch.hi;
      const lo = omit.has(`min:${i}`) ? 0 : ch.lo;
      const useActive = ch.minIfActive > 0 && lo === 0 && !omit.has(`minIfActive:${i}`);
      // efficiency minimises spend; profit pays spendCost per unit of spend
      const xCost = opts.feasibilityOnly ? 0 : efficiency ? 1 : -problem.spendCost;
      const xCol = b.addColumn(`x${t}_${i}`, useActive ? 0 : lo, hiUser, xCost);
      map.x[t].push(xCol);
      // segments
      const K = pwl.bp.length - 1;
      const lens: number[] = [];
      const revS: number[] = [];
      const clvS: number[] = [];
      for (let k = 0; k < K; k++) {
        const len = pwl.bp[k + 1] - pwl.bp[k];
        lens.push(len);
        revS.push((pwl.rev[k + 1] - pwl.rev[k]) / len);
        clvS.push((pwl.clv[k + 1] - pwl.clv[k]) / len);
      }
      if (pwl.tail) {
        lens.push(Infinity);
        revS.push(pwl.tail.rev);
        clvS.push(pwl.tail.clv);
      }
      const objS = revS.map((r, k) => ch.weight * (problem.revenueCoef * r + problem.clvCoef * clvS[k]));
      const first = b.numCols;
      const segIdx: number[] = [];
      for (let k = 0; k < lens.length; k++) {
        const cost = efficiency || opts.feasibilityOnly ? 0 : objS[k];
        segIdx.push(b.addColumn(`d${t}_${i}_${k}`, 0, lens[k], cost));
        if (revenueInRows && revS[k] !== 0) {
          rt.idx.push(first + k);
          rt.val.push(revS[k]);
        }
      }
      map.segStart[t].push(first);
      map.segCount[t].push(lens.length);
      map.numSegments += lens.length;
      addRow({ item: 'link', id: `link`, description: 'spend = sum of pieces', period: t, internal: true }, pwl.bp[0], pwl.bp[0], [xCol, ...segIdx], [1, ...segIdx.map(() => -1)]);
      if (pwl.rev[0] !== 0 || pwl.clv[0] !== 0) {
        if (!efficiency && !opts.feasibilityOnly) b.addObjectiveOffset(ch.weight * (problem.revenueCoef * pwl.rev[0] + problem.clvCoef * pwl.clv[0]));
        rt.constant += pwl.rev[0];
      }
      // ordering binaries where slopes rise
      const watched: number[][] = [];
      if (!efficiency && !opts.feasibilityOnly) watched.push(objS);
      if (revenueInRows || efficiency) watched.push(revS);
      const bounds = runBoundaries(watched, lens);
      if (bounds.length > 0) {
        const bigM = Number.isFinite(hiUser) ? hiUser : Number.isFinite(budgetCap) ? budgetCap : 1e9;
        let runStart = 0;
        let prevY = -1;
        for (let q = 0; q < bounds.length; q++) {
          const runEnd = bounds[q];
          const nextEnd = q + 1 < bounds.length ? bounds[q + 1] : lens.length - 1;
          const y = b.addColumn(`y${t}_${i}_${q}`, 0, 1, 0, true);
          map.binaries.push(y);
          const runCols = segIdx.slice(runStart, runEnd + 1);
          const runLen = lens.slice(runStart, runEnd + 1).reduce((s, v) => s + v, 0);
          const nextCols = segIdx.slice(runEnd + 1, nextEnd + 1);
          const nextLen = Math.min(
            lens.slice(runEnd + 1, nextEnd + 1).reduce((s, v) => s + v, 0),
            bigM,
          );
          const meta = { item: 'order', id: 'order', description: 'pieces fill in order', period: t, internal: true };
          addRow(meta, 0, Infinity, [...runCols, y], [...runCols.map(() => 1), -runLen]);
          addRow(meta, -Infinity, 0, [...nextCols, y], [...nextCols.map(() => 1), -nextLen]);
          if (prevY >= 0) addRow(meta, -Infinity, 0, [y, prevY], [1, -1]);
          prevY = y;
          runStart = runEnd + 1;
        }
      }
      // spend 0 or at least minIfActive
      if (useActive) {
        const z = b.addColumn(`z${t}_${i}`, 0, 1, 0, true);
        map.binaries.push(z);
        map.active[t].push(z);
        const bigM = Number.isFinite(hiUser) ? hiUser : Number.isFinite(pwl.bp[K]) && !pwl.tail ? pwl.bp[K] : 1e9;
        const base = `${pfx(t)}channels[${name}].minIfActive`;
        addRow({ item: `minIfActive:${i}`, id: base, description: `${name}: spend 0 or at least ${ch.minIfActive}`, period: t }, 0, Infinity, [xCol, z], [1, -ch.minIfActive]);
        addRow({ item: `minIfActive:${i}`, id: `${base}.upper`, description: `${name}: no spend unless active`, period: t, internal: true }, -Infinity, 0, [xCol, z], [1, -bigM]);
      } else {
        map.active[t].push(-1);
      }
    }
    revTerms.push(rt);

    // budget (with reinvestment of the previous period's revenue)
    const xs = map.x[t];
    if (period.budget !== null && !omit.has('budget')) {
      const idx = [...xs];
      const val = xs.map(() => 1);
      let rhs = period.budget;
      if (problem.reinvestRate > 0) {
        if (t > 0) {
          idx.push(...revTerms[t - 1].idx);
          val.push(...revTerms[t - 1].val.map((v) => -problem.reinvestRate * v));
          rhs += problem.reinvestRate * revTerms[t - 1].constant;
        } else if (opts.previous) {
          rhs += problem.reinvestRate * opts.previous.revenue;
        }
      }
      const spendAll = problem.spendAll && !efficiency;
      addRow(
        { item: 'budget', id: `${pfx(t)}budget`, description: `${spendAll ? 'spend exactly' : 'spend at most'} the budget${problem.reinvestRate > 0 ? ' (plus reinvested revenue)' : ''}`, period: t },
        spendAll ? rhs : -Infinity,
        rhs,
        idx,
        val,
      );
    }
    // user constraints
    problem.constraints.forEach((c, j) => {
      const item = c.kind === 'roasFloor' && c.id === 'target.roas' ? 'target.roas' : `constraint:${j}`;
      if (omit.has(item)) return;
      const id = `${pfx(t)}${c.id}`;
      if (c.kind === 'group') {
        const names = c.channels.map((i) => problem.channelNames[i]).join(' + ');
        addRow(
          { item, id, description: `${c.min !== null ? `${c.min} <= ` : ''}${names}${c.max !== null ? ` <= ${c.max}` : ''}`, period: t },
          c.min ?? -Infinity,
          c.max ?? Infinity,
          c.channels.map((i) => xs[i]),
          c.channels.map(() => 1),
        );
      } else if (c.kind === 'ratio') {
        const l = c.left.map((i) => problem.channelNames[i]).join(' + ');
        const r = c.right.map((i) => problem.channelNames[i]).join(' + ');
        addRow(
          { item, id, description: `${l} ${c.sense} ${c.factor} x (${r})`, period: t },
          c.sense === '<=' ? -Infinity : 0,
          c.sense === '>=' ? Infinity : 0,
          [...c.left.map((i) => xs[i]), ...c.right.map((i) => xs[i])],
          [...c.left.map(() => 1), ...c.right.map(() => -c.factor)],
        );
      } else {
        addRow({ item, id, description: `revenue >= ${c.value} x spend`, period: t }, -rt.constant, Infinity, [...rt.idx, ...xs], [...rt.val, ...xs.map(() => -c.value)]);
      }
    });
    if (problem.targetRevenue !== null && !omit.has('target.revenue')) {
      addRow({ item: 'target.revenue', id: `${pfx(t)}target.revenue`, description: `revenue >= ${problem.targetRevenue}`, period: t }, problem.targetRevenue - rt.constant, Infinity, rt.idx, rt.val);
    }
    // stability between consecutive periods
    if (!omit.has('maxChange') && (problem.maxChangeAbsolute !== null || problem.maxChangeRelative !== null)) {
      const prevX = t > 0 ? map.x[t - 1] : null;
      const prevVal = t === 0 ? (opts.previous?.x ?? null) : null;
      if (prevX || prevVal) {
        for (let i = 0; i < n; i++) {
          const name = problem.channelNames[i];
          const id = `${pfx(t)}maxChange[${name}]`;
          if (problem.maxChangeAbsolute !== null) {
            const D = problem.maxChangeAbsolute;
            const meta = { item: 'maxChange', id, description: `|${name}_t - ${name}_(t-1)| <= ${D}`, period: t };
            if (prevX) addRow(meta, -D, D, [xs[i], prevX[i]], [1, -1]);
            else addRow(meta, prevVal![i] - D, prevVal![i] + D, [xs[i]], [1]);
          }
          if (problem.maxChangeRelative !== null) {
            const rho = problem.maxChangeRelative;
            const meta = { item: 'maxChange', id: `${id}.relative`, description: `|${name}_t - ${name}_(t-1)| <= ${rho} x ${name}_(t-1)`, period: t };
            if (prevX) {
              addRow(meta, -Infinity, 0, [xs[i], prevX[i]], [1, -(1 + rho)]);
              addRow(meta, 0, Infinity, [xs[i], prevX[i]], [1, -Math.max(0, 1 - rho)]);
            } else {
              addRow(meta, Math.max(0, 1 - rho) * prevVal![i], (1 + rho) * prevVal![i], [xs[i]], [1]);
            }
          }
        }
      }
    }
  }
  return { model: b.build(), map };
}
