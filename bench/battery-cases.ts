/** The battery's cases for the benchmarks: the four foreign families (src/lab/battery.ts) and our own generator in the same shape. */
import { generateCase, generateWeeklyData } from '../src/lab/index.ts';
import type { Family, GeneratedCase } from '../src/lab/index.ts';

/** Our own generator (Hill, geometric, drifting budgets) in the battery's shape. */
function oursCase(seed: number): GeneratedCase {
  const s = generateWeeklyData({ seed, channels: [4, 5, 6][(seed - 1) % 3] });
  const expected = Float64Array.from(s.truth.baseline, (b, t) => b + s.truth.channels.reduce((a, c) => a + c.effect[t], 0));
  return {
    family: 'ours' as never,
    seed,
    data: s.data,
    totalContribution: s.truth.totalContribution,
    noiseSd: s.truth.noiseSd,
    expected,
    channels: s.truth.channels.map((c) => ({ name: c.name, spend: c.spend, contribution: c.contribution, roas: c.roas, effect: c.effect, pattern: 'always-on' as const })),
  };
}

/** One case of a battery family or of 'ours'. */
export function batteryCase(family: string, seed: number): GeneratedCase {
  return family === 'ours' ? oursCase(seed) : generateCase(family as Family, seed);
}
