/**
 * The allocation problem of a fitted model and the plans that follow from an
 * allocation, shared by the weekly pipeline's optimise stage and the commands
 * that connect (`mmm optimise --model`, `mmm simulate --allocation`), so both
 * build the same problem from the same curves.
 */
import type { Config } from '../src/core/config.ts';
import { dayToIso, toCsv } from '../src/core/csv.ts';
import { queryFiles, sqlString } from '../src/ingest/duckdb.ts';
import type { MmmModel, WeeklyData } from '../src/mmm/types.ts';
import { weeklyCurve } from '../src/optimise/mmm-curves.ts';
import { defaultProblemFromCurves } from '../src/optimise/index.ts';
import type { AllocationProblem, AllocationResult } from '../src/optimise/types.ts';
import { roasUndetermined } from '../src/mmm/summarise.ts';
import type { Plan } from '../src/simulate/index.ts';
import type { ClvSummary } from './clv.ts';

/** Mean weekly spend per channel over the last `weeks` weeks. */
export function recentWeeklySpend(data: WeeklyData, weeks: number): Record<string, number> {
  const n = data.dates.length;
  const from = Math.max(0, n - weeks);
  return Object.fromEntries(data.channels.map((c) => [c.name, c.values.slice(from).reduce((s, v) => s + v, 0) / (n - from)]));
}

/** Holiday flags of the weeks after the data, by week start day (the ingest's dim_week_future). */
export type FutureHolidays = Map<number, number>;

/** The ingest's holiday flags of the weeks after the data (dim_week_future.parquet: week_start, holiday). */
export async function readFutureHolidays(dimWeekFuture: string): Promise<FutureHolidays> {
  const rows = await queryFiles<{ day: number; holiday: number }>(
    `SELECT CAST(week_start - DATE '1970-01-01' AS INTEGER) AS day, CAST(holiday AS INTEGER) AS holiday FROM read_parquet(${sqlString(dimWeekFuture)})`,
  );
  return new Map(rows.map((r) => [r.day, r.holiday]));
}

/**
 * The `weeks` weeks after the model's data, with the holiday dummy's values
 * when the model has one: from the ingest's calendar (holidays file or the
 * country's public holidays), or 0 without one (then a warning says so).
 */
export function futureWeeks(model: MmmModel, weeks: number, holidays: FutureHolidays | null): { dates: Int32Array; controls: Record<string, Float64Array>; warnings: string[] } {
  const dates = Int32Array.from({ length: weeks }, (_, i) => model.window.lastDay + 7 * (i + 1));
  const controls: Record<string, Float64Array> = {};
  const warnings: string[] = [];
  for (const b of model.baseline.filter((t) => t.kind === 'dummy')) {
    const known = holidays !== null && Array.from(dates).every((d) => holidays.has(d));
    controls[b.name] = Float64Array.from(dates, (d) => (known ? (holidays.get(d) ?? 0) : 0));
    if (!known) warnings.push(`${b.name} is 0 in every planned week: no holiday calendar covers them (give the plan a ${b.name} column, or run the weekly pipeline with a holidays file or country)`);
  }
  return { dates, controls, warnings };
}

export const round2 = (v: number) => Math.round(v * 100) / 100;

export function planCsv(plan: Plan): string {
  const channels = Object.keys(plan.spend);
  const controls = Object.keys(plan.controls);
  return toCsv(
    ['date', ...channels, ...controls],
    Array.from(plan.dates, (d, t) => [dayToIso(d), ...channels.map((c) => round2(plan.spend[c][t])), ...controls.map((c) => plan.controls[c][t])]),
  );
}

/** CLV value per unit of revenue: customers the channel acquired per unit of its modelled contribution x their mean CLV. */
export function clvPerRevenueOf(model: MmmModel, clv: ClvSummary | null, channelOf: Record<string, string>): Record<string, number> {
  return Object.fromEntries(
    model.channels.map((c) => {
      const g = clv?.byChannel.find((b) => b.channel === channelOf[c.name]);
      return [c.name, g && c.contribution > 0 ? (g.customers * g.meanClv) / c.contribution : 0];
    }),
  );
}

/**
 * Channels the recommended plan raises or cuts by more than 10% although the data leave their ROAS
 * open ({@link roasUndetermined}, the fit's rule), each with its interval: the move rests on the
 * model's guess, so a lift test should come first. Small channels get no fit warning, so this is their only one.
 */
export function undeterminedMoves(model: MmmModel, recent: Record<string, number>, revenue: AllocationResult): string[] {
  if (revenue.status !== 'optimal') return [];
  return model.channels.flatMap((c) => {
    const [from, to] = [recent[c.name] ?? 0, revenue.allocation[c.name]];
    const verb = to > 1.1 * from ? 'raises' : to < 0.9 * from ? 'cuts' : null;
    if (!verb || !roasUndetermined(c)) return [];
    return [
      `the plan ${verb} ${c.name} from ${round2(from)} to ${round2(to)} a week, but the data leave its ROAS open (90% interval ${c.roasLow.toFixed(2)}-${c.roasHigh.toFixed(2)} around ${c.roas.toFixed(2)}): run a lift test of it before moving budget`,
    ];
  });
}

/**
 * A warning naming the paid channels no customer was acquired through (no touch events in the CLV's
 * attribution): their customer value is 0 in the CLV plan, for want of data, not of value; or null.
 */
export function channelsWithoutCustomers(model: MmmModel, clv: ClvSummary | null, channelOf: Record<string, string>, source: 'events' | 'transactions' = 'events'): string | null {
  if (!clv) return null;
  const none = model.channels.filter((c) => !clv.byChannel.some((b) => b.channel === channelOf[c.name] && b.customers > 0)).map((c) => channelOf[c.name] ?? c.name);
  if (!none.length) return null;
  const them = none.length === 1 ? 'it' : 'them';
  const why = source === 'events' ? `no touch events of ${them} in events.csv` : `no order names ${them} in the transaction log's channel column`;
  return `no customer is attributed to ${none.join(', ')} (${why}): ${none.length === 1 ? 'its' : 'their'} customer value counts as 0 in the CLV plan`;
}

/** Constraints with channels named as the raw input names them (`tv`) renamed to the model's spend columns (`tv_spend`). */
function constraintsOnColumns(constraints: Config['optimise']['constraints'], channelOf: Record<string, string>): AllocationProblem['constraints'] {
  const columnOf = Object.fromEntries(Object.entries(channelOf).map(([column, channel]) => [channel, column]));
  const rename = (names: string[]) => names.map((n) => (n in channelOf ? n : (columnOf[n] ?? n)));
  return constraints.map((c) => (c.type === 'group' ? { ...c, channels: rename(c.channels) } : c.type === 'ratio' ? { ...c, left: rename(c.left), right: rename(c.right) } : c));
}

/**
 * The allocation problem for the average week of the horizon.
 * @param channelOf spend column -> channel name, so constraints may name either
 */
export function weeklyProblem(
  model: MmmModel,
  recent: Record<string, number>,
  clvPerRevenue: Record<string, number>,
  opt: Config['optimise'],
  channelOf: Record<string, string> = {},
): AllocationProblem {
  const H = opt.horizonWeeks;
  const base = defaultProblemFromCurves(
    model.channels.map((c) => ({ name: c.name, response: weeklyCurve(c), recentSpend: recent[c.name] * H })),
    { horizonWeeks: H, minMultiple: opt.minMultiple, maxMultiple: opt.maxMultiple },
  );
  return {
    ...base,
    margin: opt.margin,
    ...(opt.budget !== null ? { budget: opt.budget / H } : {}),
    channels: base.channels!.map((c) => ({ ...c, clvPerRevenue: clvPerRevenue[c.name] })),
    constraints: constraintsOnColumns(opt.constraints, channelOf),
  };
}

/** A plan spending `perWeek` every week of the future weeks (controls as `futureWeeks` gives them). */
export function constantPlan(model: MmmModel, future: { dates: Int32Array; controls: Record<string, Float64Array> }, perWeek: Record<string, number>): Plan {
  const H = future.dates.length;
  return { dates: future.dates, controls: future.controls, spend: Object.fromEntries(model.channels.map((c) => [c.name, new Float64Array(H).fill(perWeek[c.name] ?? 0)])) };
}
