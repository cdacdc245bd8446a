/**
 * Readers for the CDNOW fixture (test/clv/fixtures/cdnow, copied from the
 * lifetimes repository, MIT licence; see SOURCE.md there).
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseDateToDay } from '../../src/core/csv.ts';

export const CDNOW_DIR = fileURLToPath(new URL('./fixtures/cdnow/', import.meta.url));

/** CDNOW_sample.txt as order arrays: sample id (as a string), day number, dollars, plus the raw date text. */
export function readCdnowOrders(): { customerIds: string[]; days: number[]; amounts: number[]; dates: string[] } {
  const lines = readFileSync(`${CDNOW_DIR}CDNOW_sample.txt`, 'utf8')
    .split(/\r?\n/)
    .filter((l) => l.trim() !== '');
  const customerIds: string[] = [];
  const days: number[] = [];
  const amounts: number[] = [];
  const dates: string[] = [];
  for (const line of lines) {
    const [, sampleId, date, , dollars] = line.trim().split(/\s+/);
    customerIds.push(String(Number(sampleId)));
    days.push(parseDateToDay(date));
    amounts.push(Number(dollars));
    dates.push(date);
  }
  return { customerIds, days, amounts, dates };
}

/** A CSV fixture as rows of strings (CRLF tolerated), without the header. */
export function readCdnowCsv(name: string): string[][] {
  const lines = readFileSync(CDNOW_DIR + name, 'utf8')
    .split(/\r?\n/)
    .filter((l) => l.trim() !== '');
  return lines.slice(1).map((l) => l.trim().split(','));
}

/** cdnow_customers_summary_with_transactions.csv as columns (ID, x, t_x, T, zbar), 2 decimals as published. */
export function readCdnowSummaryWithSpend() {
  const rows = readCdnowCsv('cdnow_customers_summary_with_transactions.csv');
  return {
    ids: rows.map((r) => r[0]),
    frequency: rows.map((r) => Number(r[1])),
    recency: rows.map((r) => Number(r[2])),
    T: rows.map((r) => Number(r[3])),
    monetaryValue: rows.map((r) => Number(r[4])),
  };
}

/** Calibration end used by every published CDNOW result. */
export const CDNOW_CALIBRATION_END_DAY = parseDateToDay('1997-09-30');

/** BG/NBD estimates on the CDNOW sample, BTYD walkthrough (the R reference implementation of FHL 2005). */
export const BTYD_BGNBD = { r: 0.2425982, alpha: 4.4136842, a: 0.7929899, b: 2.4261667 };
