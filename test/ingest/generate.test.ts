import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { generateSample, holidayCalendar } from '../../src/ingest/generate.ts';
import { truthMediaEffect } from '../../src/ingest/sample-truth.ts';
import { sha256 } from '../../src/core/hash.ts';
import { parseCsv } from '../../src/core/csv.ts';
import { tempDir } from '../helpers/tmp.ts';

const t = tempDir();
const small = { seed: 5, weeks: 30, scale: 0.05 };
beforeAll(async () => {
  await generateSample({ out: join(t.dir, 'a'), ...small });
  await generateSample({ out: join(t.dir, 'b'), ...small });
  await generateSample({ out: join(t.dir, 'c'), ...small, seed: 6 });
});
afterAll(() => t.cleanup());

const hashes = (dir: string) =>
  Object.fromEntries(
    readdirSync(dir)
      .sort()
      .map((f) => [f, sha256(readFileSync(join(dir, f)))]),
  );

describe('generateSample', () => {
  it('is deterministic: the same seed gives the same bytes, another seed other bytes', () => {
    const a = hashes(join(t.dir, 'a'));
    expect(Object.keys(a)).toEqual(['channels.csv', 'controls.csv', 'events.csv', 'holidays.csv', 'manifest.json', 'orders.csv', 'spend.csv', 'truth.json']);
    const b = hashes(join(t.dir, 'b'));
    for (const f of Object.keys(a)) if (f !== 'manifest.json') expect(b[f], f).toBe(a[f]);
    const c = hashes(join(t.dir, 'c'));
    expect(c['orders.csv']).not.toBe(a['orders.csv']);
  });

  it('writes files that agree with truth.json: weekly spend, revenue, media effects', () => {
    const dir = join(t.dir, 'a');
    const truth = JSON.parse(readFileSync(join(dir, 'truth.json'), 'utf8'));
    const spend = parseCsv(readFileSync(join(dir, 'spend.csv'), 'utf8'), 'spend.csv');
    const startMs = Date.parse(`${truth.start}T00:00:00Z`);
    const weekOf = (iso: string) => Math.floor((Date.parse(`${iso.slice(0, 10)}T00:00:00Z`) - startMs) / (7 * 86400000));
    const cents: Record<string, number[]> = {};
    for (const r of spend.rows) {
      (cents[r[1]] ??= new Array(small.weeks).fill(0))[weekOf(r[0])] += Math.round(Number(r[3]) * 100);
    }
    for (const ch of truth.channels) {
      const weekly = truth.weekly.map((w: { spend: Record<string, number> }) => w.spend[ch.name]);
      expect(weekly.map((v: number) => Math.round(v * 100))).toEqual(cents[ch.name] ?? new Array(small.weeks).fill(0));
      // The documented formula, recomputed here, gives the recorded media effects.
      const { effect } = truthMediaEffect(ch, weekly);
      truth.weekly.forEach((w: { media: Record<string, number> }, i: number) => expect(w.media[ch.name]).toBeCloseTo(effect[i], 3));
    }
    const orders = parseCsv(readFileSync(join(dir, 'orders.csv'), 'utf8'), 'orders.csv');
    const revenueCents = new Array(small.weeks).fill(0);
    for (const r of orders.rows) revenueCents[weekOf(r[2])] += Math.round(Number(r[3]) * 100);
    expect(truth.weekly.map((w: { revenue: number }) => Math.round(w.revenue * 100))).toEqual(revenueCents);
    expect(truth.totals.orders).toBe(orders.rows.length);
    // Realised revenue follows the marketing-mix expectation up to order-level noise (large at this tiny scale).
    expect(Math.abs(truth.totals.revenue / truth.totals.expectedRevenue - 1)).toBeLessThan(0.1);
  });

  it('puts every holiday on its real date', () => {
    const h = holidayCalendar(Date.UTC(2024, 0, 1), Date.UTC(2025, 0, 1)).map((x) => `${x.date} ${x.name}`);
    // 2024: Mother's Day 12 May, Thanksgiving 28 Nov (Black Friday 29 Nov, Cyber Monday 2 Dec).
    expect(h).toEqual([
      "2024-01-01 New Year's Day",
      "2024-02-14 Valentine's Day",
      "2024-05-12 Mother's Day",
      '2024-07-04 Independence Day',
      '2024-11-29 Black Friday',
      '2024-12-02 Cyber Monday',
      '2024-12-25 Christmas Day',
    ]);
  });

  it('refuses bad options', async () => {
    await expect(generateSample({ out: join(t.dir, 'x'), seed: 1.5 })).rejects.toThrow('--seed must be an integer, got 1.5');
    await expect(generateSample({ out: join(t.dir, 'x'), seed: 1, weeks: 3 })).rejects.toThrow('--weeks must be an integer between 8 and 1040, got 3');
  });
});
