import { beforeAll, describe, expect, it } from 'vitest';
import { dayToIso } from '../../src/core/csv.ts';
import { fitMmm, sliceWeekly, steadyStateEffect } from '../../src/mmm/index.ts';
import { generateWeeklyData } from '../../src/lab/index.ts';
import type { MmmFit, WeeklyData } from '../../src/mmm/types.ts';
import { decideRefit, settingsChange, withSettingsChange } from '../../src/monitor/drift.ts';
import { weeklyCurve } from '../../src/optimise/mmm-curves.ts';
import { responseValue } from '../../src/optimise/index.ts';

const TH = { errorBandSigma: 2, recentWeeks: 4, spendRangeTolerance: 0.25, maxModelAgeWeeks: 13 };
let full: WeeklyData;
let fit: MmmFit;
beforeAll(async () => {
  full = generateWeeklyData({ seed: 8, weeks: 120, channels: 3 }).data;
  fit = await fitMmm(sliceWeekly(full, 0, 110), { trials: 2, iterations: 300, bootstrap: 0, threads: 1, seed: 2 });
});
const actuals = () => Array.from(full.target.slice(0, 110));

describe('decideRefit', () => {
  it('refits when there is no model, and reuses it when no week is new', () => {
    expect(decideRefit(null, full, null, TH)).toMatchObject({ decision: 'refit', reasons: ['no fitted model yet'] });
    const same = decideRefit(fit.model, sliceWeekly(full, 0, 110), actuals(), TH);
    expect(same.decision).toBe('reuse');
    expect(same.reasons[0]).toBe(`no new weeks since the model's data (${fit.model.window.last})`);
  });

  it('reuses the model for new weeks from the same process, and says how far they are from the band', () => {
    const d = decideRefit(fit.model, sliceWeekly(full, 0, 114), actuals(), TH);
    expect(d.newWeeks).toBe(4);
    expect(d.errorRms).toBeLessThan(TH.errorBandSigma);
    expect(d.decision).toBe('reuse');
    expect(d.weekly).toHaveLength(4);
  });

  it('refits when revenue shifts out of the error band', () => {
    const shifted = sliceWeekly(full, 0, 114);
    shifted.target = Float64Array.from(shifted.target, (y, t) => (t >= 110 ? y * 1.25 : y));
    const d = decideRefit(fit.model, shifted, actuals(), TH);
    expect(d.decision).toBe('refit');
    expect(d.reasons[0]).toMatch(/^recent error left the band: RMS \d+\.\d\d residual sd over the last 4 week\(s\) > 2$/);
  });

  it('refits when spend leaves the range the model saw, when history is restated, and when the model is too old', () => {
    const wild = sliceWeekly(full, 0, 112);
    const ch = wild.channels[0];
    const max = Math.max(...ch.values.slice(0, 110));
    ch.values = Float64Array.from(ch.values, (v, t) => (t === 111 ? 3 * max : v));
    expect(decideRefit(fit.model, wild, actuals(), TH).reasons.some((r) => r.startsWith(`spend of ${ch.name} in the week of`))).toBe(true);
    const restated = sliceWeekly(full, 0, 112);
    restated.target = Float64Array.from(restated.target, (y, t) => (t === 50 ? y * 1.1 : y));
    expect(decideRefit(fit.model, restated, actuals(), TH).reasons[0]).toMatch(/^history restated: /);
    const old = decideRefit(fit.model, full, actuals(), { ...TH, maxModelAgeWeeks: 5 });
    expect(old.reasons).toContain('the model is 10 weeks old (limit 5)');
  });

  it('with a window end the user fixed, neither judges the weeks after it nor ages the model past it (a refit could not take them)', () => {
    const lastDay = fit.model.window.lastDay;
    const shifted = { ...full, target: Float64Array.from(full.target, (y, t) => (t >= 110 ? y * 1.5 : y)) };
    expect(decideRefit(fit.model, shifted, actuals(), { ...TH, maxModelAgeWeeks: 5 }).decision).toBe('refit');
    const fixed = decideRefit(fit.model, shifted, actuals(), { ...TH, maxModelAgeWeeks: 5 }, lastDay + 3);
    expect(fixed).toMatchObject({ decision: 'reuse', reasons: [`the input's window ends ${dayToIso(lastDay + 3)}: the 10 week(s) after it are not modelled (move or drop its end to model them)`] });
    // Restated history inside the window still refits; a window end past the model's last week is a moved window.
    const restated = { ...shifted, target: Float64Array.from(shifted.target, (y, t) => (t === 50 ? y * 1.1 : y)) };
    expect(decideRefit(fit.model, restated, actuals(), TH, lastDay).reasons[0]).toMatch(/^history restated: /);
    expect(decideRefit(fit.model, shifted, actuals(), TH, lastDay + 14).decision).toBe('refit');
  });
});

describe('response curves from the fitted model', () => {
  it("equal the model's own steady-state weekly effect at every spend level", () => {
    for (const ch of fit.model.channels) {
      const curve = weeklyCurve(ch);
      for (const x of [0, 100, 1000, 5000, 20000, 80000]) {
        // Independent route: src/mmm's steadyStateEffect iterates the adstock fixed point.
        expect(responseValue(curve, x)).toBeCloseTo(steadyStateEffect(ch, x), 6);
      }
    }
  });
});

describe('withSettingsChange', () => {
  const base = { newWeeks: 3, errorRms: 0.5, errorMean: 0.1, weekly: [] };
  it('makes a changed setting the first reason of a refit, keeping the data reasons', () => {
    const reuse = { ...base, decision: 'reuse' as const, reasons: ['within the thresholds'] };
    const refit = { ...base, decision: 'refit' as const, reasons: ['factor events has a level the model never saw'] };
    const change = 'the model settings changed: mmm.trials';
    expect(withSettingsChange(reuse, null)).toBe(reuse);
    expect(withSettingsChange(reuse, change)).toEqual({ ...base, decision: 'refit', reasons: [change] });
    expect(withSettingsChange(refit, change)).toEqual({ ...base, decision: 'refit', reasons: [change, 'factor events has a level the model never saw'] });
  });
});

describe('settingsChange', () => {
  const before = { trials: 5, adstock: ['geometric', 'binomial'], seed: 1, channels: ['tv', 'search'], calibration: [{ channel: 'tv', lift: 10 }] };
  it('is null when nothing changed, whatever the key order', () => {
    expect(settingsChange(before, { calibration: [{ lift: 10, channel: 'tv' }], channels: ['tv', 'search'], seed: 1, adstock: ['geometric', 'binomial'], trials: 5 })).toBeNull();
  });
  it('names each changed or removed setting where the user set it, then those the record lacks', () => {
    expect(settingsChange(before, { ...before, trials: 6, seed: 2 })).toBe('the model settings changed: seed, mmm.trials');
    const { calibration: _c, ...noStudies } = before;
    expect(settingsChange(before, noStudies)).toBe('the model settings changed: calibration.csv');
    expect(settingsChange(noStudies, before)).toBe('the model settings changed: calibration.csv');
    // A setting the user sets for the first time and one a newer mmm records alike: the record cannot tell them apart.
    expect(settingsChange(before, { ...before, channels: ['tv'], trendKnotSpacing: 26 })).toBe(
      "the model settings changed: the input's channels; not in the model in use's record: mmm.trendKnotSpacing",
    );
    expect(settingsChange(before, { ...before, estimator: 'search' })).toBe("the model settings changed: not in the model in use's record: mmm.estimator");
  });
  it('takes a setting recorded as null as one never recorded, and says when there is no record at all', () => {
    expect(settingsChange(before, { ...before, roasPrior: null })).toBeNull();
    expect(settingsChange(null, before)).toBe('the model in use has no record of its settings (fitted by an earlier version of mmm)');
  });
});
