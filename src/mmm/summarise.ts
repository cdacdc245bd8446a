/**
 * The fitted model as model.json shows it: per-channel summaries (spend,
 * contribution, ROAS with intervals, mROAS), the warnings about channels the
 * data leave undetermined, the baseline terms, and the calibration block.
 */
import { dayToIso, parseDateToDay } from '../core/csv.ts';
import { percentileInterval, recentredInterval } from './intervals.ts';
import { mediaEffect } from './predict.ts';
import type { SearchProblem } from './problem.ts';
import type { Refit } from './refit.ts';
import type { BaselineTerm, BootstrapDraw, ChannelResponse, ChannelSummary, MmmModel, OrganicSummary } from './types.ts';

/** Total spend of each channel over all weeks. */
export function spendTotals(pr: SearchProblem): number[] {
  return pr.data.channels.map((ch) => ch.values.reduce((a, b) => a + b, 0));
}

/**
 * Marginal ROAS of each channel: the extra revenue over the window's weeks
 * from +1% spend in every week (warm-up weeks included), divided by the extra
 * spend in the window (0 for a channel with no spend).
 */
export function marginalRoas(pr: SearchProblem, responses: ChannelResponse[], totals: number[]): number[] {
  return responses.map((r, j) => {
    const x = pr.media[j].values;
    const up = mediaEffect(
      r,
      Array.from(x, (v) => v * 1.01),
      null,
    );
    const now = mediaEffect(r, x, null);
    let d = 0;
    for (let t = pr.warmup; t < x.length; t++) d += up[t] - now[t];
    return totals[j] > 0 ? d / (0.01 * totals[j]) : 0;
  });
}

/** The organic variables as model.json shows them (contribution with its interval, no ROAS). */
export function organicSummaries(pr: SearchProblem, responses: ChannelResponse[], contribution: Float64Array, draws: BootstrapDraw[]): OrganicSummary[] {
  const total = pr.y.reduce((a, b) => a + b, 0);
  return responses.map((r, i) => {
    const x = (pr.data.organic ?? [])[i].values;
    const from = Math.max(0, pr.n - 13);
    let recent = 0;
    for (let t = from; t < pr.n; t++) recent += x[t] / (pr.n - from);
    const c = contribution[pr.nc + i];
    const interval = pr.o.estimator === 'posterior' ? percentileInterval : recentredInterval;
    const [contributionLow, contributionHigh] = draws.length
      ? interval(
          draws.map((d) => (d.organicContribution ?? [])[i]),
          c,
          pr.o.intervalLevel,
        )
      : [c, c];
    return { ...r, activity: x.reduce((a, b) => a + b, 0), recentMean: recent, contribution: c, targetShare: total !== 0 ? c / total : 0, contributionLow, contributionHigh };
  });
}

/** Per-channel summaries with intervals from the draws (a point interval without draws). */
export function channelSummaries(pr: SearchProblem, responses: ChannelResponse[], contribution: Float64Array, totals: number[], draws: BootstrapDraw[]): ChannelSummary[] {
  const totalContribution = contribution.reduce((a, b) => a + b, 0);
  const totalSpend = totals.reduce((a, b) => a + b, 0);
  const mroas = marginalRoas(pr, responses, totals);
  const level = pr.o.intervalLevel;
  // The posterior's draws give its percentiles; the search's bootstrap draws are recentred on the point.
  const interval = pr.o.estimator === 'posterior' ? percentileInterval : recentredInterval;
  return responses.map((r, j) => {
    const roas = totals[j] > 0 ? contribution[j] / totals[j] : 0;
    const [roasLow, roasHigh] = draws.length
      ? interval(
          draws.map((d) => d.roas[j]),
          roas,
          level,
        )
      : [roas, roas];
    const [contributionLow, contributionHigh] = draws.length
      ? interval(
          draws.map((d) => d.contribution[j]),
          contribution[j],
          level,
        )
      : [contribution[j], contribution[j]];
    return {
      ...r,
      spend: totals[j],
      spendShare: totalSpend > 0 ? totals[j] / totalSpend : 0,
      contribution: contribution[j],
      contributionShare: totalContribution > 0 ? contribution[j] / totalContribution : 0,
      roas,
      roasLow,
      roasHigh,
      contributionLow,
      contributionHigh,
      mroas: mroas[j],
    };
  });
}

/**
 * The data leave a channel's ROAS open (the rule of {@link uncertaintyWarnings}): its 90% interval
 * is wider than half the ROAS or, for a channel fitted at no effect, reaches 0.5 or more (it may
 * return half its spend or more).
 */
export function roasUndetermined(c: { roas: number; roasLow: number; roasHigh: number }): boolean {
  return c.roas > 0 ? c.roasHigh - c.roasLow > 0.5 * c.roas : c.roasHigh >= 0.5;
}

/**
 * Warnings for channels the data leave undetermined: at least 10% of the
 * media effect, or fitted at no effect with at least 10% of the spend, a ROAS
 * the data leave open ({@link roasUndetermined}), and no lift study.
 * On unseen recovery seeds 13-42 that rule flagged 28 of the 33 large
 * channels whose ROAS the data cannot pin within 20% (bench/mmm-identifiability.ts),
 * none of the 39 they can, and all 9 that missed 20%.
 */
export function uncertaintyWarnings(pr: SearchProblem, channels: ChannelSummary[], draws: BootstrapDraw[]): string[] {
  const out: string[] = [];
  channels.forEach((c, j) => {
    const large = c.contributionShare >= 0.1 || (c.roas <= 0 && c.spendShare >= 0.1);
    if (draws.length < 2 || !large || !roasUndetermined(c)) return;
    if (pr.o.calibration.some((st) => st.channel === c.name)) return;
    const x = pr.data.channels[j].values;
    let min = Infinity;
    for (let t = 0; t < pr.n; t++) min = Math.min(min, x[t]);
    const mean = c.spend / pr.n;
    const floor = min > 0.05 * mean ? `; its spend never fell below ${Math.round((100 * min) / mean)}% of its average, so its response below that was never observed` : '';
    const what =
      c.roas > 0
        ? `the data leave its ROAS uncertain (90% interval ${c.roasLow.toFixed(2)}-${c.roasHigh.toFixed(2)} around ${c.roas.toFixed(2)}`
        : `the fit gives it no effect, but the data allow a ROAS up to ${c.roasHigh.toFixed(2)} (90% interval ${c.roasLow.toFixed(2)}-${c.roasHigh.toFixed(2)}`;
    out.push(`${c.name}: ${what}${floor}); a lift test of it (calibration.csv, or mmm fit --calibration) would pin it down`);
  });
  return out;
}

/** Baseline terms with their coefficients; controls also get their mean over the window's last 13 weeks (the forecast's default). */
export function baselineTerms(pr: SearchProblem, coef: Float64Array): BaselineTerm[] {
  const { n } = pr;
  return pr.base.map((c, j) => {
    const t: BaselineTerm = { name: c.name, kind: c.kind, coef: coef[j] };
    if (c.order !== undefined) t.order = c.order;
    if (c.fn !== undefined) t.fn = c.fn;
    if (c.factor !== undefined) {
      t.factor = c.factor;
      t.level = c.level;
    }
    if (c.kind === 'control' || c.kind === 'dummy') {
      const from = Math.max(0, n - 13);
      let s = 0;
      for (let i = from; i < n; i++) s += c.values[i];
      t.recentMean = s / (n - from);
    }
    return t;
  });
}

/** Each lift study against the final model: the channel's effect over the study's weeks (only when studies were given). */
export function calibrationReport(pr: SearchProblem, refit: Refit): MmmModel['calibration'] {
  const { o, cal, n, nb } = pr;
  if (cal.channel.length === 0) return undefined;
  const studies = o.calibration.map((st, k) => {
    const j = cal.channel[k];
    let m = 0;
    for (let t = cal.from[k]; t <= cal.to[k]; t++) m += refit.design.cols[(nb + j) * n + t];
    const modelled = refit.coef[nb + j] * m;
    return {
      channel: st.channel,
      from: dayToIso(parseDateToDay(String(st.from))),
      to: dayToIso(parseDateToDay(String(st.to))),
      weeks: cal.to[k] - cal.from[k] + 1,
      lift: st.lift,
      modelled,
      error: (modelled - st.lift) / st.lift,
    };
  });
  return { weight: o.calibrationWeight, mapeLift: studies.reduce((a, st) => a + Math.abs(st.error), 0) / studies.length, studies };
}

/**
 * Share of the target's window total above which one context variable (a
 * control, or a factor's dummies together) is said to explain most of it:
 * 0.5. The intercept and trend normally carry the target's level; a context
 * variable whose modelled effect is more than half the target's total has
 * taken the level over (as competitor sales do in Robyn's demo data, with a
 * negative intercept), so the media effects are measured against a baseline
 * that variable's level, not its week-to-week movement, decides. A variable
 * with a negative effect (a price index around 1) moves level into the
 * intercept instead and is not flagged.
 */
export const DOMINANT_CONTEXT_SHARE = 0.5;

/** Warnings for context variables whose effect is more than DOMINANT_CONTEXT_SHARE of the target's total. */
export function dominantContextWarnings(pr: SearchProblem, refit: Refit, parts: { name: string; columns: number[] }[]): string[] {
  const total = pr.y.reduce((a, b) => a + b, 0);
  if (!(total > 0)) return [];
  const contextNames = new Set([...pr.base.filter((c) => c.kind === 'control' || c.kind === 'dummy').map((c) => c.name), ...pr.factors.map((f) => f.name)]);
  const out: string[] = [];
  for (const p of parts) {
    if (!contextNames.has(p.name)) continue;
    let effect = 0;
    for (const j of p.columns) for (let t = 0; t < pr.n; t++) effect += refit.coef[j] * refit.design.cols[j * pr.n + t];
    const share = effect / total;
    if (share > DOMINANT_CONTEXT_SHARE) {
      out.push(
        `${p.name} explains ${(100 * share).toFixed(1)}% of ${pr.data.targetName} over the modelling window (more than ${100 * DOMINANT_CONTEXT_SHARE}%): it carries the baseline's level rather than its week-to-week movement, so the media effects are measured against it; check that it is not driven by the media or the target itself, or leave it out`,
      );
    }
  }
  return out;
}

/**
 * The warning when the intercept sits at its bound 0 (interceptSign
 * 'non_negative' and the unconstrained fit below 0), with the free fit's value.
 */
export function interceptWarning(pr: SearchProblem, refit: Refit, freeIntercept: number): string[] {
  if (pr.o.interceptSign !== 'non_negative' || refit.intercept !== 0 || !(freeIntercept < 0)) return [];
  return [
    `the intercept sits at its bound 0 (with a free intercept the fit puts it at ${freeIntercept.toFixed(2)}): the other terms carry the baseline's level, so check that no control stands in for it (see the controls' shares); interceptSign 'free' (mmm fit --intercept-sign free) lifts the bound`,
  ];
}
