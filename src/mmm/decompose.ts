/**
 * Decomposition: each week's fitted value split into its parts (intercept,
 * trend, seasonality, each control, each channel), and each channel's
 * contribution over all weeks.
 */
import { dayToIso } from '../core/csv.ts';
import type { SearchProblem } from './problem.ts';
import type { Refit } from './refit.ts';
import type { MmmFit } from './types.ts';

/** Each channel's contribution over all weeks: coef x sum of its transformed media. */
export function channelContributions(pr: SearchProblem, refit: Refit): Float64Array {
  const { n, nb, nc } = pr;
  const contribution = new Float64Array(nc);
  for (let j = 0; j < nc; j++) {
    let s = 0;
    for (let t = 0; t < n; t++) s += refit.design.cols[(nb + j) * n + t];
    contribution[j] = refit.coef[nb + j] * s;
  }
  return contribution;
}

/**
 * The weekly decomposition table: columns actual, fitted, intercept, trend
 * (with a trend), seasonality (with Fourier terms), one per control, one per
 * channel; the parts after `fitted` sum to it in every week.
 */
export function decompose(pr: SearchProblem, refit: Refit): MmmFit['decomposition'] {
  const { n, nb, nc, base, y, o } = pr;
  const { coef, intercept, fitted } = refit;
  const cols = refit.design.cols;
  const header = ['actual', 'fitted', 'intercept'];
  const hasTrend = base.some((c) => c.kind === 'trend');
  if (hasTrend) header.push('trend');
  if (o.fourierOrder > 0) header.push('seasonality');
  const ctrlIdx = base.map((c, j) => (c.kind === 'control' || c.kind === 'dummy' ? j : -1)).filter((j) => j >= 0);
  for (const j of ctrlIdx) header.push(base[j].name);
  for (const ch of pr.data.channels) header.push(ch.name);
  const rows: number[][] = [];
  for (let t = 0; t < n; t++) {
    const row = [y[t], fitted[t], intercept];
    let tr = 0;
    let se = 0;
    base.forEach((c, j) => {
      if (c.kind === 'trend') tr += coef[j] * cols[j * n + t];
      if (c.kind === 'fourier') se += coef[j] * cols[j * n + t];
    });
    if (hasTrend) row.push(tr);
    if (o.fourierOrder > 0) row.push(se);
    for (const j of ctrlIdx) row.push(coef[j] * cols[j * n + t]);
    for (let j = 0; j < nc; j++) row.push(coef[nb + j] * cols[(nb + j) * n + t]);
    rows.push(row);
  }
  return { header, rows, dates: Array.from(pr.data.dates, (d) => dayToIso(d)) };
}
