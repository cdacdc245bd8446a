/**
 * Carrying a model in use forward over weeks observed after its data window.
 * When the drift stage keeps a model, the newest weeks are real but were not
 * fitted: forecasts must start after them, with the adstock those weeks'
 * actual spend built up, and controls held at their newest levels.
 */
import { dayToIso } from '../core/csv.ts';
import { adstockSeries } from '../mmm/predict.ts';
import type { BootstrapDraw, ChannelResponse, MmmModel, WeeklyData } from '../mmm/types.ts';

function rollChannel<T extends ChannelResponse>(ch: T, spend: Float64Array): T {
  const a = adstockSeries(ch.adstock, spend, ch.carry);
  const keep = ch.adstock.kind === 'geometric' ? Math.max(ch.carry.recentSpend.length, 1) : ch.adstock.windowLength;
  const recentSpend = [...ch.carry.recentSpend, ...spend].slice(-keep);
  return { ...ch, carry: { lastAdstock: a[a.length - 1], recentSpend } };
}

/**
 * The model and its draws carried forward to the last week of `data`: each
 * channel's adstock state runs through the new weeks' actual spend, the window
 * ends at the newest week (`window.rolledForwardWeeks` says how many weeks past
 * the fit), and controls' recent levels are recomputed over the newest 13
 * weeks. Coefficients and transforms are unchanged. Returns the inputs when
 * there is no new week.
 * @throws RangeError when `data` does not contain the model's last week
 */
export function rollForward(model: MmmModel, draws: BootstrapDraw[], data: WeeklyData): { model: MmmModel; draws: BootstrapDraw[]; weeks: number } {
  const end = data.dates.indexOf(model.window.lastDay);
  if (end < 0) throw new RangeError(`rollForward: the data do not contain the model's last week ${model.window.last}`);
  const n = data.dates.length - 1 - end;
  if (n === 0) return { model, draws, weeks: 0 };
  const spend = new Map(data.channels.map((c) => [c.name, c.values.slice(end + 1)]));
  const roll = <T extends ChannelResponse>(ch: T): T => {
    const s = spend.get(ch.name);
    if (!s) throw new RangeError(`rollForward: the data have no spend for channel ${ch.name}`);
    return rollChannel(ch, s);
  };
  const from = Math.max(0, data.dates.length - 13);
  const baseline = model.baseline.map((b) => {
    const c = data.controls.find((x) => x.name === b.name);
    if (!c || b.recentMean === undefined) return b;
    let sum = 0;
    for (let t = from; t < c.values.length; t++) sum += c.values[t];
    return { ...b, recentMean: sum / (c.values.length - from) };
  });
  const lastDay = data.dates[data.dates.length - 1];
  const rolled: MmmModel = {
    ...model,
    baseline,
    channels: model.channels.map((c) => roll(c)),
    window: { ...model.window, last: dayToIso(lastDay), lastDay, rolledForwardWeeks: n } as MmmModel['window'],
  };
  const rolledDraws = draws.map((d) => ({ ...d, channels: d.channels.map((c, j) => roll({ ...c, name: model.channels[j].name })) }));
  return { model: rolled, draws: rolledDraws, weeks: n };
}
