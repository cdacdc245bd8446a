/**
 * Lift studies against the weekly data: each study checked and mapped to its
 * channel and the weeks it covers, in the layout the kernel scores MAPE.LIFT on.
 */
import { ValidationError } from '../core/errors.ts';
import { dayToIso, parseDateToDay } from '../core/csv.ts';
import type { CalibrationStudy, WeeklyData } from './types.ts';

/** Calibration studies resolved to channel indices and inclusive week ranges (kernel layout). */
export interface ResolvedCalibration {
  channel: Int32Array;
  from: Int32Array;
  to: Int32Array;
  lift: Float64Array;
}

/**
 * Checks lift studies against the data and maps each to its channel and weeks
 * (those whose start date falls in [from, to]).
 * @throws ValidationError naming the study's file, row and column (when it came from a file)
 */
export function resolveCalibration(studies: CalibrationStudy[], data: WeeklyData): ResolvedCalibration {
  const k = studies.length;
  const r: ResolvedCalibration = { channel: new Int32Array(k), from: new Int32Array(k), to: new Int32Array(k), lift: new Float64Array(k) };
  const n = data.dates.length;
  studies.forEach((st, i) => {
    const where = (column: string) => (st.source ? { file: st.source.file, row: st.source.row, column } : { column });
    const label = st.source ? '' : `calibration study ${i + 1}: `;
    const j = data.channels.findIndex((c) => c.name === st.channel);
    if (j < 0) throw new ValidationError(`${label}"${st.channel}" is not a channel of the model (channels: ${data.channels.map((c) => c.name).join(', ')})`, where('channel'));
    const from = parseDateToDay(String(st.from));
    if (Number.isNaN(from)) throw new ValidationError(`${label}unparseable date "${st.from}" (expected YYYY-MM-DD)`, where('from'));
    const to = parseDateToDay(String(st.to));
    if (Number.isNaN(to)) throw new ValidationError(`${label}unparseable date "${st.to}" (expected YYYY-MM-DD)`, where('to'));
    if (to < from) throw new ValidationError(`${label}the study ends (${st.to}) before it starts (${st.from})`, where('to'));
    if (!(Number.isFinite(st.lift) && st.lift > 0)) throw new ValidationError(`${label}lift must be a number > 0 (the revenue the channel added), got ${st.lift}`, where('lift'));
    // The lift was measured over the whole window: a window the weekly data do not cover would be
    // compared with part of it.
    const lastDay = data.dates[n - 1] + 6;
    if (from < data.dates[0]) throw new ValidationError(`${label}the study starts (${st.from}) before the data (first week ${dayToIso(data.dates[0])})`, where('from'));
    if (to > lastDay) throw new ValidationError(`${label}the study ends (${st.to}) after the data (last week ends ${dayToIso(lastDay)})`, where('to'));
    let a = -1;
    let b = -1;
    for (let t = 0; t < n; t++) {
      if (data.dates[t] < from || data.dates[t] > to) continue;
      if (a < 0) a = t;
      b = t;
    }
    if (a < 0) throw new ValidationError(`${label}no week of the data starts between ${st.from} and ${st.to} (weeks start on ${dayToIso(data.dates[0])} and every 7 days after)`, where('from'));
    let spent = 0;
    for (let t = a; t <= b; t++) spent += data.channels[j].values[t];
    if (!(spent > 0))
      throw new ValidationError(`${label}${st.channel} has no spend in the study's weeks (${dayToIso(data.dates[a])} to ${dayToIso(data.dates[b])}), so the study cannot measure it`, where('from'));
    for (let e = 0; e < i; e++) {
      if (r.channel[e] !== j || r.to[e] < a || r.from[e] > b) continue;
      const other = studies[e].source ? `row ${studies[e].source!.row}` : `study ${e + 1}`;
      throw new ValidationError(`${label}overlaps ${other}, a study of the same channel over some of the same weeks (each week of a channel can be measured once)`, where('from'));
    }
    r.channel[i] = j;
    r.from[i] = a;
    r.to[i] = b;
    r.lift[i] = st.lift;
  });
  return r;
}
