/**
 * Decomposition: each window week's fitted value split into its parts
 * (intercept, trend, seasonality, each control, each factor, each channel,
 * each organic variable), and each media column's contribution.
 */
import { dayToIso } from '../core/csv.ts';
import type { SearchProblem } from './problem.ts';
import type { Refit } from './refit.ts';
import type { MmmFit } from './types.ts';

/** Each media column's contribution over the window (paid channels, then organic): coef x sum of its transformed series. */
export function channelContributions(pr: SearchProblem, refit: Refit): Float64Array {
  const { n, nb, nm } = pr;
  const contribution = new Float64Array(nm);
  for (let j = 0; j < nm; j++) {
    let s = 0;
    for (let t = 0; t < n; t++) s += refit.design.cols[(nb + j) * n + t];
    contribution[j] = refit.coef[nb + j] * s;
  }
  return contribution;
}

/** The baseline's parts as groups of design columns: intercept, trend, seasonality, each control, each factor (its dummies summed). */
export function baselineParts(pr: SearchProblem): { name: string; columns: number[] }[] {
  const parts: { name: string; columns: number[] }[] = [];
  const group = (name: string, columns: number[]): void => {
    if (columns.length) parts.push({ name, columns });
  };
  const idx = (f: (k: string) => boolean) => pr.base.map((c, j) => (f(c.kind) ? j : -1)).filter((j) => j >= 0);
  group(
    'trend',
    idx((k) => k === 'trend'),
  );
  group(
    'seasonality',
    idx((k) => k === 'fourier'),
  );
  for (const j of idx((k) => k === 'control' || k === 'dummy')) group(pr.base[j].name, [j]);
  for (const f of pr.factors)
    group(
      f.name,
      pr.base.map((c, j) => (c.factor === f.name ? j : -1)).filter((j) => j >= 0),
    );
  return parts;
}

/**
 * The weekly decomposition table: columns actual, fitted, baseline
 * (everything but paid media and organic variables), then the baseline's
 * parts (intercept, trend, seasonality, one per control, one per factor),
 * one per channel and one per organic variable. The parts after `baseline`
 * sum to `fitted` in every week, and `baseline` is the sum of its parts.
 */
export function decompose(pr: SearchProblem, refit: Refit): MmmFit['decomposition'] {
  const { n, nb, nm, y } = pr;
  const { coef, intercept, fitted } = refit;
  const cols = refit.design.cols;
  const parts = baselineParts(pr);
  const header = ['actual', 'fitted', 'baseline', 'intercept', ...parts.map((p) => p.name), ...pr.media.map((m) => m.name)];
  const rows: number[][] = [];
  for (let t = 0; t < n; t++) {
    const partValues = parts.map((p) => p.columns.reduce((a, j) => a + coef[j] * cols[j * n + t], 0));
    const baseline = partValues.reduce((a, v) => a + v, intercept);
    const media = Array.from({ length: nm }, (_, j) => coef[nb + j] * cols[(nb + j) * n + t]);
    rows.push([y[t], fitted[t], baseline, intercept, ...partValues, ...media]);
  }
  return { header, rows, dates: Array.from(pr.data.dates, (d) => dayToIso(d)) };
}
