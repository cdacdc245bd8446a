import type { ReportData } from '../../src/report/index.ts';

/** A report with hostile user-supplied strings in every place one can reach. */
export const EVIL = '<img src=x onerror="window.__pwned=1"><script>window.__pwned=2</script>';

export function reportFixture(): ReportData {
  const dates = Array.from({ length: 10 }, (_, i) => `2024-01-${String(1 + i).padStart(2, '0')}`);
  const channel = (name: string, roas: number) => ({ name, spend: 1000, contribution: 1000 * roas, contributionShare: 0.5, roas, roasLow: roas * 0.8, roasHigh: roas * 1.2, mroas: roas / 2 });
  const bands = { total: { p5: 90, p50: 100, p95: 110, mean: 100 }, weekly: dates.slice(0, 3).map((date) => ({ date, p5: 9, p50: 10, p95: 11, mean: 10 })) };
  return {
    title: 'Weekly marketing-mix report',
    runId: 'abc123',
    lineage: [{ stage: 'ingest', dataVersion: 'f'.repeat(64), dir: `data/${EVIL}` }],
    data: { weeks: 10, firstWeek: '2024-01-01', lastWeek: '2024-03-04', currency: 'USD', channels: [EVIL, 'search_spend'], revenue: 1e6, spend: 2e5, orders: 1234, customers: 999 },
    warnings: [`spend.csv: dropped 1 exact duplicate row(s) ${EVIL}`],
    weekly: { dates, actual: dates.map((_, i) => 100 + i), fitted: dates.map((_, i) => 101 + i), baseline: dates.map(() => 60) },
    mmm: { metrics: { r2: 0.95, nrmse: 0.05, mape: 0.03, holdoutMape: 0.04, decompRssd: 0.1 }, channels: [channel(EVIL, 2), channel('search_spend', 3)] },
    curves: [{ channel: EVIL, spend: [0, 1, 2], response: [0, 1.5, 2], current: 1 }],
    clv: { customers: 10, clvTotal: 500, bgnbd: { r: 0.24, alpha: 4.4, a: 0.79, b: 2.4 }, gammaGamma: { p: 6.25, q: 3.74, v: 15.44 }, byChannel: [{ channel: EVIL, customers: 10, meanClv: 50, totalClv: 500 }] },
    allocation: { status: 'optimal', horizonWeeks: 13, budget: 2000, rows: [{ channel: EVIL, current: 1000, recommended: 1200, marginalRoi: 1.1, clvRecommended: 900 }],
      robustness: { outOfSampleDrop: 0.03, probabilityBetter: 0.9 }, binding: [`${EVIL} at max`], expectedRevenue: 5000, currentRevenue: 4800 },
    simulation: { recommended: bands, current: bands, probabilityBetter: 0.8, draws: 10000 },
    drift: { decision: 'Refitted the model', reasons: [EVIL], weekly: [{ date: '2024-03-11', actual: 100, predicted: 98, scaledError: 0.7 }] },
  };
}
