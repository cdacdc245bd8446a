/**
 * A spend plan for future weeks, read from a table with a `date` column and one
 * column per channel (and optionally per control) named as in the fit.
 */
import { ValidationError } from '../core/errors.ts';
import { dayToIso, parseDateToDay, type CsvTable } from '../core/csv.ts';
import type { MmmModel } from '../mmm/types.ts';
import { factorDummies } from '../mmm/predict.ts';

export interface Plan {
  /** Week starts, days since epoch, consecutive weeks. */
  dates: Int32Array;
  /** Spend per channel (the model's channel names), one value per week. */
  spend: Record<string, Float64Array>;
  /**
   * Series the plan gives besides spend, by the names predictBaseline reads: controls (left out:
   * held at recent levels, dummies at 0), organic activity (left out: its recent mean) and factor
   * dummies `<factor>_<level>` (left out: the reference level).
   */
  controls: Record<string, Float64Array>;
}

/**
 * Builds a plan from a parsed CSV and checks it against the model: the dates
 * must be consecutive weeks starting the week after the model's data, every
 * model channel must have a column, and no column may be unknown. Optional
 * columns: controls, organic variables (activity >= 0) and factors (a level
 * the fit saw, e.g. "na").
 * @throws ValidationError naming the file, row and column
 */
export function planFromTable(model: MmmModel, table: CsvTable, dateCol = 'date'): Plan {
  const file = table.file;
  const j = table.header.indexOf(dateCol);
  if (j < 0) throw new ValidationError(`missing column (found: ${table.header.join(', ')})`, { file, column: dateCol });
  if (table.rows.length === 0) throw new ValidationError('plan has no weeks', { file });
  const channelNames = model.channels.map((c) => c.name);
  const controlNames = model.baseline.filter((b) => b.kind === 'control' || b.kind === 'dummy').map((b) => b.name);
  const organicNames = (model.organic ?? []).map((o) => o.name);
  const factorNames = (model.factors ?? []).map((f) => f.name);
  for (const h of table.header) {
    if (h === dateCol) continue;
    if (![...channelNames, ...controlNames, ...organicNames, ...factorNames].includes(h)) {
      const others = [
        ['controls', controlNames],
        ['organic variables', organicNames],
        ['factors', factorNames],
      ]
        .filter(([, v]) => v.length)
        .map(([k, v]) => ` and ${k} ${(v as string[]).join(', ')}`)
        .join('');
      throw new ValidationError(`unknown column "${h}": the model has channels ${channelNames.join(', ')}${others}`, { file, column: h });
    }
  }
  for (const c of channelNames) {
    if (!table.header.includes(c)) throw new ValidationError(`missing column for channel "${c}" (every channel of the model needs its planned spend)`, { file, column: c });
  }
  const n = table.rows.length;
  const dates = new Int32Array(n);
  const expectedFirst = model.window.lastDay + 7;
  for (let r = 0; r < n; r++) {
    const raw = table.rows[r][j].trim();
    const d = parseDateToDay(raw);
    if (Number.isNaN(d)) throw new ValidationError(`unparseable date "${raw}" (expected YYYY-MM-DD)`, { file, row: r + 1, column: dateCol });
    const want = expectedFirst + 7 * r;
    if (d !== want) {
      const why =
        r === 0
          ? `the model's data ends with the week of ${model.window.last}, so the plan must start on ${dayToIso(want)}`
          : `weeks must be consecutive: expected ${dayToIso(want)} after ${dayToIso(dates[r - 1])}`;
      throw new ValidationError(`date ${raw} does not follow: ${why}`, { file, row: r + 1, column: dateCol });
    }
    dates[r] = d;
  }
  const col = (name: string, nonNegative: boolean) => {
    const k = table.header.indexOf(name);
    const out = new Float64Array(n);
    for (let r = 0; r < n; r++) {
      const raw = table.rows[r][k].trim();
      const v = raw === '' ? NaN : Number(raw);
      if (!Number.isFinite(v)) throw new ValidationError(`not a number: "${raw}"`, { file, row: r + 1, column: name });
      if (nonNegative && v < 0) throw new ValidationError(`negative spend ${raw}`, { file, row: r + 1, column: name });
      out[r] = v;
    }
    return out;
  };
  const spend: Record<string, Float64Array> = {};
  for (const c of channelNames) spend[c] = col(c, true);
  const controls: Record<string, Float64Array> = {};
  for (const c of controlNames) if (table.header.includes(c)) controls[c] = col(c, false);
  for (const c of organicNames) if (table.header.includes(c)) controls[c] = col(c, true);
  for (const f of factorNames) {
    const k = table.header.indexOf(f);
    if (k < 0) continue;
    const levels = table.rows.map((row) => row[k].trim());
    const known = model.factors!.find((x) => x.name === f)!.levels;
    const bad = levels.findIndex((v) => !known.includes(v));
    if (bad >= 0) throw new ValidationError(`level "${levels[bad]}" was not seen in the fit (levels: ${known.join(', ')})`, { file, row: bad + 1, column: f });
    Object.assign(controls, factorDummies(model, f, levels));
  }
  return { dates, spend, controls };
}

/** A plan that repeats each channel's mean weekly spend over its last `recentWeeks` weeks (the "current plan"). */
export function planFromRecentSpend(model: MmmModel, recentSpend: Record<string, number>, weeks: number, controls: Record<string, Float64Array> = {}): Plan {
  const dates = Int32Array.from({ length: weeks }, (_, i) => model.window.lastDay + 7 * (i + 1));
  const spend: Record<string, Float64Array> = {};
  for (const c of model.channels) spend[c.name] = new Float64Array(weeks).fill(recentSpend[c.name] ?? 0);
  return { dates, spend, controls };
}
