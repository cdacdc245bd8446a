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

/** Columns of the design for hyperparameters `hp` (kernel layout); k of each channel is fixed from all weeks. */
export function mediaDesign(pr: SearchProblem, hp: Float64Array): Design {
  const { n, nb, nc, spec, perChannel, o } = pr;
  const cols = new Float64Array((nb + nc) * n);
  cols.set(pr.baseline, 0);
  const ks = new Float64Array(nc);
  const wbuf = new Float64Array(n);
  for (let j = 0; j < nc; j++) {
    ks[j] = transformChannelInto(pr.spend, j * n, n, spec.adstock, o.normalisedAdstock, spec.saturation, hp, j * perChannel, cols, (nb + j) * n, wbuf);
  }
  return { cols, ks };
}

/** Sign code of every design column: the baseline's as configured, media >= 0. */
export function coefficientSigns(pr: SearchProblem): Int8Array {
  const sign = new Int8Array(pr.nb + pr.nc);
  for (let j = 0; j < pr.nb; j++) sign[j] = pr.spec.baseSign[j];
  for (let j = 0; j < pr.nc; j++) sign[pr.nb + j] = 1;
  return sign;
}

/**
 * Fits the constrained ridge of a design on the listed rows (repeats allowed:
 * the bootstrap) with penalty `lambda`; fitted values are for every week.
 */
export function ridgeOnRows(pr: SearchProblem, design: Design, rows: Int32Array, nRows: number, lambda: number): Refit {
  const { n } = pr;
  const p = pr.nb + pr.nc;
  const coef = new Float64Array(p);
  const intercept = fitRidgeRows(p, n, design.cols, pr.y, rows, nRows, lambda, coefficientSigns(pr), coef);
  const fitted = new Float64Array(n).fill(intercept);
  for (let j = 0; j < p; j++) for (let t = 0; t < n; t++) fitted[t] += coef[j] * design.cols[j * n + t];
  return { design, coef, intercept, fitted };
}

/** Every week's index, in order. */
export function allWeeks(n: number): Int32Array {
  return Int32Array.from({ length: n }, (_, i) => i);
}

/** The chosen hyperparameters refitted on all weeks. */
export function refitAllWeeks(pr: SearchProblem, hp: Float64Array, design: Design = mediaDesign(pr, hp)): Refit {
  return ridgeOnRows(pr, design, allWeeks(pr.n), pr.n, hp[pr.dims - 1]);
}

/**
 * The fitted channels (adstock, saturation with fixed k, coefficient, and the
 * carry-over state after the last week) of hyperparameters `hp`.
 */
export function channelResponses(pr: SearchProblem, hp: Float64Array, ks: Float64Array, coef: Float64Array): ChannelResponse[] {
  const { n, nb, perChannel, o } = pr;
  const wbuf = new Float64Array(n);
  return pr.data.channels.map((ch, j) => {
    const h = hp.subarray(j * perChannel, (j + 1) * perChannel);
    const adstock: AdstockParams = o.adstock === 'geometric'
      ? { kind: 'geometric', theta: h[0], normalised: o.normalisedAdstock }
      : { kind: o.adstock, shape: h[0], scale: h[1], windowLength: n };
    const g = h[perChannel - 1];
    const saturation: SaturationParams = o.saturation === 'hill'
      ? { kind: 'hill', alpha: h[perChannel - 2], gamma: g, k: ks[j], adstockMax: ks[j] / g }
      : { kind: 'log', gamma: g, k: ks[j], adstockMax: ks[j] / g };
    const last = o.adstock === 'geometric' ? geometricAdstockInto(ch.values, 0, n, h[0], false, 0, wbuf, 0) : 0;
    const recent = Array.from(o.adstock === 'geometric' ? ch.values.subarray(Math.max(0, n - 8)) : ch.values);
    return { name: ch.name, adstock, saturation, coef: coef[nb + j], carry: { lastAdstock: last, recentSpend: recent } };
  });
}
