/**
 * `mmm clv`: reads a transaction log (CSV), runs the CLV analysis of src/clv
 * and writes DIR/clv.json (models, aggregates, validation, diagnostics) and
 * DIR/customers.csv (one row per customer) as one atomic artifact.
 * File IO lives here only; the numerical work is `analyseClv`.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { recordInputs, writeArtifact, type BuildResult } from '../src/core/artifacts.ts';
import { dateColumn, numericColumn, parseCsv, parseDateToDay, requireColumn, toCsv } from '../src/core/csv.ts';
import { UsageError, ValidationError } from '../src/core/errors.ts';
import { stableJson } from '../src/core/hash.ts';
import { STAGE_VERSIONS } from './versions.ts';
import type { z } from 'zod';
import { clvFileSchema, readChecked } from './schemas.ts';
import { analyseClv, bgNbdExpectedPurchasesNewCustomer } from '../src/clv/index.ts';
import type { BgNbdParams, ClvGroup, ClvResult, FitDiagnostics, GammaGammaParams, ValidationRow } from '../src/clv/index.ts';

/** Version of this command's code; part of the artifact's data version. */
export const CLV_CODE_VERSION = STAGE_VERSIONS.clv;

/** Options of {@link runClvCommand} (the CLI flags of `mmm clv`). */
export interface ClvCommandOptions {
  /** Transaction CSV with a header row. */
  transactions: string;
  /** Last day of calibration, inclusive, YYYY-MM-DD. Later orders are the holdout. */
  calibrationEnd: string;
  /** Output folder (written atomically with a manifest). */
  out: string;
  /** Customer id column (default "customer_id"). */
  customerCol?: string;
  /** Order date column: YYYY-MM-DD, YYYYMMDD or an ISO timestamp, whose date part is used (default "date"). */
  dateCol?: string;
  /** Order amount column, >= 0 (default "amount"). */
  amountCol?: string;
  /** Acquisition channel column (default "channel"); when the file has no such column every customer is in channel "unknown". */
  channelCol?: string;
  /** Horizon of expected_purchases in customers.csv, weeks (default 52). */
  horizonWeeks?: number;
  /** Last day of the holdout, inclusive, YYYY-MM-DD (default: the last order date). */
  holdoutEnd?: string;
  /** CLV horizon in months of 4.345 weeks (default 12). */
  months?: number;
  /** CLV discount rate per month (default 0.01). */
  monthlyDiscountRate?: number;
}

/** The content of DIR/clv.json, also returned by {@link runClvCommand}. */
export interface ClvSummary {
  bgnbd: {
    r: number;
    alpha: number;
    a: number;
    b: number;
    logLikelihood: number;
    standardErrors: { r: number; alpha: number; a: number; b: number } | null;
    penalty: number;
    patterns: number;
    /** E[X(horizonWeeks)] for a newly acquired customer. */
    newCustomerExpectedPurchases: number;
    diagnostics: FitDiagnostics;
    constantDropout: { p: number; standardError: number | null } | null;
  };
  gammaGamma: {
    p: number;
    q: number;
    v: number;
    logLikelihood: number;
    standardErrors: { p: number; q: number; v: number } | null;
    /** Population mean order value p v / (q - 1). */
    meanOrderValue: number;
    customers: number;
    excludedNonPositiveSpend: number;
    diagnostics: FitDiagnostics;
  };
  customers: number;
  clvTotal: number;
  byChannel: (ClvGroup & { channel: string })[];
  byCohort: (ClvGroup & { cohort: string })[];
  validation: { holdoutWeeks: number; rows: ValidationRow[] } | null;
  /** The weekly pipeline's validation refit (calibration ends `holdoutWeeks` before the data). */
  holdoutFit?: { calibrationEnd: string; bgnbd: BgNbdParams; gammaGamma: GammaGammaParams; warnings: string[] };
  warnings: string[];
  settings: {
    calibrationEnd: string;
    holdoutEnd: string | null;
    horizonWeeks: number;
    months: number;
    monthlyDiscountRate: number;
    weeksPerMonth: number;
  };
}

function dayOption(text: string, flag: string): number {
  const day = parseDateToDay(text.trim());
  if (Number.isNaN(day)) throw new UsageError(`${flag} "${text}" is not a date (expected YYYY-MM-DD)`);
  return day;
}

const round6 = (v: number): number => Math.round(v * 1e6) / 1e6;

/** Reads the transaction CSV into the arrays `analyseClv` takes; errors name the file, row and column. */
export async function readTransactions(opts: Pick<ClvCommandOptions, 'transactions' | 'customerCol' | 'dateCol' | 'amountCol' | 'channelCol'>, warnings: string[]) {
  let text: string;
  try {
    text = await readFile(opts.transactions, 'utf8');
  } catch (err) {
    throw new UsageError(`cannot read transactions file ${opts.transactions}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }
  const file = opts.transactions;
  const table = parseCsv(text, file);
  const customerCol = opts.customerCol ?? 'customer_id';
  const dateCol = opts.dateCol ?? 'date';
  const amountCol = opts.amountCol ?? 'amount';
  const channelCol = opts.channelCol ?? 'channel';
  const customerIndex = requireColumn(table, customerCol);
  requireColumn(table, dateCol);
  requireColumn(table, amountCol);
  if (table.rows.length === 0) throw new ValidationError('no transactions (the file has only a header)', { file });
  const customerIds = table.rows.map((row, r) => {
    const id = row[customerIndex].trim();
    if (id === '') throw new ValidationError('empty customer id', { file, row: r + 1, column: customerCol });
    return id;
  });
  const days = dateColumn(table, dateCol);
  const amounts = numericColumn(table, amountCol, { nonNegative: true });
  const channelIndex = table.header.indexOf(channelCol);
  let channels: string[] | undefined;
  if (channelIndex >= 0) channels = table.rows.map((row) => row[channelIndex].trim());
  else warnings.push(`column "${channelCol}" not found: all customers are in channel "unknown"`);
  return { customerIds, days, amounts, channels };
}

/** The clv.json document of a CLV result: fitted parameters with diagnostics, aggregates, validation, warnings and settings. */
export function toSummary(result: ClvResult, calibrationEnd: string, holdoutEnd: string | null, extraWarnings: string[]): ClvSummary {
  const { bgNbd, gammaGamma } = result;
  const gg = gammaGamma.params;
  return {
    bgnbd: {
      ...bgNbd.params,
      logLikelihood: bgNbd.logLikelihood,
      standardErrors: bgNbd.standardErrors,
      penalty: bgNbd.penalty,
      patterns: bgNbd.patterns,
      newCustomerExpectedPurchases: bgNbdExpectedPurchasesNewCustomer(bgNbd.params, result.settings.horizonWeeks),
      diagnostics: bgNbd.diagnostics,
      /** Set when a and b diverge: the dropout probability is the same for every customer. */
      constantDropout: bgNbd.constantDropout,
    },
    gammaGamma: {
      ...gg,
      logLikelihood: gammaGamma.logLikelihood,
      standardErrors: gammaGamma.standardErrors,
      meanOrderValue: (gg.p * gg.v) / (gg.q - 1),
      customers: gammaGamma.customers,
      excludedNonPositiveSpend: gammaGamma.excludedNonPositiveSpend,
      diagnostics: gammaGamma.diagnostics,
    },
    customers: result.summary.customerIds.length,
    clvTotal: result.clvTotal,
    byChannel: result.byChannel,
    byCohort: result.byCohort,
    validation: result.validation,
    warnings: [...extraWarnings, ...result.warnings],
    settings: {
      calibrationEnd,
      holdoutEnd,
      horizonWeeks: result.settings.horizonWeeks,
      months: result.settings.months,
      monthlyDiscountRate: result.settings.monthlyDiscountRate,
      weeksPerMonth: result.settings.weeksPerMonth,
    },
  };
}

/**
 * Runs `mmm clv`: reads `transactions`, fits BG/NBD and Gamma-Gamma on orders up to
 * `calibrationEnd`, validates on later orders (the holdout) when there are any, and writes
 * `out/clv.json` and `out/customers.csv` (customer_id, frequency, recency, T, monetary_value,
 * p_alive, expected_purchases over `horizonWeeks`, clv) with writeArtifact. An unchanged
 * re-run (same input bytes and options) is skipped and returns the existing clv.json.
 * @throws UsageError for an unreadable file or bad dates in the options
 * @throws ValidationError naming file, row and column: missing column, empty file, unparseable date,
 *   negative or non-numeric amount, empty customer id, no orders on or before the calibration end
 * @throws ConvergenceError when a model fit does not converge or Gamma-Gamma q <= 1
 */
export async function runClvCommand(opts: ClvCommandOptions): Promise<ClvSummary> {
  const calibrationEndDay = dayOption(opts.calibrationEnd, '--calibration-end');
  const holdoutEndDay = opts.holdoutEnd === undefined ? undefined : dayOption(opts.holdoutEnd, '--holdout-end');
  if (holdoutEndDay !== undefined && holdoutEndDay <= calibrationEndDay) {
    throw new UsageError(`--holdout-end ${opts.holdoutEnd} must be after --calibration-end ${opts.calibrationEnd}`);
  }
  const horizonWeeks = opts.horizonWeeks ?? 52;
  if (!(horizonWeeks > 0) || !Number.isFinite(horizonWeeks)) throw new UsageError(`--horizon-weeks must be a positive number, got ${opts.horizonWeeks}`);
  const params = {
    calibrationEnd: opts.calibrationEnd,
    holdoutEnd: opts.holdoutEnd ?? null,
    customerCol: opts.customerCol ?? 'customer_id',
    dateCol: opts.dateCol ?? 'date',
    amountCol: opts.amountCol ?? 'amount',
    channelCol: opts.channelCol ?? 'channel',
    horizonWeeks,
    months: opts.months ?? 12,
    monthlyDiscountRate: opts.monthlyDiscountRate ?? 0.01,
  };
  const written: { summary?: ClvSummary } = {};
  const { skipped } = await writeArtifact({
    dir: opts.out,
    stage: 'clv',
    codeVersion: CLV_CODE_VERSION,
    params,
    inputs: await recordInputsOrUsage(opts.transactions),
    build: async (tmpDir) => {
      const readWarnings: string[] = [];
      const transactions = await readTransactions(opts, readWarnings);
      let firstDay = Infinity;
      let lastDay = -Infinity;
      for (const d of transactions.days) {
        if (d < firstDay) firstDay = d;
        if (d > lastDay) lastDay = d;
      }
      checkCalibrationEnd(calibrationEndDay, firstDay, lastDay, { file: opts.transactions, column: params.dateCol });
      const result = withFileName(opts.transactions, () =>
        analyseClv(transactions, {
          calibrationEndDay,
          holdoutEndDay,
          horizonWeeks,
          months: params.months,
          monthlyDiscountRate: params.monthlyDiscountRate,
        }),
      );
      const effectiveHoldoutEnd = holdoutEndDay ?? (lastDay > calibrationEndDay ? lastDay : null);
      const holdoutEnd = effectiveHoldoutEnd === null ? null : new Date(effectiveHoldoutEnd * 86_400_000).toISOString().slice(0, 10);
      const summary = toSummary(result, opts.calibrationEnd, holdoutEnd, readWarnings);
      written.summary = summary;
      return writeClvFiles(result, summary, tmpDir);
    },
  });
  if (skipped || written.summary === undefined) {
    return readChecked<ClvSummary>(clvFileSchema, join(opts.out, 'clv.json'));
  }
  return written.summary;
}

/**
 * `--calibration-end` must fall within the transactions: on or after the
 * first order (else there is nothing to fit) and before the last (a later
 * date stretches every customer's observation period T past the data, so
 * everyone looks lapsed and the CLV comes out far too low: 20x on one log).
 * @throws ValidationError naming the file and date column
 */
export function checkCalibrationEnd(calibrationEndDay: number, firstDay: number, lastDay: number, loc: { file: string; column: string }): void {
  const iso = (d: number) => new Date(d * 86_400_000).toISOString().slice(0, 10);
  const range = `the transactions run from ${iso(firstDay)} to ${iso(lastDay)}`;
  if (calibrationEndDay < firstDay) throw new ValidationError(`--calibration-end ${iso(calibrationEndDay)} is before the first transaction: no orders to fit (${range})`, loc);
  if (calibrationEndDay > lastDay)
    throw new ValidationError(`--calibration-end ${iso(calibrationEndDay)} is after the last transaction: customers would be observed past the data and look lapsed (${range})`, loc);
}

/**
 * Writes `clv.json` (the summary) and `customers.csv` (one row per customer)
 * into an artifact folder; shared by `mmm clv` and the weekly pipeline's CLV stage.
 */
export async function writeClvFiles(result: ClvResult, summary: ClvSummary, dir: string): Promise<BuildResult> {
  await writeFile(join(dir, 'clv.json'), stableJson(summary satisfies z.input<typeof clvFileSchema>));
  const s = result.summary;
  const rows: (string | number)[][] = s.customerIds.map((id, i) => [
    id,
    s.frequency[i],
    round6(s.recency[i]),
    round6(s.T[i]),
    round6(s.monetaryValue[i]),
    round6(result.pAlive[i]),
    round6(result.expectedPurchases[i]),
    round6(result.clv[i]),
  ]);
  await writeFile(join(dir, 'customers.csv'), toCsv(['customer_id', 'frequency', 'recency', 'T', 'monetary_value', 'p_alive', 'expected_purchases', 'clv'], rows));
  return {
    metrics: {
      customers: summary.customers,
      clvTotal: summary.clvTotal,
      bgnbdLogLikelihood: summary.bgnbd.logLikelihood,
      gammaGammaLogLikelihood: summary.gammaGamma.logLikelihood,
    },
    warnings: summary.warnings,
    rows: { 'customers.csv': rows.length },
  };
}

/** Runs the analysis; a ValidationError about the data as a whole (no row) gets the file name. */
function withFileName<T>(file: string, run: () => T): T {
  try {
    return run();
  } catch (err) {
    if (err instanceof ValidationError && err.location.file === undefined && err.location.row === undefined) {
      throw new ValidationError(err.detail, { ...err.location, file });
    }
    throw err;
  }
}

async function recordInputsOrUsage(path: string) {
  try {
    return await recordInputs([{ path }]);
  } catch (err) {
    throw new UsageError(`cannot read transactions file ${path}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }
}
