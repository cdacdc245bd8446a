import { describe, expect, it } from 'vitest';
import { seasonalHeldControls } from '../../src/simulate/held-controls.ts';

const weeks = (n: number) => Int32Array.from({ length: n }, (_, i) => 19359 + 7 * i); // from 2023-01-02

describe('seasonalHeldControls', () => {
  it("warns for a control that repeats with the year, showing last year's same weeks, and not for a drifting one", () => {
    const n = 156;
    const seasonal = Float64Array.from({ length: n }, (_, i) => 100 + 40 * Math.sin((2 * Math.PI * i) / 52));
    const drifting = Float64Array.from({ length: n }, (_, i) => 100 + 0.1 * i);
    const held = (v: Float64Array) => v.slice(n - 13).reduce((s, x) => s + x, 0) / 13;
    const out = seasonalHeldControls(
      weeks(n),
      [
        { name: 'competitor_sales', values: seasonal, held: held(seasonal) },
        { name: 'price', values: drifting, held: held(drifting) },
      ],
      4,
    );
    expect(out.map((w) => w.control)).toEqual(['competitor_sales']);
    // The forecast's first week is data week 156, so last year's is week 104 (2024-12-30), where sin(2 pi 104/52) = 0 -> 100.
    expect(out[0].lastYear[0].date).toBe('2024-12-30');
    expect(out[0].lastYear[0].value).toBeCloseTo(100, 9);
    expect(out[0].lastYear.map((w) => w.date)).toEqual(['2024-12-30', '2025-01-06', '2025-01-13', '2025-01-20']);
    expect(out[0].message).toMatch(/^competitor_sales is held at its recent mean \d+ in the forecast, but it moves with the season; the same weeks last year were 2024-12-30 100, 2025-01-06 105, /);
  });

  it("says nothing without a year of history before the horizon, or when the held value is last year's", () => {
    const short = Float64Array.from({ length: 60 }, (_, i) => Math.sin((2 * Math.PI * i) / 52));
    expect(seasonalHeldControls(weeks(60), [{ name: 'x', values: short, held: 0 }], 13)).toEqual([]);
    const flat = Float64Array.from({ length: 156 }, (_, i) => 100 + (i % 52 < 26 ? 1 : -1));
    // Noise around a level: last year's week forecasts worse than the recent mean.
    let seed = 7;
    const noise = Float64Array.from({ length: 156 }, () => 100 + ((seed = (seed * 16807) % 2147483647) / 2147483647 - 0.5) * 40);
    expect(seasonalHeldControls(weeks(156), [{ name: 'x', values: noise, held: 100 }], 13)).toEqual([]);
    // Seasonal, but within 10% of the held value in every week.
    expect(seasonalHeldControls(weeks(156), [{ name: 'x', values: flat, held: 100 }], 13)).toEqual([]);
  });
});
