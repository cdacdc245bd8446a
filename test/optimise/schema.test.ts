/**
 * The allocation problem's schema (src/optimise/schema.ts) and its resolution
 * (src/optimise/resolve.ts): every rule with the exact one-line error it
 * gives, the defaults resolveProblem fills (expected values worked out by
 * hand from the problem's numbers), the shared constraint schema in the
 * config, and `mmm optimise --problem` exiting 2 naming the file.
 */
import { describe, expect, it } from 'vitest';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ValidationError } from '../../src/core/errors.ts';
import { resolveConfig } from '../../src/core/config.ts';
import { evaluateUnderCurveDraws, parseAllocationProblem, resolveProblem } from '../../src/optimise/index.ts';
import type { AllocationProblem, CheckedAllocationProblem, CurveSpec } from '../../src/optimise/index.ts';
import { errorLine, runCli, tempDir } from '../helpers/tmp.ts';

const log = (beta: number, s: number): CurveSpec => ({ type: 'log', beta, s });
const hill = (beta: number, alpha: number, k: number): CurveSpec => ({ type: 'hill', beta, alpha, k });

type Json = Record<string, unknown>;
/** A problem as loose JSON, to break one key of. */
type Problem = Json & { channels: Json[] };
/** A valid two-channel problem. */
const base = (): Problem => ({
  budget: 10,
  channels: [
    { name: 'a', response: log(1, 1) },
    { name: 'b', response: hill(2, 1.5, 1) },
  ],
});
/** A valid two-period problem with top-level channels. */
const multi = (): Problem => ({
  channels: [
    { name: 'a', response: log(1, 1) },
    { name: 'b', response: log(2, 1) },
  ],
  periods: [{ budget: 3 }, { budget: 4 }],
});

/** The message parseAllocationProblem throws for a problem (fails the test when it is accepted). */
function refusal(p: unknown): string {
  try {
    parseAllocationProblem(p);
  } catch (e) {
    expect(e).toBeInstanceOf(ValidationError);
    return (e as Error).message;
  }
  throw new Error(`accepted: ${JSON.stringify(p)}`);
}

function withChannel(patch: Json, p = base()): Problem {
  p.channels[0] = { ...p.channels[0], ...patch };
  return p;
}
const withResponse = (response: unknown): Json => withChannel({ response });

describe('allocation problem schema: each rule and its exact error', () => {
  const cases: [string, unknown, string][] = [
    // curves
    ['hill beta < 0', withResponse(hill(-1, 1, 1)), 'channels[0].response.beta: must be >= 0'],
    ['hill alpha 0', withResponse(hill(1, 0, 1)), 'channels[0].response.alpha: must be > 0'],
    ['hill alpha above 50', withResponse(hill(1, 51, 1)), 'channels[0].response.alpha: must be <= 50'],
    ['hill k 0', withResponse(hill(1, 1, 0)), 'channels[0].response.k: must be > 0'],
    ['hill k missing', withResponse({ type: 'hill', beta: 1, alpha: 1 }), 'channels[0].response.k: is required'],
    ['log s 0', withResponse(log(1, 0)), 'channels[0].response.s: must be > 0'],
    ['a string parameter', withResponse({ type: 'log', beta: '1', s: 1 }), 'channels[0].response.beta: must be a number'],
    ['an infinite parameter', withResponse(log(Infinity, 1)), 'channels[0].response.beta: must be a number'],
    ['NaN', withResponse(log(Number.NaN, 1)), 'channels[0].response.beta: must be a number'],
    ['a key of another curve', withResponse({ type: 'hill', beta: 1, alpha: 1, k: 1, s: 1 }), 'channels[0].response: unknown key "s"'],
    ['an unknown curve type', withResponse({ type: 'spline', beta: 1 }), 'channels[0].response.type: "spline" is not one of the allowed kinds (hill, log, points, tiers)'],
    ['a curve that is not an object', withResponse(3), 'channels[0].response: must be an object'],
    ['points: no points', withResponse({ type: 'points', spend: [], response: [] }), 'channels[0].response.spend: must have at least 1 entry'],
    ['points: negative spend', withResponse({ type: 'points', spend: [-1, 2], response: [0, 1] }), 'channels[0].response.spend[0]: must be >= 0'],
    ['points: lengths differ', withResponse({ type: 'points', spend: [1, 2], response: [1] }), 'channels[0].response.response: must have as many values as spend (2), got 1'],
    ['points: spend not increasing', withResponse({ type: 'points', spend: [1, 3, 3], response: [1, 2, 3] }), 'channels[0].response.spend[2]: must be strictly increasing, got 3 after 3'],
    [
      'points: response at spend 0',
      withResponse({ type: 'points', spend: [0, 1], response: [2, 3] }),
      'channels[0].response.response[0]: must be 0 at spend 0 (a response curve is incremental), got 2',
    ],
    ['tiers: none', withResponse({ type: 'tiers', tiers: [] }), 'channels[0].response.tiers: must have at least 1 entry'],
    [
      'tiers: unlimited before the last',
      withResponse({ type: 'tiers', tiers: [{ roi: 2 }, { width: 1, roi: 1 }] }),
      'channels[0].response.tiers[0].width: only the last tier may be unlimited (width omitted or null)',
    ],
    ['tiers: width 0', withResponse({ type: 'tiers', tiers: [{ width: 0, roi: 2 }] }), 'channels[0].response.tiers[0].width: must be > 0'],
    ['tiers: roi missing', withResponse({ type: 'tiers', tiers: [{ width: 1 }] }), 'channels[0].response.tiers[0].roi: is required'],
    // channels
    ['a channel that is not an object', { budget: 1, channels: ['tv'] }, 'channels[0]: must be an object'],
    ['no channel name', { budget: 1, channels: [{ response: log(1, 1) }] }, 'channels[0].name: is required'],
    ['an empty channel name', withChannel({ name: '' }), 'channels[0].name: must be a non-empty string'],
    ['a channel name twice', withChannel({ name: 'b' }), 'channels[1].name: duplicate channel name "b"'],
    [
      'an unknown channel key',
      withChannel({ spend: 3 }),
      'channels[0]: unknown key "spend" (allowed: name, response, min, max, minMultiple, maxMultiple, recent, minIfActive, weight, clvPerRevenue, valueResponse, current)',
    ],
    ['no response curve', withChannel({ response: undefined }), 'channels[0].response: is required'],
    ['negative min', withChannel({ min: -1 }), 'channels[0].min: must be >= 0'],
    ['negative weight', withChannel({ weight: -1 }), 'channels[0].weight: must be >= 0'],
    ['negative recent', withChannel({ recent: -2 }), 'channels[0].recent: must be >= 0'],
    ['min and minMultiple', withChannel({ min: 1, minMultiple: 0.5, recent: 2 }), 'channels[0].minMultiple: give either min or minMultiple, not both'],
    ['max and maxMultiple', withChannel({ max: 1, maxMultiple: 2, recent: 2 }), 'channels[0].maxMultiple: give either max or maxMultiple, not both'],
    ['a multiple without recent', withChannel({ maxMultiple: 2 }), 'channels[0].recent: is required when minMultiple or maxMultiple is given'],
    ['clvPerRevenue and valueResponse', withChannel({ clvPerRevenue: 1, valueResponse: log(1, 1) }), 'channels[0].clvPerRevenue: give either clvPerRevenue or valueResponse, not both'],
    ['a CLV objective without CLV value', { ...withChannel({ clvPerRevenue: 1 }), objective: 'clv' }, 'channels[1]: channel "b" needs clvPerRevenue or valueResponse for this objective'],
    ['min above max', withChannel({ min: 3, max: 2 }), 'channels[0]: min 3 > max 2 for channel "a"'],
    ['min above max through multiples (0.5 x 8 = 4 > 3)', withChannel({ recent: 8, minMultiple: 0.5, max: 3 }), 'channels[0]: min 4 > max 3 for channel "a"'],
    ['minIfActive above max', withChannel({ minIfActive: 5, max: 4 }), 'channels[0].minIfActive: 5 exceeds max 4 of channel "a": it could never be active'],
    // top level
    ['a problem that is not an object', 3, 'must be an object'],
    [
      'an unknown key',
      { ...base(), budgett: 3 },
      'unknown key "budgett" (allowed: budget, spendAll, objective, margin, clvWeight, target, channels, constraints, current, periods, maxChange, reinvestRate, tolerance)',
    ],
    ['negative budget', { ...base(), budget: -1 }, 'budget: must be >= 0'],
    ['an unknown objective', { ...base(), objective: 'roi' }, 'objective: must be one of "revenue", "clv", "weighted", "efficiency", "profit"'],
    ['spendAll not a boolean', { ...base(), spendAll: 'yes' }, 'spendAll: must be a boolean'],
    ['negative clvWeight', { ...base(), clvWeight: -1 }, 'clvWeight: must be >= 0'],
    ['tolerance 0', { ...base(), tolerance: 0 }, 'tolerance: must be > 0'],
    ['tolerance above 1e-3', { ...base(), tolerance: 0.01 }, 'tolerance: must be <= 0.001'],
    ['no channels and no periods', { budget: 1 }, 'channels: is required (an array of channels) when there are no periods'],
    ['an empty channel list', { budget: 1, channels: [] }, 'channels: must have at least 1 entry'],
    ['current not an object', { ...base(), current: 3 }, 'current: must be a record'],
    ['negative current spend', { ...base(), current: { a: -1 } }, 'current.a: must be >= 0'],
    ['current of an unknown channel', { ...base(), current: { tv: 1 } }, 'current.tv: unknown channel "tv"'],
    // targets and objective
    ['a target without objective "efficiency"', { ...base(), target: { revenue: 1 } }, 'target: is only used with objective "efficiency"'],
    ['an empty target', { ...base(), objective: 'efficiency', target: {} }, 'target: needs "revenue" and/or "roas"'],
    ['efficiency without a target', { ...base(), objective: 'efficiency' }, 'target: objective "efficiency" needs target.revenue (least spend reaching it) and/or target.roas'],
    ['target revenue 0', { ...base(), objective: 'efficiency', target: { revenue: 0 } }, 'target.revenue: must be > 0'],
    ['an unknown target key', { ...base(), objective: 'efficiency', target: { profit: 1 } }, 'target: unknown key "profit" (allowed: revenue, roas)'],
    // periods
    ['maxChange without periods', { ...base(), maxChange: 1 }, 'maxChange: only applies to multi-period problems ("periods")'],
    ['reinvestRate without periods', { ...base(), reinvestRate: 0.1 }, 'reinvestRate: only applies to multi-period problems ("periods")'],
    ['reinvestRate above 10', { ...multi(), reinvestRate: 11 }, 'reinvestRate: must be <= 10'],
    ['a top-level budget with periods', { ...multi(), budget: 5 }, 'budget: give budgets per period in "periods[t].budget" for multi-period problems'],
    ['no periods in the list', { ...multi(), periods: [] }, 'periods: must have at least 1 entry'],
    ['an unknown period key', { ...multi(), periods: [{ budget: 1, weeks: 2 }] }, 'periods[0]: unknown key "weeks" (allowed: budget, channels)'],
    ['a negative period budget', { ...multi(), periods: [{ budget: -1 }] }, 'periods[0].budget: must be >= 0'],
    ['a channel twice in a period', { ...multi(), periods: [{ channels: [{ name: 'a' }, { name: 'a' }] }] }, 'periods[0].channels[1].name: duplicate channel name "a"'],
    ['a period channel missing at top level', { ...multi(), periods: [{ channels: [{ name: 'tv' }] }] }, 'periods[0].channels[0].name: unknown channel "tv" (not in the top-level channels)'],
    ['no channel anywhere', { periods: [{ budget: 1 }] }, 'periods[0].channels: must list at least one channel'],
    [
      'periods listing different channels',
      {
        periods: [
          {
            channels: [
              { name: 'a', response: log(1, 1) },
              { name: 'b', response: log(1, 1) },
            ],
          },
          { channels: [{ name: 'a', response: log(1, 1) }] },
        ],
      },
      'periods[1].channels: must list the same channels as periods[0] (a, b)',
    ],
    ['a period channel without a curve anywhere', { periods: [{ channels: [{ name: 'a' }] }] }, 'periods[0].channels[0].response: is required'],
    [
      'a conflict made by merging (top min, period minMultiple)',
      { ...withChannel({ min: 1 }, multi()), periods: [{ channels: [{ name: 'a', minMultiple: 1, recent: 1 }] }] },
      'periods[0].channels[0].minMultiple: give either min or minMultiple, not both',
    ],
    ['negative maxChange', { ...multi(), maxChange: -1 }, 'maxChange: must be >= 0'],
    ['an empty maxChange', { ...multi(), maxChange: {} }, 'maxChange: needs "absolute" and/or "relative"'],
    ['negative maxChange.relative', { ...multi(), maxChange: { relative: -1 } }, 'maxChange.relative: must be >= 0'],
    // constraints
    ['an unknown constraint type', { ...base(), constraints: [{ type: 'cap', channels: ['a'] }] }, 'constraints[0].type: "cap" is not one of the allowed kinds (group, ratio, roasFloor)'],
    ['a group without min and max', { ...base(), constraints: [{ type: 'group', channels: ['a'] }] }, 'constraints[0]: a group constraint needs "min" and/or "max"'],
    ['a group with min above max', { ...base(), constraints: [{ type: 'group', channels: ['a'], min: 5, max: 3 }] }, 'constraints[0]: min 5 > max 3'],
    ['a group with no channel', { ...base(), constraints: [{ type: 'group', channels: [], max: 3 }] }, 'constraints[0].channels: must have at least 1 entry'],
    ['a group listing a channel twice', { ...base(), constraints: [{ type: 'group', channels: ['a', 'a'], max: 3 }] }, 'constraints[0].channels: lists a channel twice'],
    ['a group naming an unknown channel', { ...base(), constraints: [{ type: 'group', channels: ['a', 'tv'], max: 3 }] }, 'constraints[0].channels[1]: unknown channel "tv"'],
    ['a ratio naming an unknown channel', { ...base(), constraints: [{ type: 'ratio', left: ['a'], right: ['tv'], sense: '<=' }] }, 'constraints[0].right[0]: unknown channel "tv"'],
    [
      'a ratio with a channel on both sides',
      { ...base(), constraints: [{ type: 'ratio', left: ['a'], right: ['a', 'b'], sense: '<=' }] },
      'constraints[0]: a channel cannot be on both sides of a ratio',
    ],
    ['a ratio with an unknown sense', { ...base(), constraints: [{ type: 'ratio', left: ['a'], right: ['b'], sense: '<' }] }, 'constraints[0].sense: must be one of "<=", ">=", "="'],
    ['a ratio with a negative factor', { ...base(), constraints: [{ type: 'ratio', left: ['a'], right: ['b'], sense: '=', factor: -1 }] }, 'constraints[0].factor: must be >= 0'],
    ['a negative ROAS floor', { ...base(), constraints: [{ type: 'roasFloor', value: -1 }] }, 'constraints[0].value: must be >= 0'],
    ['a constraint name that is not a string', { ...base(), constraints: [{ type: 'roasFloor', value: 1, name: 3 }] }, 'constraints[0].name: must be a string'],
  ];
  for (const [what, problem, message] of cases) {
    it(`refuses ${what}: ${message}`, () => {
      expect(refusal(problem)).toBe(message);
    });
  }

  it('names the file first when given one (the form `mmm optimise --problem` prints)', () => {
    const err = (() => {
      try {
        return parseAllocationProblem(withResponse(hill(1, 0, 1)), 'problem.json');
      } catch (e) {
        return e as ValidationError;
      }
    })() as ValidationError;
    expect(err).toBeInstanceOf(ValidationError);
    expect(err.message).toBe('problem.json: channels[0].response.alpha: must be > 0');
    expect(err.location.file).toBe('problem.json');
  });

  it('accepts every documented form and leaves the input unchanged', () => {
    const problems: AllocationProblem[] = [
      {
        budget: 10,
        objective: 'weighted',
        clvWeight: 0.5,
        channels: [
          { name: 'a', response: { type: 'points', spend: [0, 2, 5], response: [0, 3, 4] }, clvPerRevenue: 2, minIfActive: 1 },
          {
            name: 'b',
            response: {
              type: 'tiers',
              tiers: [
                { width: 2, roi: 3 },
                { width: null, roi: 1 },
              ],
            },
            valueResponse: log(1, 1),
            recent: 2,
            minMultiple: 0.5,
            maxMultiple: 2,
          },
        ],
        constraints: [
          { type: 'group', channels: ['a'], min: 1 },
          { type: 'ratio', left: ['a'], right: ['b'], sense: '>=', factor: 0.5 },
          { type: 'roasFloor', value: 0.1, name: 'floor' },
        ],
        current: { a: 1, b: 2 },
      },
      { ...multi(), maxChange: { relative: 0.2 }, reinvestRate: 0.5, tolerance: 1e-3, objective: 'profit', margin: 0.4 } as AllocationProblem,
      { objective: 'efficiency', target: { roas: 2 }, channels: [{ name: 'a', response: hill(1, 2, 1) }] },
    ];
    for (const p of problems) {
      const frozen = structuredClone(p);
      deepFreeze(p);
      const checked: CheckedAllocationProblem = parseAllocationProblem(p);
      expect(checked).toEqual(frozen);
      expect(checked).not.toBe(p);
    }
  });
});

function deepFreeze<T>(v: T): T {
  if (v && typeof v === 'object') {
    for (const x of Object.values(v)) deepFreeze(x);
    Object.freeze(v);
  }
  return v;
}

describe('resolveProblem: the defaults of a checked problem', () => {
  const resolve = (p: unknown) => resolveProblem(parseAllocationProblem(p));

  it('fills the documented defaults', () => {
    const { problem, warnings } = resolve(base());
    expect(problem).toMatchObject({
      objective: 'revenue',
      revenueCoef: 1,
      clvCoef: 0,
      spendCost: 0,
      margin: 1,
      spendAll: true,
      targetRevenue: null,
      reinvestRate: 0,
      tolerance: 1e-4,
      multiPeriod: false,
      current: null,
      constraints: [],
    });
    expect(problem.maxChangeAbsolute).toBeNull();
    expect(problem.periods[0].channels.map((c) => [c.lo, c.hi, c.minIfActive, c.weight, c.clvPerRevenue, c.clvCurve, c.current])).toEqual([
      [0, 10, 0, 1, 0, null, null], // max defaults to the budget
      [0, 10, 0, 1, 0, null, null],
    ]);
    expect(warnings).toEqual([]);
  });

  it('makes bounds absolute: multiples of recent, minIfActive folded into a positive floor, no budget cap when budgets are reinvested', () => {
    const p = resolve({
      budget: 20,
      channels: [
        { name: 'a', response: log(1, 1), recent: 4, minMultiple: 0.5, maxMultiple: 2 }, // 2 .. 8
        { name: 'b', response: log(1, 1), min: 1, minIfActive: 3 }, // floor max(1, 3) = 3, no binary left
        { name: 'c', response: log(1, 1), minIfActive: 3, max: 30 }, // 0 or >= 3, capped at the budget 20
      ],
    }).problem;
    expect(p.periods[0].channels.map((c) => [c.lo, c.hi, c.minIfActive])).toEqual([
      [2, 8, 0],
      [3, 20, 0],
      [0, 20, 3],
    ]);
    const reinvest = resolve({ reinvestRate: 0.5, channels: [{ name: 'a', response: log(1, 1), max: 30 }], periods: [{ budget: 5 }] }).problem;
    expect(reinvest.periods[0].channels[0].hi).toBe(30);
  });

  it('spends the whole budget by default except for "profit"; profit weighs revenue by the margin', () => {
    expect(resolve({ ...base(), objective: 'profit', margin: 0.4 }).problem).toMatchObject({ spendAll: false, revenueCoef: 0.4, spendCost: 1, margin: 0.4 });
    expect(resolve({ ...base(), objective: 'profit', spendAll: true }).problem.spendAll).toBe(true);
    const clv = resolve({ ...base(), objective: 'weighted', clvWeight: 3, channels: base().channels.map((c) => ({ ...c, clvPerRevenue: 2 })) }).problem;
    expect([clv.revenueCoef, clv.clvCoef, clv.periods[0].channels[0].clvPerRevenue]).toEqual([1, 3, 2]);
  });

  it('"efficiency" with only a ROAS target maximises revenue under a ROAS floor, and says so', () => {
    const { problem, warnings } = resolve({ ...base(), objective: 'efficiency', target: { roas: 2 }, constraints: [{ type: 'roasFloor', value: 1, name: 'floor' }] });
    expect(problem.objective).toBe('revenue');
    expect(problem.targetRevenue).toBeNull();
    expect(problem.constraints).toEqual([
      { kind: 'roasFloor', id: 'target.roas', value: 2 },
      { kind: 'roasFloor', id: 'constraints[0] "floor"', value: 1 },
    ]);
    expect(warnings).toEqual(['objective "efficiency" with only target.roas: maximising revenue subject to ROAS >= target.roas']);
    expect(resolve({ ...base(), objective: 'efficiency', target: { revenue: 5 } }).problem).toMatchObject({ objective: 'efficiency', targetRevenue: 5 });
  });

  it('warns about an ignored clvWeight and an incomplete current plan', () => {
    expect(resolve({ ...base(), clvWeight: 2 }).warnings).toEqual(['clvWeight is only used by the "weighted" objective; ignored']);
    const partial = resolve({ ...base(), current: { a: 1 } });
    expect(partial.problem.current).toBeNull();
    expect(partial.warnings).toEqual(['no comparison with the current plan: current spend unknown for b']);
  });

  it('takes the current plan from top-level current, then the channel current, then recent', () => {
    const p = resolve({
      budget: 10,
      channels: [
        { name: 'a', response: log(1, 1), current: 1, recent: 2 },
        { name: 'b', response: log(1, 1), recent: 3 },
        { name: 'c', response: log(1, 1), current: 4 },
      ],
      current: { a: 5 },
    }).problem;
    expect(p.current).toEqual([[5, 3, 4]]);
  });

  it('turns constraint names into channel indices with their defaults', () => {
    const p = resolve({
      ...base(),
      constraints: [
        { type: 'group', channels: ['b'], max: 4 },
        { type: 'ratio', name: 'mix', left: ['b'], right: ['a'], sense: '<=' },
      ],
    }).problem;
    expect(p.constraints).toEqual([
      { kind: 'group', id: 'constraints[0]', channels: [1], min: null, max: 4 },
      { kind: 'ratio', id: 'constraints[1] "mix"', left: [1], right: [0], sense: '<=', factor: 1 },
    ]);
  });

  it('merges period entries over top-level channels, orders channels as periods[0] lists them, and reads maxChange', () => {
    const { problem } = resolve({
      maxChange: 1.5,
      channels: [
        { name: 'a', response: log(1, 1), max: 5, recent: 1 },
        { name: 'b', response: log(2, 1), recent: 2 },
      ],
      periods: [
        {
          budget: 3,
          channels: [
            { name: 'b', maxMultiple: 3 },
            { name: 'a', response: log(4, 1) },
          ],
        },
        { budget: 4 },
      ],
    });
    expect(problem.multiPeriod).toBe(true);
    expect(problem.channelNames).toEqual(['b', 'a']);
    expect(problem.periods.map((p) => p.channels.map((c) => [c.name, c.path, c.revenue, c.hi]))).toEqual([
      [
        ['b', 'periods[0].channels[0]', log(2, 1), 3],
        ['a', 'periods[0].channels[1]', log(4, 1), 3],
      ], // b: 3 x recent 2 = 6, capped at the budget 3
      [
        ['b', 'channels[1]', log(2, 1), 4],
        ['a', 'channels[0]', log(1, 1), 4],
      ],
    ]);
    expect([problem.maxChangeAbsolute, problem.maxChangeRelative]).toEqual([1.5, null]);
    expect(resolve({ ...multi(), maxChange: { relative: 0.2 } }).problem.maxChangeRelative).toBe(0.2);
  });

  it('periods without top-level channels may list their channels in any order', () => {
    const { problem } = resolve({
      periods: [
        {
          channels: [
            { name: 'a', response: log(1, 1) },
            { name: 'b', response: log(1, 1) },
          ],
        },
        {
          channels: [
            { name: 'b', response: log(3, 1) },
            { name: 'a', response: log(2, 1) },
          ],
        },
      ],
    });
    expect(problem.periods[1].channels.map((c) => [c.name, c.revenue])).toEqual([
      ['a', log(2, 1)],
      ['b', log(3, 1)],
    ]);
  });
});

describe('the schema beyond the problem file', () => {
  it('curve draws are checked with the same curve schema', () => {
    const { problem } = resolveProblem(parseAllocationProblem(base()));
    expect(() => evaluateUnderCurveDraws(problem, [[5, 5]], [{ a: log(1, 1) }, { b: hill(1, 1, -2) }])).toThrow(new ValidationError('curveSets[1].b.k: must be > 0'));
    expect(() => evaluateUnderCurveDraws(problem, [[5, 5]], [{ tv: log(1, 1) }])).toThrow(new ValidationError('curveSets[0].tv: unknown channel "tv"'));
  });

  it("the config refuses a constraint with the problem's words, naming the config file", () => {
    expect(() => resolveConfig({ optimise: { constraints: [{ type: 'group', channels: ['tv'] }] } }, '/r', 'mmm.config.json')).toThrow(
      'mmm.config.json: optimise.constraints[0]: a group constraint needs "min" and/or "max"',
    );
    expect(() => resolveConfig({ optimise: { constraints: [{ type: 'ratio', left: ['tv'], right: ['tv'], sense: '=' }] } }, '/r', 'mmm.config.json')).toThrow(
      'mmm.config.json: optimise.constraints[0]: a channel cannot be on both sides of a ratio',
    );
  });

  it('mmm optimise --problem exits 3 on a problem with no plan, and writes the result naming the conflict', () => {
    const t = tempDir();
    try {
      const problem = join(t.dir, 'problem.json');
      const out = join(t.dir, 'out.json');
      // tv <= search / 2 and search <= tv / 2 hold only at 0, but the budget of 2 must be spent.
      const log = { type: 'log', beta: 1, s: 1 };
      writeFileSync(
        problem,
        JSON.stringify({
          budget: 2,
          spendAll: true,
          channels: [
            { name: 'tv', response: log },
            { name: 'search', response: log },
          ],
          constraints: [
            { type: 'ratio', left: ['tv'], right: ['search'], sense: '<=', factor: 0.5 },
            { type: 'ratio', left: ['search'], right: ['tv'], sense: '<=', factor: 0.5 },
          ],
        }),
      );
      const r = runCli(['optimise', '--problem', problem, '--out', out], t.dir);
      expect(r.code, r.stderr).toBe(3);
      expect(r.stdout).toBe('infeasible: no plan -> out.json\n');
      const result = JSON.parse(readFileSync(out, 'utf8'));
      expect(result.status).toBe('infeasible');
      expect(result.conflict.constraints).toEqual(['budget', 'constraints[0]', 'constraints[1]']);
      // No budget and no cap on a response that keeps growing: unbounded, no plan either.
      writeFileSync(problem, JSON.stringify({ channels: [{ name: 'tv', response: log }] }));
      const open = runCli(['optimise', '--problem', problem, '--out', out], t.dir);
      expect(open.code, open.stderr).toBe(3);
      expect(JSON.parse(readFileSync(out, 'utf8')).status).toBe('unbounded');
    } finally {
      t.cleanup();
    }
  });

  it('mmm optimise --problem exits 2 with one line naming the file and key, and writes nothing', () => {
    const t = tempDir();
    try {
      const problem = join(t.dir, 'problem.json');
      const out = join(t.dir, 'out.json');
      writeFileSync(problem, JSON.stringify({ budget: 1, channels: [{ name: 'tv', response: { type: 'hill', beta: 1, alpha: 0, k: 1 } }] }));
      const r = runCli(['optimise', '--problem', problem, '--out', out], t.dir);
      expect(r.code).toBe(2);
      expect(errorLine(r.stderr)).toBe(`error: ${problem}: channels[0].response.alpha: must be > 0`);
      expect(existsSync(out)).toBe(false);
    } finally {
      t.cleanup();
    }
  });
});
