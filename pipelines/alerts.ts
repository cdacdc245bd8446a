/**
 * Alerts a data team asks a scheduled run for: a drift refit, a channel's
 * ROAS below a floor, an acquisition channel's CLV falling by more than a
 * threshold against the previous run, data that stopped arriving. They go into the run record and the
 * console, and optionally to a webhook as one JSON POST per run.
 */
import { weekCoverOffset } from '../src/ingest/index.ts';
import type { Config } from '../src/core/config.ts';
import type { Log } from './log.ts';
import type { Alert } from './schemas.ts';

export interface AlertInputs {
  /** The drift decision made in this run (null when an earlier run made it), and whether a model was in use when it was made. */
  decision: { decision: 'refit' | 'reuse'; reasons: string[]; hadModel: boolean } | null;
  /** ROAS of each channel of the model this run used. */
  roas: { name: string; roas: number }[] | null;
  /** The data's last week (its label: its first day, or its last with weekEnding) and the run's as-of date, both YYYY-MM-DD. */
  freshness: { lastWeek: string; asOf: string; weekEnding?: boolean } | null;
  /** Mean CLV per acquisition channel, this run and the previous committed run. */
  clv: { now: { channel: string; meanClv: number }[]; before: { channel: string; meanClv: number }[] | null } | null;
}

/** The alerts a run raises under the config's `alerts` settings. Pure. */
export function alertsFor(a: AlertInputs, cfg: Config['alerts']): Alert[] {
  const out: Alert[] = [];
  if (cfg.onRefit && a.decision?.decision === 'refit' && a.decision.hadModel) {
    out.push({ kind: 'refit', message: `the model was refitted: ${a.decision.reasons.join('; ')}`, fields: { reasons: a.decision.reasons } });
  }
  if (cfg.staleAfterWeeks !== null && a.freshness) {
    // Days since the last week ended: its first covered day + 7.
    const days = (Date.parse(`${a.freshness.asOf}T00:00:00Z`) - Date.parse(`${a.freshness.lastWeek}T00:00:00Z`)) / 86400000 - (7 + weekCoverOffset(a.freshness.weekEnding === true));
    const weeks = Math.floor(days / 7);
    if (weeks > cfg.staleAfterWeeks) {
      out.push({
        kind: 'stale-data',
        message: `the data end with the week of ${a.freshness.lastWeek}, ${weeks} full week(s) before the as-of date ${a.freshness.asOf}: is the export stalled? (alerts.staleAfterWeeks is ${cfg.staleAfterWeeks})`,
        fields: { lastWeek: a.freshness.lastWeek, asOf: a.freshness.asOf, weeks },
      });
    }
  }
  if (cfg.roasFloor !== null) {
    for (const c of a.roas ?? []) {
      if (c.roas < cfg.roasFloor)
        out.push({ kind: 'roas-floor', message: `${c.name}: ROAS ${c.roas.toFixed(2)} is below the floor ${cfg.roasFloor}`, fields: { channel: c.name, roas: c.roas, floor: cfg.roasFloor } });
    }
  }
  if (cfg.clvDrop !== null && a.clv?.before) {
    for (const now of a.clv.now) {
      const before = a.clv.before.find((b) => b.channel === now.channel);
      if (!before || before.meanClv <= 0) continue;
      const change = now.meanClv / before.meanClv - 1;
      if (-change > cfg.clvDrop) {
        out.push({
          kind: 'clv-drop',
          message: `${now.channel}: mean CLV fell ${(100 * -change).toFixed(1)}% (from ${before.meanClv.toFixed(2)} to ${now.meanClv.toFixed(2)})`,
          fields: { channel: now.channel, before: before.meanClv, now: now.meanClv, change },
        });
      }
    }
  }
  return out;
}

/** POSTs a run's alerts as JSON; a failed delivery is a warning, never a failed run. */
export async function postAlerts(url: string, body: { runId: string; status: string; report: string | null; alerts: Alert[] }, log: Log): Promise<void> {
  try {
    const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body), signal: AbortSignal.timeout(10_000) });
    if (!res.ok) log.warn(`alert webhook answered ${res.status} ${res.statusText}`, { url });
  } catch (e) {
    log.warn(`alert webhook not reached: ${(e as Error).message}`, { url });
  }
}
