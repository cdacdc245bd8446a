/** The target's implausible weeks, one rule for the ingest and for `mmm fit` on a CSV (pure: no DuckDB). */
import { ValidationError } from '../core/errors.ts';
import { quantileSorted } from '../core/quantile.ts';

/** A target week at or below this fraction of the median week is warned about (an incomplete export, a gap, a typo). */
export const TARGET_DROP = 0.2;

/** A target week at or above this multiple of the median week is refused (a unit or typing error, a total row). */
export const TARGET_FAR = 100;

/** A target week at or above this multiple of the median week is warned about. */
export const TARGET_SPIKE = 10;

type TargetWeek = { row: number; week: string; value: number };

/**
 * The target's implausible weeks in the modelling window: refuses a week at {@link TARGET_FAR} times
 * its median week or more, naming its row, and returns the warnings about weeks at or below 0, under
 * {@link TARGET_DROP} of the median, or at {@link TARGET_SPIKE} times it or more.
 * @param weeks the window's weeks in date order: file row, week label and target value
 * @throws ValidationError for a week far above the rest
 */
export function targetWeekWarnings(file: string, column: string, weeks: TargetWeek[]): string[] {
  const median = medianOf(weeks);
  const far = farTargetWeek(weeks, median);
  if (far) throw new ValidationError(`${far.week.value} is ${farDetail(far)}`, { file, row: far.week.row, column });
  const high = median > 0 ? weeks.filter((w) => w.value >= TARGET_SPIKE * median) : [];
  const low = lowTargetWarning(file, column, weeks, median);
  return [
    ...(low ? [low] : []),
    ...(high.length
      ? [
          `${file} column "${column}": ${high.length} week(s) at ${TARGET_SPIKE} times its median week (${Number(median.toPrecision(6))}) or more: ${firstFive(high.map((w) => `row ${w.row} (${w.week}: ${w.value})`))} (a typing error? the model takes them as real weeks)`,
        ]
      : []),
  ];
}

/** The first week at {@link TARGET_FAR} times the median week or more, with that median; null when none is. */
export function farTargetWeek<W extends { value: number }>(weeks: W[], median = medianOf(weeks)): { week: W; median: number } | null {
  const week = median > 0 ? weeks.find((w) => w.value >= TARGET_FAR * median) : undefined;
  return week ? { week, median } : null;
}

/** How far a week is above the rest, and why it is refused. */
export function farDetail(far: { week: { value: number }; median: number }): string {
  return `${Number((far.week.value / far.median).toPrecision(3))} times the median week (${Number(far.median.toPrecision(6))}): a unit or typing error, or a total row? (a week at ${TARGET_FAR} times the median or more is refused)`;
}

/** The median week's value (0 without weeks). */
function medianOf(weeks: { value: number }[]): number {
  return weeks.length ? quantileSorted(Float64Array.from(weeks, (w) => w.value).sort(), 0.5) : 0;
}

/**
 * The warning about the target's implausible weeks in the modelling window, naming their rows: weeks at or
 * below 0, and weeks under {@link TARGET_DROP} of the median week (an incomplete last week of an export, a
 * gap filled with 0); null when there are none. The model takes every week of the window as real.
 * @param weeks the window's weeks in date order: file row, week label and target value
 * @param median their median week
 */
function lowTargetWarning(file: string, column: string, weeks: TargetWeek[], median: number): string | null {
  if (!weeks.length) return null;
  const low = weeks.filter((w) => w.value <= 0 || w.value < TARGET_DROP * median);
  if (!low.length) return null;
  const list = firstFive(low.map((w) => `row ${w.row} (${w.week}: ${w.value})`));
  return `${file} column "${column}": ${low.length} week(s) at or below 0 or under a fifth of its median week (${Number(median.toPrecision(6))}): ${list} (an incomplete export? the model takes them as real weeks)`;
}

/** `list` as `a, b, c, d, e, ...` (at most five shown). */
export function firstFive(list: string[]): string {
  return list.slice(0, 5).join(', ') + (list.length > 5 ? ', ...' : '');
}
