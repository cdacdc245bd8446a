import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runClvCommand } from '../../pipelines/clv.ts';
import { analyseClv } from '../../src/clv/index.ts';
import { UsageError, ValidationError } from '../../src/core/errors.ts';
import { parseDateToDay } from '../../src/core/csv.ts';
import { readCdnowOrders } from './cdnow-fixture.ts';
import { runCli } from '../helpers/tmp.ts';

const dir = mkdtempSync(join(tmpdir(), 'clv-command-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const channelNames = ['search', 'social', 'email'];
const orders = readCdnowOrders();
/** The first 600 CDNOW sample customers as the pipeline's fct_transactions (ISO timestamps, acquisition channel). */
const smallRows: string[] = [];
orders.customerIds.forEach((id, k) => {
  if (Number(id) > 600) return;
  const d = orders.dates[k];
  const timestamp = `${d.slice(0, 4)}-${d.slice(4, 6)}-${d.slice(6, 8)}T10:11:12Z`;
  smallRows.push(`o${k + 1},c${id},${timestamp},${orders.amounts[k]},${channelNames[Number(id) % 3]}`);
});
const smallCsv = join(dir, 'transactions.csv');
writeFileSync(smallCsv, `${['order_id,customer_id,timestamp,amount,acquisition_channel', ...smallRows].join('\n')}\n`);
const columns = { dateCol: 'timestamp', channelCol: 'acquisition_channel' };

function write(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

async function errorOf(run: Promise<unknown>): Promise<Error> {
  try {
    await run;
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected an error');
}

describe('runClvCommand', () => {
  it('writes clv.json, customers.csv and a manifest for a CDNOW extract with ISO timestamps and channels', async () => {
    const out = join(dir, 'out');
    const summary = await runClvCommand({ transactions: smallCsv, calibrationEnd: '1997-09-30', out, ...columns, horizonWeeks: 26 });
    const json = JSON.parse(readFileSync(join(out, 'clv.json'), 'utf8'));
    expect(json).toEqual(JSON.parse(JSON.stringify(summary)));
    for (const key of ['r', 'alpha', 'a', 'b', 'logLikelihood']) expect(Number.isFinite(json.bgnbd[key]), key).toBe(true);
    for (const key of ['p', 'q', 'v']) expect(json.gammaGamma[key]).toBeGreaterThan(0);
    expect(json.bgnbd.standardErrors.r).toBeGreaterThan(0);
    expect(json.bgnbd.diagnostics.converged).toBe(true);
    expect(json.customers).toBe(600);
    expect(json.byChannel.map((c: { channel: string }) => c.channel)).toEqual(['email', 'search', 'social']);
    expect(json.byChannel.reduce((s: number, c: { totalClv: number }) => s + c.totalClv, 0)).toBeCloseTo(json.clvTotal, 6);
    expect(json.byChannel.reduce((s: number, c: { customers: number }) => s + c.customers, 0)).toBe(600);
    expect(json.validation.holdoutWeeks).toBe(39);
    expect(json.settings).toEqual({ calibrationEnd: '1997-09-30', holdoutEnd: '1998-06-30', horizonWeeks: 26, months: 12, monthlyDiscountRate: 0.01, weeksPerMonth: 4.345 });

    const lines = readFileSync(join(out, 'customers.csv'), 'utf8').trim().split('\n');
    expect(lines[0]).toBe('customer_id,frequency,recency,T,monetary_value,p_alive,expected_purchases,clv');
    expect(lines.length).toBe(601);
    const first = lines[1].split(',');
    expect(first[0]).toBe('c1');
    expect(first.slice(1, 4).map(Number)).toEqual([2, 30.428571, 38.857143]); // CDNOW customer 1: x = 2, t_x = 30.43, T = 38.86
    let total = 0;
    for (const line of lines.slice(1)) total += Number(line.split(',')[7]);
    expect(total).toBeCloseTo(json.clvTotal, 1);

    // The same numbers as the pure entry point on the same arrays.
    const days = smallRows.map((r) => parseDateToDay(r.split(',')[2]));
    const direct = analyseClv(
      { customerIds: smallRows.map((r) => r.split(',')[1]), days, amounts: smallRows.map((r) => Number(r.split(',')[3])), channels: smallRows.map((r) => r.split(',')[4]) },
      { calibrationEndDay: parseDateToDay('1997-09-30'), horizonWeeks: 26 },
    );
    expect(json.clvTotal).toBeCloseTo(direct.clvTotal, 9);
    expect(Number(first[6])).toBeCloseTo(direct.expectedPurchases[0], 6);

    const manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8'));
    expect(manifest.stage).toBe('clv');
    expect(manifest.outputs.map((o: { path: string }) => o.path)).toEqual(['clv.json', 'customers.csv']);

    // Unchanged input and options: skipped, same answer.
    const again = await runClvCommand({ transactions: smallCsv, calibrationEnd: '1997-09-30', out, ...columns, horizonWeeks: 26 });
    expect(again).toEqual(json);
  });

  it('puts every customer in channel "unknown" when the file has no channel column, and says so', async () => {
    const path = write(
      'no-channel.csv',
      [
        'customer_id,date,amount',
        ...smallRows.map((r) => {
          const f = r.split(',');
          return `${f[1]},${f[2].slice(0, 10)},${f[3]}`;
        }),
      ].join('\n'),
    );
    const summary = await runClvCommand({ transactions: path, calibrationEnd: '1997-09-30', out: join(dir, 'out-unknown'), holdoutEnd: '1997-12-31' });
    expect(summary.byChannel.map((c) => [c.channel, c.customers])).toEqual([['unknown', 600]]);
    expect(summary.warnings).toContain('column "channel" not found: all customers are in channel "unknown"');
    expect(summary.warnings.some((w) => /^\d+ order\(s\) after the holdout end were ignored$/.test(w))).toBe(true);
    expect(summary.validation!.holdoutWeeks).toBeCloseTo(92 / 7, 12);
  });
});

describe('runClvCommand bad input', () => {
  const out = join(dir, 'never');
  const run = (path: string, extra: Record<string, unknown> = {}) => runClvCommand({ transactions: path, calibrationEnd: '1997-09-30', out, ...extra });

  it('names the file, row and column of an unparseable date', async () => {
    const path = write('bad-date.csv', 'customer_id,date,amount\na,1997-01-02,10\nb,1997-13-01,5\n');
    const e = await errorOf(run(path));
    expect(e).toBeInstanceOf(ValidationError);
    expect(e.message).toBe(`${path} row 2 column "date": unparseable date "1997-13-01" (expected YYYY-MM-DD)`);
    expect(existsSync(out)).toBe(false);
  });

  it('names the file, row and column of a negative amount', async () => {
    const path = write('negative.csv', 'customer_id,date,amount\na,1997-01-02,10\na,1997-01-09,-5\n');
    expect((await errorOf(run(path))).message).toBe(`${path} row 2 column "amount": negative value -5`);
  });

  it('names a missing column and an empty customer id', async () => {
    const path = write('missing.csv', 'customer_id,date,price\na,1997-01-02,10\n');
    expect((await errorOf(run(path))).message).toBe(`${path} column "amount": missing column (found: customer_id, date, price)`);
    const empty = write('empty-id.csv', 'customer_id,date,amount\na,1997-01-02,10\n ,1997-01-09,5\n');
    expect((await errorOf(run(empty))).message).toBe(`${empty} row 2 column "customer_id": empty customer id`);
  });

  it('refuses an empty file and a header without rows', async () => {
    const empty = write('empty.csv', '');
    const e = await errorOf(run(empty));
    expect(e).toBeInstanceOf(ValidationError);
    expect(e.message).toBe(`${empty}: file is empty (no header row)`);
    const header = write('header.csv', 'customer_id,date,amount\n');
    expect((await errorOf(run(header))).message).toBe(`${header}: no transactions (the file has only a header)`);
  });

  it('refuses a calibration end before the first transaction', async () => {
    const path = write('late.csv', 'customer_id,date,amount\na,1998-01-02,10\n');
    const e = await errorOf(run(path));
    expect(e).toBeInstanceOf(ValidationError);
    expect(e.message).toBe(`${path} column "date": --calibration-end 1997-09-30 is before the first transaction: no orders to fit (the transactions run from 1998-01-02 to 1998-01-02)`);
  });

  it('refuses a calibration end after the last transaction, through the real command (exit 2, no output folder)', () => {
    const target = join(dir, 'after-end');
    const r = runCli(['clv', '--transactions', smallCsv, '--calibration-end', '1998-07-01', '--out', target, '--date-col', 'timestamp', '--channel-col', 'acquisition_channel']);
    const days = smallRows.map((row) => row.split(',')[2].slice(0, 10)).sort();
    expect(r.stderr.trim()).toBe(
      `error: ${smallCsv} column "timestamp": --calibration-end 1998-07-01 is after the last transaction: customers would be observed past the data and look lapsed (the transactions run from ${days[0]} to ${days[days.length - 1]})`,
    );
    expect(r.code).toBe(2);
    expect(existsSync(target)).toBe(false);
    expect(readdirSync(dir).filter((f) => f.startsWith('.tmp-after-end'))).toEqual([]);
  });

  it('refuses bad dates in the options and a missing file', async () => {
    const e = await errorOf(runClvCommand({ transactions: smallCsv, calibrationEnd: '1997-02-30', out }));
    expect(e).toBeInstanceOf(UsageError);
    expect(e.message).toBe('--calibration-end "1997-02-30" is not a date (expected YYYY-MM-DD)');
    expect((await errorOf(run(smallCsv, { holdoutEnd: '1997-09-01' }))).message).toBe('--holdout-end 1997-09-01 must be after --calibration-end 1997-09-30');
    expect((await errorOf(run(join(dir, 'nope.csv')))).message).toBe(`cannot read transactions file ${join(dir, 'nope.csv')}: ENOENT`);
  });

  it('refuses a log without any repeat purchase (nothing to estimate)', async () => {
    const path = write('single.csv', 'customer_id,date,amount\na,1997-01-02,10\nb,1997-01-03,5\n');
    const e = await errorOf(run(path, { calibrationEnd: '1997-01-03' }));
    expect(e).toBeInstanceOf(ValidationError);
    expect(e.message).toBe(`${path}: no customer has a repeat purchase, so the BG/NBD purchase and dropout processes cannot be estimated`);
  });
});
