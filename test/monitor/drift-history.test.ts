import { beforeAll, describe, expect, it } from 'vitest';
import { dayToIso } from '../../src/core/csv.ts';
import { fitMmm } from '../../src/mmm/index.ts';
import type { MmmModel, WeeklyData } from '../../src/mmm/types.ts';
import { decideRefit, newWeekInputs } from '../../src/monitor/drift.ts';

// Loose thresholds: only history and controls can cause a refit here.
const TH = { errorBandSigma: 50, recentWeeks: 4, spendRangeTolerance: 10, maxModelAgeWeeks: 52 };
const WEEKS = 84;
const FIT_WEEKS = 80;
const DAY0 = Date.UTC(2023, 0, 2) / 86400000; // a Monday

/** A seeded linear-congruential uniform in [0, 1) (Numerical Recipes constants), independent of src/core/rng. */
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32;
}

/** Two channels, a price control and an all-zero holiday flag; revenue linear in spend plus seasonality and noise. */
function table(): WeeklyData {
  const u = lcg(7);
  const tv = Float64Array.from({ length: WEEKS }, (_, t) => 2000 + 1500 * Math.sin(t / 5) ** 2 + 200 * u());
  const search = Float64Array.from({ length: WEEKS }, (_, t) => 800 + (600 * ((t * 7) % 11)) / 11 + 100 * u());
  const price = Float64Array.from({ length: WEEKS }, (_, t) => 1 + 0.05 * Math.cos(t / 3));
  const revenue = Float64Array.from({ length: WEEKS }, (_, t) => 20000 + 1.5 * tv[t] + 2.5 * search[t] + 800 * Math.sin((2 * Math.PI * t) / 52) - 4000 * (price[t] - 1) + 150 * (u() - 0.5));
  return {
    dates: Int32Array.from({ length: WEEKS }, (_, t) => DAY0 + 7 * t),
    targetName: 'revenue',
    target: revenue,
    channels: [
      { name: 'tv_S', values: tv },
      { name: 'search_S', values: search },
    ],
    controls: [
      { name: 'price', values: price },
      { name: 'holiday', values: new Float64Array(WEEKS) },
    ],
  };
}

/** The first `n` weeks of a table (a fresh copy). */
function head(d: WeeklyData, n: number): WeeklyData {
  return {
    ...d,
    dates: d.dates.slice(0, n),
    target: d.target.slice(0, n),
    channels: d.channels.map((c) => ({ name: c.name, values: c.values.slice(0, n) })),
    controls: d.controls.map((c) => ({ name: c.name, values: c.values.slice(0, n) })),
  };
}

let full: WeeklyData;
let fitted: WeeklyData;
let model: MmmModel;
beforeAll(async () => {
  full = table();
  fitted = head(full, FIT_WEEKS);
  model = (await fitMmm(fitted, { trials: 1, iterations: 120, bootstrap: 0, threads: 1, seed: 3 })).model;
});

describe('drift: restated history of spend and controls', () => {
  it('reuses the model when nothing before the new weeks changed', () => {
    const d = decideRefit(model, full, fitted, TH);
    expect(d.reasons.join('; ')).not.toMatch(/history restated|controls changed/);
    expect(d.newWeeks).toBe(WEEKS - FIT_WEEKS);
  });

  it('refits when past spend of a channel is restated, naming the column, the first week and how many weeks moved', () => {
    const now = head(full, WEEKS);
    const tv = now.channels[0].values;
    const before = [tv[30], tv[31]];
    tv[30] *= 1.5;
    tv[31] *= 1.5;
    const d = decideRefit(model, now, fitted, TH);
    expect(d.decision).toBe('refit');
    expect(d.reasons).toEqual([
      `history restated: tv_S of the week of ${dayToIso(DAY0 + 7 * 30)} was ${before[0].toFixed(2)} when the model was fitted and is ${(before[0] * 1.5).toFixed(2)} now (2 weeks changed)`,
    ]);
    expect(before[1]).toBeGreaterThan(0);
  });

  it('refits when a past control value is restated, and lists every restated column', () => {
    const now = head(full, WEEKS);
    now.controls[0].values[12] = 1.2;
    now.target[40] += 5000;
    const d = decideRefit(model, now, fitted, TH);
    expect(d.decision).toBe('refit');
    expect(d.reasons).toEqual([
      `history restated: revenue of the week of ${dayToIso(DAY0 + 7 * 40)} was ${full.target[40].toFixed(2)} when the model was fitted and is ${(full.target[40] + 5000).toFixed(2)} now`,
      `history restated: price of the week of ${dayToIso(DAY0 + 7 * 12)} was ${full.controls[0].values[12].toFixed(2)} when the model was fitted and is 1.20 now`,
    ]);
  });

  it('ignores a change within 0.5% (CSV rounding), and compares only the weeks both tables hold', () => {
    const now = head(full, WEEKS);
    now.channels[1].values[20] *= 1.004;
    expect(decideRefit(model, now, fitted, TH).reasons.join('; ')).not.toMatch(/history restated/);
    // A fitted table with fewer weeks than the data (the data gained weeks at the end) is compared on its own weeks.
    expect(decideRefit(model, now, head(fitted, 60), TH).reasons.join('; ')).not.toMatch(/history restated/);
  });

  it('still takes the target values alone for fits made before the input table was kept', () => {
    const now = head(full, WEEKS);
    now.target[5] *= 1.1;
    const d = decideRefit(model, now, Array.from(fitted.target), TH);
    expect(d.reasons).toEqual([
      `history restated: revenue of the week of ${dayToIso(DAY0 + 35)} was ${full.target[5].toFixed(2)} when the model was fitted and is ${(full.target[5] * 1.1).toFixed(2)} now`,
    ]);
  });
});

describe('drift: a control the fit dropped because it never varies', () => {
  it('is not a change of controls while it stays constant (the all-zero holiday column does not refit every week)', () => {
    expect(model.baseline.some((b) => b.name === 'holiday')).toBe(false);
    expect(model.baseline.some((b) => b.name === 'price')).toBe(true);
    const d = decideRefit(model, full, fitted, TH);
    expect(d.decision).toBe('reuse');
  });

  it('refits once it varies in a new week, saying why', () => {
    const now = head(full, WEEKS);
    now.controls[1].values[WEEKS - 1] = 1;
    const d = decideRefit(model, now, fitted, TH);
    expect(d).toMatchObject({ decision: 'refit', reasons: ["controls changed: holiday was constant over the model's weeks and varies since (it can now be fitted)"] });
  });

  it('refits when a control of the model is gone from the data', () => {
    const now = head(full, WEEKS);
    now.controls = now.controls.filter((c) => c.name !== 'price');
    expect(decideRefit(model, now, fitted, TH).reasons).toEqual(['controls changed: the model has price, which the data no longer has']);
  });

  it('refits for a varying control the model never had', () => {
    const now = head(full, WEEKS);
    now.controls.push({ name: 'competitor', values: Float64Array.from({ length: WEEKS }, (_, t) => t % 3) });
    expect(decideRefit(model, now, fitted, TH).reasons).toEqual(['controls changed: competitor is in the data but not in the model']);
  });
});

describe('drift: the new weeks are predicted from their own organic activity and factor levels', () => {
  /** The fitted model with a factor `events` (levels na, event1; one 0/1 term for event1), as the MMM with factors writes it. */
  const withFactor = (): MmmModel =>
    ({
      ...model,
      baseline: [...model.baseline, { kind: 'factor', name: 'events_event1', factor: 'events', level: 'event1', coef: 0 }],
      factors: [{ name: 'events', levels: ['na', 'event1'] }],
    }) as unknown as MmmModel;
  const withExtras = (events: string[]) => ({
    ...head(full, WEEKS),
    factors: [{ name: 'events', values: events }],
    organic: [{ name: 'newsletter', values: Float64Array.from({ length: WEEKS }, (_, t) => 100 + t) }],
  });

  it('hands the prediction every control and organic series and each factor level as its 0/1 term, for the new weeks only', () => {
    const events = Array.from({ length: WEEKS }, (_, t) => (t === 81 || t === 10 ? 'event1' : 'na'));
    const inputs = newWeekInputs(withFactor(), withExtras(events), FIT_WEEKS);
    expect(inputs).toEqual({
      price: full.controls[0].values.slice(FIT_WEEKS),
      holiday: new Float64Array(WEEKS - FIT_WEEKS),
      newsletter: Float64Array.from([180, 181, 182, 183]),
      events_event1: Float64Array.from([0, 1, 0, 0]),
    });
  });

  it('refits when a factor takes a level the model never saw', () => {
    const events = Array.from({ length: WEEKS }, (_, t) => (t === 82 ? 'event3' : 'na'));
    expect(decideRefit(withFactor(), withExtras(events) as WeeklyData, fitted, TH)).toMatchObject({
      decision: 'refit',
      reasons: [`factor events has a level the model never saw: "event3" in the week of ${dayToIso(DAY0 + 7 * 82)}`],
    });
    // An old model says so too, beside the new level.
    expect(decideRefit(withFactor(), withExtras(events) as WeeklyData, fitted, { ...TH, maxModelAgeWeeks: 2 }).reasons).toEqual([
      `factor events has a level the model never saw: "event3" in the week of ${dayToIso(DAY0 + 7 * 82)}`,
      `the model is ${WEEKS - FIT_WEEKS} weeks old (limit 2)`,
    ]);
  });
});
