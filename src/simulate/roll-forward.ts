/**
 * Carrying a model in use forward over weeks observed after its data window.
 * When the drift stage keeps a model, the newest weeks are real but were not
 * fitted: forecasts must start after them, with the adstock those weeks'
 * actual spend built up, and controls held at their newest levels.
 */
import { dayToIso } from '../core/csv.ts';
import { adstockSeries, adstockWeights } from '../mmm/predict.ts';
import type { BootstrapDraw, ChannelResponse, MmmModel, WeeklyData } from '../mmm/types.ts';

function rollChannel<T extends ChannelResponse>(ch: T, spend: Float64Array): T {
  const a = adstockSeries(ch.adstock, spend, ch.carry);
  const keep = ch.adstock.kind === 'geometric' ? Math.max(ch.carry.recentSpend.length, 1) : (adstockWeights(ch.adstock) as Float64Array).length;
  const recentSpend = [...ch.carry.recentSpend, ...spend].slice(-keep);
  return { ...ch, carry: { lastAdstock: a[a.length - 1], recentSpend } };
}

/** Mean of the last 13 values of a series (the forecasts' default level). */
function recentMean(values: ArrayLike<number>): number {
  const from = Math.max(0, values.length - 13);
  let sum = 0;
  for (let t = from; t < values.length; t++) sum += values[t];
  return sum / (values.length - from);
}

/**
 * The model and its draws carried forward to the last week of `data`: each
 * channel's and organic variable's adstock state runs through the new weeks'
 * actual spend or activity, the window ends at the newest week
 * (`window.rolledForwardWeeks` says how many weeks past the fit), and the
 * recent levels of controls and organic variables are recomputed over the
 * newest 13 weeks. Coefficients and transforms are unchanged. Returns the
 * inputs when there is no new week.
 * @throws RangeError when `data` does not contain the model's last week, or lacks a channel or organic variable of the model
 */
export function rollForward(model: MmmModel, draws: BootstrapDraw[], data: WeeklyData): { model: MmmModel; draws: BootstrapDraw[]; weeks: number } {
  const end = data.dates.indexOf(model.window.lastDay);
  if (end < 0) throw new RangeError(`rollForward: the data do not contain the model's last week ${model.window.last}`);
  const n = data.dates.length - 1 - end;
  if (n === 0) return { model, draws, weeks: 0 };
  const series = new Map([...data.channels, ...(data.organic ?? [])].map((c) => [c.name, c.values]));
  const roll = <T extends ChannelResponse>(ch: T): T => {
    const s = series.get(ch.name);
    if (!s) throw new RangeError(`rollForward: the data have no series for ${ch.name}`);
    return rollChannel(ch, s.slice(end + 1));
  };
  const baseline = model.baseline.map((b) => {
    const c = data.controls.find((x) => x.name === b.name);
    return c && b.recentMean !== undefined ? { ...b, recentMean: recentMean(c.values) } : b;
  });
  const lastDay = data.dates[data.dates.length - 1];
  const rolled: MmmModel = {
    ...model,
    baseline,
    channels: model.channels.map((c) => roll(c)),
    window: { ...model.window, last: dayToIso(lastDay), lastDay, rolledForwardWeeks: n } as MmmModel['window'],
  };
  if (model.organic) rolled.organic = model.organic.map((c) => ({ ...roll(c), recentMean: recentMean(series.get(c.name) as Float64Array) }));
  const rolledDraws = draws.map((d) => {
    const r: BootstrapDraw = { ...d, channels: d.channels.map((c, j) => roll({ ...c, name: model.channels[j].name })) };
    if (d.organic && model.organic) r.organic = d.organic.map((c, j) => roll({ ...c, name: model.organic![j].name }));
    return r;
  });
  return { model: rolled, draws: rolledDraws, weeks: n };
}
