/**
 * MMM stage: refits the marketing-mix model when the drift stage says so (or
 * there is no model in use), else resolves to the model in use. Same code and
 * files as `mmm fit`.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Config } from '../../src/core/config.ts';
import { fitMmm } from '../../src/mmm/index.ts';
import { writeFitFiles } from '../mmm.ts';
import type { Stage } from '../runner.ts';
import { readDecision } from '../schemas.ts';
import { STAGE_VERSIONS } from '../versions.ts';
import { calibrationFiles, modelSettings, SETTINGS_READS } from './model-settings.ts';

export const MMM_OUTPUTS = ['model.json', 'decomposition.csv', 'pareto.json', 'bootstrap.json', 'input.csv'] as const;

/** @param currentFit the model in use, which a "reuse" decision resolves to */
export function mmmStage(cfg: Config, calibrationFile: string | null, currentFit: string | null): Stage<Record<string, unknown>> {
  return {
    name: 'mmm',
    version: STAGE_VERSIONS.mmm,
    module: import.meta.url,
    needs: ['ingest', 'drift'],
    reads: { ingest: SETTINGS_READS, drift: ['decision.json'] },
    outputs: MMM_OUTPUTS,
    files: () => calibrationFiles(calibrationFile),
    params: async (inputs) => (await modelSettings(inputs, cfg, calibrationFile)).mmmParams,
    reuse: async (inputs) => {
      const decision = await readDecision(inputs.file('drift', 'decision.json'));
      return decision.decision === 'reuse' && currentFit && existsSync(join(currentFit, 'manifest.json')) ? currentFit : null;
    },
    run: async (ctx) => {
      const { data, calibration, window } = await modelSettings(ctx, cfg, calibrationFile);
      const { threads, controls: _controls, ...settings } = cfg.mmm;
      const t0 = performance.now();
      const fit = await fitMmm(data, {
        ...settings,
        seed: cfg.seed,
        threads: threads ?? undefined,
        ...(window ? { window } : {}),
        ...(calibration.length ? { calibration } : {}),
        onProgress: (phase, done, total) => ctx.log.progress(phase, done, total),
      });
      const result = await writeFitFiles(fit, ctx.dir, data);
      return { ...result, timingsMs: { ...(result.timingsMs ?? {}), fit: Math.round(performance.now() - t0) } };
    },
  };
}
