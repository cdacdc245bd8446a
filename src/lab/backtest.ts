/**
 * Rolling-origin backtest of the forecast bands: fit the MMM on the weeks
 * before an origin, simulate the next `horizon` weeks with the spend and
 * controls that really happened, and compare with what happened.
 */
import type { FitOptions, WeeklyData } from '../mmm/types.ts';
import { fitMmm } from '../mmm/fit.ts';
import { sliceWeekly } from '../mmm/design.ts';
import { oracleForecast } from './oracle.ts';
import { simulatePlans } from '../simulate/simulate.ts';
import type { Plan } from '../simulate/plan.ts';

export interface BacktestRow {
  origin: number;
  originDate: string;
  horizon: number;
  /** Weeks whose actual revenue fell inside [P5, P95]. */
  covered: number;
  coverage: number;
  actualTotal: number;
  p5Total: number;
  p50Total: number;
  p95Total: number;
  /** Noise-free truth of the horizon total, when known. */
  expectedTotal?: number;
  /** (P50 total - expected total) / (noise sd x sqrt(horizon)): "within the noise" when |z| <= 2. */
  zTruth?: number;
  /** The oracle's forecast of the horizon total (least squares on the true media series, fitted on the same weeks), when the truth is given. */
  oracleTotal?: number;
  /** (oracle total - expected total) / (noise sd x sqrt(horizon)): the error the data's noise alone leaves. */
  zOracle?: number;
  /** Forecast weeks where some channel's spend exceeds 1.25 x the most it spent before the origin (extrapolation). */
  extrapolatedWeeks: number;
  /** Of those, the weeks inside [P5, P95]. */
  extrapolatedCovered: number;
}

/**
 * Runs the backtest at each origin.
 * @param expected noise-free truth per week (optional), for the P50-vs-truth check
 * @param noiseSd the truth's noise sd per week (optional), for zTruth
 * @param trueMedia each channel's true weekly media effect (optional), for the oracle's forecast
 * @param period the seasonal period of the oracle's Fourier terms (default 52.18 weeks; its order is 2,
 *   which holds both generators' seasonality, whatever the model's fourierOrder)
 */
export async function rollingOriginBacktest(
  data: WeeklyData,
  opts: {
    origins: number[];
    horizon: number;
    fit: FitOptions;
    draws: number;
    seed: number;
    expected?: ArrayLike<number>;
    noiseSd?: number;
    trueMedia?: ArrayLike<number>[];
    period?: number;
  },
): Promise<BacktestRow[]> {
  const rows: BacktestRow[] = [];
  for (const origin of opts.origins) {
    const end = Math.min(data.dates.length, origin + opts.horizon);
    const h = end - origin;
    if (h <= 0) throw new RangeError(`rollingOriginBacktest: origin ${origin} leaves no weeks to forecast`);
    const fit = await fitMmm(sliceWeekly(data, 0, origin), { ...opts.fit, seed: opts.seed });
    const future = sliceWeekly(data, origin, end);
    const plan: Plan = {
      dates: future.dates,
      spend: Object.fromEntries(future.channels.map((c) => [c.name, c.values])),
      controls: Object.fromEntries(future.controls.map((c) => [c.name, c.values])),
    };
    const sim = await simulatePlans(fit.model, fit.draws, [plan], { draws: opts.draws, seed: opts.seed, threads: 1 });
    const bands = sim.plans[0];
    let covered = 0;
    let actualTotal = 0;
    let extrapolatedWeeks = 0;
    let extrapolatedCovered = 0;
    const seenMax = data.channels.map((c) => c.values.slice(0, origin).reduce((m, v) => Math.max(m, v), 0));
    for (let t = 0; t < h; t++) {
      const y = future.target[t];
      actualTotal += y;
      const inside = y >= bands.weekly[t].p5 && y <= bands.weekly[t].p95;
      if (inside) covered++;
      if (future.channels.some((c, j) => c.values[t] > 1.25 * seenMax[j])) {
        extrapolatedWeeks++;
        if (inside) extrapolatedCovered++;
      }
    }
    const row: BacktestRow = {
      origin,
      originDate: bands.weekly[0].date,
      horizon: h,
      covered,
      coverage: covered / h,
      actualTotal,
      p5Total: bands.total.p5,
      p50Total: bands.total.p50,
      p95Total: bands.total.p95,
      extrapolatedWeeks,
      extrapolatedCovered,
    };
    if (opts.expected) {
      let e = 0;
      for (let t = origin; t < end; t++) e += opts.expected[t];
      row.expectedTotal = e;
      if (opts.noiseSd) row.zTruth = (bands.total.p50 - e) / (opts.noiseSd * Math.sqrt(h));
      if (opts.trueMedia) {
        const oracle = oracleForecast(data, opts.trueMedia, origin, { period: opts.period });
        let o = 0;
        for (let t = origin; t < end; t++) o += oracle[t];
        row.oracleTotal = o;
        if (opts.noiseSd) row.zOracle = (o - e) / (opts.noiseSd * Math.sqrt(h));
      }
    }
    rows.push(row);
  }
  return rows;
}
