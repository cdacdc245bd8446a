/**
 * Drift stage: does this week's data still fit the model in use? The decision
 * is made once per data version, against the model in use at that time
 * (recorded in decision.json), and reused after.
 */
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import type { Config } from '../../src/core/config.ts';
import { parseCsv, parseDateToDay } from '../../src/core/csv.ts';
import { readManifest } from '../../src/core/artifacts.ts';
import { stableJson } from '../../src/core/hash.ts';
import { decideRefit, settingsChange, withSettingsChange } from '../../src/monitor/drift.ts';
import type { MmmModel, WeeklyData } from '../../src/mmm/types.ts';
import type { Stage } from '../runner.ts';
import { readFit, readFitInput } from '../simulate.ts';
import { STAGE_VERSIONS } from '../versions.ts';
import { calibrationFiles, modelSettings, SETTINGS_READS } from './model-settings.ts';

/** The fit folder's actual target values (decomposition.csv), to detect restated history. */
async function fitActuals(fitDir: string): Promise<number[] | null> {
  const p = join(fitDir, 'decomposition.csv');
  if (!existsSync(p)) return null;
  const t = parseCsv(await readFile(p, 'utf8'), p);
  const j = t.header.indexOf('actual');
  return j < 0 ? null : t.rows.map((r) => Number(r[j]));
}

/** @param currentFit the model in use (its folder in the store), or null before the first fit */
export function driftStage(cfg: Config, calibrationFile: string | null, currentFit: string | null): Stage<{ thresholds: Config['drift']; mmm: Record<string, unknown> }> {
  return {
    name: 'drift',
    version: STAGE_VERSIONS.drift,
    module: import.meta.url,
    needs: ['ingest'],
    reads: { ingest: SETTINGS_READS },
    outputs: ['decision.json'],
    files: () => calibrationFiles(calibrationFile),
    params: async (inputs) => ({ thresholds: cfg.drift, mmm: (await modelSettings(inputs, cfg, calibrationFile)).mmmParams }),
    run: async (ctx) => {
      const { data, windowSetting } = await modelSettings(ctx, cfg, calibrationFile);
      let model: MmmModel | null = null;
      let fitted: WeeklyData | number[] | null = null;
      let change: string | null = null;
      if (currentFit) {
        model = (await readFit(currentFit)).model;
        // The table the model was fitted on (spend, controls and target restated?); older fits kept only the target.
        fitted = existsSync(join(currentFit, 'input.csv')) ? await readFitInput(currentFit, model) : await fitActuals(currentFit);
        change = settingsChange(((await readManifest(currentFit))?.params as Record<string, unknown> | undefined) ?? null, ctx.params.mmm);
      }
      const decision = withSettingsChange(decideRefit(model, data, fitted, cfg.drift, windowSetting?.end ? parseDateToDay(windowSetting.end) : null), change);
      const currentModel = currentFit ? relative(cfg.store, currentFit) : null;
      await writeFile(join(ctx.dir, 'decision.json'), stableJson({ ...decision, currentModel, thresholds: cfg.drift }));
      return { decision: { decision: decision.decision, reasons: decision.reasons }, metrics: { newWeeks: decision.newWeeks, errorRms: decision.errorRms } };
    },
  };
}
