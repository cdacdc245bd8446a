/** The target's implausible weeks, one rule for the ingest and for `mmm fit` on a CSV (pure: no DuckDB). */

/** A target week at or below this fraction of the median week is warned about (an incomplete export, a gap, a typo). */
export const TARGET_DROP = 0.2;

/**
 * The warning about the target's implausible weeks in the modelling window, naming their rows: weeks at or
 * below 0, and weeks under {@link TARGET_DROP} of the median week (an incomplete last week of an export, a
 * gap filled with 0); null when there are none. The model takes every week of the window as real.
 * @param weeks the window's weeks in date order: file row, week label and target value
 */
export function lowTargetWarning(file: string, column: string, weeks: { row: number; week: string; value: number }[]): string | null {
  if (!weeks.length) return null;
  const sorted = weeks.map((w) => w.value).sort((a, b) => a - b);
  const h = (sorted.length - 1) / 2;
  const median = (sorted[Math.floor(h)] + sorted[Math.ceil(h)]) / 2;
  const low = weeks.filter((w) => w.value <= 0 || w.value < TARGET_DROP * median);
  if (!low.length) return null;
  const list = firstFive(low.map((w) => `row ${w.row} (${w.week}: ${w.value})`));
  return `${file} column "${column}": ${low.length} week(s) at or below 0 or under a fifth of its median week (${Number(median.toPrecision(6))}): ${list} (an incomplete export? the model takes them as real weeks)`;
}

/** `list` as `a, b, c, d, e, ...` (at most five shown). */
export function firstFive(list: string[]): string {
  return list.slice(0, 5).join(', ') + (list.length > 5 ? ', ...' : '');
}
