/**
 * The weekly table as a pipeline input: Robyn's demo CSV with its demo.R
 * settings, a two-channel CSV dated on Thursdays, and a CSV dated on Sundays.
 * Expected values come from the source CSVs, parsed here independently, and
 * from calendar rules computed here (Easter by the Meeus/Jones/Butcher algorithm).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseCsv, type CsvTable } from '../../src/core/csv.ts';
import { ValidationError } from '../../src/core/errors.ts';
import { sha256File } from '../../src/core/hash.ts';
import { queryFiles } from '../../src/ingest/duckdb.ts';
import { checkSkippedAsOf, ingestWeeklyTable, readInputColumns } from '../../src/ingest/index.ts';
import { ROBYN, ROBYN_ROLES } from '../helpers/robyn.ts';
import { runCli, tempDir } from '../helpers/tmp.ts';

const t = tempDir('mmm-weekly-');
afterAll(() => t.cleanup());
const source = parseCsv(readFileSync(ROBYN, 'utf8'), 'dt_simulated_weekly.csv');
const col = (table: CsvTable, name: string) => table.rows.map((r) => r[table.header.indexOf(name)]);
const pq = (dir: string, table: string) => `read_parquet('${join(dir, `${table}.parquet`)}')`;
const DAY = 86400000;
const iso = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const addDays = (d: string, n: number) => iso(Date.parse(`${d}T00:00:00Z`) + n * DAY);

/** Easter Sunday (Gregorian), Meeus/Jones/Butcher algorithm ("Astronomical Algorithms", ch. 8). */
function easter(y: number): string {
  const a = y % 19,
    b = Math.floor(y / 100),
    c = y % 100,
    d = Math.floor(b / 4),
    e = b % 4;
  const f = Math.floor((b + 8) / 25),
    g = Math.floor((b - f + 1) / 3),
    h = (19 * a + b - d - g + 15) % 30;
  const i = Math.floor(c / 4),
    k = c % 4,
    l = (32 + 2 * e + 2 * i - h - k) % 7,
    m = Math.floor((a + 11 * h + 22 * l) / 451);
  const month = Math.floor((h + l - 7 * m + 114) / 31),
    day = ((h + l - 7 * m + 114) % 31) + 1;
  return iso(Date.UTC(y, month - 1, day));
}

/** Germany's nationwide public holidays: fixed days, the Easter-dependent ones, and 2017's one-off Reformation Day (500th anniversary). */
function germanHolidays(y: number): string[] {
  const e = easter(y);
  const days = [`${y}-01-01`, addDays(e, -2), addDays(e, 1), `${y}-05-01`, addDays(e, 39), addDays(e, 50), `${y}-10-03`, `${y}-12-25`, `${y}-12-26`];
  if (y === 2017) days.push('2017-10-31');
  return days;
}

/** 1 when a holiday falls in the 7 days starting on `label`. */
const flag = (label: string, holidays: Set<string>) => (Array.from({ length: 7 }, (_, i) => addDays(label, i)).some((d) => holidays.has(d)) ? 1 : 0);

describe("Robyn's demo table with demo.R's settings (mmm ingest --weekly)", () => {
  const out = join(t.dir, 'robyn');
  // demo.R's settings; its window starts on 2016-01-01, whose week here starts on the Monday 2016-01-04.
  const args = [
    'ingest',
    '--weekly',
    ROBYN,
    ...ROBYN_ROLES,
    '--exposures',
    'facebook_I,search_clicks_P',
    '--country',
    'DE',
    '--window-start',
    '2016-01-04',
    '--window-end',
    '2018-12-31',
    '--as-of',
    '2026-01-01',
    '--out',
    out,
  ];
  let first: ReturnType<typeof runCli>;
  beforeAll(() => {
    first = runCli(args);
  });

  it('writes the star-schema folder with every column named as the user wrote it, and no transactions', () => {
    expect(first.stderr).toBe('warning: dt_simulated_weekly.csv: 2 week(s) with no spend on any channel: row 14 (2016-02-22), row 78 (2017-05-15) (is the export complete?)\n');
    expect(first.code).toBe(0);
    expect(readdirSync(out).sort()).toEqual([
      'dim_channel.parquet',
      'dim_week.parquet',
      'dim_week_future.parquet',
      'fct_controls_weekly.parquet',
      'fct_exposures_weekly.parquet',
      'fct_revenue_weekly.parquet',
      'fct_spend_weekly.parquet',
      'manifest.json',
      'mmm_input.csv',
      'mmm_input.parquet',
    ]);
    const table = parseCsv(readFileSync(join(out, 'mmm_input.csv'), 'utf8'), 'mmm_input.csv');
    expect(table.header).toEqual(['DATE', 'revenue', 'tv_S', 'ooh_S', 'print_S', 'facebook_S', 'search_S', 'newsletter', 'competitor_sales_B', 'events', 'holiday']);
    expect(col(table, 'DATE')).toEqual(col(source, 'DATE'));
    for (const c of ['revenue', 'tv_S', 'ooh_S', 'print_S', 'facebook_S', 'search_S', 'newsletter', 'competitor_sales_B']) expect(col(table, c).map(Number), c).toEqual(col(source, c).map(Number));
    // Factor levels stay text: "na" is a level, not a missing value.
    expect(col(table, 'events')).toEqual(col(source, 'events'));
    expect(new Set(col(table, 'events'))).toEqual(new Set(['na', 'event1', 'event2']));
  });

  it('flags the weeks holding a German public holiday, in the data and in the 52 weeks after it', async () => {
    const holidays = new Set([2015, 2016, 2017, 2018, 2019, 2020].flatMap(germanHolidays));
    const weeks = await queryFiles<{ d: string; h: number; names: string }>(
      `SELECT strftime(week_start, '%Y-%m-%d') AS d, holiday AS h, holiday_names AS names FROM ${pq(out, 'dim_week')} ORDER BY 1`,
    );
    expect(weeks.map((w) => w.d)).toEqual(col(source, 'DATE'));
    expect(weeks.map((w) => w.h)).toEqual(weeks.map((w) => flag(w.d, holidays)));
    expect(weeks.find((w) => w.d === '2016-12-19')?.names).toBe('Christmas Day'); // Sunday the 25th; Boxing Day is in the next week
    expect(weeks.find((w) => w.d === '2017-12-25')?.names).toBe('Christmas Day; Boxing Day');
    const future = await queryFiles<{ d: string; h: number }>(`SELECT strftime(week_start, '%Y-%m-%d') AS d, holiday AS h FROM ${pq(out, 'dim_week_future')} ORDER BY 1`);
    expect(future.map((w) => w.d)).toEqual(Array.from({ length: 52 }, (_, i) => addDays('2019-11-11', 7 * (i + 1))));
    expect(future.map((w) => w.h)).toEqual(future.map((w) => flag(w.d, holidays)));
    // Weeks of 2019-12-23 (25th, 26th), 2019-12-30 (Jan 1), 2020: Good Friday, Easter Monday, May 1, Ascension, Whit Monday, Oct 3.
    expect(future.filter((w) => w.h === 1)).toHaveLength(8);
  });

  it('records channels, organic activity and exposures in the shared tables', async () => {
    expect(await queryFiles(`SELECT channel, spend_column, kind, has_spend FROM ${pq(out, 'dim_channel')}`)).toEqual([
      ...['tv_S', 'ooh_S', 'print_S', 'facebook_S', 'search_S'].map((c) => ({ channel: c, spend_column: c, kind: 'paid', has_spend: true })),
      { channel: 'newsletter', spend_column: null, kind: 'organic', has_spend: false },
    ]);
    const spend = await queryFiles<{ channel: string; total: number; n: number }>(
      `SELECT channel, sum(spend) AS total, count(*)::INTEGER AS n FROM ${pq(out, 'fct_spend_weekly')} GROUP BY 1 ORDER BY 1`,
    );
    for (const s of spend) {
      expect(s.n).toBe(208);
      expect(s.total).toBeCloseTo(
        col(source, s.channel).reduce((a, v) => a + Number(v), 0),
        4,
      );
    }
    const exposures = await queryFiles<{ channel: string; metric: string; total: number }>(
      `SELECT channel, metric, sum(value) AS total FROM ${pq(out, 'fct_exposures_weekly')} GROUP BY 1, 2 ORDER BY 1, 2`,
    );
    expect(exposures.map((e) => [e.channel, e.metric])).toEqual([
      ['facebook_S', 'facebook_I'],
      ['newsletter', 'newsletter'],
      ['search_S', 'search_clicks_P'],
    ]);
    for (const e of exposures)
      expect(e.total).toBeCloseTo(
        col(source, e.metric).reduce((a, v) => a + Number(v), 0),
        2,
      );
    const revenue = await queryFiles<{ orders: number | null }>(`SELECT max(orders) AS orders FROM ${pq(out, 'fct_revenue_weekly')}`);
    expect(revenue[0].orders).toBeNull();
  });

  it('gives the metrics of the raw ingest and the roles of every column in the manifest', async () => {
    const m = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8'));
    expect(m.stage).toBe('ingest');
    expect(m.metrics).toMatchObject({
      input: 'weekly',
      weeks: 208,
      firstWeek: '2015-11-23',
      lastWeek: '2019-11-11',
      currency: null,
      orders: null,
      channels: ['tv_S', 'ooh_S', 'print_S', 'facebook_S', 'search_S'],
      holidays: { country: 'DE' },
      window: { start: '2016-01-04', end: '2018-12-31' },
      asOf: '2026-01-01',
      columns: {
        date: 'DATE',
        target: 'revenue',
        channels: ['tv_S', 'ooh_S', 'print_S', 'facebook_S', 'search_S'],
        organic: ['newsletter'],
        controls: ['competitor_sales_B'],
        factors: ['events'],
        holiday: 'holiday',
      },
    });
    expect(m.metrics.revenue).toBeCloseTo(
      col(source, 'revenue').reduce((a, v) => a + Number(v), 0),
      2,
    );
    expect(m.inputs.map((i: { path: string }) => i.path)).toEqual(['dt_simulated_weekly.csv']);
    expect(await readInputColumns(out)).toEqual(m.metrics.columns);
    await expect(readInputColumns(t.dir)).rejects.toThrow(`${join(t.dir, 'manifest.json')}: no column roles in its manifest (an ingest older than ingest@3: run it again)`);
  });

  it('refuses to reuse the built folder for a replay with an earlier as-of date', () => {
    const r = runCli([...args.slice(0, -3), '2019-01-01', '--out', out]);
    expect(r.stderr.trim()).toBe(
      'error: dt_simulated_weekly.csv: the data run to 2019-11-11, after the as-of date 2019-01-01: rows dated after it are refused, not cut off (to replay a past week, give the data as they were then)',
    );
    expect(r.code).toBe(2);
  });

  it('skips an unchanged re-run and rebuilds byte for byte elsewhere', async () => {
    const again = runCli(args);
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/^unchanged /);
    const other = join(t.dir, 'robyn-2');
    expect(runCli([...args.slice(0, -1), other]).code).toBe(0);
    for (const f of readdirSync(out).filter((f) => f !== 'manifest.json')) expect(await sha256File(join(other, f)), f).toBe(await sha256File(join(out, f)));
  });
});

/** A two-channel table dated on Thursdays; `promo` is constant in the window and varies before it. */
function twoChannelCsv(): string {
  const lines = ['Week,Sales,TV Spend,search,promo,Price'];
  for (let w = 0; w < 60; w++) {
    const d = addDays('2022-01-06', 7 * w); // a Thursday
    const tv = w === 40 ? 50000 : 1000 + ((w * 37) % 13) * 100;
    lines.push(`${d},${20000 + 3 * tv + 50 * (w % 7)},${tv},${500 + (w % 5) * 40},${w < 10 ? w % 2 : 1},${(1 + 0.01 * (w % 4)).toFixed(2)}`);
  }
  return `${lines.join('\n')}\n`;
}

describe('a two-channel table dated on Thursdays, with a holidays file', () => {
  const file = join(t.dir, 'two.csv');
  const hol = join(t.dir, 'hol.csv');
  const out = join(t.dir, 'two');
  let result: Awaited<ReturnType<typeof ingestWeeklyTable>>;
  beforeAll(async () => {
    writeFileSync(file, twoChannelCsv());
    writeFileSync(hol, 'date,name\n2022-04-18,Easter Monday\n2022-12-25,Christmas\n2023-01-01,New Year\n2023-04-10,Easter Monday\n');
    result = await ingestWeeklyTable(
      { file, dateCol: 'Week', target: 'Sales', channels: ['TV Spend', 'search'], controls: ['promo', 'Price'], holidays: { file: hol }, window: { start: '2022-04-07', end: '2023-02-23' } },
      { out, asOf: '2024-01-01', futureWeeks: 8 },
    );
  });

  it('keeps every week under its Thursday label and the names as written', async () => {
    const table = parseCsv(readFileSync(join(out, 'mmm_input.csv'), 'utf8'), 'mmm_input.csv');
    expect(table.header).toEqual(['Week', 'Sales', 'TV Spend', 'search', 'Price', 'holiday']);
    expect(table.rows).toHaveLength(60);
    expect(col(table, 'Week')).toEqual(Array.from({ length: 60 }, (_, w) => addDays('2022-01-06', 7 * w)));
    expect(result.manifest.metrics).toMatchObject({ weeks: 60, firstWeek: '2022-01-06', lastWeek: '2023-02-23', droppedControls: ['promo'] });
  });

  it('drops a control constant in the window, and warns of it and of the spend spike, naming the row', () => {
    expect(result.manifest.warnings).toEqual([
      // TV's usual week: the median of its 60 weeks with spend, from the table's formula (medianTv).
      `two.csv column "TV Spend": 1 week(s) at 10x or more of its usual week (the median of its 60 weeks with spend, ${medianTv().toFixed(2)}): row 41 (2022-10-13) (50000.00, ${(50000 / medianTv()).toFixed(1)}x); a unit or typing error?`,
      'two.csv column "promo" is constant (1.0) over the window 2022-04-07 to 2023-02-23 and was dropped from mmm_input',
    ]);
  });

  it("flags the 7 days from each Thursday label with the file's holidays, in the data and the 8 future weeks", async () => {
    const days = new Set(['2022-04-18', '2022-12-25', '2023-01-01', '2023-04-10']);
    const weeks = await queryFiles<{ d: string; h: number }>(
      `SELECT strftime(week_start, '%Y-%m-%d') AS d, holiday AS h FROM ${pq(out, 'dim_week')} UNION ALL SELECT strftime(week_start, '%Y-%m-%d'), holiday FROM ${pq(out, 'dim_week_future')} ORDER BY 1`,
    );
    expect(weeks).toHaveLength(68);
    expect(weeks.map((w) => w.h)).toEqual(weeks.map((w) => flag(w.d, days)));
    expect(weeks.filter((w) => w.h === 1).map((w) => w.d)).toEqual(['2022-04-14', '2022-12-22', '2022-12-29', '2023-04-06']);
  });
});

/** Median of the two-channel table's TV spend, computed from its formula. */
function medianTv(): number {
  const v = Array.from({ length: 60 }, (_, w) => (w === 40 ? 50000 : 1000 + ((w * 37) % 13) * 100)).sort((a, b) => a - b);
  return (v[29] + v[30]) / 2;
}

describe('a table dated on Sundays', () => {
  it('keeps every week, the last one included, under its own date', async () => {
    const rows = readFileSync(ROBYN, 'utf8').trimEnd().split('\n');
    const sunday = `${[rows[0], ...rows.slice(1).map((l) => addDays(l.slice(0, 10), 6) + l.slice(10))].join('\n')}\n`;
    const file = join(t.dir, 'sunday.csv');
    writeFileSync(file, sunday);
    const out = join(t.dir, 'sunday');
    const r = await ingestWeeklyTable({ file, dateCol: 'DATE', target: 'revenue', channels: ['tv_S', 'search_S'], holidays: { country: 'DE' } }, { out, asOf: '2026-01-01' });
    const table = parseCsv(readFileSync(join(out, 'mmm_input.csv'), 'utf8'), 'mmm_input.csv');
    expect(table.rows).toHaveLength(208);
    expect(table.rows[0][0]).toBe('2015-11-29');
    expect(table.rows[207][0]).toBe('2019-11-17');
    expect(col(table, 'revenue').map(Number)).toEqual(col(source, 'revenue').map(Number));
    expect(r.manifest.metrics).toMatchObject({ weeks: 208, firstWeek: '2015-11-29', lastWeek: '2019-11-17' });
    // A Sunday label covers Sunday to Saturday: Christmas 2016 (a Sunday) is in the week labelled 2016-12-25, not 2016-12-18.
    const holidays = new Set([2015, 2016, 2017, 2018, 2019].flatMap(germanHolidays));
    expect(col(table, 'holiday').map(Number)).toEqual(col(table, 'DATE').map((d) => flag(d, holidays)));
    expect(table.rows.find((row) => row[0] === '2016-12-25')?.at(-1)).toBe('1');
    expect(table.rows.find((row) => row[0] === '2016-12-18')?.at(-1)).toBe('0');
  });
});

describe('a table with implausible revenue weeks', () => {
  const rows = readFileSync(ROBYN, 'utf8').trimEnd().split('\n');
  const setRevenue = (line: string, v: string) =>
    line
      .split(',')
      .map((c, j) => (j === 1 ? v : c))
      .join(',');
  it('warns of weeks at or below 0 and of a week under a fifth of the median week, naming their rows', async () => {
    // Data rows 90 and 100 (the header is not counted), and the last week an incomplete export.
    const edited = rows.map((l, i) => (i === 90 ? setRevenue(l, '-5000') : i === 100 ? setRevenue(l, '0') : i === rows.length - 1 ? setRevenue(l, '1234') : l));
    const file = join(t.dir, 'low.csv');
    writeFileSync(file, `${edited.join('\n')}\n`);
    const r = await ingestWeeklyTable({ file, dateCol: 'DATE', target: 'revenue', channels: ['tv_S', 'search_S'] }, { out: join(t.dir, 'low'), asOf: '2026-01-01' });
    const revenue = col(source, 'revenue').map(Number);
    const sorted = [...revenue.map((v, i) => (i === 89 ? -5000 : i === 99 ? 0 : i === revenue.length - 1 ? 1234 : v))].sort((a, b) => a - b);
    const median = (sorted[103] + sorted[104]) / 2;
    const week = (i: number) => col(source, 'DATE')[i];
    expect(r.manifest.warnings).toContain(
      `low.csv column "revenue": 3 week(s) at or below 0 or under a fifth of its median week (${Number(median.toPrecision(6))}): row 90 (${week(89)}: -5000), row 100 (${week(99)}: 0), row 208 (${week(207)}: 1234) (an incomplete export? the model takes them as real weeks)`,
    );
    // Only the modelling window's weeks: a window ending the week before the last leaves the incomplete last week out.
    const windowed = await ingestWeeklyTable(
      { file, dateCol: 'DATE', target: 'revenue', channels: ['tv_S', 'search_S'], window: { end: week(206) } },
      { out: join(t.dir, 'low-window'), asOf: '2026-01-01' },
    );
    expect(windowed.manifest.warnings.find((w) => w.includes('at or below 0'))).toMatch(/: 2 week\(s\) .*: row 90 \(.*\), row 100 \([^)]*\) \(an incomplete/);
  });

  const revenue = col(source, 'revenue').map(Number);
  const sorted = [...revenue].sort((a, b) => a - b);
  const median = (sorted[103] + sorted[104]) / 2;

  it('refuses a week that is not over by the as-of date (dated by its first day), naming its row; a week-ending date that day is whole', async () => {
    const last = col(source, 'DATE').at(-1)!;
    const spec = { file: ROBYN, dateCol: 'DATE', target: 'revenue', channels: ['tv_S', 'search_S'] };
    for (const asOf of [last, addDays(last, 5)]) {
      const out = join(t.dir, `mid-week-${asOf}`);
      const e = await ingestWeeklyTable(spec, { out, asOf }).catch((x: unknown) => x);
      expect(e).toBeInstanceOf(ValidationError);
      expect((e as Error).message).toBe(
        `dt_simulated_weekly.csv row ${source.rows.length} column "DATE": the week of ${last} runs to ${addDays(last, 6)}, after the as-of date ${asOf}: it is not over, so its figures are part of a week (an export taken mid-week?); drop the row until the week ends, or give --week-ending if each date ends its week`,
      );
      expect(existsSync(out)).toBe(false);
    }
    const built = await ingestWeeklyTable(spec, { out: join(t.dir, 'week-over'), asOf: addDays(last, 6) });
    await ingestWeeklyTable({ ...spec, weekEnding: true }, { out: join(t.dir, 'week-ending-today'), asOf: last });
    // A replay that reuses the built tables is held to the same rule (the as-of date is not one of its parameters).
    expect(() => checkSkippedAsOf(built.manifest, addDays(last, 5))).toThrow(`the week of ${last} runs to ${addDays(last, 6)}, after the as-of date ${addDays(last, 5)}: it is not over`);
    expect(() => checkSkippedAsOf(built.manifest, addDays(last, 6))).not.toThrow();
  });

  it("refuses a channel with no spend, or an organic variable with the same activity every week, in the fit's words (over the window when one is given)", async () => {
    const header = rows[0].split(',').map((h) => h.replaceAll('"', ''));
    const setColumn = (name: string, v: (i: number) => string) =>
      rows.map((l, i) =>
        i === 0
          ? l
          : l
              .split(',')
              .map((c, j) => (header[j] === name ? v(i) : c))
              .join(','),
      );
    const spec = { dateCol: 'DATE', target: 'revenue', channels: ['tv_S', 'print_S'], organic: ['newsletter'] };
    const refused = async (name: string, lines: string[], window?: { start: string; end: string }) => {
      const file = join(t.dir, `${name}.csv`);
      writeFileSync(file, `${lines.join('\n')}\n`);
      const out = join(t.dir, name);
      const e = await ingestWeeklyTable({ ...spec, file, ...(window ? { window } : {}) }, { out, asOf: '2026-01-01' }).catch((x: unknown) => x);
      expect(e).toBeInstanceOf(ValidationError);
      expect(existsSync(out)).toBe(false);
      return (e as Error).message;
    };
    expect(
      await refused(
        'no-print',
        setColumn('print_S', () => '0'),
      ),
    ).toBe('no-print.csv column "print_S": channel has no spend in any week; remove it from --channels');
    expect(
      await refused(
        'flat-newsletter',
        setColumn('newsletter', () => '7'),
      ),
    ).toBe('flat-newsletter.csv column "newsletter": organic variable activity is the same (7) every week, so its effect cannot be separated from the baseline');
    // print_S spent only in the weeks before the window: none in it.
    const dates = col(source, 'DATE');
    const early = setColumn('print_S', (i) => (dates[i - 1] < '2017-01-01' ? '100' : '0'));
    expect(await refused('early-print', early, { start: '2017-01-02', end: '2018-12-31' })).toBe(
      'early-print.csv column "print_S": channel has no spend in any week in the modelling window; remove it from --channels',
    );
  });

  it('refuses a week at 100 times the median week or more, naming its row and column', async () => {
    const file = join(t.dir, 'far.csv');
    writeFileSync(file, `${rows.map((l, i) => (i === 49 ? setRevenue(l, '1e15') : l)).join('\n')}\n`);
    const out = join(t.dir, 'far');
    const e = await ingestWeeklyTable({ file, dateCol: 'DATE', target: 'revenue', channels: ['tv_S', 'search_S'] }, { out, asOf: '2026-01-01' }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(ValidationError);
    expect((e as Error).message).toMatch(/^far\.csv row 49 column "revenue": 1000000000000000 is [0-9.e+]+ times the median week \([0-9.]+\): a unit or typing error, or a total row\?/);
    expect(existsSync(out)).toBe(false);
  });

  it('warns of weeks at 10 times the median week or more', async () => {
    const file = join(t.dir, 'spike.csv');
    const high = String(Math.round(20 * median));
    writeFileSync(file, `${rows.map((l, i) => (i === 49 ? setRevenue(l, high) : l)).join('\n')}\n`);
    const r = await ingestWeeklyTable({ file, dateCol: 'DATE', target: 'revenue', channels: ['tv_S', 'search_S'] }, { out: join(t.dir, 'spike'), asOf: '2026-01-01' });
    const spiked = [...revenue.map((v, i) => (i === 48 ? Number(high) : v))].sort((a, b) => a - b);
    expect(r.manifest.warnings).toContain(
      `spike.csv column "revenue": 1 week(s) at 10 times its median week (${Number(((spiked[103] + spiked[104]) / 2).toPrecision(6))}) or more: row 49 (${col(source, 'DATE')[48]}: ${high}) (a typing error? the model takes them as real weeks)`,
    );
  });
});

describe("a spreadsheet's export", () => {
  it('reads a table with unnamed empty trailing columns as the table without them', async () => {
    const rows = readFileSync(ROBYN, 'utf8').trimEnd().split('\n');
    const file = join(t.dir, 'trailing.csv');
    writeFileSync(file, `${rows.map((l) => `${l},,`).join('\n')}\n`);
    const spec = { file, dateCol: 'DATE', target: 'revenue', channels: ['tv_S', 'search_S'] };
    await ingestWeeklyTable(spec, { out: join(t.dir, 'trailing'), asOf: '2026-01-01' });
    await ingestWeeklyTable({ ...spec, file: ROBYN }, { out: join(t.dir, 'untrailed'), asOf: '2026-01-01' });
    expect(readFileSync(join(t.dir, 'trailing', 'mmm_input.csv'), 'utf8')).toBe(readFileSync(join(t.dir, 'untrailed', 'mmm_input.csv'), 'utf8'));
  });
});

describe('a week-ending export (--week-ending)', () => {
  it('flags the 7 days ending on each date: the same weeks as the week-starting table, in the data and the future weeks', async () => {
    const rows = readFileSync(ROBYN, 'utf8').trimEnd().split('\n');
    const file = join(t.dir, 'ending.csv');
    // Robyn's Monday labels start their weeks; the same weeks labelled by their last day, the Sunday after.
    writeFileSync(file, `${[rows[0], ...rows.slice(1).map((l) => addDays(l.slice(0, 10), 6) + l.slice(10))].join('\n')}\n`);
    const spec = { dateCol: 'DATE', target: 'revenue', channels: ['tv_S', 'search_S'], holidays: { country: 'DE' } };
    await ingestWeeklyTable({ ...spec, file, weekEnding: true }, { out: join(t.dir, 'ending'), asOf: '2026-01-01' });
    await ingestWeeklyTable({ ...spec, file: ROBYN }, { out: join(t.dir, 'starting'), asOf: '2026-01-01' });
    const read = (d: string) => parseCsv(readFileSync(join(t.dir, d, 'mmm_input.csv'), 'utf8'), 'mmm_input.csv');
    const [ending, starting] = [read('ending'), read('starting')];
    expect(col(ending, 'holiday')).toEqual(col(starting, 'holiday'));
    expect(col(ending, 'DATE')).toEqual(col(starting, 'DATE').map((d) => addDays(d, 6)));
    // Independent: Christmas 2016 is a Sunday, so it ends the week labelled 2016-12-25 and starts none.
    const holidays = new Set([2015, 2016, 2017, 2018, 2019].flatMap(germanHolidays));
    const flagEnding = (label: string) => (Array.from({ length: 7 }, (_, i) => addDays(label, -i)).some((d) => holidays.has(d)) ? 1 : 0);
    expect(col(ending, 'holiday').map(Number)).toEqual(col(ending, 'DATE').map(flagEnding));
    const future = (d: string) => queryFiles<{ h: number }>(`SELECT holiday::INTEGER AS h FROM ${pq(join(t.dir, d), 'dim_week_future')} ORDER BY week_start`);
    expect((await future('ending')).map((r) => r.h)).toEqual((await future('starting')).map((r) => r.h));
  });

  it("warns of a holidays file's end against the days the first future week covers, not its label", async () => {
    const rows = readFileSync(ROBYN, 'utf8').trimEnd().split('\n');
    const file = join(t.dir, 'ending-h.csv');
    writeFileSync(file, `${[rows[0], ...rows.slice(1).map((l) => addDays(l.slice(0, 10), 6) + l.slice(10))].join('\n')}\n`);
    // The last label is 2019-11-17; the first future week, labelled 2019-11-24, covers 2019-11-18 to 2019-11-24.
    const ingest = async (last: string) => {
      const holidays = join(t.dir, `h-${last}.csv`);
      writeFileSync(holidays, `date,name\n2016-12-25,Christmas\n${last},Last listed\n`);
      const r = await ingestWeeklyTable(
        { file, dateCol: 'DATE', target: 'revenue', channels: ['tv_S'], holidays: { file: holidays }, weekEnding: true },
        { out: join(t.dir, `eh-${last}`), asOf: '2026-01-01' },
      );
      return r.manifest.warnings.filter((w) => w.includes('no holiday after'));
    };
    expect(await ingest('2019-11-20')).toEqual([]);
    expect(await ingest('2019-11-17')).toEqual(["h-2019-11-17.csv: no holiday after 2019-11-17, so every future week's holiday flag from 2019-11-18 is 0 (list the coming year's holidays)"]);
  });

  it('the holiday flags of mmm fit --country --week-ending (and of simulate from such a fit) are those of the week-starting labels', async () => {
    const { weeklyHolidayFlags } = await import('../../pipelines/holidays.ts');
    const dates = Int32Array.from(col(source, 'DATE'), (d) => Date.parse(`${d}T00:00:00Z`) / DAY);
    const ending = Int32Array.from(dates, (d) => d + 6);
    expect(Array.from(await weeklyHolidayFlags(ending, 'DE', '--country', true))).toEqual(Array.from(await weeklyHolidayFlags(dates, 'DE')));
  });
});

describe("pandas' to_csv", () => {
  it('reads a table whose first column is an unnamed index as the table without it', async () => {
    const rows = readFileSync(ROBYN, 'utf8').trimEnd().split('\n');
    const file = join(t.dir, 'pandas.csv');
    writeFileSync(file, `${[`,${rows[0]}`, ...rows.slice(1).map((l, i) => `${i},${l}`)].join('\n')}\n`);
    const spec = { file, dateCol: 'DATE', target: 'revenue', channels: ['tv_S', 'search_S'] };
    await ingestWeeklyTable(spec, { out: join(t.dir, 'pandas'), asOf: '2026-01-01' });
    await ingestWeeklyTable({ ...spec, file: ROBYN }, { out: join(t.dir, 'unindexed'), asOf: '2026-01-01' });
    expect(readFileSync(join(t.dir, 'pandas', 'mmm_input.csv'), 'utf8')).toBe(readFileSync(join(t.dir, 'unindexed', 'mmm_input.csv'), 'utf8'));
  });
});
