/**
 * CLV stage: BG/NBD + Gamma-Gamma on the whole history of a transaction log
 * (the ingest's fct_transactions for raw events, or the weekly input's
 * transaction file); a refit with the last `holdoutWeeks` held out validates it.
 */
import type { Config } from '../../src/core/config.ts';
import { basename } from 'node:path';
import { dayToIso, parseDateToDay } from '../../src/core/csv.ts';
import { MmmError, ValidationError } from '../../src/core/errors.ts';
import { analyseClv } from '../../src/clv/index.ts';
import { queryFiles, sqlString } from '../../src/ingest/duckdb.ts';
import { FAR_GAP_WEEKS } from '../../src/ingest/index.ts';
import { readTransactions, toSummary, writeClvFiles, type ClvSummary } from '../clv.ts';
import type { Stage } from '../runner.ts';
import { STAGE_VERSIONS } from '../versions.ts';

export const CLV_OUTPUTS = ['clv.json', 'customers.csv'] as const;

interface Transactions {
  customerIds: string[];
  days: Int32Array;
  amounts: Float64Array;
  channels?: string[];
}

/** The CLV summary and files of a transaction log. */
async function buildClv(tx: Transactions, params: Config['clv'], dir: string, warnings: string[]) {
  const lastDay = tx.days.reduce((m, d) => Math.max(m, d), -Infinity);
  const opts = { horizonWeeks: params.horizonWeeks, months: 12, monthlyDiscountRate: params.discountRate };
  const full = analyseClv(tx, { ...opts, calibrationEndDay: lastDay });
  const summary: ClvSummary = toSummary(full, dayToIso(lastDay), null, warnings);
  if (params.holdoutWeeks > 0) {
    // The holdout fit only validates; if it cannot be fitted the CLV itself stands, with a warning.
    const calibrationEnd = dayToIso(lastDay - 7 * params.holdoutWeeks);
    try {
      const held = analyseClv(tx, { ...opts, calibrationEndDay: lastDay - 7 * params.holdoutWeeks });
      summary.validation = held.validation;
      summary.settings = { ...summary.settings, holdoutEnd: dayToIso(lastDay) };
      summary.holdoutFit = { calibrationEnd, bgnbd: held.bgNbd.params, gammaGamma: held.gammaGamma.params, warnings: held.warnings };
    } catch (e) {
      if (!(e instanceof MmmError)) throw e;
      summary.warnings.push(`holdout validation (calibration end ${calibrationEnd}) could not be fitted: ${e.message}`);
    }
  }
  return writeClvFiles(full, summary, dir);
}

/** CLV on the raw ingest's transactions (acquisition channel from the first touch). */
export function clvStage(cfg: Config): Stage<Config['clv']> {
  return {
    name: 'clv',
    version: STAGE_VERSIONS.clv,
    module: import.meta.url,
    needs: ['ingest'],
    reads: { ingest: ['fct_transactions.parquet'] },
    outputs: CLV_OUTPUTS,
    params: () => cfg.clv,
    run: async (ctx) => {
      const rows = await queryFiles<{ customer_id: string; day: number; amount: number; channel: string }>(
        `SELECT customer_id, CAST(date - DATE '1970-01-01' AS INTEGER) AS day, amount, acquisition_channel AS channel
         FROM read_parquet(${sqlString(ctx.file('ingest', 'fct_transactions.parquet'))}) ORDER BY timestamp, order_id`,
      );
      const tx = { customerIds: rows.map((r) => r.customer_id), days: Int32Array.from(rows, (r) => r.day), amounts: Float64Array.from(rows, (r) => r.amount), channels: rows.map((r) => r.channel) };
      return buildClv(tx, ctx.params, ctx.dir, []);
    },
  };
}

/** CLV on a transaction log file given with a weekly table (customer_id, date, amount[, channel], as `mmm clv` reads it). */
export function clvFileStage(cfg: Config, transactions: string): Stage<Config['clv']> {
  return {
    name: 'clv',
    version: STAGE_VERSIONS.clv,
    module: import.meta.url,
    needs: ['ingest'],
    reads: {},
    outputs: CLV_OUTPUTS,
    files: () => [{ path: transactions, label: 'transactions.csv' }],
    params: () => cfg.clv,
    run: async (ctx) => {
      const warnings: string[] = [];
      const tx = await readTransactions({ transactions: ctx.files['transactions.csv'] }, warnings);
      const weeks = ctx.up.ingest.manifest.metrics as { firstWeek?: string; lastWeek?: string };
      if (weeks.firstWeek && weeks.lastWeek) warnings.push(...transactionSpan(basename(transactions), tx.days, weeks.firstWeek, weeks.lastWeek));
      return buildClv(tx, ctx.params, ctx.dir, warnings);
    },
  };
}

/**
 * The transaction log against the weekly table's weeks: refused when the two are {@link FAR_GAP_WEEKS}
 * weeks or more apart (another business's log, a mistyped year), a warning when they do not overlap.
 * @throws ValidationError naming the log's date column
 */
export function transactionSpan(file: string, days: Int32Array, firstWeek: string, lastWeek: string): string[] {
  let lo = Infinity;
  let hi = -Infinity;
  for (const d of days) [lo, hi] = [Math.min(lo, d), Math.max(hi, d)];
  const first = parseDateToDay(firstWeek);
  const last = parseDateToDay(lastWeek) + 6;
  const gap = Math.max(first - hi, lo - last);
  if (gap <= 0) return [];
  const span = `the transactions (${dayToIso(lo)} to ${dayToIso(hi)}) and the weekly table (${firstWeek} to ${dayToIso(last)})`;
  if (gap >= 7 * FAR_GAP_WEEKS)
    throw new ValidationError(`${span} are ${Math.floor(gap / 7)} weeks apart: the same business's data? (${FAR_GAP_WEEKS} weeks or more apart is refused)`, { file, column: 'date' });
  return [`${span} do not overlap (${Math.floor(gap / 7)} weeks apart): the customer values are of other weeks than the model's`];
}
