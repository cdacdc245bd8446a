/**
 * Refit: the design matrix of given hyperparameters (baseline columns, then
 * each channel's transformed media), the constrained ridge on chosen weeks,
 * and the fitted channels as ChannelResponse (what predictions need).
 */
import { fitRidgeRows, geometricAdstockInto, transformChannelInto } from './kernel.ts';
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
  const N = n + warmup;
  const cols = new Float64Array((nb + nm) * n);
  cols.set(pr.baseline, 0);
  const ks = new Float64Array(nm);
  const wbuf = new Float64Array(2 * N);
  for (let j = 0; j < nm; j++) {
    ks[j] = transformChannelInto(pr.spend, j * N, N, warmup, spec.adKind[j], spec.normalised, spec.satKind[j], hp, spec.hpOff[j], cols, (nb + j) * n, wbuf);
  }
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
    const h = hp.subarray(m.offset, m.offset + m.names.length);
    const at = (name: string): number => h[m.names.indexOf(name)];
    const adstock: AdstockParams = m.adstock === 'geometric'
      ? { kind: 'geometric', theta: at('theta'), normalised: o.normalisedAdstock }
      : { kind: m.adstock, shape: at('shape'), scale: at('scale'), windowLength: N };
    const g = at('gamma');
    const saturation: SaturationParams = o.saturation === 'hill'
      ? { kind: 'hill', alpha: at('alpha'), gamma: g, k: ks[j], adstockMax: ks[j] / g }
      : { kind: 'log', gamma: g, k: ks[j], adstockMax: ks[j] / g };
    const last = m.adstock === 'geometric' ? geometricAdstockInto(m.values, 0, N, at('theta'), false, 0, wbuf, 0) : 0;
    const recent = Array.from(m.adstock === 'geometric' ? m.values.subarray(Math.max(0, N - 8)) : m.values);
    return { name: m.name, adstock, saturation, coef: coef[nb + j], carry: { lastAdstock: last, recentSpend: recent } };
  });
}
