/**
 * Seeded synthetic weekly data with a known truth, for recovery tests and the
 * recovery table: media effects made with geometric adstock and Hill
 * saturation (k = gamma * max adstocked spend, our model's convention) on top
 * of an intercept, linear trend, yearly seasonality, a price index, competitor
 * spend and holiday bumps, plus Gaussian noise.
 */
import { Rng } from '../core/rng.ts';
import { parseDateToDay } from '../core/csv.ts';
import { geometricAdstock, hillSaturation } from '../mmm/transforms.ts';
import type { WeeklyData } from '../mmm/types.ts';

/** Truth of one synthetic channel. */
export interface SyntheticChannelTruth {
  name: string;
  theta: number;
  alpha: number;
  gamma: number;
  /** Revenue per unit of saturated media. */
  coef: number;
  spend: number;
  contribution: number;
  contributionShare: number;
  roas: number;
  /** Weekly effect. */
  effect: Float64Array;
}

/** Options of {@link generateWeeklyData}. */
export interface SyntheticOptions {
  seed: number;
  /** Weeks (default 156). */
  weeks?: number;
  /** Channels, 1..6 (default 5). */
  channels?: number;
  /** Noise sd as a fraction of mean weekly revenue (default 0.02). */
  noise?: number;
  /** First week start (default 2021-01-04, a Monday). */
  start?: string;
  /** Media share of revenue to aim at (default 0.3). */
  mediaShare?: number;
}

/** Synthetic data and its truth. */
export interface SyntheticData {
  data: WeeklyData;
  truth: { channels: SyntheticChannelTruth[]; totalContribution: number; noiseSd: number; baseline: Float64Array };
}

const ARCHETYPES = [
  { name: 'tv_spend', theta: [0.5, 0.75], alpha: [1.5, 2.5], gamma: [0.4, 0.7], level: 30000, flight: 0.35, roas: [1.2, 2.5] },
  { name: 'search_spend', theta: [0.0, 0.2], alpha: [0.8, 1.4], gamma: [0.4, 0.8], level: 15000, flight: 0.0, roas: [2.0, 4.0] },
  { name: 'social_spend', theta: [0.1, 0.4], alpha: [1.0, 2.0], gamma: [0.4, 0.8], level: 12000, flight: 0.15, roas: [1.0, 2.5] },
  { name: 'display_spend', theta: [0.1, 0.3], alpha: [0.8, 1.6], gamma: [0.5, 0.9], level: 8000, flight: 0.2, roas: [0.6, 1.5] },
  { name: 'radio_spend', theta: [0.2, 0.5], alpha: [1.2, 2.2], gamma: [0.4, 0.7], level: 6000, flight: 0.4, roas: [0.8, 2.0] },
  { name: 'print_spend', theta: [0.1, 0.4], alpha: [1.0, 2.0], gamma: [0.4, 0.8], level: 4000, flight: 0.5, roas: [0.5, 1.5] },
] as const;

const between = (rng: Rng, r: readonly [number, number]): number => r[0] + (r[1] - r[0]) * rng.uniform();

/**
 * Generates a weekly table (date, revenue, one `<channel>_spend` column per
 * channel, price_index, competitor_spend, holiday) from a known truth. The
 * channel mix, spend patterns (level, flighting, seasonality, noise) and true
 * parameters depend on the seed; ROAS targets are set first and the
 * coefficients solved from them, so the truth's ROAS is exact.
 * @throws RangeError for channels outside 1..6 or fewer than 20 weeks
 */
export function generateWeeklyData(opts: SyntheticOptions): SyntheticData {
  const n = opts.weeks ?? 156;
  const nc = opts.channels ?? 5;
  const noise = opts.noise ?? 0.02;
  if (!(nc >= 1 && nc <= ARCHETYPES.length)) throw new RangeError(`generateWeeklyData: channels must be 1..${ARCHETYPES.length}, got ${nc}`);
  if (!(n >= 20)) throw new RangeError(`generateWeeklyData: weeks must be >= 20, got ${n}`);
  const rng = new Rng(opts.seed, 7);
  const start = parseDateToDay(opts.start ?? '2021-01-04');
  const dates = Int32Array.from({ length: n }, (_, t) => start + 7 * t);
  // Channel mix: TV and search always, then a seeded choice of the others.
  const others = rng.shuffle([2, 3, 4, 5]);
  const picks = [0, 1, ...others].slice(0, nc).sort((a, b) => a - b);
  const baseLevel = 200000;
  const channels: SyntheticChannelTruth[] = [];
  const spendSeries: Float64Array[] = [];
  const raw: { sat: Float64Array; roas: number; arche: (typeof ARCHETYPES)[number] }[] = [];
  for (const k of picks) {
    const a = ARCHETYPES[k];
    const level = a.level * (0.7 + 0.6 * rng.uniform());
    const x = new Float64Array(n);
    let on = true;
    let ar = 0;
    for (let t = 0; t < n; t++) {
      if (a.flight > 0 && rng.uniform() < a.flight / 2.5) on = !on;
      ar = 0.85 * ar + 0.3 * rng.normal();
      const season = 1 + 0.25 * Math.sin((2 * Math.PI * (t + 8 * k)) / 52.18);
      // Budget level drifts over an order of magnitude (slow AR(1) on the log scale), so every
      // channel, always-on ones included, is seen at low and high spend: without that the
      // curve near zero, hence ROAS, is not identified by any method (Chan & Perry 2017).
      const v = on || a.flight === 0 ? level * season * Math.exp(ar) * (0.7 + 0.6 * rng.uniform()) : 0;
      x[t] = Math.round(v * 100) / 100;
    }
    const theta = between(rng, a.theta);
    const alpha = between(rng, a.alpha);
    const gamma = between(rng, a.gamma);
    const sat = hillSaturation(geometricAdstock(x, theta), alpha, gamma);
    const roas = between(rng, a.roas);
    spendSeries.push(x);
    raw.push({ sat, roas, arche: a });
    channels.push({ name: a.name, theta, alpha, gamma, coef: 0, spend: x.reduce((s, v) => s + v, 0), contribution: 0, contributionShare: 0, roas, effect: new Float64Array(n) });
  }
  // Scale ROAS so media is about `mediaShare` of revenue.
  const targetMedia = ((opts.mediaShare ?? 0.3) / (1 - (opts.mediaShare ?? 0.3))) * baseLevel * n;
  const rawMedia = channels.reduce((s, c) => s + c.roas * c.spend, 0);
  const scale = targetMedia / rawMedia;
  let totalContribution = 0;
  channels.forEach((c, j) => {
    c.roas *= scale;
    c.contribution = c.roas * c.spend;
    const satSum = raw[j].sat.reduce((s, v) => s + v, 0);
    c.coef = c.contribution / satSum;
    for (let t = 0; t < n; t++) c.effect[t] = c.coef * raw[j].sat[t];
    totalContribution += c.contribution;
  });
  channels.forEach((c) => (c.contributionShare = c.contribution / totalContribution));
  // Baseline and controls.
  const price = new Float64Array(n);
  const competitor = new Float64Array(n);
  const holiday = new Float64Array(n);
  let pr = 0;
  for (let t = 0; t < n; t++) {
    pr = 0.8 * pr + 0.01 * rng.normal();
    price[t] = Math.round((1 + pr) * 1000) / 1000;
    competitor[t] = Math.round(20000 * (1 + 0.3 * Math.sin((2 * Math.PI * t) / 26 + 1)) * (0.7 + 0.6 * rng.uniform()));
    const wk = t % 52;
    holiday[t] = wk === 47 || wk === 51 || wk === 21 ? 1 : 0;
  }
  const trendSlope = baseLevel * (0.0005 + 0.001 * rng.uniform());
  const seasonAmp = 0.08 * baseLevel;
  const baseline = new Float64Array(n);
  for (let t = 0; t < n; t++) {
    baseline[t] =
      baseLevel +
      trendSlope * t +
      seasonAmp * Math.sin((2 * Math.PI * t) / 52.18) +
      0.4 * seasonAmp * Math.cos((4 * Math.PI * t) / 52.18) -
      0.8 * baseLevel * (price[t] - 1) -
      0.4 * (competitor[t] - 20000) +
      0.12 * baseLevel * holiday[t];
  }
  let meanRevenue = 0;
  const target = new Float64Array(n);
  for (let t = 0; t < n; t++) {
    target[t] = baseline[t];
    for (const c of channels) target[t] += c.effect[t];
    meanRevenue += target[t] / n;
  }
  const noiseSd = noise * meanRevenue;
  for (let t = 0; t < n; t++) target[t] = Math.round((target[t] + noiseSd * rng.normal()) * 100) / 100;
  const data: WeeklyData = {
    dateName: 'date',
    dates,
    targetName: 'revenue',
    target,
    channels: channels.map((c, j) => ({ name: c.name, values: spendSeries[j] })),
    controls: [
      { name: 'price_index', values: price },
      { name: 'competitor_spend', values: competitor },
      { name: 'holiday', values: holiday },
    ],
  };
  return { data, truth: { channels, totalContribution, noiseSd, baseline } };
}

/** CSV text of a synthetic table (header: date, revenue, channels..., controls...). */
export function weeklyDataToCsvRows(data: WeeklyData): { header: string[]; rows: (string | number)[][] } {
  const header = [data.dateName ?? 'date', data.targetName, ...data.channels.map((c) => c.name), ...data.controls.map((c) => c.name)];
  const rows: (string | number)[][] = [];
  for (let t = 0; t < data.target.length; t++) {
    rows.push([new Date(data.dates[t] * 86400000).toISOString().slice(0, 10), data.target[t], ...data.channels.map((c) => c.values[t]), ...data.controls.map((c) => c.values[t])]);
  }
  return { header, rows };
}
