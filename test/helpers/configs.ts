/**
 * Configurations of the pipeline tests: the smallest that runs every stage
 * on the generated sample (40 weeks at 5% of the sample's volume, a short
 * search, few draws). The stale-data alert is off: the seeded sample ends in 2023.
 */
export const TINY = {
  raw: 'data/sample',
  alerts: { staleAfterWeeks: null },
  seed: 3,
  sample: { seed: 9, weeks: 40, scale: 0.05 },
  mmm: { trials: 1, iterations: 100, bootstrap: 10 },
  simulate: { draws: 200 },
  optimise: { horizonWeeks: 4, sweepPoints: 5 },
  clv: { holdoutWeeks: 8 },
};
