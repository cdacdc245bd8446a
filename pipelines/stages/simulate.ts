/** Simulate stage: Monte Carlo revenue bands for the recommended and the current plan, with common random numbers. */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Config } from '../../src/core/config.ts';
import { parseCsv } from '../../src/core/csv.ts';
import { stableJson } from '../../src/core/hash.ts';
import { seasonalHeldControls } from '../../src/simulate/held-controls.ts';
import { planFromTable, rollForward, simulatePlans } from '../../src/simulate/index.ts';
import type { Stage } from '../runner.ts';
import { bandsDocument, readFit } from '../simulate.ts';
import { STAGE_VERSIONS } from '../versions.ts';
import { modelInput, SETTINGS_READS } from './model-settings.ts';

export function simulateStage(cfg: Config): Stage<{ draws: number; seed: number }> {
  return {
    name: 'simulate',
    version: STAGE_VERSIONS.simulate,
    module: import.meta.url,
    needs: ['ingest', 'mmm', 'optimise'],
    reads: { ingest: SETTINGS_READS, mmm: ['model.json', 'bootstrap.json'], optimise: ['plan.csv', 'current.csv'] },
    outputs: ['bands.json'],
    params: () => ({ draws: cfg.simulate.draws, seed: cfg.seed }),
    run: async (ctx) => {
      const { data } = await modelInput(ctx, cfg);
      const fit = await readFit(ctx.up.mmm.dir);
      const { model, draws } = rollForward(fit.model, fit.draws, data);
      const read = async (name: string) => planFromTable(model, parseCsv(await readFile(ctx.file('optimise', name), 'utf8'), name));
      const plans = [await read('plan.csv'), await read('current.csv')];
      const labels = ['recommended', 'current'];
      const r = await simulatePlans(model, draws, plans, { draws: ctx.params.draws, seed: ctx.params.seed, labels: labels.map((l) => `${l} plan`) });
      await writeFile(join(ctx.dir, 'bands.json'), stableJson(bandsDocument(r, labels)));
      // Controls the plans do not give are held at their recent mean: say so where that misses a season.
      const held = model.baseline.filter((b) => b.kind === 'control' && b.recentMean !== undefined && !(b.name in plans[0].controls));
      const seasonal = seasonalHeldControls(
        data.dates,
        held.map((b) => ({ name: b.name, values: data.controls.find((c) => c.name === b.name)!.values, held: b.recentMean! })),
        plans[0].dates.length,
      );
      return {
        warnings: [...r.warnings, ...seasonal.map((w) => w.message)],
        metrics: { p50: r.plans[0].total.p50, currentP50: r.plans[1].total.p50, probabilityBetter: r.probabilityFirstBeatsSecond ?? null },
      };
    },
  };
}
