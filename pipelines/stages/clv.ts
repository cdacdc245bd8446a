/** CLV stage: BG/NBD + Gamma-Gamma on the whole history; a refit with the last `holdoutWeeks` held out validates it. */
import type { Config } from '../../src/core/config.ts';
import { dayToIso } from '../../src/core/csv.ts';
import { MmmError } from '../../src/core/errors.ts';
import { analyseClv } from '../../src/clv/index.ts';
import { queryFiles, sqlString } from '../../src/ingest/duckdb.ts';
import { toSummary, writeClvFiles, type ClvSummary } from '../clv.ts';
import type { Stage } from '../runner.ts';
import { STAGE_VERSIONS } from '../versions.ts';

export const CLV_OUTPUTS = ['clv.json', 'customers.csv'] as const;

export function clvStage(cfg: Config): Stage<Config['clv']> {
  return {
    name: 'clv', version: STAGE_VERSIONS.clv, module: import.meta.url,
    needs: ['ingest'], reads: { ingest: ['fct_transactions.parquet'] }, outputs: CLV_OUTPUTS,
    params: () => cfg.clv,
    run: async (ctx) => {
      const rows = await queryFiles<{ customer_id: string; day: number; amount: number; channel: string }>(
        `SELECT customer_id, CAST(date - DATE '1970-01-01' AS INTEGER) AS day, amount, acquisition_channel AS channel
         FROM read_parquet(${sqlString(ctx.file('ingest', 'fct_transactions.parquet'))}) ORDER BY timestamp, order_id`,
      );
      const tx = { customerIds: rows.map((r) => r.customer_id), days: Int32Array.from(rows, (r) => r.day), amounts: Float64Array.from(rows, (r) => r.amount), channels: rows.map((r) => r.channel) };
      const lastDay = tx.days.reduce((m, d) => Math.max(m, d), -Infinity);
      const opts = { horizonWeeks: ctx.params.horizonWeeks, months: 12, monthlyDiscountRate: ctx.params.discountRate };
      const full = analyseClv(tx, { ...opts, calibrationEndDay: lastDay });
      const summary: ClvSummary = toSummary(full, dayToIso(lastDay), null, []);
      if (ctx.params.holdoutWeeks > 0) {
        // The holdout fit only validates; if it cannot be fitted the CLV itself stands, with a warning.
        const calibrationEnd = dayToIso(lastDay - 7 * ctx.params.holdoutWeeks);
        try {
          const held = analyseClv(tx, { ...opts, calibrationEndDay: lastDay - 7 * ctx.params.holdoutWeeks });
          summary.validation = held.validation;
          summary.settings = { ...summary.settings, holdoutEnd: dayToIso(lastDay) };
          summary.holdoutFit = { calibrationEnd, bgnbd: held.bgNbd.params, gammaGamma: held.gammaGamma.params, warnings: held.warnings };
        } catch (e) {
          if (!(e instanceof MmmError)) throw e;
          summary.warnings.push(`holdout validation (calibration end ${calibrationEnd}) could not be fitted: ${e.message}`);
        }
      }
      return writeClvFiles(full, summary, ctx.dir);
    },
  };
}
