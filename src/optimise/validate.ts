/**
 * Checks an allocation problem read from JSON and resolves it: every default
 * filled, bounds made absolute, channel names turned into indices. Any
 * malformed input throws a {@link ValidationError} whose message starts with
 * the JSON path of the bad value (e.g. `channels[2].response.k`).
 */
import { ValidationError } from '../core/errors.ts';
import type {
  CurveSpec,
  Tier,
  ResolvedChannel,
  ResolvedConstraint,
  ResolvedPeriod,
  ResolvedProblem,
} from './types.ts';

type Json = Record<string, unknown>;

function fail(path: string, detail: string): never {
  throw new ValidationError(`${path}: ${detail}`);
}

function show(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v);
  if (v === undefined) return 'nothing';
  try {
    return JSON.stringify(v) ?? String(v);
  } catch {
    return String(v);
  }
}

function asObject(v: unknown, path: string, allowed: readonly string[]): Json {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) fail(path, `must be an object, got ${show(v)}`);
  for (const key of Object.keys(v as Json)) {
    if (!allowed.includes(key)) fail(path === '(problem)' ? key : `${path}.${key}`, `unknown key (allowed: ${allowed.join(', ')})`);
  }
  return v as Json;
}

function asArray(v: unknown, path: string, minLength = 0): unknown[] {
  if (!Array.isArray(v)) fail(path, `must be an array, got ${show(v)}`);
  if (v.length < minLength) fail(path, `must have at least ${minLength} element${minLength === 1 ? '' : 's'}`);
  return v;
}

interface NumberRule {
  /** Inclusive lower limit. */
  min?: number;
  /** Exclusive lower limit. */
  above?: number;
  max?: number;
}

function asNumber(v: unknown, path: string, rule: NumberRule = {}): number {
  if (typeof v !== 'number' || !Number.isFinite(v)) fail(path, `must be a finite number, got ${show(v)}`);
  if (rule.above !== undefined && !(v > rule.above)) fail(path, `must be > ${rule.above}, got ${v}`);
  if (rule.min !== undefined && !(v >= rule.min)) fail(path, `must be >= ${rule.min}, got ${v}`);
  if (rule.max !== undefined && !(v <= rule.max)) fail(path, `must be <= ${rule.max}, got ${v}`);
  return v;
}

function optNumber(obj: Json, key: string, path: string, rule: NumberRule = {}): number | undefined {
  return obj[key] === undefined ? undefined : asNumber(obj[key], path === '(problem)' ? key : `${path}.${key}`, rule);
}

/**
 * Validates a curve spec (see {@link CurveSpec}) and returns a frozen copy.
 * @throws ValidationError naming the path, e.g. `channels[0].response.k: must be > 0, got -1`
 */
export function validateCurve(v: unknown, path: string): CurveSpec {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) fail(path, `must be a curve object, got ${show(v)}`);
  const type = (v as Json).type;
  switch (type) {
    case 'hill': {
      const o = asObject(v, path, ['type', 'beta', 'alpha', 'k']);
      return Object.freeze({
        type: 'hill',
        beta: asNumber(o.beta, `${path}.beta`, { min: 0 }),
        alpha: asNumber(o.alpha, `${path}.alpha`, { above: 0, max: 50 }),
        k: asNumber(o.k, `${path}.k`, { above: 0 }),
      });
    }
    case 'log': {
      const o = asObject(v, path, ['type', 'beta', 's']);
      return Object.freeze({
        type: 'log',
        beta: asNumber(o.beta, `${path}.beta`, { min: 0 }),
        s: asNumber(o.s, `${path}.s`, { above: 0 }),
      });
    }
    case 'points': {
      const o = asObject(v, path, ['type', 'spend', 'response']);
      const spend = asArray(o.spend, `${path}.spend`, 1).map((x, j) => asNumber(x, `${path}.spend[${j}]`, { min: 0 }));
      const response = asArray(o.response, `${path}.response`, 1).map((x, j) => asNumber(x, `${path}.response[${j}]`));
      if (spend.length !== response.length) {
        fail(`${path}.response`, `must have as many values as spend (${spend.length}), got ${response.length}`);
      }
      for (let j = 1; j < spend.length; j++) {
        if (!(spend[j] > spend[j - 1])) fail(`${path}.spend[${j}]`, `must be strictly increasing, got ${spend[j]} after ${spend[j - 1]}`);
      }
      if (spend[0] === 0 && response[0] !== 0) {
        fail(`${path}.response[0]`, `must be 0 at spend 0 (a response curve is incremental), got ${response[0]}`);
      }
      return Object.freeze({ type: 'points', spend: Object.freeze(spend) as number[], response: Object.freeze(response) as number[] });
    }
    case 'tiers': {
      const o = asObject(v, path, ['type', 'tiers']);
      const raw = asArray(o.tiers, `${path}.tiers`, 1);
      const tiers = raw.map((t, j) => {
        const tp = `${path}.tiers[${j}]`;
        const to = asObject(t, tp, ['width', 'roi']);
        const roi = asNumber(to.roi, `${tp}.roi`);
        if (to.width === undefined || to.width === null) {
          if (j !== raw.length - 1) fail(`${tp}.width`, 'only the last tier may be unlimited (width omitted or null)');
          return Object.freeze({ width: null, roi });
        }
        return Object.freeze({ width: asNumber(to.width, `${tp}.width`, { above: 0 }), roi });
      });
      return Object.freeze({ type: 'tiers', tiers: Object.freeze(tiers) as Tier[] });
    }
    default:
      fail(`${path}.type`, `must be one of "hill", "log", "points", "tiers", got ${show(type)}`);
  }
}

const CHANNEL_KEYS = [
  'name', 'response', 'min', 'max', 'minMultiple', 'maxMultiple', 'recent', 'minIfActive', 'weight',
  'clvPerRevenue', 'valueResponse', 'current',
] as const;

const TOP_KEYS = [
  'budget', 'spendAll', 'objective', 'clvWeight', 'target', 'channels', 'constraints', 'current', 'periods',
  'maxChange', 'reinvestRate', 'tolerance', 'margin',
] as const;

const OBJECTIVES = ['revenue', 'clv', 'weighted', 'efficiency', 'profit'] as const;

function resolveChannel(
  entry: Json,
  path: string,
  budget: number | null,
  needsClv: boolean,
  currentOverride: number | undefined,
  capAtBudget: boolean,
): ResolvedChannel {
  const name = entry.name as string;
  if (entry.response === undefined) fail(`${path}.response`, 'is required');
  const revenue = validateCurve(entry.response, `${path}.response`);
  const clvCurve = entry.valueResponse === undefined ? null : validateCurve(entry.valueResponse, `${path}.valueResponse`);
  const clvPerRevenue = optNumber(entry, 'clvPerRevenue', path, { min: 0 });
  if (clvCurve && clvPerRevenue !== undefined) fail(`${path}.clvPerRevenue`, 'give either clvPerRevenue or valueResponse, not both');
  if (needsClv && !clvCurve && clvPerRevenue === undefined) {
    fail(path, `channel "${name}" needs clvPerRevenue or valueResponse for this objective`);
  }
  const recent = optNumber(entry, 'recent', path, { min: 0 });
  const min = optNumber(entry, 'min', path, { min: 0 });
  const max = optNumber(entry, 'max', path, { min: 0 });
  const minMultiple = optNumber(entry, 'minMultiple', path, { min: 0 });
  const maxMultiple = optNumber(entry, 'maxMultiple', path, { min: 0 });
  if (min !== undefined && minMultiple !== undefined) fail(`${path}.minMultiple`, 'give either min or minMultiple, not both');
  if (max !== undefined && maxMultiple !== undefined) fail(`${path}.maxMultiple`, 'give either max or maxMultiple, not both');
  if ((minMultiple !== undefined || maxMultiple !== undefined) && recent === undefined) {
    fail(`${path}.recent`, 'is required when minMultiple or maxMultiple is given');
  }
  const lo = min ?? (minMultiple !== undefined ? minMultiple * recent! : 0);
  const userHi = max ?? (maxMultiple !== undefined ? maxMultiple * recent! : Infinity);
  if (lo > userHi) fail(path, `min ${lo} > max ${userHi} for channel "${name}"`);
  const minIfActive = optNumber(entry, 'minIfActive', path, { min: 0 }) ?? 0;
  const hi = budget === null || !capAtBudget ? userHi : Math.min(userHi, budget);
  if (minIfActive > userHi) fail(`${path}.minIfActive`, `${minIfActive} exceeds max ${userHi} of channel "${name}": it could never be active`);
  const weight = optNumber(entry, 'weight', path, { min: 0 }) ?? 1;
  const current = currentOverride ?? optNumber(entry, 'current', path, { min: 0 }) ?? recent ?? null;
  return {
    name,
    path,
    revenue,
    clvCurve,
    clvPerRevenue: clvPerRevenue ?? 0,
    lo: minIfActive > 0 && lo > 0 ? Math.max(lo, minIfActive) : lo,
    hi,
    minIfActive: lo > 0 ? 0 : minIfActive,
    weight,
    current,
  };
}

function channelNameOf(entry: unknown, path: string): string {
  const o = asObject(entry, path, CHANNEL_KEYS);
  if (typeof o.name !== 'string' || o.name.length === 0) fail(`${path}.name`, `must be a non-empty string, got ${show(o.name)}`);
  return o.name;
}

/**
 * Validates a JSON allocation problem and resolves it (defaults in
 * {@link AllocationProblem}'s field docs).
 * @param input parsed JSON
 * @returns the resolved problem and warnings about things that were ignored
 * @throws ValidationError for malformed input: unknown keys, bad numbers, bad
 *   curve parameters, unknown channel names, min > max, negative budget, or a
 *   budget below the sum of channel minimums.
 */
export function resolveProblem(input: unknown): { problem: ResolvedProblem; warnings: string[] } {
  const warnings: string[] = [];
  const top = asObject(input, '(problem)', TOP_KEYS);
  const objectiveRaw = top.objective ?? 'revenue';
  if (!OBJECTIVES.includes(objectiveRaw as (typeof OBJECTIVES)[number])) {
    fail('objective', `must be one of ${OBJECTIVES.map((o) => `"${o}"`).join(', ')}, got ${show(objectiveRaw)}`);
  }
  let objective = objectiveRaw as ResolvedProblem['objective'];
  const budgetTop = optNumber(top, 'budget', '(problem)', { min: 0 });
  if (top.spendAll !== undefined && typeof top.spendAll !== 'boolean') fail('spendAll', `must be true or false, got ${show(top.spendAll)}`);
  const spendAll = (top.spendAll as boolean | undefined) ?? objective !== 'profit';
  // a gross margin is a share of revenue: above 1 the goods would cost less than nothing
  const margin = optNumber(top, 'margin', '(problem)', { above: 0, max: 1 }) ?? 1;
  const clvWeight = optNumber(top, 'clvWeight', '(problem)', { min: 0 }) ?? 1;
  if (top.clvWeight !== undefined && objective !== 'weighted') warnings.push('clvWeight is only used by the "weighted" objective; ignored');
  const tolerance = optNumber(top, 'tolerance', '(problem)', { above: 0, max: 1e-3 }) ?? 1e-4;
  const reinvestRate = optNumber(top, 'reinvestRate', '(problem)', { min: 0, max: 10 }) ?? 0;

  let targetRevenue: number | null = null;
  let targetRoas: number | null = null;
  if (top.target !== undefined) {
    const t = asObject(top.target, 'target', ['revenue', 'roas']);
    targetRevenue = optNumber(t, 'revenue', 'target', { above: 0 }) ?? null;
    targetRoas = optNumber(t, 'roas', 'target', { above: 0 }) ?? null;
    if (objective !== 'efficiency') fail('target', 'is only used with objective "efficiency"');
    if (targetRevenue === null && targetRoas === null) fail('target', 'needs "revenue" and/or "roas"');
  }
  if (objective === 'efficiency' && targetRevenue === null && targetRoas === null) {
    fail('target', 'objective "efficiency" needs target.revenue (least spend reaching it) and/or target.roas');
  }
  if (objective === 'efficiency' && targetRevenue === null) {
    // "efficiency" with only a ROAS target: the most revenue whose ROAS stays at or above the floor.
    objective = 'revenue';
    warnings.push('objective "efficiency" with only target.roas: maximising revenue subject to ROAS >= target.roas');
  }
  const needsClv = objective === 'clv' || objective === 'weighted';
  const revenueCoef = objective === 'clv' ? 0 : objective === 'profit' ? margin : 1;
  const clvCoef = objective === 'clv' ? 1 : objective === 'weighted' ? clvWeight : 0;
  const spendCost = objective === 'profit' ? 1 : 0;

  // ---- channels (top level) and periods
  const topEntries = new Map<string, { entry: Json; path: string }>();
  if (top.channels !== undefined) {
    asArray(top.channels, 'channels', 1).forEach((c, j) => {
      const path = `channels[${j}]`;
      const name = channelNameOf(c, path);
      if (topEntries.has(name)) fail(`${path}.name`, `duplicate channel name "${name}"`);
      topEntries.set(name, { entry: c as Json, path });
    });
  }
  const multiPeriod = top.periods !== undefined;
  if (!multiPeriod && topEntries.size === 0) fail('channels', 'is required (an array of channels) when there are no periods');
  if (!multiPeriod && top.maxChange !== undefined) fail('maxChange', 'only applies to multi-period problems ("periods")');
  if (!multiPeriod && top.reinvestRate !== undefined) fail('reinvestRate', 'only applies to multi-period problems ("periods")');

  let currentTop: Record<string, number> | null = null;
  if (top.current !== undefined) {
    const c = top.current;
    if (c === null || typeof c !== 'object' || Array.isArray(c)) fail('current', `must be an object of channel name -> spend, got ${show(c)}`);
    currentTop = {};
    for (const [name, v] of Object.entries(c as Json)) currentTop[name] = asNumber(v, `current.${name}`, { min: 0 });
  }

  interface RawPeriod {
    budget: number | null;
    budgetPath: string;
    entries: { entry: Json; path: string; name: string }[];
  }
  const rawPeriods: RawPeriod[] = [];
  if (multiPeriod) {
    if (budgetTop !== undefined) fail('budget', 'give budgets per period in "periods[t].budget" for multi-period problems');
    asArray(top.periods, 'periods', 1).forEach((p, t) => {
      const pp = `periods[${t}]`;
      const po = asObject(p, pp, ['budget', 'channels']);
      const budget = optNumber(po, 'budget', pp, { min: 0 }) ?? null;
      const seen = new Set<string>();
      const entries = asArray(po.channels ?? [], `${pp}.channels`).map((c, j) => {
        const path = `${pp}.channels[${j}]`;
        const name = channelNameOf(c, path);
        if (seen.has(name)) fail(`${path}.name`, `duplicate channel name "${name}"`);
        seen.add(name);
        const base = topEntries.get(name);
        if (topEntries.size > 0 && !base) fail(`${path}.name`, `unknown channel "${name}" (not in the top-level channels)`);
        return { entry: { ...(base?.entry ?? {}), ...(c as Json) }, path, name };
      });
      // channels listed only at top level apply to this period unchanged
      for (const [name, base] of topEntries) if (!seen.has(name)) entries.push({ entry: base.entry, path: base.path, name });
      rawPeriods.push({ budget, budgetPath: `${pp}.budget`, entries });
    });
  } else {
    rawPeriods.push({
      budget: budgetTop ?? null,
      budgetPath: 'budget',
      entries: [...topEntries].map(([name, { entry, path }]) => ({ entry, path, name })),
    });
  }
  const channelNames = rawPeriods[0].entries.map((e) => e.name);
  const index = new Map(channelNames.map((n, i) => [n, i]));
  if (channelNames.length === 0) fail(multiPeriod ? 'periods[0].channels' : 'channels', 'must list at least one channel');
  rawPeriods.forEach((rp, t) => {
    if (rp.entries.length !== channelNames.length || rp.entries.some((e) => !index.has(e.name))) {
      fail(`periods[${t}].channels`, `must list the same channels as periods[0] (${channelNames.join(', ')})`);
    }
    rp.entries.sort((a, b) => index.get(a.name)! - index.get(b.name)!);
  });
  if (currentTop) for (const name of Object.keys(currentTop)) if (!index.has(name)) fail(`current.${name}`, `unknown channel "${name}"`);

  const periods: ResolvedPeriod[] = rawPeriods.map((rp) => {
    const channels = rp.entries.map((e) => resolveChannel(e.entry, e.path, rp.budget, needsClv, currentTop?.[e.name], reinvestRate === 0));
    if (rp.budget !== null) {
      const sumMin = channels.reduce((s, c) => s + c.lo, 0);
      if (sumMin > rp.budget * (1 + 1e-12)) {
        fail(rp.budgetPath, `budget ${rp.budget} is below the sum of channel minimums ${sumMin}`);
      }
    }
    return { budget: rp.budget, channels };
  });

  // ---- constraints
  const constraints: ResolvedConstraint[] = [];
  if (targetRoas !== null) constraints.push({ kind: 'roasFloor', id: 'target.roas', value: targetRoas });
  if (top.constraints !== undefined) {
    asArray(top.constraints, 'constraints').forEach((c, j) => {
      const path = `constraints[${j}]`;
      if (c === null || typeof c !== 'object' || Array.isArray(c)) fail(path, `must be an object, got ${show(c)}`);
      const type = (c as Json).type;
      const names = (v: unknown, p: string) => {
        const arr = asArray(v, p, 1).map((n, q) => {
          if (typeof n !== 'string' || !index.has(n)) fail(`${p}[${q}]`, `unknown channel ${show(n)}`);
          return index.get(n)!;
        });
        if (new Set(arr).size !== arr.length) fail(p, 'lists a channel twice');
        return arr;
      };
      const label = (o: Json) => {
        if (o.name !== undefined && typeof o.name !== 'string') fail(`${path}.name`, `must be a string, got ${show(o.name)}`);
        return o.name ? `${path} "${o.name as string}"` : path;
      };
      if (type === 'group') {
        const o = asObject(c, path, ['type', 'name', 'channels', 'min', 'max']);
        const chans = names(o.channels, `${path}.channels`);
        const min = optNumber(o, 'min', path, { min: 0 }) ?? null;
        const max = optNumber(o, 'max', path, { min: 0 }) ?? null;
        if (min === null && max === null) fail(path, 'a group constraint needs "min" and/or "max"');
        if (min !== null && max !== null && min > max) fail(path, `min ${min} > max ${max}`);
        constraints.push({ kind: 'group', id: label(o), channels: chans, min, max });
      } else if (type === 'ratio') {
        const o = asObject(c, path, ['type', 'name', 'left', 'right', 'sense', 'factor']);
        const left = names(o.left, `${path}.left`);
        const right = names(o.right, `${path}.right`);
        if (left.some((i) => right.includes(i))) fail(path, 'a channel cannot be on both sides of a ratio');
        if (o.sense !== '<=' && o.sense !== '>=' && o.sense !== '=') fail(`${path}.sense`, `must be "<=", ">=" or "=", got ${show(o.sense)}`);
        const factor = optNumber(o, 'factor', path, { min: 0 }) ?? 1;
        constraints.push({ kind: 'ratio', id: label(o), left, right, sense: o.sense, factor });
      } else if (type === 'roasFloor') {
        const o = asObject(c, path, ['type', 'name', 'value']);
        constraints.push({ kind: 'roasFloor', id: label(o), value: asNumber(o.value, `${path}.value`, { min: 0 }) });
      } else {
        fail(`${path}.type`, `must be one of "group", "ratio", "roasFloor", got ${show(type)}`);
      }
    });
  }

  // ---- multi-period options
  let maxChangeAbsolute: number | null = null;
  let maxChangeRelative: number | null = null;
  if (top.maxChange !== undefined) {
    if (typeof top.maxChange === 'number') maxChangeAbsolute = asNumber(top.maxChange, 'maxChange', { min: 0 });
    else {
      const m = asObject(top.maxChange, 'maxChange', ['absolute', 'relative']);
      maxChangeAbsolute = optNumber(m, 'absolute', 'maxChange', { min: 0 }) ?? null;
      maxChangeRelative = optNumber(m, 'relative', 'maxChange', { min: 0 }) ?? null;
      if (maxChangeAbsolute === null && maxChangeRelative === null) fail('maxChange', 'needs "absolute" and/or "relative"');
    }
  }

  // ---- current plan
  let current: number[][] | null = periods.map((p) => p.channels.map((c) => c.current ?? NaN));
  const known = current.flat().filter((v) => !Number.isNaN(v)).length;
  if (known === 0) current = null;
  else if (known < current.flat().length) {
    const missing = channelNames.filter((_, i) => periods.some((p) => p.channels[i].current === null));
    warnings.push(`no comparison with the current plan: current spend unknown for ${missing.join(', ')}`);
    current = null;
  }

  return {
    problem: {
      objective,
      revenueCoef,
      clvCoef,
      spendCost,
      margin,
      spendAll,
      targetRevenue,
      channelNames,
      periods,
      constraints,
      maxChangeAbsolute,
      maxChangeRelative,
      reinvestRate,
      current,
      tolerance,
      multiPeriod,
    },
    warnings,
  };
}
