import { describe, expect, it } from 'vitest';
import { weibullWeights } from '../../src/mmm/transforms.ts';
import { adstockSummary, assembleReportData, decompositionLayers, halfLifeFromDecay, headline, niceCeil, PLANNER_DRAWS } from '../../src/report/index.ts';
import type { ReportData } from '../../src/report/index.ts';
import type { PlanFigures, Scenario } from '../../src/optimise/index.ts';
import { artifactsFixture, CHANNELS } from './fixture.ts';

describe('assembleReportData', () => {
  it('puts money per week: channel spend and contribution are the model totals over its weeks', async () => {
    const a = await artifactsFixture();
    const d = assembleReportData(a);
    const model = a.mmm.status === 'ok' ? a.mmm.data.model : null;
    d.model!.channels.forEach((c, i) => {
      expect(c.spend).toBeCloseTo(model!.channels[i].spend / 104, 9);
      expect(c.spend).toBeCloseTo(CHANNELS[i].spend, 9);
    });
  });

  it('the decomposition layers add up to the fitted revenue every week (baseline, controls, channels)', async () => {
    const a = await artifactsFixture(3);
    if (a.mmm.status !== 'ok') throw new Error('fixture');
    const layers = decompositionLayers(a.mmm.data.model, a.mmm.data.decomposition);
    expect(layers.map((l) => l.kind)).toEqual(['baseline', 'controls', 'channel', 'channel', 'channel']);
    a.mmm.data.decomposition.rows.forEach((r, t) => {
      const fitted = Number(r[2]);
      expect(layers.reduce((s, l) => s + l.values[t], 0)).toBeCloseTo(fitted, 6);
    });
  });

  it('aggregate columns (baseline, media) and organic variables are not double counted', () => {
    const model = { channels: [{ name: 'tv' }], organic: [{ name: 'newsletter' }] } as never;
    const csv = { header: ['date', 'actual', 'fitted', 'intercept', 'trend', 'baseline', 'price', 'newsletter', 'tv'], rows: [['2024-01-01', '10', '9', '3', '1', '5', '1', '2', '2']] };
    const layers = decompositionLayers(model, csv);
    expect(layers.map((l) => [l.name, l.values[0]])).toEqual([['Baseline', 4], ['Controls and events', 1], ['Organic', 2], ['tv', 2]]);
  });

  it('hands the planner at most PLANNER_DRAWS evenly spaced draws, deterministically', async () => {
    const a = await artifactsFixture();
    if (a.optimise.status !== 'ok') throw new Error('fixture');
    const many = Array.from({ length: 1000 }, (_, i) => ({ tv: { type: 'log' as const, beta: i + 1, s: 1 } }));
    const d = assembleReportData({ ...a, optimise: { ...a.optimise, data: { ...a.optimise.data, curveDraws: many } } });
    expect(d.planner!.draws).toHaveLength(PLANNER_DRAWS);
    // draw floor(i * 1000 / 200) = 5 i
    expect(d.planner!.draws.slice(0, 3).map((x) => (x.tv as { beta: number }).beta)).toEqual([1, 6, 11]);
  });

  it('slider ends are 1, 2 or 5 times a power of ten', () => {
    expect([0.7, 1, 1.2, 3, 7.5, 19000, 51000].map(niceCeil)).toEqual([1, 1, 2, 5, 10, 20000, 100000]);
  });
});

describe('carry-over', () => {
  it('geometric half-life is ln(0.5) / ln(theta): theta 0.5 -> 1 week, 0.75 -> 2.41 weeks', () => {
    expect(adstockSummary({ kind: 'geometric', theta: 0.5, normalised: false }).halfLifeWeeks).toBeCloseTo(1, 12);
    expect(adstockSummary({ kind: 'geometric', theta: 0.75, normalised: false }).halfLifeWeeks).toBeCloseTo(2.4094208396532095, 12);
    expect(adstockSummary({ kind: 'geometric', theta: 0, normalised: false }).halfLifeWeeks).toBeNull();
  });

  it('read off a decay curve: linear between weeks, after the peak', () => {
    expect(halfLifeFromDecay([1, 0.6, 0.36])).toBeCloseTo(1 + 0.1 / 0.24, 12);
    // delayed peak at week 2 (value 4): half is 2, reached between weeks 3 (3) and 4 (1) at 3.5
    expect(halfLifeFromDecay([1, 3, 4, 3, 1])).toBeCloseTo(3.5, 12);
    expect(halfLifeFromDecay([1, 0.9, 0.8])).toBeNull();
  });

  it('Weibull PDF: decay relative to its peak, half-life from the weights', () => {
    const w = weibullWeights('pdf', 2, 0.1, 60);
    const s = adstockSummary({ kind: 'weibull_pdf', shape: 2, scale: 0.1, windowLength: 60 });
    const peak = Math.max(...w);
    expect(s.decay[0]).toBeCloseTo(w[0] / peak, 12);
    expect(Math.max(...s.decay)).toBe(1);
    expect(s.halfLifeWeeks).toBeCloseTo(halfLifeFromDecay(Array.from(w))!, 12);
  });
});

/** Report data with only the scenarios the headline reads. */
function withScenarios(plans: Record<string, Pick<PlanFigures, 'spend' | 'revenue'>>, margin = 0.5, baseline: number | null = 1000): ReportData {
  const scenario = (id: Scenario['id']): Scenario => ({ id, label: id, question: '', status: 'ok', note: null, target: null, problem: null, binding: [], plan: { ...plans[id], allocation: {}, profit: margin * plans[id].revenue - plans[id].spend, roas: null, marginalRoi: {}, marginalRoas: null, atBound: {}, bands: null } });
  return {
    margin,
    expectedBaseline: baseline,
    scenarios: { margin, breakEvenRoi: 1 / margin, channels: [], scenarios: (['current', 'resplit', 'profit'] as const).map(scenario), sweep: [], draws: 0, warnings: [] },
    sections: { plan: { status: 'ok', reason: null } },
  } as unknown as ReportData;
}

describe('the headline', () => {
  it('cut: by how much, the return of the cut money against break-even, total revenue and profit (worked by hand)', () => {
    // current 100 -> 300 media revenue; re-split at 100 -> 320; profit plan at 80 -> 300. Baseline 1000, margin 0.5.
    // cut 20%: the last 20 returned (320 - 300) / 20 = 1.00 < 2; revenue 1300 -> 1300 (0.0%); profit 550 -> 570 (+3.6%)
    const d = withScenarios({ current: { spend: 100, revenue: 300 }, resplit: { spend: 100, revenue: 320 }, profit: { spend: 80, revenue: 300 } });
    expect(headline(d)).toBe('Cut media by 20% to 80 per week: the last 20 per week returned 1.00 per unit, below break-even 2.00; revenue 0.0%, profit +3.6%.');
  });

  it('raise: the next money would return above break-even', () => {
    // 100 -> 150: re-split 320, profit plan 440: (440 - 320) / 50 = 2.40; revenue 1300 -> 1440 (+10.8%); profit 550 -> 570 (+3.6%)
    const d = withScenarios({ current: { spend: 100, revenue: 300 }, resplit: { spend: 100, revenue: 320 }, profit: { spend: 150, revenue: 440 } });
    expect(headline(d)).toBe('Raise media by 50% to 150 per week: the next 50 per week would return 2.40 per unit, above break-even 2.00; revenue +10.8%, profit +3.6%.');
  });

  it('keep the total and re-split, or keep the plan when nothing earns 0.5% more', () => {
    const resplit = withScenarios({ current: { spend: 100, revenue: 300 }, resplit: { spend: 100, revenue: 330 }, profit: { spend: 101, revenue: 331 } });
    // profit 550 -> 565 (+2.7%); revenue 1300 -> 1330 (+2.3%)
    expect(headline(resplit)).toBe('Keep media near 100 per week and re-split it: revenue +2.3%, profit +2.7%.');
    const keep = withScenarios({ current: { spend: 100, revenue: 300 }, resplit: { spend: 100, revenue: 300.5 }, profit: { spend: 100.5, revenue: 301 } });
    expect(headline(keep)).toBe('Keep the current plan of 100 per week: neither another total nor another split within the channel limits earns 0.5% more profit.');
  });

  it('without the baseline it speaks of media revenue, and of profit in money when current profit is not positive', () => {
    const d = withScenarios({ current: { spend: 100, revenue: 150 }, resplit: { spend: 100, revenue: 160 }, profit: { spend: 50, revenue: 110 } }, 0.5, null);
    // media profit -25 -> +5: +30 per week
    expect(headline(d)).toBe('Cut media by 50% to 50 per week: the last 50 per week returned 1.00 per unit, below break-even 2.00; media revenue -26.7%, profit +30 per week.');
  });
});
