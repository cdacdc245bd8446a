import { describe, expect, it } from 'vitest';
import { estimateTextWidth, legendFor, timeTicks } from '../../src/report/charts.ts';

const label = (t: { label: string }) => t.label;
const iso = (ms: number) => new Date(ms).toISOString().slice(0, 10);

describe('text widths (DejaVu Sans advance widths, measured in Chromium by test/report/measure-text-widths.ts)', () => {
  it('sums the characters\' widths: "Jan" is 0.295 + 0.613 + 0.634 em; non-ASCII counts 1 em; bold is 13% wider', () => {
    expect(estimateTextWidth('Jan', 10)).toBeCloseTo(15.42, 10);
    expect(estimateTextWidth('2024', 11)).toBeCloseTo(4 * 0.636 * 11, 10);
    expect(estimateTextWidth('α', 10)).toBe(10);
    expect(estimateTextWidth('Jan', 10, true)).toBeCloseTo(15.42 * 1.13, 10);
  });
});

describe('legends', () => {
  it('take as many columns as the widest label allows, at most four, and never shorten a label that fits the chart', () => {
    // "Current plan": C 0.698 + u 0.634 + r 0.411 + r 0.411 + e 0.615 + n 0.634 + t 0.392 + space 0.318 + p 0.635 + l 0.278 + a 0.613 + n 0.634
    // = 6.873 em x 11 = 75.6 px + 30 (symbol and gap) = 105.6 per column, 14 px between: floor((340 + 14) / 119.6) = 2
    expect(legendFor(['Current plan', 'Recommended plan'], 340)).toEqual({ title: null, columns: 2, labelLimit: 310 });
    expect((legendFor(['a', 'b', 'c', 'd', 'e', 'f'], 940) as { columns: number }).columns).toBe(4);
    // one label longer than half the chart: one column
    expect((legendFor(['Current plan', 'Most profitable budget = Last unit returns 1.00'], 340) as { columns: number }).columns).toBe(1);
  });
});

describe('time axes', () => {
  it('156 weeks: quarters on the wide chart, half-years on the narrow one; the year on the first tick and in January', () => {
    const wide = timeTicks('2023-01-02', '2025-12-22', 940);
    expect(wide.map(label)).toEqual(['Apr 2023', 'Jul', 'Oct', '2024', 'Apr', 'Jul', 'Oct', '2025', 'Apr', 'Jul', 'Oct']);
    expect(iso(wide[0].value)).toBe('2023-04-01');
    expect(timeTicks('2023-01-02', '2025-12-22', 340).map(label)).toEqual(['Jul 2023', '2024', 'Jul', '2025', 'Jul']);
  });

  it('13 weeks: on the weeks themselves, the year on the first tick and where it changes', () => {
    const wide = timeTicks('2025-12-29', '2026-03-23', 940);
    expect(wide.map(label)).toEqual(['29 Dec 2025', '12 Jan 2026', '26 Jan', '9 Feb', '23 Feb', '9 Mar', '23 Mar']);
    expect(wide.map((t) => iso(t.value))).toEqual(['2025-12-29', '2026-01-12', '2026-01-26', '2026-02-09', '2026-02-23', '2026-03-09', '2026-03-23']);
    expect(timeTicks('2025-12-29', '2026-03-23', 340).map(label)).toEqual(['29 Dec 2025', '26 Jan 2026', '23 Feb', '23 Mar']);
  });

  it('no two labels come closer than the gap, at any width (flush labels at the axis ends)', () => {
    for (const [first, last] of [
      ['2023-01-02', '2024-12-23'],
      ['2015-11-23', '2019-11-11'],
      ['2025-12-29', '2026-03-23'],
      ['2024-01-01', '2024-06-24'],
    ]) {
      for (const width of [200, 300, 340, 500, 720, 940]) {
        const from = Date.parse(`${first}T00:00:00Z`);
        const span = Date.parse(`${last}T00:00:00Z`) - from;
        const ticks = timeTicks(first, last, width);
        expect(ticks.length).toBeGreaterThanOrEqual(2);
        const spans = ticks.map((t) => {
          const x = ((t.value - from) / span) * width;
          const w = estimateTextWidth(t.label, 11);
          return x < 1 ? [x, x + w] : x > width - 1 ? [x - w, x] : [x - w / 2, x + w / 2];
        });
        for (let i = 1; i < spans.length; i++) expect(spans[i][0] - spans[i - 1][1], `${first} ${width} px tick ${i}`).toBeGreaterThanOrEqual(8 - 1e-9);
      }
    }
  });
});
