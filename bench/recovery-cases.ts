/**
 * The data sets of the recovery benchmarks (bench/mmm-recovery.ts,
 * bench/mmm-identifiability.ts), each with its truth in one shape: our
 * generator (src/mmm/synthetic.ts, 4, 5 or 6 channels by seed) and the
 * foundation's sample generator (src/ingest/generate.ts, seed 42, 156 weeks,
 * through the ingest into bench/out/mmm-recovery/).
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateSample } from '../src/ingest/generate.ts';
import { ingest } from '../src/ingest/ingest.ts';
import { generateWeeklyData, oracleFit } from '../src/lab/index.ts';
import type { SyntheticData } from '../src/lab/index.ts';
import type { WeeklyData } from '../src/mmm/index.ts';
import { readWeeklyCsv } from '../pipelines/mmm.ts';

const mixes = [4, 5, 6];

/** Seeds from a list with ranges, e.g. "1,2,13-42". */
export function parseSeeds(spec: string): number[] {
  return spec.split(',').flatMap((part) => {
    const m = /^(\d+)-(\d+)$/.exec(part);
    return m ? Array.from({ length: Number(m[2]) - Number(m[1]) + 1 }, (_, i) => Number(m[1]) + i) : [Number(part)];
  });
}

/** A data set with its truth in one shape: channel name, true ROAS/contribution/share, oracle fit. */
export interface Case {
  label: string;
  data: WeeklyData;
  truth: { name: string; roas: number; contribution: number; share: number; theta: number; alpha: number; gamma: number }[];
  total: number;
  oracle: { roas: number[]; share: number[]; total: number };
  /** The data and truth in the shape of src/mmm/synthetic.ts (for oracleFit and profileRoas). */
  synthetic: SyntheticData;
  /** Seasonality period of the truth's baseline in weeks. */
  period: number;
  /** True weekly effect of each channel (revenue), in channel order: what a perfect lift test would measure. */
  effects: Float64Array[];
}

/** Synthetic data of one seed with its truth and oracle fit. */
export function syntheticCase(seed: number): Case {
  const s: SyntheticData = generateWeeklyData({ seed, channels: mixes[(seed - 1) % mixes.length] });
  const o = oracleFit(s);
  return {
    label: `synthetic seed ${seed}`,
    data: s.data,
    truth: s.truth.channels.map((c) => ({ name: c.name, roas: c.roas, contribution: c.contribution, share: c.contributionShare, theta: c.theta, alpha: c.alpha, gamma: c.gamma })),
    total: s.truth.totalContribution,
    oracle: { roas: o.roas, share: o.contributionShare, total: o.total },
    synthetic: s,
    period: 52.18,
    effects: s.truth.channels.map((c) => c.effect),
  };
}

/** The foundation sample (generated and ingested afresh) with its truth and oracle fit. */
export async function foundationCase(): Promise<Case> {
  const root = join(import.meta.dirname, 'out', 'mmm-recovery');
  mkdirSync(root, { recursive: true });
  const raw = join(root, 'raw');
  const star = join(root, 'star');
  await generateSample({ out: raw, seed: 42, weeks: 156, scale: 1 });
  await ingest({ raw, out: star });
  const truth = JSON.parse(readFileSync(join(raw, 'truth.json'), 'utf8')) as {
    channels: { name: string; column: string; roas: number; contribution: number; contributionShare: number; theta: number; alpha: number; gamma: number }[];
    totals: { mediaContribution: number };
    weekly: { media: Record<string, number> }[];
  };
  const csv = join(star, 'mmm_input.csv');
  const header = readFileSync(csv, 'utf8').split('\n', 1)[0].split(',');
  const channels = header.filter((c) => c.endsWith('_spend') && c !== 'competitor_spend');
  const data = await readWeeklyCsv(csv, 'date', 'revenue', channels, ['price_index', 'competitor_spend', 'holiday']);
  const byColumn = new Map(truth.channels.map((c) => [c.column, c]));
  const t = channels.map((col) => {
    const c = byColumn.get(col);
    if (!c) throw new Error(`truth.json has no channel for column ${col}`);
    return c;
  });
  // Oracle on the true transforms, through the same oracleFit as the synthetic cases.
  const s = {
    data,
    truth: {
      channels: t.map((c, j) => ({
        name: c.column,
        theta: c.theta,
        alpha: c.alpha,
        gamma: c.gamma,
        coef: 0,
        spend: data.channels[j].values.reduce((a, b) => a + b, 0),
        contribution: c.contribution,
        contributionShare: c.contributionShare,
        roas: c.roas,
        effect: new Float64Array(0),
      })),
      totalContribution: truth.totals.mediaContribution,
      noiseSd: 0,
      baseline: new Float64Array(0),
    },
  } satisfies SyntheticData;
  const o = oracleFit(s, { period: 52.1775 });
  return {
    label: 'foundation sample (seed 42)',
    data,
    truth: t.map((c) => ({ name: c.column, roas: c.roas, contribution: c.contribution, share: c.contributionShare, theta: c.theta, alpha: c.alpha, gamma: c.gamma })),
    total: truth.totals.mediaContribution,
    oracle: { roas: o.roas, share: o.contributionShare, total: o.total },
    synthetic: s,
    period: 52.1775,
    effects: t.map((c) => Float64Array.from(truth.weekly, (w) => w.media[c.name])),
  };
}
