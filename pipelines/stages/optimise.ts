/**
 * Optimise stage: response curves from the model, CLV value per channel (when
 * the CLV stage succeeded), the default or configured allocation problem, its
 * solution with explanation and robustness under the model's draws, and the
 * two plans to simulate.
 */
import { writeFile } from 'node:fs/promises';
import type { z } from 'zod';
import { join } from 'node:path';
import type { Config } from '../../src/core/config.ts';
import { stableJson } from '../../src/core/hash.ts';
import type { MediaModel, MmmModel } from '../../src/mmm/types.ts';
import { steadyStateMultiplier, weeklyCurve } from '../../src/optimise/mmm-curves.ts';
import { allocateBudget, budgetScenarios, evaluateUnderCurveDraws, marginalRoi, parseAllocationProblem, resolveProblem, responseValue } from '../../src/optimise/index.ts';
import type { AllocationProblem, AllocationResult, CurveSpec } from '../../src/optimise/types.ts';
import { rollForward } from '../../src/simulate/index.ts';
import { channelsWithoutCustomers, clvPerRevenueOf, undeterminedMoves, constantPlan, futureWeeks, planCsv, readFutureHolidays, recentWeeklySpend, round2, weeklyProblem } from '../allocation.ts';
import type { ClvSummary } from '../clv.ts';
import type { Stage } from '../runner.ts';
import {
  clvFileSchema,
  readChecked,
  type allocationClvFileSchema,
  type allocationFileSchema,
  type curveDrawsFileSchema,
  type curvesFileSchema,
  type robustnessFileSchema,
  type scenariosFileSchema,
} from '../schemas.ts';
import { readFit } from '../simulate.ts';
import { STAGE_VERSIONS } from '../versions.ts';
import { modelInput, SETTINGS_READS } from './model-settings.ts';

export const OPTIMISE_OUTPUTS = ['problem.json', 'allocation.json', 'allocation-clv.json', 'curves.json', 'robustness.json', 'scenarios.json', 'curve-draws.json', 'plan.csv', 'current.csv'] as const;

/** Revenue of the recommended and the current plan under every draw of the model (the optimiser's curse shows here). */
function robustnessOf(problem: AllocationProblem, revenue: AllocationResult, recent: Record<string, number>, sets: Record<string, CurveSpec>[]) {
  if (revenue.status !== 'optimal' || !sets.length) return null;
  const { problem: resolved } = resolveProblem(parseAllocationProblem(problem));
  const rec = evaluateUnderCurveDraws(resolved, [resolved.channelNames.map((n) => revenue.allocation[n])], sets);
  const cur = evaluateUnderCurveDraws(resolved, [resolved.channelNames.map((n) => recent[n])], sets);
  const wins = rec.values.filter((v, i) => v > cur.values[i]).length;
  return {
    note: 'weekly media revenue of each plan under every draw of the MMM',
    recommended: { ...rec, values: undefined },
    current: { ...cur, values: undefined },
    probabilityRecommendedBetter: wins / rec.values.length,
    outOfSampleDrop: revenue.revenue ? (revenue.revenue - rec.mean) / revenue.revenue : null,
    upliftUnderDraws: rec.mean - cur.mean,
  };
}

/** Each draw's weekly response curve per channel (the robustness, scenario bands and the report's planner use them). */
function curveDraws(model: MmmModel, draws: MediaModel[]): Record<string, CurveSpec>[] {
  return draws.map((d) => Object.fromEntries(d.channels.map((c, j) => [model.channels[j].name, weeklyCurve({ ...c, name: model.channels[j].name })])));
}

/** Curves for the report: horizon spend -> horizon incremental revenue, with marginal ROI. */
function curveTable(model: MmmModel, recent: Record<string, number>, revenue: AllocationResult, clvPerRevenue: Record<string, number>, H: number) {
  return model.channels.map((c) => {
    const curve = weeklyCurve(c);
    const max = Math.max(1, 2.5 * Math.max(recent[c.name], revenue.allocation[c.name] ?? 0));
    const spend = Array.from({ length: 41 }, (_, i) => (max * i) / 40);
    return {
      channel: c.name,
      curve,
      horizonWeeks: H,
      spend: spend.map((s) => round2(s * H)),
      response: spend.map((s) => round2(responseValue(curve, s) * H)),
      marginalRoi: spend.map((s) => {
        const m = marginalRoi(curve, s);
        return Number.isFinite(m) ? Math.round(m * 1e6) / 1e6 : null; // infinite at 0 for Hill alpha < 1
      }),
      clvValue: spend.map((s) => round2(responseValue(curve, s) * H * clvPerRevenue[c.name])),
      current: round2(recent[c.name] * H),
      recommended: revenue.status === 'optimal' ? round2(revenue.allocation[c.name] * H) : null,
      // The weekly spend whose steady-state adstock is the largest the model saw: beyond it the curve is extrapolated.
      seenWeekly: round2(c.saturation.adstockMax / steadyStateMultiplier(c)),
    };
  });
}

export function optimiseStage(cfg: Config): Stage<Config['optimise']> {
  return {
    name: 'optimise',
    version: STAGE_VERSIONS.optimise,
    module: import.meta.url,
    needs: ['ingest', 'mmm'],
    uses: ['clv'],
    reads: { ingest: [...SETTINGS_READS, 'dim_week_future.parquet'], mmm: ['model.json', 'bootstrap.json'], clv: ['clv.json'] },
    outputs: OPTIMISE_OUTPUTS,
    params: () => cfg.optimise,
    run: async (ctx) => {
      const { data, channelOf } = await modelInput(ctx, cfg);
      // A model kept by the drift stage is carried forward over the weeks seen since its fit: plans start after the newest week.
      const fit = await readFit(ctx.up.mmm.dir);
      const { model, draws } = rollForward(fit.model, fit.draws, data);
      const clv = ctx.up.clv ? await readChecked<ClvSummary>(clvFileSchema, ctx.file('clv', 'clv.json')) : null;
      const H = ctx.params.horizonWeeks;
      const recent = recentWeeklySpend(data, H);
      const clvPerRevenue = clvPerRevenueOf(model, clv, channelOf);
      const problem = weeklyProblem(model, recent, clvPerRevenue, ctx.params, channelOf);
      const revenue = await allocateBudget(problem);
      const clvPlan = clv ? await allocateBudget({ ...problem, objective: 'clv' }) : null;
      const sets = curveDraws(model, draws);
      // Budget scenarios: current, re-split, most profitable, target marginal ROAS, target ROAS, and a sweep, under the draws.
      const o = ctx.params;
      const scenarios =
        revenue.status === 'optimal'
          ? await budgetScenarios(problem, {
              curveDraws: sets,
              sweep: { points: o.sweepPoints },
              targetMarginalRoas: o.targetMarginalRoas,
              ...(o.targetRoas !== null ? { targetRoas: o.targetRoas } : {}),
              ...(o.maxBudget !== null ? { maxBudget: o.maxBudget } : {}),
            })
          : null;
      const fw = futureWeeks(model, H, await readFutureHolidays(ctx.file('ingest', 'dim_week_future.parquet')));
      const out = (name: string, text: string) => writeFile(join(ctx.dir, name), text);
      await out('problem.json', stableJson(problem));
      const allocation = { ...revenue, horizonWeeks: H, note: 'allocation and objective are per week; multiply by horizonWeeks for the horizon' };
      await out('allocation.json', stableJson(allocation satisfies z.input<typeof allocationFileSchema>));
      const allocationClv = clvPlan ? { ...clvPlan, horizonWeeks: H } : null;
      await out('allocation-clv.json', stableJson(allocationClv satisfies z.input<typeof allocationClvFileSchema>));
      const curves = { channels: curveTable(model, recent, revenue, clvPerRevenue, H), clvPerRevenue };
      await out('curves.json', stableJson(curves satisfies z.input<typeof curvesFileSchema>));
      await out('robustness.json', stableJson(robustnessOf(problem, revenue, recent, sets) satisfies z.input<typeof robustnessFileSchema>));
      await out('scenarios.json', stableJson(scenarios satisfies z.input<typeof scenariosFileSchema>));
      const drawsDoc = { note: 'weekly response curve of every channel under each draw of the MMM', draws: sets };
      await out('curve-draws.json', stableJson(drawsDoc satisfies z.input<typeof curveDrawsFileSchema>));
      await out('plan.csv', planCsv(constantPlan(model, fw, revenue.status === 'optimal' ? revenue.allocation : recent)));
      await out('current.csv', planCsv(constantPlan(model, fw, recent)));
      return {
        metrics: { status: revenue.status, weeklyRevenue: revenue.revenue, weeklyBudget: problem.budget ?? null, upliftPerWeek: revenue.againstCurrent?.revenueUplift ?? null },
        warnings: [
          ...fw.warnings,
          ...(revenue.status === 'optimal' ? [] : [`no budget recommendation (amounts per week): ${revenue.message}`]),
          ...undeterminedMoves(model, recent, revenue),
          ...[channelsWithoutCustomers(model, clv, channelOf, cfg.input ? 'transactions' : 'events')].filter((w): w is string => w !== null),
          ...(scenarios?.warnings ?? []),
        ],
      };
    },
  };
}
