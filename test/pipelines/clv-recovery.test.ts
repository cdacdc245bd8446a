import { afterAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateSample } from '../../src/ingest/generate.ts';
import { ingest } from '../../src/ingest/ingest.ts';
import { queryFiles, sqlString } from '../../src/ingest/duckdb.ts';
import { analyseClv } from '../../src/clv/index.ts';
import { tempDir } from '../helpers/tmp.ts';

const t = tempDir('mmm-clv-rec-');
afterAll(() => t.cleanup());

describe('CLV on the foundation generator', () => {
  it('recovers the BG/NBD and Gamma-Gamma parameters of truth.json from the ingested transactions', async () => {
    const raw = join(t.dir, 'raw');
    await generateSample({ out: raw, seed: 17, weeks: 156, scale: 0.3 });
    await ingest({ raw, out: join(t.dir, 'star') });
    const truth = JSON.parse(readFileSync(join(raw, 'truth.json'), 'utf8'));
    const rows = await queryFiles<{ customer_id: string; day: number; amount: number; channel: string }>(
      `SELECT customer_id, CAST(date - DATE '1970-01-01' AS INTEGER) AS day, amount, acquisition_channel AS channel FROM read_parquet(${sqlString(join(t.dir, 'star', 'fct_transactions.parquet'))})`,
    );
    const lastDay = rows.reduce((m, r) => Math.max(m, r.day), 0);
    const r = analyseClv(
      { customerIds: rows.map((x) => x.customer_id), days: rows.map((x) => x.day), amounts: rows.map((x) => x.amount), channels: rows.map((x) => x.channel) },
      { calibrationEndDay: lastDay },
    );
    expect(r.summary.customerIds.length).toBe(truth.totals.customers);
    const se = r.bgNbd.standardErrors!;
    for (const k of ['r', 'alpha', 'a', 'b'] as const) {
      expect(Math.abs(r.bgNbd.params[k] - truth.bgnbd[k]) / se[k], `BG/NBD ${k}: ${r.bgNbd.params[k]} vs ${truth.bgnbd[k]} (se ${se[k]})`).toBeLessThan(3);
    }
    const gse = r.gammaGamma.standardErrors!;
    for (const k of ['p', 'q', 'v'] as const) {
      expect(Math.abs(r.gammaGamma.params[k] - truth.gammaGamma[k]) / gse[k], `Gamma-Gamma ${k}: ${r.gammaGamma.params[k]} vs ${truth.gammaGamma[k]} (se ${gse[k]})`).toBeLessThan(3);
    }
    // Every acquisition channel of the truth appears with its customers.
    const byChannel = Object.fromEntries(r.byChannel.map((g) => [g.channel, g.customers]));
    expect(byChannel).toEqual(truth.totals.acquisition);
  });
});
