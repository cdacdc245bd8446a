import { describe, expect, it } from 'vitest';
import { weibullWeights } from '../../src/mmm/transforms.ts';
import {
  adstockSummary,
  assembleReportData,
  decompositionLayers,
  halfLifeFromDecay,
  headline,
  headlineSentences,
  nextUnitUnderDraws,
  niceCeil,
  PLANNER_DRAWS,
  sectionReason,
} from '../../src/report/index.ts';
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
    expect(layers.map((l) => [l.name, l.values[0]])).toEqual([
      ['Baseline', 4],
      ['Controls and events', 1],
      ['Organic', 2],
      ['tv', 2],
    ]);
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

  it('binomial (Meridian): weights (1 - l/(L+1))^(1/decay - 1), half-life read off them', () => {
    // decay 0.5, maxLag 2: exponent 1, weights 1, 2/3, 1/3 (binomialAdstock's doc example); half (0.5) is crossed
    // between week 1 (2/3) and week 2 (1/3) at 1 + (2/3 - 1/2) / (1/3) = 1.5.
    const s = adstockSummary({ kind: 'binomial', decay: 0.5, maxLag: 2 });
    [1, 2 / 3, 1 / 3, 0].forEach((w, l) => expect(s.decay[l]).toBeCloseTo(w, 12));
    expect(s.halfLifeWeeks).toBeCloseTo(1.5, 12);
    expect(s.description).toBe("binomial (Meridian's): the effect lasts the week of the spend and at most 2 weeks after it");
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

/** A plan's figures for the headline's tests: spend, media revenue, spend per channel, limits held. */
type Fig = { spend: number; revenue: number; allocation?: Record<string, number>; atBound?: Record<string, 'min' | 'max' | 'off' | null> };

/**
 * Report data with only what the headline reads: the recommended plan (the
 * current plan's spend and revenue beside it) and the current, re-split and
 * most profitable scenarios.
 */
function story(f: { current: Fig; plan: Fig; profit: Fig }, margin = 0.5, baseline: number | null = 1000): ReportData {
  const figures = (x: Fig): PlanFigures => ({
    spend: x.spend,
    revenue: x.revenue,
    allocation: x.allocation ?? {},
    profit: margin * x.revenue - x.spend,
    roas: null,
    marginalRoi: {},
    marginalRoas: null,
    atBound: x.atBound ?? {},
    bands: null,
  });
  const scenario = (id: Scenario['id'], x: Fig): Scenario => ({ id, label: id, question: '', status: 'ok', note: null, target: null, problem: null, binding: [], plan: figures(x) });
  return {
    margin,
    expectedBaseline: baseline,
    plan: {
      status: 'optimal',
      message: '',
      objective: 'revenue',
      budget: f.plan.spend,
      currentSpend: f.current.spend,
      budgetIsCurrent: f.plan.spend === f.current.spend,
      rows: [],
      binding: [],
      revenue: f.plan.revenue,
      currentRevenue: f.current.revenue,
      profit: null,
      currentProfit: null,
      robustness: null,
    },
    scenarios: {
      margin,
      breakEvenRoi: 1 / margin,
      channels: [],
      scenarios: [scenario('current', f.current), scenario('resplit', f.plan), scenario('profit', f.profit)],
      sweep: [],
      draws: 0,
      warnings: [],
    },
    sections: { plan: { status: 'ok', reason: null } },
  } as unknown as ReportData;
}

describe('the headline: one story in two sentences', () => {
  // Worked by hand throughout: total revenue = media revenue + baseline 1000, profit = 0.5 x total revenue - spend, break-even 2.00.
  const current: Fig = { spend: 100, revenue: 300, allocation: { tv: 50, radio: 20, search: 30 } };

  it('re-split the current budget, then cut the total, naming the channels whose minimum stops the cut', () => {
    // current 1300 / 550; plan (100 re-split) 1320 / 560: revenue +1.5%, profit +1.8%.
    // profit plan 80: 1300 / 570 against the plan: revenue -1.5%, profit +1.8%; the last 20 returned (320 - 300) / 20 = 1.00;
    // tv 25 and radio 10 at their minimum, half of 50 and 20.
    const profit: Fig = { spend: 80, revenue: 300, allocation: { tv: 25, radio: 10, search: 45 }, atBound: { tv: 'min', radio: 'min', search: null } };
    expect(headline(story({ current, plan: { spend: 100, revenue: 320 }, profit }))).toBe(
      'Re-split the current budget of 100 per week as the recommended plan does: total revenue +1.5%, profit +1.8%. ' +
        'The budget itself is too high: cutting it by 20% to 80 per week, where tv and radio reach their minimum (0.5× their current spend), gives total revenue -1.5%, profit +1.8% against that plan, as the last 20 per week returns 1.00 per unit, below break-even 2.00.',
    );
  });

  it('raise the total: the next money would return above break-even; a channel held at its maximum is named', () => {
    // profit plan 150: 1440 / 570 against the plan's 1320 / 560: revenue +9.1%, profit +1.8%; the next 50 return (440 - 320) / 50 = 2.40
    const profit: Fig = { spend: 150, revenue: 440, allocation: { tv: 100, radio: 20, search: 30 }, atBound: { tv: 'max', radio: null, search: null } };
    expect(headline(story({ current, plan: { spend: 100, revenue: 320 }, profit }))).toBe(
      'Re-split the current budget of 100 per week as the recommended plan does: total revenue +1.5%, profit +1.8%. ' +
        'The budget itself is too low: raising it by 50% to 150 per week, where tv reaches its maximum (2× its current spend), gives total revenue +9.1%, profit +1.8% against that plan, as the next 50 per week would return 2.40 per unit, above break-even 2.00.',
    );
  });

  it("a cut a budget cap forces while its money still returns above break-even is said to be the cap's, not called too high", () => {
    // profit plan 80 (capped): the last 20 returned (320 - 250) / 20 = 3.50, above break-even 2.00.
    const profit: Fig = { spend: 80, revenue: 250, allocation: { tv: 40, radio: 15, search: 25 } };
    expect(headline(story({ current, plan: { spend: 100, revenue: 320 }, profit }))).toBe(
      'Re-split the current budget of 100 per week as the recommended plan does: total revenue +1.5%, profit +1.8%. ' +
        'The most profitable budget within the limits is 80 per week (-20.0% on that plan): the budget cap (optimise.maxBudget) sets it there, not the returns, as the last 20 per week returns 3.50 per unit, above break-even 2.00.',
    );
  });

  it("a cut whose last money returns break-even to within the solver (a tie) is not said to be a cap's", () => {
    // profit plan 80: the last 20 returned (320 - 280) / 20 = 2.00, break-even 2.00.
    const profit: Fig = { spend: 80, revenue: 280, allocation: { tv: 40, radio: 15, search: 25 } };
    expect(headline(story({ current, plan: { spend: 100, revenue: 320 }, profit }))).toMatch(
      /The budget itself is too high: cutting it by 20% to 80 per week .* returns 2\.00 per unit, below break-even 2\.00\.$/,
    );
  });

  it('keep the split when re-splitting earns under 0.5% more profit, and the total when the best one is within 2%', () => {
    // plan 1300.5 / 550.25: +0.25 < 0.5% of 550; the most profitable total 101 is 1% away
    expect(headline(story({ current, plan: { spend: 100, revenue: 300.5 }, profit: { spend: 101, revenue: 302 } }))).toBe(
      'Keep the current split of 100 per week: no other split within the channel limits earns 0.5% more profit. The budget itself is about right: the most profitable total, 101 per week, is within 2% of it.',
    );
  });

  it('a budget set in the configuration is said as such, against the current spend', () => {
    // plan 120 spends 350: 1350 / 555 against 1300 / 550: revenue +3.8%, profit +0.9%; the most profitable 121 is within 2% of 120
    expect(headline(story({ current, plan: { spend: 120, revenue: 350 }, profit: { spend: 121, revenue: 351 } }))).toBe(
      'Spend the set budget of 120 per week (+20.0% on the current 100) as the recommended plan splits it: total revenue +3.8%, profit +0.9%. The budget itself is about right: the most profitable total, 121 per week, is within 2% of it.',
    );
  });

  it('without the baseline it speaks of media revenue, and of profit in money when the base profit is not positive', () => {
    // media only: current profit 0.5 x 150 - 100 = -25; plan 160: -20 (+5 per week), media revenue 160 / 150 - 1 = +6.7%;
    // profit plan 50 spends for 110: 5, i.e. +25 per week against the plan, media revenue 110 / 160 - 1 = -31.3%; (160 - 110) / 50 = 1.00
    const d = story({ current: { spend: 100, revenue: 150 }, plan: { spend: 100, revenue: 160 }, profit: { spend: 50, revenue: 110 } }, 0.5, null);
    expect(headline(d)).toBe(
      'Re-split the current budget of 100 per week as the recommended plan does: media revenue +6.7%, profit +5 per week. ' +
        'The budget itself is too high: cutting it by 50% to 50 per week gives media revenue -31.3%, profit +25 per week against that plan, as the last 50 per week returns 1.00 per unit, below break-even 2.00.',
    );
  });

  it("states the plan's gain averaged over the model's draws when they were simulated, the point model's beside it", () => {
    // The point model: 1320 / 560 (revenue +1.5%). Under the draws the plan gains 10, not 20: 1310 / 555 against 1300 / 550:
    // revenue +0.8%, profit +0.9%. Under the draws a gain of 2 is 551 against 550: under 0.5% of profit, so keep the split.
    const d = story({ current, plan: { spend: 100, revenue: 320 }, profit: { spend: 101, revenue: 321 } });
    d.plan!.robustness = { pointUplift: 20, upliftUnderDraws: 10, probabilityBetter: 0.9 };
    expect(headlineSentences(d)[0]).toBe(
      "Re-split the current budget of 100 per week as the recommended plan does: total revenue +0.8%, profit +0.9% (on average over the model's draws, which favour it over the current plan in 90% of cases; the point model alone promises total revenue +1.5%).",
    );
    // A set budget: more spend gains revenue in nearly every draw, so how often the draws favour the plan is not said.
    // 120 spends for 350 on the point model (+3.8%); under the draws +40: 1340 / 550 against 1300 / 550, revenue +3.1%, profit +0.0%.
    const set = story({ current, plan: { spend: 120, revenue: 350 }, profit: { spend: 121, revenue: 351 } });
    set.plan!.robustness = { pointUplift: 50, upliftUnderDraws: 40, probabilityBetter: 0.99 };
    expect(headlineSentences(set)[0]).toBe(
      "Spend the set budget of 120 per week (+20.0% on the current 100) as the recommended plan splits it: total revenue +3.1%, profit 0.0% (on average over the model's draws; the point model alone promises total revenue +3.8%).",
    );
    d.plan!.robustness = { pointUplift: 20, upliftUnderDraws: 2, probabilityBetter: 0.55 };
    expect(headlineSentences(d)[0]).toBe("Keep the current split of 100 per week: no other split within the channel limits earns 0.5% more profit on average over the model's draws.");
  });

  it('without a recommended plan it speaks of the current budget re-split', () => {
    const d = { ...story({ current, plan: { spend: 100, revenue: 320 }, profit: { spend: 80, revenue: 300 } }), plan: undefined } as ReportData;
    expect(headlineSentences(d)).toEqual([
      'The budget itself is too high: cutting it by 20% to 80 per week gives total revenue -1.5%, profit +1.8% against the current budget re-split, as the last 20 per week returns 1.00 per unit, below break-even 2.00.',
    ]);
  });
});

describe("the next unit's return under the model's draws", () => {
  it('gives the 5th and 95th percentiles of the slope at the spend and the share above break-even (worked by hand)', () => {
    // Hill curves with alpha 1 and k 100: the slope at 100 is beta / 400, so betas 8, 16, ..., 800 give slopes 0.02, 0.04, ..., 2.00.
    const draws = Array.from({ length: 100 }, (_, i) => ({ tv: { type: 'hill' as const, beta: 8 * (i + 1), alpha: 1, k: 100 } }));
    const next = nextUnitUnderDraws(draws, 'tv', 100, 1.01)!;
    // Sorted slopes m[i] = (i + 1) / 50, interpolated (type 7): the 5th percentile is m[4] + 0.95 (m[5] - m[4]) = 0.119,
    // the 95th m[94] + 0.05 (m[95] - m[94]) = 1.901; above 1.01: 51..100 of 50.
    expect(next.low).toBeCloseTo(0.119, 12);
    expect(next.high).toBeCloseTo(1.901, 12);
    expect(next.paying).toBe(0.5);
    expect(nextUnitUnderDraws(draws.slice(0, 19), 'tv', 100, 1)).toBeNull();
    expect(nextUnitUnderDraws(draws, 'tv', undefined, 1)).toBeNull();
  });
});

describe('a section without its stage says why once', () => {
  it('prefixes the section only when the reason does not already say what happened', () => {
    expect(sectionReason('The forecast', 'skipped', 'the forecast did not run (needs optimise, which did not run)')).toBe('The forecast did not run (needs optimise, which did not run)');
    expect(sectionReason('The marketing-mix model', 'failed', 'the model fit failed: singular matrix')).toBe('The model fit failed: singular matrix');
    expect(sectionReason('Customer lifetime value', 'failed', 'the customer models could not be fitted: no repeat buyer')).toBe(
      'Customer lifetime value failed: the customer models could not be fitted: no repeat buyer',
    );
    expect(sectionReason('Customer lifetime value', 'skipped', 'the input is a weekly table without a transaction log')).toBe(
      'Customer lifetime value did not run: the input is a weekly table without a transaction log',
    );
    expect(sectionReason('The forecast', 'failed', 'failed: the plan goes beyond the data')).toBe('The forecast failed: the plan goes beyond the data');
    expect(sectionReason('The forecast', 'skipped', 'did not run: needs optimise')).toBe('The forecast did not run: needs optimise');
    expect(sectionReason('The forecast', 'skipped', '  ')).toBe('The forecast did not run.');
  });
});
