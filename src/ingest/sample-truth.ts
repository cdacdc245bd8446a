/**
 * The known truth behind the bundled sample data: a weekly marketing mix,
 * written as pure functions so the generator, the tests and the recovery
 * checks all use one definition.
 *
 * Weekly expected revenue (week index t = 0..W-1, spend x_c[t] per channel):
 *
 *   adstock_c[t] = x_c[t] + theta_c * adstock_c[t-1],   adstock_c[-1] = 0
 *   k_c          = gamma_c * max_t adstock_c[t]
 *   media_c[t]   = beta_c * adstock_c[t]^alpha_c / (adstock_c[t]^alpha_c + k_c^alpha_c)
 *   baseline[t]  = intercept + trend * t
 *                  + season.sin * sin(2 pi t / 52.1775) + season.cos * cos(2 pi t / 52.1775)
 *                  + holidayEffect * holiday[t]
 *                  + priceEffect * (priceIndex[t] - 1)
 *                  + competitorEffect * competitorSpend[t]
 *   expected[t]  = baseline[t] + sum_c media_c[t]
 *
 * The realised revenue of a week is the sum of the generated orders' amounts,
 * which differs from `expected[t]` by the order-level noise; truth.json
 * records both.
 */
import type { Rng } from '../core/rng.ts';

/** One paid channel's true parameters and its spend pattern. */
export interface ChannelTruth {
  name: string;
  kind: 'paid';
  group: 'traditional' | 'digital';
  pattern: 'flighted' | 'always-on' | 'pulsed' | 'steady';
  campaigns: string[];
  /** Mean weekly spend while active, in currency units (scaled by the generator's `scale`). */
  weeklySpend: number;
  theta: number;
  alpha: number;
  gamma: number;
  /** Maximum weekly effect (revenue units) at saturation. */
  beta: number;
  /** Cost per thousand impressions and click-through rate, for the impressions/clicks columns. */
  cpm: number;
  ctr: number;
}

export interface BaselineTruth {
  intercept: number;
  trend: number;
  seasonSin: number;
  seasonCos: number;
  holidayEffect: number;
  priceEffect: number;
  competitorEffect: number;
}

export const SEASON_PERIOD_WEEKS = 52.1775;

/** The six default channels (flighted TV/radio bursts, always-on search, pulsed social, display, affiliate). */
export function defaultChannels(): ChannelTruth[] {
  return [
    { name: 'tv', kind: 'paid', group: 'traditional', pattern: 'flighted', campaigns: ['tv_brand', 'tv_promo'], weeklySpend: 14000, theta: 0.6, alpha: 2.2, gamma: 0.55, beta: 26000, cpm: 12, ctr: 0 },
    { name: 'radio', kind: 'paid', group: 'traditional', pattern: 'flighted', campaigns: ['radio_national'], weeklySpend: 5000, theta: 0.4, alpha: 1.8, gamma: 0.5, beta: 7000, cpm: 6, ctr: 0 },
    {
      name: 'search',
      kind: 'paid',
      group: 'digital',
      pattern: 'always-on',
      campaigns: ['search_brand', 'search_generic'],
      weeklySpend: 8000,
      theta: 0.1,
      alpha: 1.2,
      gamma: 0.6,
      beta: 24000,
      cpm: 40,
      ctr: 0.05,
    },
    {
      name: 'social',
      kind: 'paid',
      group: 'digital',
      pattern: 'pulsed',
      campaigns: ['social_prospecting', 'social_retargeting'],
      weeklySpend: 6000,
      theta: 0.3,
      alpha: 1.5,
      gamma: 0.5,
      beta: 11000,
      cpm: 8,
      ctr: 0.012,
    },
    { name: 'display', kind: 'paid', group: 'digital', pattern: 'steady', campaigns: ['display_programmatic'], weeklySpend: 4000, theta: 0.3, alpha: 1.0, gamma: 0.7, beta: 5000, cpm: 3, ctr: 0.002 },
    { name: 'affiliate', kind: 'paid', group: 'digital', pattern: 'steady', campaigns: ['affiliate_network'], weeklySpend: 3000, theta: 0.05, alpha: 1.0, gamma: 0.8, beta: 6000, cpm: 10, ctr: 0.02 },
  ];
}

/** Default baseline (revenue units per week). */
export function defaultBaseline(): BaselineTruth {
  return { intercept: 40000, trend: 60, seasonSin: 3500, seasonCos: 2500, holidayEffect: 9000, priceEffect: -30000, competitorEffect: -0.4 };
}

/**
 * Weekly spend of one channel for `weeks` weeks, by its pattern:
 * flighted = bursts of 3-6 weeks on and 3-8 weeks off; always-on = every week,
 * with a seasonal swing on a quarterly budget; pulsed = alternating high/low fortnights; steady = slow drift.
 */
export function weeklySpendPattern(ch: ChannelTruth, weeks: number, rng: Rng): Float64Array {
  const out = new Float64Array(weeks);
  if (ch.pattern === 'flighted') {
    let t = rng.int(4);
    while (t < weeks) {
      const on = 3 + rng.int(4);
      const level = ch.weeklySpend * (1.4 + 0.8 * rng.uniform());
      for (let i = 0; i < on && t < weeks; i++, t++) out[t] = level * (0.85 + 0.3 * rng.uniform());
      t += 3 + rng.int(6);
    }
  } else if (ch.pattern === 'always-on') {
    // Follows demand through the year, on a budget that is re-planned every quarter (13 weeks).
    let budget = 1;
    for (let t = 0; t < weeks; t++) {
      if (t % 13 === 0) budget = 0.55 + 0.9 * rng.uniform();
      const season = 1 + 0.25 * Math.sin((2 * Math.PI * (t + 6)) / SEASON_PERIOD_WEEKS);
      out[t] = ch.weeklySpend * budget * season * (0.8 + 0.4 * rng.uniform());
    }
  } else if (ch.pattern === 'pulsed') {
    for (let t = 0; t < weeks; t++) {
      const high = Math.floor(t / 2) % 2 === 0;
      out[t] = ch.weeklySpend * (high ? 1.6 : 0.35) * (0.8 + 0.4 * rng.uniform());
    }
  } else {
    let level = 1;
    for (let t = 0; t < weeks; t++) {
      level = Math.min(1.6, Math.max(0.5, level + 0.06 * rng.normal()));
      out[t] = ch.weeklySpend * level * (0.85 + 0.3 * rng.uniform());
    }
  }
  return out;
}

/** Geometric adstock d[t] = x[t] + theta * d[t-1] with d[-1] = 0. */
export function truthAdstock(x: ArrayLike<number>, theta: number): Float64Array {
  const d = new Float64Array(x.length);
  let prev = 0;
  for (let t = 0; t < x.length; t++) {
    prev = x[t] + theta * prev;
    d[t] = prev;
  }
  return d;
}

/** Weekly media effect of one channel: beta * hill(adstock(x), alpha, k = gamma * max adstock). */
export function truthMediaEffect(ch: Pick<ChannelTruth, 'theta' | 'alpha' | 'gamma' | 'beta'>, spend: ArrayLike<number>): { effect: Float64Array; k: number } {
  const a = truthAdstock(spend, ch.theta);
  let max = 0;
  for (let t = 0; t < a.length; t++) if (a[t] > max) max = a[t];
  const k = ch.gamma * max;
  const effect = new Float64Array(a.length);
  if (k > 0) {
    const ka = k ** ch.alpha;
    for (let t = 0; t < a.length; t++) {
      const xa = a[t] ** ch.alpha;
      effect[t] = (ch.beta * xa) / (xa + ka);
    }
  }
  return { effect, k };
}

/** Baseline revenue of week t. */
export function truthBaseline(b: BaselineTruth, t: number, holiday: number, priceIndex: number, competitorSpend: number): number {
  const w = (2 * Math.PI * t) / SEASON_PERIOD_WEEKS;
  return b.intercept + b.trend * t + b.seasonSin * Math.sin(w) + b.seasonCos * Math.cos(w) + b.holidayEffect * holiday + b.priceEffect * (priceIndex - 1) + b.competitorEffect * competitorSpend;
}
