/**
 * Synthetic weekly data with Robyn's other inputs and a known truth: a
 * categorical events variable and an organic (newsletter) variable added to
 * a table of src/lab/synthetic.ts, with every effect computed here in plain
 * loops (not with the model's transforms), so a recovery test checks the
 * fit against an independent computation.
 */
import { Rng } from '../core/rng.ts';
import type { SyntheticData } from './synthetic.ts';

/** Truth of the added inputs. */
export interface ContextOrganicTruth {
  /** Weekly revenue effect of each events level (0 for the reference "na"). */
  eventEffect: Record<string, number>;
  /** Organic variable: geometric theta, Hill alpha and gamma (k = gamma x max adstocked activity), revenue per unit of saturated activity. */
  organic: { name: string; theta: number; alpha: number; gamma: number; coef: number; contribution: number; effect: Float64Array };
}

/**
 * Adds `events` ("na" most weeks, "event1" about 6 and "event2" about 3 weeks
 * a year at fixed weeks, with effects +10% and -8% of the mean revenue) and
 * `newsletter` (weekly sends, >= 0, pulsed around a seeded level; geometric
 * adstock theta 0.3 then Hill alpha 1.3, gamma 0.6; contribution `organicShare`
 * of the original revenue) to synthetic data. Returns a new data set; the
 * input is not changed.
 */
export function withContextAndOrganic(s: SyntheticData, seed: number, organicShare = 0.06): SyntheticData & { extra: ContextOrganicTruth } {
  const d = s.data;
  const n = d.target.length;
  const rng = new Rng(seed, 31);
  const meanRevenue = d.target.reduce((a, b) => a + b, 0) / n;
  const eventEffect: Record<string, number> = { na: 0, event1: 0.1 * meanRevenue, event2: -0.08 * meanRevenue };
  const events = Array.from({ length: n }, (_, t) => {
    const wk = t % 52;
    if (wk === 10 || wk === 11 || wk === 30 || wk === 31 || wk === 44 || wk === 45) return 'event1';
    if (wk === 5 || wk === 24 || wk === 38) return 'event2';
    return 'na';
  });
  const activity = new Float64Array(n);
  for (let t = 0; t < n; t++) activity[t] = rng.uniform() < 0.3 ? 0 : Math.round(20000 * (0.6 + 0.8 * rng.uniform()) * (rng.uniform() < 0.25 ? 2.5 : 1));
  const theta = 0.3;
  const alpha = 1.3;
  const gamma = 0.6;
  const adstocked = new Float64Array(n);
  let carry = 0;
  for (let t = 0; t < n; t++) adstocked[t] = carry = activity[t] + theta * carry;
  const k = gamma * Math.max(...adstocked);
  const saturated = Array.from(adstocked, (a) => a ** alpha / (a ** alpha + k ** alpha));
  const coef = (organicShare * meanRevenue * n) / saturated.reduce((a, b) => a + b, 0);
  const effect = Float64Array.from(saturated, (v) => coef * v);
  const target = Float64Array.from(d.target, (y, t) => Math.round((y + effect[t] + eventEffect[events[t]]) * 100) / 100);
  return {
    data: { ...d, target, factors: [{ name: 'events', values: events }], organic: [{ name: 'newsletter', values: activity }] },
    truth: s.truth,
    extra: { eventEffect, organic: { name: 'newsletter', theta, alpha, gamma, coef, contribution: effect.reduce((a, b) => a + b, 0), effect } },
  };
}
