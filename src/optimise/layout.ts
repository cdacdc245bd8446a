/**
 * How a problem's channels apply in each period: every period has the same
 * channels, a period's entry is merged over the top-level entry of its name,
 * and top-level channels a period does not list apply to it unchanged. Also a
 * channel's own bounds in money. The problem's rules (schema.ts) and its
 * resolution (resolve.ts) both read a problem through these functions, so the
 * check and the solve see the same channels and bounds.
 */
import type { AllocationProblem, ChannelSpec } from './types.ts';

/** A rule a value breaks: the key path (from the value checked) and what is wrong. */
export interface Broken {
  path: PropertyKey[];
  message: string;
}

/** True for a {@link Broken} rule (anything with a message). */
export function isBroken(v: object): v is Broken {
  return 'message' in v;
}

/** A channel entry as it applies in one period. */
export interface EffectiveEntry {
  name: string;
  /** The period's entry merged over the top-level entry of the same name (or either alone). */
  entry: ChannelSpec;
  /** Key path of the entry written for this period: the period's own if it lists the channel, else the top-level one. */
  path: (string | number)[];
}

/** One period's budget and channels. */
export interface PeriodLayout {
  /** null: no budget. */
  budget: number | null;
  budgetPath: (string | number)[];
  /** One entry per channel, in the order of {@link ProblemLayout.channelNames}. */
  entries: EffectiveEntry[];
}

/** The channels of every period; a single-period problem has one period. */
export interface ProblemLayout {
  /** Channel order: the channels periods[0] lists, in its order, then the other top-level channels in theirs (single period: the top-level order). */
  channelNames: string[];
  periods: PeriodLayout[];
}

/**
 * Lays out a problem's channels by period.
 * @returns the layout, or the first broken rule: a channel name twice in one
 *   list, a period naming a channel missing at top level, a first period with
 *   no channel, or periods listing different channels
 */
export function periodLayout(p: AllocationProblem): ProblemLayout | Broken {
  const top = new Map<string, EffectiveEntry>();
  for (const [j, c] of (p.channels ?? []).entries()) {
    if (top.has(c.name)) return { path: ['channels', j, 'name'], message: `duplicate channel name "${c.name}"` };
    top.set(c.name, { name: c.name, entry: c, path: ['channels', j] });
  }
  if (p.periods === undefined) return { channelNames: [...top.keys()], periods: [{ budget: p.budget ?? null, budgetPath: ['budget'], entries: [...top.values()] }] };
  const periods: PeriodLayout[] = [];
  for (const [t, period] of p.periods.entries()) {
    const entries: EffectiveEntry[] = [];
    const seen = new Set<string>();
    for (const [j, c] of (period.channels ?? []).entries()) {
      const path = ['periods', t, 'channels', j];
      if (seen.has(c.name)) return { path: [...path, 'name'], message: `duplicate channel name "${c.name}"` };
      const base = top.get(c.name);
      if (top.size > 0 && !base) return { path: [...path, 'name'], message: `unknown channel "${c.name}" (not in the top-level channels)` };
      seen.add(c.name);
      entries.push({ name: c.name, entry: base ? { ...base.entry, ...c } : c, path });
    }
    for (const base of top.values()) if (!seen.has(base.name)) entries.push(base);
    periods.push({ budget: period.budget ?? null, budgetPath: ['periods', t, 'budget'], entries });
  }
  return samePeriodChannels(periods);
}

/** Checks that every period lists periods[0]'s channels and puts each period's entries in that order. */
function samePeriodChannels(periods: PeriodLayout[]): ProblemLayout | Broken {
  const channelNames = periods[0].entries.map((e) => e.name);
  if (channelNames.length === 0) return { path: ['periods', 0, 'channels'], message: 'must list at least one channel' };
  const index = new Map(channelNames.map((n, i) => [n, i]));
  for (const [t, period] of periods.entries()) {
    if (period.entries.length !== channelNames.length || period.entries.some((e) => !index.has(e.name))) {
      return { path: ['periods', t, 'channels'], message: `must list the same channels as periods[0] (${channelNames.join(', ')})` };
    }
    period.entries.sort((a, b) => index.get(a.name)! - index.get(b.name)!);
  }
  return { channelNames, periods };
}

/** A channel's own bounds in money, before the budget caps them. */
export interface OwnBounds {
  /** `min`, or `minMultiple x recent`, else 0. */
  lo: number;
  /** `max`, or `maxMultiple x recent`, else Infinity. */
  hi: number;
  /** Spend is 0 or at least this; 0: no such rule. */
  minIfActive: number;
}

/**
 * A channel's own bounds (see {@link OwnBounds}).
 * Precondition: `recent` is given when a multiple is (the schema's channel rule).
 * @example ownBounds({ name: 'tv', recent: 4, minMultiple: 0.5, max: 10 }); // => { lo: 2, hi: 10, minIfActive: 0 }
 */
export function ownBounds(c: ChannelSpec): OwnBounds {
  return {
    lo: c.min ?? (c.minMultiple !== undefined ? c.minMultiple * (c.recent as number) : 0),
    hi: c.max ?? (c.maxMultiple !== undefined ? c.maxMultiple * (c.recent as number) : Infinity),
    minIfActive: c.minIfActive ?? 0,
  };
}

/**
 * The least a channel spends: its lower bound, raised to minIfActive when the
 * bound already keeps it active (lo > 0).
 * @example channelFloor({ lo: 1, hi: 9, minIfActive: 3 }); // => 3
 */
export function channelFloor(b: OwnBounds): number {
  return b.minIfActive > 0 && b.lo > 0 ? Math.max(b.lo, b.minIfActive) : b.lo;
}
