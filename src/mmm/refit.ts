/**
 * Refit: the design matrix of given hyperparameters (baseline columns, then
 * each channel's transformed media), the constrained ridge on chosen weeks,
 * and the fitted channels as ChannelResponse (what predictions need).
 */
import { fitRidgeRows, geometricAdstockInto, transformColumnInto } from './kernel.ts';
import { columnParams } from './problem.ts';
import type { SearchProblem } from './problem.ts';
import type { AdstockParams, ChannelResponse, SaturationParams } from './types.ts';

/** Design of one set of hyperparameters: columns (column-major, baseline then media) and each channel's saturation k. */
export interface Design {
  cols: Float64Array;
  ks: Float64Array;
}

/** A ridge fit of a design: coefficients (original units; baseline then media), intercept and fitted values. */
export interface Refit {
  design: Design;
  coef: Float64Array;
  intercept: number;
  fitted: Float64Array;
}

/**
 * Columns of the design for hyperparameters `hp` (kernel layout): the
 * baseline, then each media column transformed (the warm-up weeks feed the
 * adstock); k of each column is fixed from the window's weeks.
 */
export function mediaDesign(pr: SearchProblem, hp: Float64Array): Design {
  const { n, nb, nm, spec, warmup } = pr;
  const cols = new Float64Array((nb + nm) * n);
  cols.set(pr.baseline, 0);
  const ks = new Float64Array(nm);
  const wbuf = new Float64Array(2 * (n + warmup));
  const pbuf = new Float64Array(4);
  for (let j = 0; j < nm; j++) ks[j] = transformColumnInto(spec, j, hp, cols, (nb + j) * n, wbuf, pbuf);
  return { cols, ks };
}

/** Sign code of every design column: the baseline's as configured, media and organic >= 0. */
export function coefficientSigns(pr: SearchProblem): Int8Array {
  const sign = new Int8Array(pr.nb + pr.nm);
  for (let j = 0; j < pr.nb; j++) sign[j] = pr.spec.baseSign[j];
  for (let j = 0; j < pr.nm; j++) sign[pr.nb + j] = 1;
  return sign;
}

/**
 * Fits the constrained ridge of a design on the listed rows (repeats allowed:
 * the bootstrap) with penalty `lambda` and the options' intercept sign;
 * fitted values are for every window week.
 */
export function ridgeOnRows(pr: SearchProblem, design: Design, rows: Int32Array, nRows: number, lambda: number): Refit {
  const { n } = pr;
  const p = pr.nb + pr.nm;
  const coef = new Float64Array(p);
  const intercept = fitRidgeRows(p, n, design.cols, pr.y, rows, nRows, lambda, coefficientSigns(pr), coef, pr.spec.interceptSign);
  const fitted = new Float64Array(n).fill(intercept);
  for (let j = 0; j < p; j++) for (let t = 0; t < n; t++) fitted[t] += coef[j] * design.cols[j * n + t];
  return { design, coef, intercept, fitted };
}

/** Every week's index, in order. */
export function allWeeks(n: number): Int32Array {
  return Int32Array.from({ length: n }, (_, i) => i);
}

/** The chosen hyperparameters refitted on all window weeks. */
export function refitAllWeeks(pr: SearchProblem, hp: Float64Array, design: Design = mediaDesign(pr, hp)): Refit {
  return ridgeOnRows(pr, design, allWeeks(pr.n), pr.n, hp[pr.dims - 1]);
}

/**
 * The fitted media columns (paid channels, then organic variables): adstock,
 * saturation with fixed k, coefficient, and the carry-over state after the
 * window's last week, for hyperparameters `hp`.
 */
export function channelResponses(pr: SearchProblem, hp: Float64Array, ks: Float64Array, coef: Float64Array): ChannelResponse[] {
  const { nb, o } = pr;
  const N = pr.n + pr.warmup;
  const wbuf = new Float64Array(N);
  return pr.media.map((m, j) => {
    const { family, values: v } = columnParams(pr, j, hp);
    const adstock: AdstockParams =
      family.adstock === 'geometric'
        ? { kind: 'geometric', theta: v.theta, normalised: o.normalisedAdstock }
        : family.adstock === 'binomial'
          ? { kind: 'binomial', decay: v.decay, maxLag: Math.min(8, N - 1) }
          : { kind: family.adstock, shape: v.shape, scale: v.scale, windowLength: N };
    const k = ks[j];
    const saturation: SaturationParams =
      family.saturation === 'hill'
        ? { kind: 'hill', alpha: v.alpha, gamma: v.gamma, k, adstockMax: k / v.gamma }
        : family.saturation === 'log'
          ? { kind: 'log', gamma: v.gamma, k, adstockMax: k / v.gamma }
          : family.saturation === 'logistic'
            ? { kind: 'logistic', lam: v.lam, k, adstockMax: k * v.lam }
            : { kind: 'michaelis_menten', ec: v.ec, k, adstockMax: k / v.ec };
    const last = family.adstock === 'geometric' ? geometricAdstockInto(m.values, 0, N, v.theta, false, 0, wbuf, 0) : 0;
    const recent = Array.from(family.adstock === 'geometric' ? m.values.subarray(Math.max(0, N - 8)) : m.values);
    return { name: m.name, adstock, saturation, coef: coef[nb + j], carry: { lastAdstock: last, recentSpend: recent } };
  });
}
