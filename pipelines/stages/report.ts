/**
 * Report stage: one self-contained HTML page from the stage outputs. It needs
 * the ingest and the drift decision; every other section is drawn when its
 * stage succeeded and otherwise says why it is missing, in plain words.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { parseCsv } from '../../src/core/csv.ts';
import { sha256, stableJson } from '../../src/core/hash.ts';
import type { CurveSpec } from '../../src/optimise/types.ts';
import { assembleReportData, renderReport, type BandsDoc, type ClvForReport, type IngestSummary, type ModelForReport, type OptimiseForReport, type StageArtifact } from '../../src/report/index.ts';
import type { Stage, StageInputs } from '../runner.ts';
import {
  allocationClvFileSchema,
  allocationFileSchema,
  bandsFileSchema,
  clvFileSchema,
  curveDrawsFileSchema,
  curvesFileSchema,
  modelFileSchema,
  readChecked,
  readDecision,
  robustnessFileSchema,
  scenariosFileSchema,
} from '../schemas.ts';
import { STAGE_VERSIONS } from '../versions.ts';

export interface ReportParams {
  /** Stage data versions the report is built from (its lineage table), folders relative to the project root. */
  lineage: { stage: string; dataVersion: string; dir: string }[];
  /** Why a section's stage has no output (the runner's words). */
  missing: Record<string, string>;
  /** The run's alerts on the data and the model, shown in the summary. */
  alerts: string[];
}

/** What the page says when a stage has no output. */
const WHY: Record<string, { absent: string; failed: string }> = {
  mmm: { absent: 'the model did not run', failed: 'the model could not be fitted' },
  clv: { absent: 'the input is a weekly table without a transaction log', failed: 'the customer models could not be fitted' },
  optimise: { absent: 'the budget was not optimised', failed: 'the budget could not be optimised' },
  simulate: { absent: 'the forecast did not run', failed: 'the forecast could not be simulated' },
};

/** A missing stage as the report's StageArtifact: skipped (absent or not run) or failed, with a reason a reader understands. */
function missingArtifact<T>(stage: string, why: string): StageArtifact<T> {
  const words = WHY[stage] ?? { absent: `${stage} did not run`, failed: `${stage} failed` };
  if (why.startsWith('failed: ')) return { status: 'failed', reason: `${words.failed}: ${why.slice('failed: '.length)}` };
  const needs = /^did not run: needs (\S+), which (failed|did not run)$/.exec(why);
  if (needs) return { status: 'skipped', reason: `it needs the ${needs[1]} stage, which ${needs[2]}` };
  return { status: 'skipped', reason: words.absent };
}

/** A stage's artifact for the report: its parsed files with its warnings, or why it is missing. */
async function artifact<T>(inputs: StageInputs, missing: Record<string, string>, stage: string, read: () => Promise<T>): Promise<StageArtifact<T>> {
  const up = inputs.up[stage];
  if (!up) return missingArtifact(stage, missing[stage] ?? 'not part of this run');
  return { status: 'ok', data: await read(), warnings: up.manifest.warnings };
}

async function optimiseFiles(inputs: StageInputs): Promise<OptimiseForReport> {
  const f = (name: string) => inputs.file('optimise', name);
  const plan = parseCsv(await readFile(f('plan.csv'), 'utf8'), 'plan.csv');
  const current = parseCsv(await readFile(f('current.csv'), 'utf8'), 'current.csv');
  const curves = await readChecked<OptimiseForReport['curves']>(curvesFileSchema, f('curves.json'));
  const channels = new Set(curves.channels.map((c) => c.channel));
  // The plan's other columns (the planned weeks' holiday flags and held controls), for the planner's download.
  const planControls = Object.fromEntries(plan.header.flatMap((h, j) => (j === 0 || channels.has(h) ? [] : [[h, plan.rows.map((r) => Number(r[j]))]])));
  return {
    allocation: await readChecked(allocationFileSchema, f('allocation.json')),
    allocationClv: await readChecked(allocationClvFileSchema, f('allocation-clv.json')),
    curves,
    scenarios: await readChecked(scenariosFileSchema, f('scenarios.json')),
    curveDraws: (await readChecked<{ draws: Record<string, CurveSpec>[] }>(curveDrawsFileSchema, f('curve-draws.json'))).draws,
    robustness: await readChecked(robustnessFileSchema, f('robustness.json')),
    planDates: plan.rows.map((r) => r[0]),
    planControls,
    currentPlan: Object.fromEntries(current.header.flatMap((h, j) => (channels.has(h) && current.rows.length ? [[h, Number(current.rows[0][j])]] : []))),
  };
}

/**
 * @param root the project root, against which the lineage's folders are shown
 * @param alertsOf the alerts on the state of the data and the model the report shows (a parameter: they change the page)
 */
export function reportStage(root: string, alertsOf: (inputs: StageInputs) => Promise<string[]> = async () => []): Stage<ReportParams> {
  return {
    name: 'report',
    version: STAGE_VERSIONS.report,
    module: import.meta.url,
    needs: ['ingest', 'drift'],
    uses: ['mmm', 'clv', 'optimise', 'simulate'],
    reads: {
      ingest: [],
      drift: ['decision.json'],
      mmm: ['model.json', 'decomposition.csv'],
      clv: ['clv.json'],
      optimise: ['allocation.json', 'allocation-clv.json', 'curves.json', 'scenarios.json', 'curve-draws.json', 'robustness.json', 'plan.csv', 'current.csv'],
      simulate: ['bands.json'],
    },
    outputs: ['report.html'],
    params: async (inputs) => ({
      lineage: Object.values(inputs.up).map((o) => ({ stage: o.stage, dataVersion: o.dataVersion, dir: relative(root, o.dir) })),
      missing: { ...inputs.missing },
      alerts: await alertsOf(inputs),
    }),
    run: async (ctx) => {
      const { missing } = ctx.params;
      const drift = await readDecision(ctx.file('drift', 'decision.json'));
      const data = assembleReportData({
        runId: sha256(stableJson(ctx.params.lineage)).slice(0, 16),
        alerts: ctx.params.alerts,
        lineage: ctx.params.lineage,
        ingest: { status: 'ok', data: ctx.up.ingest.manifest.metrics as unknown as IngestSummary, warnings: ctx.up.ingest.manifest.warnings },
        drift: { status: 'ok', data: { decision: drift.decision, reasons: drift.reasons }, warnings: ctx.up.drift.manifest.warnings },
        mmm: await artifact(ctx, missing, 'mmm', async () => ({
          model: await readChecked<ModelForReport>(modelFileSchema, ctx.file('mmm', 'model.json')),
          decomposition: parseCsv(await readFile(ctx.file('mmm', 'decomposition.csv'), 'utf8'), 'decomposition.csv'),
        })),
        clv: await artifact(ctx, missing, 'clv', () => readChecked<ClvForReport>(clvFileSchema, ctx.file('clv', 'clv.json'))),
        optimise: await artifact(ctx, missing, 'optimise', () => optimiseFiles(ctx)),
        simulate: await artifact(ctx, missing, 'simulate', () => readChecked<BandsDoc>(bandsFileSchema, ctx.file('simulate', 'bands.json'))),
      });
      await writeFile(join(ctx.dir, 'report.html'), await renderReport(data));
      return { metrics: { sections: Object.fromEntries(Object.entries(data.sections).map(([id, s]) => [id, s.status])) } };
    },
  };
}
