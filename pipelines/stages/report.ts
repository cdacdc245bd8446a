/**
 * Report stage: one self-contained HTML page from the stage outputs. It needs
 * the ingest and the drift decision; every other section is drawn when its
 * stage succeeded and otherwise says why it is missing.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { parseCsv } from '../../src/core/csv.ts';
import { sha256, stableJson } from '../../src/core/hash.ts';
import type { MmmModel } from '../../src/mmm/types.ts';
import type { DriftDecision } from '../../src/monitor/drift.ts';
import type { AllocationResult } from '../../src/optimise/types.ts';
import { renderReport, type ReportData } from '../../src/report/index.ts';
import type { ClvSummary } from '../clv.ts';
import type { Stage, StageInputs } from '../runner.ts';
import { STAGE_VERSIONS } from '../versions.ts';

const SECTION_OF: Record<string, string> = { mmm: 'model', clv: 'customer lifetime value', optimise: 'budget allocation', simulate: 'forecast' };

export interface ReportParams {
  /** Stage data versions the report is built from (its lineage table), folders relative to the project root. */
  lineage: { stage: string; dataVersion: string; dir: string }[];
  /** Why a section's stage has no output. */
  missing: Record<string, string>;
}

const json = async <T>(p: string): Promise<T> => JSON.parse(await readFile(p, 'utf8')) as T;

/** The model section's data (fit, channels, decomposition). */
async function modelPart(inputs: StageInputs): Promise<Pick<ReportData, 'weekly' | 'mmm'>> {
  const model = await json<MmmModel>(inputs.file('mmm', 'model.json'));
  const decomp = parseCsv(await readFile(inputs.file('mmm', 'decomposition.csv'), 'utf8'), 'decomposition.csv');
  const col = (name: string) => {
    const k = decomp.header.indexOf(name);
    return k < 0 ? undefined : decomp.rows.map((r) => Number(r[k]));
  };
  return {
    weekly: { dates: decomp.rows.map((r) => r[0]), actual: col('actual') ?? [], fitted: col('fitted'), baseline: col('baseline') },
    mmm: { metrics: model.metrics as unknown as Record<string, number>, channels: model.channels, selection: `Selection: ${model.selection.rule}.`, ...(model.calibration ? { calibration: model.calibration.studies } : {}) },
  };
}

async function allocationPart(inputs: StageInputs): Promise<Pick<ReportData, 'allocation' | 'curves'>> {
  const alloc = await json<AllocationResult & { horizonWeeks: number }>(inputs.file('optimise', 'allocation.json'));
  const curves = await json<{ channels: NonNullable<ReportData['curves']> }>(inputs.file('optimise', 'curves.json'));
  const clvAlloc = await json<AllocationResult | { status: 'not-run' }>(inputs.file('optimise', 'allocation-clv.json'));
  const robust = await json<{ outOfSampleDrop: number | null; probabilityRecommendedBetter: number } | null>(inputs.file('optimise', 'robustness.json'));
  const H = alloc.horizonWeeks;
  return {
    curves: curves.channels,
    allocation: {
      status: alloc.status, horizonWeeks: H, budget: (alloc.spend ?? 0) * H,
      rows: Object.keys(alloc.allocation).map((c) => ({
        channel: c, current: (alloc.againstCurrent?.current[c] ?? 0) * H, recommended: alloc.allocation[c] * H, marginalRoi: alloc.marginalRoi[c] ?? NaN,
        clvRecommended: clvAlloc.status === 'optimal' ? (clvAlloc as AllocationResult).allocation[c] * H : null,
      })),
      robustness: robust ? { outOfSampleDrop: robust.outOfSampleDrop, probabilityBetter: robust.probabilityRecommendedBetter } : null,
      binding: alloc.binding.map((b) => `${b.description}${b.shadowPrice !== null ? ` (shadow price ${b.shadowPrice.toFixed(3)})` : ''}`),
      expectedRevenue: (alloc.revenue ?? 0) * H,
      currentRevenue: (alloc.againstCurrent?.currentRevenue ?? 0) * H,
    },
  };
}

async function simulationPart(inputs: StageInputs): Promise<Pick<ReportData, 'simulation'>> {
  const bands = await json<{ total: never; weekly: never; compare: { total: never; weekly: never }; probabilityBetter: number; draws: number }>(inputs.file('simulate', 'bands.json'));
  return { simulation: { recommended: { total: bands.total, weekly: bands.weekly }, current: bands.compare, probabilityBetter: bands.probabilityBetter, draws: bands.draws } };
}

/** @param root the project root, against which the lineage's folders are shown */
export function reportStage(root: string): Stage<ReportParams> {
  return {
    name: 'report', version: STAGE_VERSIONS.report, module: import.meta.url,
    needs: ['ingest', 'drift'], uses: ['mmm', 'clv', 'optimise', 'simulate'],
    reads: {
      ingest: [], drift: ['decision.json'], mmm: ['model.json', 'decomposition.csv'], clv: ['clv.json'],
      optimise: ['allocation.json', 'allocation-clv.json', 'robustness.json', 'curves.json'], simulate: ['bands.json'],
    },
    outputs: ['report.html'],
    params: (inputs) => ({
      lineage: Object.values(inputs.up).map((o) => ({ stage: o.stage, dataVersion: o.dataVersion, dir: relative(root, o.dir) })),
      missing: { ...inputs.missing },
    }),
    run: async (ctx) => {
      const stages: [label: string, name: string][] = [['ingest', 'ingest'], ['model', 'mmm'], ['clv', 'clv'], ['allocation', 'optimise'], ['forecast', 'simulate']];
      const present = stages.filter(([, n]) => ctx.up[n]);
      const m = ctx.up.ingest.manifest.metrics as ReportData['data'];
      const drift = await json<DriftDecision>(ctx.file('drift', 'decision.json'));
      const missing = Object.entries(ctx.params.missing).map(([n, why]) => `${SECTION_OF[n] ?? n} section missing: the ${n} stage ${why}`);
      const data: ReportData = {
        title: 'Weekly marketing-mix report',
        runId: sha256(stableJson(ctx.params.lineage)).slice(0, 16),
        lineage: ctx.params.lineage,
        data: m,
        warnings: [...missing, ...present.flatMap(([label, n]) => ctx.up[n].manifest.warnings.map((w) => `${label}: ${w}`))],
        ...(ctx.up.mmm ? await modelPart(ctx) : {}),
        ...(ctx.up.clv ? { clv: await json<ClvSummary>(ctx.file('clv', 'clv.json')) } : {}),
        ...(ctx.up.optimise ? await allocationPart(ctx) : {}),
        ...(ctx.up.simulate ? await simulationPart(ctx) : {}),
        drift: { decision: drift.decision === 'refit' ? 'Refitted the model' : 'Reused the current model', reasons: drift.reasons, weekly: drift.weekly },
      };
      await writeFile(join(ctx.dir, 'report.html'), renderReport(data));
      return { metrics: { sections: present.map(([l]) => l), missing: Object.keys(ctx.params.missing) } };
    },
  };
}
