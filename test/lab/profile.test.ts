import { describe, expect, it } from 'vitest';
import { generateWeeklyData, profileColumn, profileRoasFamilies, profileSystem } from '../../src/lab/index.ts';
import { fitSignedRidge } from '../../src/mmm/index.ts';

describe('profileSystem / profileColumn', () => {
  it('give the same coefficient and SSE as an independent sign-bounded least-squares fit', () => {
    const s = generateWeeklyData({ seed: 3, channels: 3 });
    const effects = s.truth.channels.map((c) => c.effect);
    const sys = profileSystem(s.data.target, effects.slice(0, 2), ['positive', 'positive']);
    const { ll, coef } = profileColumn(sys, effects[2]);
    const ref = fitSignedRidge(effects, s.data.target, 1e-12, ['positive', 'positive', 'positive']);
    expect(coef).toBeCloseTo(ref.coefficients[2], 6);
    let sse = 0;
    s.data.target.forEach((y, t) => {
      const f = ref.intercept + effects.reduce((a, e, k) => a + ref.coefficients[k] * e[t], 0);
      sse += (y - f) ** 2;
    });
    expect(ll).toBeCloseTo(-(s.data.target.length / 2) * Math.log(sse), 4);
  });
});

describe('profileRoasFamilies', () => {
  it('holds the true ROAS inside its interval, with the MLE near it, when the true family is among those profiled', () => {
    const s = generateWeeklyData({ seed: 5, channels: 3 });
    const effects = s.truth.channels.map((c) => c.effect);
    for (let j = 0; j < 3; j++) {
      const p = profileRoasFamilies(s.data, effects, j, {
        families: [
          { adstock: 'geometric', saturation: 'hill' },
          { adstock: 'binomial', saturation: 'michaelis_menten' },
        ],
        seed: 1,
        points: 400,
        refinements: 3,
      });
      const roas = s.truth.channels[j].roas;
      expect(p.low).toBeLessThanOrEqual(roas);
      expect(p.high).toBeGreaterThanOrEqual(roas);
      expect(Math.abs(p.mle / roas - 1)).toBeLessThan(0.15);
    }
  });
});
