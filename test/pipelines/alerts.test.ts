import { describe, expect, it } from 'vitest';
import { alertsFor } from '../../pipelines/alerts.ts';

const off = { onRefit: false, roasFloor: null, clvDrop: null, staleAfterWeeks: null, webhook: null };

describe('alertsFor', () => {
  it('alerts on an acquisition channel whose mean CLV fell by more than the threshold against the previous run', () => {
    const clv = {
      now: [
        { channel: 'tv', meanClv: 70 },
        { channel: 'search', meanClv: 99 },
        { channel: 'new', meanClv: 1 },
      ],
      before: [
        { channel: 'tv', meanClv: 100 },
        { channel: 'search', meanClv: 100 },
      ],
    };
    const alerts = alertsFor({ decision: null, roas: null, freshness: null, clv }, { ...off, clvDrop: 0.2 });
    // tv: 70/100 - 1 = -30% (beyond 20%); search: -1%; 'new' has no earlier figure.
    expect(alerts).toEqual([{ kind: 'clv-drop', message: 'tv: mean CLV fell 30.0% (from 100.00 to 70.00)', fields: { channel: 'tv', before: 100, now: 70, change: 70 / 100 - 1 } }]);
  });

  it('alerts on stale data only past the allowed weeks, and on a refit only when a model was in use', () => {
    // Last week starts 2026-11-09 and ends 2026-11-15; as of 2026-11-30 that is 15 days, 2 full weeks: not beyond 2.
    expect(alertsFor({ decision: null, roas: null, clv: null, freshness: { lastWeek: '2026-11-09', asOf: '2026-11-30' } }, { ...off, staleAfterWeeks: 2 })).toEqual([]);
    const stale = alertsFor({ decision: null, roas: null, clv: null, freshness: { lastWeek: '2026-11-02', asOf: '2026-11-30' } }, { ...off, staleAfterWeeks: 2 });
    expect(stale.map((a) => [a.kind, a.fields?.weeks])).toEqual([['stale-data', 3]]);
    // A week-ending label 2026-11-08 ends the same week as the label 2026-11-02 starts: 21 days, 3 full weeks.
    const ending = alertsFor({ decision: null, roas: null, clv: null, freshness: { lastWeek: '2026-11-08', asOf: '2026-11-30', weekEnding: true } }, { ...off, staleAfterWeeks: 2 });
    expect(ending.map((a) => [a.kind, a.fields?.weeks])).toEqual([['stale-data', 3]]);
    // Labelled 2026-11-15 as a week's end (ending 15 days before): 2 full weeks, not beyond 2.
    expect(alertsFor({ decision: null, roas: null, clv: null, freshness: { lastWeek: '2026-11-15', asOf: '2026-11-30', weekEnding: true } }, { ...off, staleAfterWeeks: 2 })).toEqual([]);
    const first = alertsFor({ decision: { decision: 'refit', reasons: ['no fitted model yet'], hadModel: false }, roas: null, clv: null, freshness: null }, { ...off, onRefit: true });
    expect(first).toEqual([]);
    const refit = alertsFor({ decision: { decision: 'refit', reasons: ['recent error left the band'], hadModel: true }, roas: null, clv: null, freshness: null }, { ...off, onRefit: true });
    expect(refit.map((a) => a.message)).toEqual(['the model was refitted: recent error left the band']);
  });
});
