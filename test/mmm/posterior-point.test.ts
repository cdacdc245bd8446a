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
