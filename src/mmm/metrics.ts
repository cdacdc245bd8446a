/**
 * Metrics of a fitted model: in-sample R2, NRMSE, MAPE, residual sd and
 * Durbin-Watson; the holdout MAPE of the same hyperparameters fitted on the
 * training weeks only; DECOMP.RSSD of the final decomposition.
 */
import type { SearchProblem } from './problem.ts';
import { allWeeks, ridgeOnRows } from './refit.ts';
import type { Refit } from './refit.ts';
import type { FitMetrics } from './types.ts';

/**
 * MAPE over the validation weeks (the last nValid) of the model with the
 * refit's design fitted on the weeks before them (weeks with a zero target
 * are skipped; 0 when every one is zero).
 */
export function holdoutMape(pr: SearchProblem, refit: Refit, lambda: number): number {
  const { n, nTrain, y } = pr;
  const p = pr.nb + pr.nc;
  const train = ridgeOnRows(pr, refit.design, allWeeks(n), nTrain, lambda);
  let ape = 0;
  let count = 0;
  for (let t = nTrain; t < n; t++) {
    let f = train.intercept;
    for (let j = 0; j < p; j++) f += train.coef[j] * refit.design.cols[j * n + t];
    if (y[t] !== 0) {
      ape += Math.abs((y[t] - f) / y[t]);
      count++;
    }
  }
  return count ? ape / count : 0;
}

/** DECOMP.RSSD (Robyn): sqrt(sum over channels of (effect share - spend share)^2). */
export function decompRssd(shares: { contributionShare: number; spendShare: number }[]): number {
  let rssd = 0;
  for (const c of shares) rssd += (c.contributionShare - c.spendShare) ** 2;
  return Math.sqrt(rssd);
}

/** In-sample metrics and residuals of a fit. */
export interface InSampleMetrics {
  r2: number;
  nrmse: number;
  mape: number;
  residualSd: number;
  durbinWatson: number;
  residuals: number[];
  /** Lag-1 autocorrelation of the residuals, sum e_t e_(t-1) / sum e_t^2. */
  residualAutocorrelation: number;
}

/**
 * In-sample metrics of fitted values against actuals: R2 = 1 - SSE/SST,
 * NRMSE = RMSE / (max - min of the actuals), MAPE over non-zero actuals,
 * residual sd = sqrt(SSE / (n - nonzero coefficients - 1)), Durbin-Watson.
 * @param activeCoefs number of non-zero regression coefficients (intercept excluded)
 */
export function inSampleMetrics(y: Float64Array, fitted: Float64Array, activeCoefs: number): InSampleMetrics {
  const n = y.length;
  let sse = 0;
  let sst = 0;
  let ape = 0;
  let apeCount = 0;
  let dwNum = 0;
  let ac = 0;
  const ybar = y.reduce((a, b) => a + b, 0) / n;
  let ymin = Infinity;
  let ymax = -Infinity;
  const residuals = new Array<number>(n);
  for (let t = 0; t < n; t++) {
    const e = y[t] - fitted[t];
    residuals[t] = e;
    sse += e * e;
    sst += (y[t] - ybar) ** 2;
    if (y[t] !== 0) {
      ape += Math.abs(e / y[t]);
      apeCount++;
    }
    if (t > 0) {
      dwNum += (e - residuals[t - 1]) ** 2;
      ac += e * residuals[t - 1];
    }
    ymin = Math.min(ymin, y[t]);
    ymax = Math.max(ymax, y[t]);
  }
  return {
    r2: sst > 0 ? 1 - sse / sst : 0,
    nrmse: Math.sqrt(sse / n) / (ymax - ymin > 0 ? ymax - ymin : 1),
    mape: apeCount ? ape / apeCount : 0,
    residualSd: Math.sqrt(sse / Math.max(1, n - activeCoefs - 1)),
    durbinWatson: sse > 0 ? dwNum / sse : 0,
    residuals,
    residualAutocorrelation: sse > 0 ? ac / sse : 0,
  };
}

/** The model's FitMetrics from its parts. */
export function fitMetrics(m: InSampleMetrics, holdout: number, validationNrmse: number, rssd: number): FitMetrics {
  return { r2: m.r2, nrmse: m.nrmse, mape: m.mape, holdoutMape: holdout, validationNrmse, decompRssd: rssd, residualSd: m.residualSd, durbinWatson: m.durbinWatson };
}
