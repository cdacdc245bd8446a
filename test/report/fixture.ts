/**
 * Report artifacts made by hand, fast (no fit): a model with three channels
 * (one with a hostile name), its decomposition, the allocation, scenarios and
 * curve draws computed by the real optimiser, forecast bands and CLV.
 */
import { Rng } from '../../src/core/rng.ts';
import { allocateBudget, budgetScenarios, defaultProblemFromCurves } from '../../src/optimise/index.ts';
import type { CurveSpec } from '../../src/optimise/index.ts';
import type { ModelForReport, ReportArtifacts } from '../../src/report/index.ts';

/** A hostile channel name: markup, a script end tag and quotes. */
export const EVIL = '<img src=x onerror=alert(1)></script><script>window.__pwned=2</script>"\'';

const DAY = 86400000;
const iso = (ms: number) => new Date(ms).toISOString().slice(0, 10);

interface ChannelTruth {
  name: string;
  theta: number;
  alpha: number;
  /** Inflexion of the weekly curve (k of the adstocked series x (1 - theta)). */
  kWeekly: number;
  coef: number;
  spend: number;
}

export const CHANNELS: ChannelTruth[] = [
  { name: 'tv', theta: 0.6, alpha: 1.4, kWeekly: 9000, coef: 30000, spend: 8000 },
  { name: 'search', theta: 0.1, alpha: 0.9, kWeekly: 4000, coef: 16000, spend: 5000 },
  { name: EVIL, theta: 0.3, alpha: 1.1, kWeekly: 2500, coef: 6000, spend: 2000 },
];

/** The weekly Hill curve of a channel: coef x^a / (x^a + k^a). */
export const weeklyCurveOf = (c: ChannelTruth): CurveSpec => ({ type: 'hill', beta: c.coef, alpha: c.alpha, k: c.kWeekly });

/** model.json's fields the report reads, for 104 weeks from 2023-01-02. */
function model(weeks: number, first: number, dates: string[]): ModelForReport {
  const channels = CHANNELS.map((c) => {
    const contribution = weeks * c.coef * 0.4;
    return {
      name: c.name,
      adstock: { kind: 'geometric' as const, theta: c.theta, normalised: false },
      saturation: { kind: 'hill' as const, alpha: c.alpha, gamma: 0.5, k: c.kWeekly / (1 - c.theta), adstockMax: (2 * c.kWeekly) / (1 - c.theta) },
      coef: c.coef,
      carry: { lastAdstock: c.spend / (1 - c.theta), recentSpend: [c.spend] },
      spend: weeks * c.spend,
      contribution,
      contributionShare: 0,
      spendShare: 0,
      roas: contribution / (weeks * c.spend),
      roasLow: (0.8 * contribution) / (weeks * c.spend),
      roasHigh: (1.2 * contribution) / (weeks * c.spend),
      contributionLow: 0.8 * contribution,
      contributionHigh: 1.2 * contribution,
      mroas: 0.5 * (contribution / (weeks * c.spend)),
    };
  });
  const totalC = channels.reduce((s, c) => s + c.contribution, 0);
  const totalS = channels.reduce((s, c) => s + c.spend, 0);
  for (const c of channels) {
    c.contributionShare = c.contribution / totalC;
    c.spendShare = c.spend / totalS;
  }
  return {
    window: { first: dates[0], last: dates[weeks - 1], firstDay: first / DAY, lastDay: first / DAY + 7 * (weeks - 1), weeks },
    channels,
    metrics: { r2: 0.962, nrmse: 0.051, mape: 0.031, holdoutMape: 0.042, validationNrmse: 0.06, decompRssd: 0.12, residualSd: 2100, durbinWatson: 1.9 },
    validationWeeks: 16,
    selection: {
      rule: 'lowest DECOMP.RSSD among candidates within 1% of the best objective',
      objective: 'validation NRMSE',
      trial: 0,
      candidate: 1,
      validationNrmse: 0.06,
      objectiveValue: 0.06,
      decompRssd: 0.12,
    },
  };
}

/** decomposition.csv as parsed: baseline parts, one control, each channel. */
function decomposition(dates: string[], rng: Rng): { header: string[]; rows: string[][] } {
  const header = ['date', 'actual', 'fitted', 'intercept', 'trend', 'seasonality', 'price_index', ...CHANNELS.map((c) => c.name)];
  const rows = dates.map((date, t) => {
    const parts = [60000, 40 * t, 6000 * Math.sin((2 * Math.PI * t) / 52.18), -1500 + 300 * Math.cos(t / 5), ...CHANNELS.map((c) => c.coef * 0.4 * (1 + 0.2 * Math.sin(t / 7 + c.theta)))];
    const fitted = parts.reduce((s, v) => s + v, 0);
    const actual = fitted + 2000 * rng.normal();
    return [date, actual, fitted, ...parts].map(String);
  });
  return { header, rows };
}

const cache = new Map<number, Promise<ReportArtifacts>>();

/**
 * The artifacts of a complete run (every stage ok), money per week; made once
 * per seed and process (frozen: tests copy before changing).
 * @param seed seeds the decomposition's noise and the curve draws
 */
export function artifactsFixture(seed = 1): Promise<ReportArtifacts> {
  if (!cache.has(seed))
    cache.set(
      seed,
      makeArtifacts(seed).then((a) => deepFreeze(a)),
    );
  return cache.get(seed)!;
}

function deepFreeze<T>(v: T): T {
  if (v && typeof v === 'object' && !Object.isFrozen(v)) {
    Object.freeze(v);
    for (const x of Object.values(v)) deepFreeze(x);
  }
  return v;
}

async function makeArtifacts(seed: number): Promise<ReportArtifacts> {
  const rng = new Rng(seed);
  const weeks = 104;
  const first = Date.UTC(2023, 0, 2);
  const dates = Array.from({ length: weeks }, (_, t) => iso(first + 7 * t * DAY));
  const curves = CHANNELS.map((c) => ({ channel: c.name, curve: weeklyCurveOf(c) }));
  const problem = { ...defaultProblemFromCurves(CHANNELS.map((c) => ({ name: c.name, response: weeklyCurveOf(c), recentSpend: 13 * c.spend }))), margin: 0.6 };
  const allocation = { ...(await allocateBudget(problem)), horizonWeeks: 13 };
  const curveDraws = Array.from({ length: 60 }, () => Object.fromEntries(CHANNELS.map((c) => [c.name, { ...weeklyCurveOf(c), beta: c.coef * (0.8 + 0.4 * rng.uniform()) } as CurveSpec])));
  const scenarios = await budgetScenarios(problem, { curveDraws, sweep: { points: 15 } });
  const planDates = Array.from({ length: 13 }, (_, i) => iso(first + 7 * (weeks + i) * DAY));
  const band = (m: number) => ({ p5: 0.9 * m, p50: m, p95: 1.1 * m, mean: m });
  const weekly = planDates.map((date, i) => ({ date, ...band(100000 + 1000 * i) }));
  return {
    runId: 'run-2024-12-30',
    lineage: [
      { stage: 'ingest', dataVersion: 'a'.repeat(64), dir: 'data/artifacts/ingest/aaaa' },
      { stage: 'mmm', dataVersion: 'b'.repeat(64), dir: `data/artifacts/mmm/${EVIL}` },
    ],
    ingest: {
      status: 'ok',
      data: { weeks, firstWeek: dates[0], lastWeek: dates[weeks - 1], currency: 'EUR', revenue: weeks * 100000, spend: weeks * 15000 },
      warnings: [`spend.csv: 1 week with no spend rows ${EVIL}`],
    },
    drift: { status: 'ok', data: { decision: 'refit', reasons: ['no fitted model yet'] } },
    mmm: { status: 'ok', data: { model: model(weeks, first, dates), decomposition: decomposition(dates, rng) }, warnings: [] },
    optimise: {
      status: 'ok',
      data: {
        allocation,
        curves: { channels: curves },
        scenarios,
        curveDraws,
        robustness: { outOfSampleDrop: 0.03, probabilityRecommendedBetter: 0.82, upliftUnderDraws: 0.5 * (allocation.againstCurrent?.revenueUplift ?? 0) },
        planDates,
      },
    },
    simulate: { status: 'ok', data: { total: band(1.4e6), weekly, draws: 10000, compare: { total: band(1.35e6), weekly: weekly.map((w) => ({ ...w, p50: w.p50 * 0.97 })) }, probabilityBetter: 0.81 } },
    clv: {
      status: 'ok',
      data: {
        customers: 4200,
        clvTotal: 1.9e6,
        byChannel: [
          { channel: EVIL, customers: 1200, meanClv: 410, totalClv: 492000 },
          { channel: 'search', customers: 3000, meanClv: 469, totalClv: 1.408e6 },
        ],
        bgnbd: { r: 0.24, alpha: 4.41, a: 0.79, b: 2.43 },
        gammaGamma: { p: 6.25, q: 3.74, v: 15.44 },
        settings: { months: 12 },
      },
    },
  };
}
