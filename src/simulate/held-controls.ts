/**
 * A forecast holds a control it is not given at its mean over the last 13
 * weeks. That is a fair guess for a control that drifts, and a poor one for a
 * control that moves with the season (competitor sales before Christmas): the
 * forecast then misses the season the control brings. This check finds such
 * controls and shows last year's same weeks beside the held value. Pure.
 */
import { dayToIso } from '../core/csv.ts';

/** Weeks in a year, for "the same weeks last year". */
const YEAR_WEEKS = 52;

export interface HeldControlWarning {
  control: string;
  held: number;
  /** The same weeks one year before the forecast weeks: their dates and values. */
  lastYear: { date: string; value: number }[];
  message: string;
}

/** Weeks the forecast's held value averages over (the model's recentMean). */
const RECENT_WEEKS = 13;

/**
 * Mean absolute error over the history of two forecasts of the next `horizon`
 * weeks from every origin: last year's same week, and the mean of the 13
 * weeks before the origin (what the forecast holds a control at).
 */
function backtestErrors(v: ArrayLike<number>, horizon: number): { seasonal: number; held: number } {
  let seasonal = 0;
  let held = 0;
  for (let o = Math.max(RECENT_WEEKS, YEAR_WEEKS); o + horizon <= v.length; o++) {
    let mean = 0;
    for (let i = o - RECENT_WEEKS; i < o; i++) mean += v[i] / RECENT_WEEKS;
    for (let t = o; t < o + horizon; t++) {
      seasonal += Math.abs(v[t] - v[t - YEAR_WEEKS]);
      held += Math.abs(v[t] - mean);
    }
  }
  return { seasonal, held };
}

/**
 * Controls a forecast of `horizon` weeks after the data would hold at `held`
 * although they move with the season: over the history, last year's same week
 * forecast them better than the recent mean (mean absolute error at most
 * `maxErrorRatio`, default 0.8, of the recent mean's), and last year's same
 * weeks differ from the held value by more than `minGap` (default 10%) of it
 * on average.
 * @param dates week start days (days since 1970-01-01) of the history
 * @param controls history of each control, and the value the forecast holds it at
 * @returns one warning per such control; none when the history is shorter than a year plus the horizon
 */
export function seasonalHeldControls(
  dates: Int32Array,
  controls: { name: string; values: ArrayLike<number>; held: number }[],
  horizon: number,
  opts: { maxErrorRatio?: number; minGap?: number } = {},
): HeldControlWarning[] {
  const n = dates.length;
  const maxErrorRatio = opts.maxErrorRatio ?? 0.8;
  const minGap = opts.minGap ?? 0.1;
  if (horizon < 1 || n < YEAR_WEEKS + horizon + 1) return [];
  const out: HeldControlWarning[] = [];
  for (const c of controls) {
    const v = c.values;
    const err = backtestErrors(v, horizon);
    if (!(err.seasonal <= maxErrorRatio * err.held)) continue;
    // Forecast week h (h = 0..horizon-1) is data week n + h; a year before it is n + h - 52.
    const lastYear = Array.from({ length: horizon }, (_, h) => ({ date: dayToIso(dates[n + h - YEAR_WEEKS]), value: v[n + h - YEAR_WEEKS] }));
    const gap = lastYear.reduce((s, w) => s + Math.abs(w.value - c.held), 0) / horizon;
    if (gap <= minGap * Math.abs(c.held)) continue;
    const shown = lastYear.map((w) => `${w.date} ${round(w.value)}`).join(', ');
    out.push({
      control: c.name,
      held: c.held,
      lastYear,
      message: `${c.name} is held at its recent mean ${round(c.held)} in the forecast, but it moves with the season; the same weeks last year were ${shown}: give its planned values in the plan (a column ${c.name}) if you know them`,
    });
  }
  return out;
}

const round = (x: number) => (Math.abs(x) >= 100 ? Math.round(x).toString() : String(Number(x.toPrecision(3))));
