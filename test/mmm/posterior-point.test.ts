import { describe, expect, it } from 'vitest';
import { fitMmm } from '../../src/mmm/index.ts';
import type { MmmFit } from '../../src/mmm/index.ts';
import { generateWeeklyData } from '../../src/lab/index.ts';
import { generateCase } from '../../src/lab/index.ts';

// The point model's rule (posteriorPoint) picks the reported model only: the posterior's draws, and so
// the intervals and the forecasts' Monte Carlo, are the same bytes whatever the rule.
const families = ['hill', 'michaelis_menten'] as ('hill' | 'michaelis_menten')[];
const budget = { seed: 3, trials: 2, iterations: 300, bootstrap: 40, posteriorGenerations: 60, threads: 1, saturation: families };
const shape = (f: MmmFit) => f.model.channels.map((c) => ({ adstock: c.adstock, saturation: c.saturation }));

describe('posteriorPoint', () => {
  for (const [label, data] of [
    ['our generator (Hill, geometric)', generateWeeklyData({ seed: 5, channels: 3 }).data],
    ['the PyMC-Marketing family (logistic, normalised geometric)', generateCase('pymc', 2).data],
  ] as const) {
    it(`changes the point model but not the draws, and 'search' reports the search's selected candidate (${label})`, async () => {
      const medoid = await fitMmm(data, budget);
      const search = await fitMmm(data, { ...budget, posteriorPoint: 'search' });
      const map = await fitMmm(data, { ...budget, posteriorPoint: 'map' });
      const earlier = await fitMmm(data, { ...budget, estimator: 'search' });
      for (const f of [search, map]) expect(JSON.stringify(f.draws)).toBe(JSON.stringify(medoid.draws));
      // The earlier estimator's point is the search's selected candidate refitted on all weeks: the same curves.
      expect(shape(search)).toEqual(shape(earlier));
      search.model.channels.forEach((c, j) => expect(c.roas).toBeCloseTo(earlier.model.channels[j].roas, 9));
      // 'map' reports a model other than the medoid's on at least one channel (the rule is not ignored).
      expect(map.model.channels.some((c, j) => c.roas !== medoid.model.channels[j].roas) || search.model.channels.some((c, j) => c.roas !== medoid.model.channels[j].roas)).toBe(true);
    });
  }
});

describe('pointLikelihoodWeight', () => {
  const data = generateCase('simmmulator', 3).data;
  const fitWith = (o: { pointLikelihoodWeight?: number; likelihoodWeight?: number } = {}) => fitMmm(data, { ...budget, ...o });
  it('chooses the point model from its own run of the sampler, with the likelihood at that weight; the draws are the same bytes', async () => {
    // By default, and when the two weights are equal, one run: no point run is recorded.
    const [single, same] = [await fitWith(), await fitWith({ pointLikelihoodWeight: 0.5 })];
    expect(JSON.stringify(same.model)).toBe(JSON.stringify(single.model));
    const [full, mid] = [await fitWith({ pointLikelihoodWeight: 1 }), await fitWith({ pointLikelihoodWeight: 0.8 })];
    expect(single.model.posterior?.pointEffectiveWeeks).toBeUndefined();
    const nu = single.model.posterior!.effectiveWeeks;
    expect(full.model.posterior?.effectiveWeeks).toBe(nu);
    expect(full.model.posterior?.pointEffectiveWeeks).toBeCloseTo(nu / 0.5, 9);
    expect(mid.model.posterior?.pointEffectiveWeeks).toBeCloseTo((nu / 0.5) * 0.8, 9);
    for (const f of [full, mid]) expect(JSON.stringify(f.draws)).toBe(JSON.stringify(single.draws));
    // The point differs from the single run's on at least one channel, and lies inside the draws' band on every one.
    expect(full.model.channels.some((c, j) => c.roas !== single.model.channels[j].roas)).toBe(true);
    for (const c of [full, mid].flatMap((f) => f.model.channels)) {
      expect(c.roas).toBeGreaterThanOrEqual(c.roasLow);
      expect(c.roas).toBeLessThanOrEqual(c.roasHigh);
    }
  });
  it("is refused where no posterior chooses the point: posteriorPoint 'search'", async () => {
    await expect(fitMmm(data, { ...budget, posteriorPoint: 'search', pointLikelihoodWeight: 1 })).rejects.toThrow(
      "fit option pointLikelihoodWeight: the point model is the search's candidate (posteriorPoint is 'search'), so no posterior weight chooses it",
    );
  });
  it("is one of the posterior estimator's options: with estimator 'search' it is refused", async () => {
    await expect(fitMmm(data, { ...budget, estimator: 'search', pointLikelihoodWeight: 0.5 })).rejects.toThrow(
      "fit option pointLikelihoodWeight: only the posterior estimator uses it (estimator is 'search')",
    );
  });
});
