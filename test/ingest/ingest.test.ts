import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { generateSample } from '../../src/ingest/generate.ts';
import { ingest } from '../../src/ingest/ingest.ts';
import { queryFiles } from '../../src/ingest/duckdb.ts';
import { parseCsv } from '../../src/core/csv.ts';
import { sha256File } from '../../src/core/hash.ts';
import { runCli, tempDir } from '../helpers/tmp.ts';

const t = tempDir();
const raw = join(t.dir, 'raw');
const out = join(t.dir, 'star');

const query = queryFiles;
const pq = (name: string) => `'${join(out, `${name}.parquet`)}'`;

beforeAll(async () => {
  await generateSample({ out: raw, seed: 11, weeks: 20, scale: 0.05 });
  await ingest({ raw, out });
});
afterAll(() => t.cleanup());

describe('ingest totals', () => {
  it('keeps spend per channel, revenue and order count exactly equal to the raw files', async () => {
    const spend = parseCsv(readFileSync(join(raw, 'spend.csv'), 'utf8'), 'spend.csv');
    const rawCents: Record<string, number> = {};
    for (const r of spend.rows) rawCents[r[1]] = (rawCents[r[1]] ?? 0) + Math.round(Number(r[3]) * 100);
    const star = await query<{ channel: string; cents: number }>(`SELECT channel, CAST(round(sum(spend) * 100) AS DOUBLE) AS cents FROM ${pq('fct_spend_weekly')} GROUP BY 1 ORDER BY 1`);
    expect(Object.fromEntries(star.map((r) => [r.channel, r.cents]))).toEqual(rawCents);

    const orders = parseCsv(readFileSync(join(raw, 'orders.csv'), 'utf8'), 'orders.csv');
    const revenueCents = orders.rows.reduce((s, r) => s + Math.round(Number(r[3]) * 100), 0);
    const rev = await query<{ cents: number; n: number }>(`SELECT CAST(round(sum(revenue) * 100) AS DOUBLE) AS cents, CAST(sum(orders) AS DOUBLE) AS n FROM ${pq('fct_revenue_weekly')}`);
    expect(rev[0]).toEqual({ cents: revenueCents, n: orders.rows.length });
    const tx = await query<{ n: number; cents: number }>(`SELECT count(*)::DOUBLE AS n, CAST(round(sum(amount) * 100) AS DOUBLE) AS cents FROM ${pq('fct_transactions')}`);
    expect(tx[0]).toEqual({ n: orders.rows.length, cents: revenueCents });
    // The wide modelling table carries the same totals.
    const wide = await query<Record<string, number>>(`SELECT CAST(round(sum(revenue) * 100) AS DOUBLE) AS revenue, CAST(round(sum(tv_spend) * 100) AS DOUBLE) AS tv FROM ${pq('mmm_input')}`);
    expect(wide[0]).toEqual({ revenue: revenueCents, tv: rawCents.tv });
  });

  it('uses ISO Monday weeks with no gaps and flags holiday weeks', async () => {
    const weeks = await query<{ d: string; dow: number; iw: number }>(
      `SELECT strftime(week_start, '%Y-%m-%d') AS d, CAST(isodow(week_start) AS INTEGER) AS dow, iso_week AS iw FROM ${pq('dim_week')} ORDER BY week_start`,
    );
    expect(weeks).toHaveLength(20);
    for (let i = 0; i < weeks.length; i++) {
      expect(weeks[i].dow).toBe(1);
      if (i > 0) expect(Date.parse(weeks[i].d) - Date.parse(weeks[i - 1].d)).toBe(7 * 86400000);
    }
    expect(weeks[0]).toEqual({ d: '2023-01-02', dow: 1, iw: 1 });
    const wide = await query<{ n: number; h: number }>(`SELECT count(*)::INTEGER AS n, sum(holiday)::INTEGER AS h FROM ${pq('mmm_input')}`);
    // 2023-01-02 .. 2023-05-21 holds Valentine's Day and Mother's Day (14 May); New Year's Day 2023 is a Sunday before the start.
    expect(wide[0]).toEqual({ n: 20, h: 2 });
  });

  it("sets each customer's acquisition channel to the first touch before the first order", async () => {
    // Independent computation from the raw files in plain JavaScript.
    const events = parseCsv(readFileSync(join(raw, 'events.csv'), 'utf8'), 'events.csv');
    const orders = parseCsv(readFileSync(join(raw, 'orders.csv'), 'utf8'), 'orders.csv');
    const firstOrder = new Map<string, string>();
    for (const r of orders.rows) if (!firstOrder.has(r[1]) || r[2] < firstOrder.get(r[1])!) firstOrder.set(r[1], r[2]);
    const firstTouch = new Map<string, { ts: string; id: string; ch: string }>();
    for (const [id, ts, cust, ch] of events.rows) {
      if (!cust || !firstOrder.has(cust) || ts > firstOrder.get(cust)!) continue;
      const cur = firstTouch.get(cust);
      if (!cur || ts < cur.ts || (ts === cur.ts && id < cur.id)) firstTouch.set(cust, { ts, id, ch });
    }
    const star = await query<{ customer_id: string; ch: string }>(`SELECT customer_id, any_value(acquisition_channel) AS ch FROM ${pq('fct_transactions')} GROUP BY 1`);
    expect(star.length).toBe(firstOrder.size);
    let touched = 0;
    for (const r of star) {
      const expected = firstTouch.get(r.customer_id)?.ch ?? 'none';
      if (expected !== 'none') touched++;
      expect(r.ch, r.customer_id).toBe(expected);
    }
    expect(touched).toBeGreaterThan(star.length / 2);
  });

  it('records inputs, outputs and row counts in the manifest', () => {
    const m = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8'));
    expect(m.stage).toBe('ingest');
    expect(m.inputs.map((i: { path: string }) => i.path).sort()).toEqual(['channels.csv', 'controls.csv', 'events.csv', 'holidays.csv', 'orders.csv', 'spend.csv']);
    const names = m.outputs.map((o: { path: string }) => o.path);
    for (const table of ['dim_channel', 'dim_week', 'fct_spend_weekly', 'fct_revenue_weekly', 'fct_controls_weekly', 'fct_transactions', 'mmm_input']) {
      expect(names).toContain(`${table}.parquet`);
    }
    expect(m.outputs.find((o: { path: string }) => o.path === 'mmm_input.parquet').rows).toBe(20);
  });
});

describe('the SQL models (one per table) write what buildStarSchema wrote', () => {
  it('gives byte-identical tables on the seeded sample', async () => {
    // Recorded from the ingest before the split into models (commit 43d1201): generate --seed 11 --weeks 20 --scale 0.05,
    // ingest, sha256sum. A DuckDB upgrade may change Parquet bytes: re-record from that commit, do not copy from this code.
    const before: Record<string, string> = {
      'dim_channel.parquet': '72cb9f930ca083b6ec75d3f262f7c80bcacf69ff32179c3fb980700acaddd977',
      'dim_week.parquet': 'b443f13d2524cf34d70ba2b0f675df4e7a6a6dc105828b3b09e603d9569d790a',
      'fct_controls_weekly.parquet': '1466ee5fcbda9f25b37f01c8b76228e6059ec0f88c326f256ffd52d0abbbf400',
      'fct_revenue_weekly.parquet': 'aa5bddd9153c5069e3915c86c66184d600fc4d6c8cbcdb77e676bb1f136bf23c',
      'fct_spend_weekly.parquet': '6e9629d50bc4076dc6497e709889a3486f3fdcf09e68745591e935b027a9ae31',
      'fct_transactions.parquet': '3397490fb476d215d4de8adebdfd0faf49f246ecf99986d566d9248c1631e7c3',
      'mmm_input.parquet': 'e38f674bf9273f8dd718e68bf78857e8a91c18f4854a6118b942ea22a80b3b8d',
      'mmm_input.csv': 'b3564f1ba1a343396dd66266da1102d2f23fecaf7eccff2e4d1e144b6006dce1',
    };
    const now: Record<string, string> = {};
    for (const f of Object.keys(before)) now[f] = await sha256File(join(out, f));
    expect(now).toEqual(before);
  });
});

describe('bad input', () => {
  /** Copies the good sample, lets `edit` change one file, runs `mmm ingest`, and returns what it printed. */
  function ingestWith(name: string, edit: (dir: string) => void) {
    const dir = join(t.dir, `bad-${name}`);
    mkdirSync(dir);
    for (const f of readdirSync(raw)) if (f.endsWith('.csv')) copyFileSync(join(raw, f), join(dir, f));
    edit(dir);
    const target = join(t.dir, `bad-${name}-out`);
    const r = runCli(['ingest', '--raw', dir, '--out', target]);
    return { ...r, wrote: existsSync(target), leftovers: readdirSync(t.dir).filter((f) => f.startsWith(`.tmp-bad-${name}`) || f.includes(`bad-${name}-out.`)) };
  }

  // Every refused input, with its exact error line: bad-inputs.test.ts.

  it('refuses a memory limit that is not a size, with exit 2 and no scratch files', () => {
    const target = join(t.dir, 'bad-memory-out');
    const r = runCli(['ingest', '--raw', raw, '--out', target, '--memory-limit', 'bogus']);
    expect(r.stderr.trim()).toBe('error: memory limit must be a size such as 128MB or 1GB, got "bogus"');
    expect(r.code).toBe(2);
    expect(readdirSync(t.dir).filter((f) => f.includes('bad-memory-out'))).toEqual([]);
  });

  it('leaves a partial last week out of the weekly tables, with a warning', async () => {
    const r = ingestWith('partial-week', (d) => {
      // Keep orders and spend only up to Wednesday 2023-05-17 of the last week (2023-05-15 .. 21).
      for (const f of ['orders.csv', 'spend.csv']) {
        const [header, ...rows] = readFileSync(join(d, f), 'utf8').trimEnd().split('\n');
        const col = f === 'orders.csv' ? 2 : 0;
        writeFileSync(join(d, f), `${[header, ...rows.filter((l) => l.split(',')[col].slice(0, 10) <= '2023-05-17')].join('\n')}\n`);
      }
    });
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('warning: the data end on 2023-05-17, not a Sunday: the partial week from 2023-05-15 is left out of the weekly tables until it is complete');
    const weeks = await query<{ n: number; last: string }>(
      `SELECT count(*)::INTEGER AS n, strftime(max(date), '%Y-%m-%d') AS last FROM read_parquet('${join(t.dir, 'bad-partial-week-out', 'mmm_input.parquet')}')`,
    );
    expect(weeks[0]).toEqual({ n: 19, last: '2023-05-08' });
  });

  it('drops exact duplicate rows with a warning instead of failing', () => {
    const r = ingestWith('exact-dup', (d) => {
      const lines = readFileSync(join(d, 'orders.csv'), 'utf8').trimEnd().split('\n');
      lines.push(lines[4]);
      writeFileSync(join(d, 'orders.csv'), `${lines.join('\n')}\n`);
    });
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('warning: orders.csv: dropped 1 exact duplicate row(s) (same order_id and values)');
  });

  it('drops exact copies of events (streamed, never stored) and builds the same tables as without them', async () => {
    const r = ingestWith('exact-dup-events', (d) => {
      const lines = readFileSync(join(d, 'events.csv'), 'utf8').trimEnd().split('\n');
      // Three copies of customer-linked touches, one of them twice, scattered through the file.
      const linked = lines
        .map((l, i) => [l, i] as const)
        .filter(([l, i]) => i > 0 && l.split(',')[2] !== '')
        .slice(0, 3);
      lines.splice(lines.length - 5, 0, linked[0][0], linked[1][0]);
      lines.push(linked[2][0], linked[0][0]);
      writeFileSync(join(d, 'events.csv'), `${lines.join('\n')}\n`);
    });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('warning: events.csv: dropped 4 exact duplicate row(s) (same event_id and values)');
    const dupOut = join(t.dir, 'bad-exact-dup-events-out');
    expect(readFileSync(join(dupOut, 'mmm_input.csv'), 'utf8')).toBe(readFileSync(join(out, 'mmm_input.csv'), 'utf8'));
    for (const table of ['fct_transactions', 'dim_channel']) {
      const rows = (dir: string) => query(`SELECT * FROM read_parquet('${join(dir, `${table}.parquet`)}') ORDER BY ALL`);
      expect(await rows(dupOut), table).toEqual(await rows(out));
    }
  });
});

describe('time zones', () => {
  it('puts an order with a UTC offset in the ISO week of its UTC time, whatever the machine time zone', () => {
    const dir = join(t.dir, 'tz');
    mkdirSync(dir);
    for (const f of readdirSync(raw)) if (f.endsWith('.csv')) copyFileSync(join(raw, f), join(dir, f));
    // Sunday 2023-01-08 23:30 in New York is Monday 2023-01-09 04:30 UTC: week of 2023-01-09.
    const orders = readFileSync(join(dir, 'orders.csv'), 'utf8').trimEnd().split('\n');
    orders.push('o99999999,c9999999,2023-01-08T23:30:00-05:00,100.00,USD');
    writeFileSync(join(dir, 'orders.csv'), `${orders.join('\n')}\n`);
    const out2 = join(t.dir, 'tz-out');
    for (const tz of ['Asia/Tokyo', 'America/New_York']) {
      const r = spawnSync(process.execPath, [new URL('../../bin/mmm.mjs', import.meta.url).pathname, 'ingest', '--raw', dir, '--out', `${out2}-${tz.replace('/', '-')}`], {
        encoding: 'utf8',
        env: { ...process.env, TZ: tz },
      });
      expect(r.status, r.stderr).toBe(0);
    }
    const a = readFileSync(join(`${out2}-Asia-Tokyo`, 'mmm_input.csv'), 'utf8');
    expect(readFileSync(join(`${out2}-America-New_York`, 'mmm_input.csv'), 'utf8')).toBe(a);
  });
});
