/**
 * Every bad input `mmm ingest` refuses, each through a real process: its exact
 * one-line error, exit code 2, and nothing left behind (no output folder, no
 * temporary folder, no DuckDB scratch file). Raw-events folders are edited
 * copies of a seeded sample; weekly tables are edited copies of Robyn's demo CSV.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateSample } from '../../src/ingest/generate.ts';
import { ROBYN, ROBYN_ROLES } from '../helpers/robyn.ts';
import { tempDir } from '../helpers/tmp.ts';

const t = tempDir('mmm-bad-');
const sample = join(t.dir, 'sample');
const BIN = new URL('../../bin/mmm.mjs', import.meta.url).pathname;
const AS_OF = ['--as-of', '2024-01-01'];
const ROBYN_AS_OF = [...ROBYN_ROLES, '--as-of', '2026-01-01'];
/** The Monday starting the ISO week of a YYYY-MM-DD date. */
const mondayOf = (date: string) => {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() - ((d.getUTCDay() + 6) % 7));
  return d.toISOString().slice(0, 10);
};
const ROBYN_COLUMNS = 'DATE, revenue, tv_S, ooh_S, print_S, facebook_I, search_clicks_P, search_S, competitor_sales_B, facebook_S, events, newsletter';

afterAll(() => t.cleanup());

/** Rewrites data row `row` (1-based; the header is row 0) of a CSV with `fn`. */
function editRow(file: string, row: number, fn: (fields: string[]) => string[]): void {
  const lines = readFileSync(file, 'utf8').split('\n');
  lines[row] = fn(lines[row].split(',')).join(',');
  writeFileSync(file, lines.join('\n'));
}
const setField = (file: string, row: number, col: number, value: string) => editRow(file, row, (f) => f.map((v, i) => (i === col ? value : v)));
/** Rewrites every data row of a CSV. */
function editRows(file: string, fn: (fields: string[], row: number) => string[] | null): void {
  const [header, ...rows] = readFileSync(file, 'utf8').trimEnd().split('\n');
  const out = rows
    .map((l, i) => fn(l.split(','), i + 1))
    .filter((f): f is string[] => f !== null)
    .map((f) => f.join(','));
  writeFileSync(file, `${[header, ...out].join('\n')}\n`);
}

interface Case {
  name: string;
  /** 'raw': a copy of the sample in `in/`; 'weekly': Robyn's CSV as `in/w.csv`. */
  input: 'raw' | 'weekly';
  edit: (dir: string) => void;
  args: (inDir: string) => string[];
  /** The exact stderr line, given the input folder (for messages that name a path). */
  error: (inDir: string) => string;
}

const raw = (name: string, edit: (d: string) => void, error: string | ((d: string) => string), args: string[] = AS_OF): Case => ({
  name,
  input: 'raw',
  edit,
  args: () => args,
  error: typeof error === 'string' ? () => error : error,
});
const weekly = (name: string, edit: (f: string) => void, args: string[], error: string): Case => ({
  name,
  input: 'weekly',
  edit: (d) => edit(join(d, 'w.csv')),
  args: () => args,
  error: () => error,
});

const cases: Case[] = [
  // Raw events: files, columns and cells.
  raw(
    'missing file',
    (d) => rmSync(join(d, 'orders.csv')),
    (d) => `error: ${join(d, 'orders.csv')}: required file missing (expected orders.csv, orders.csv.gz or orders.parquet)`,
  ),
  raw(
    'missing column',
    (d) => editRow(join(d, 'spend.csv'), 0, (f) => f.map((c) => (c === 'date' ? 'day' : c))),
    'error: spend.csv column "date": missing column (found: day, channel, campaign, spend, impressions, clicks)',
  ),
  raw(
    'a channel spending the same every week (a fixed fee)',
    (d) => {
      const days = [
        ...new Set(
          readFileSync(join(d, 'spend.csv'), 'utf8')
            .trimEnd()
            .split('\n')
            .slice(1)
            .map((l) => l.slice(0, 10)),
        ),
      ];
      writeFileSync(join(d, 'spend.csv'), `${readFileSync(join(d, 'spend.csv'), 'utf8').trimEnd()}\n${days.map((day) => `${day},sponsor,fee,150,0,0`).join('\n')}\n`);
      writeFileSync(join(d, 'channels.csv'), `${readFileSync(join(d, 'channels.csv'), 'utf8').trimEnd()}\nsponsor,paid,traditional\n`);
    },
    // 150 a day, 7 days a week, over the sample's complete weeks (its days / 7).
    (d) =>
      `error: spend.csv column "channel": channel "sponsor" spends the same (1050) in every one of its ${
        new Set(
          readFileSync(join(d, 'spend.csv'), 'utf8')
            .trimEnd()
            .split('\n')
            .slice(1)
            .map((l) => l.slice(0, 10)),
        ).size / 7
      } weeks: a model cannot tell what a spend that never changes brings; leave it out of spend.csv (or give it weeks of other spend)`,
  ),
  raw(
    'a column named twice in the header',
    (d) => editRow(join(d, 'spend.csv'), 0, (h) => h.map((c) => (c === 'impressions' ? 'spend' : c))),
    'error: spend.csv column "spend": the header names this column twice',
  ),
  raw(
    'a misspelt channel that channels.csv does not list',
    (d) => {
      let n = 0;
      editRows(join(d, 'spend.csv'), (f) => (f[1] === 'search' && n++ < 3 ? [f[0], 'serach', ...f.slice(2)] : f));
    },
    'error: spend.csv column "channel": channel "serach" is not in channels.csv but looks like its channel "search" (a typo? if it is a channel of its own, add it to channels.csv)',
  ),
  raw(
    'without channels.csv, a misspelt channel spending in a week or two',
    (d) => {
      rmSync(join(d, 'channels.csv'));
      let n = 0;
      editRows(join(d, 'spend.csv'), (f) => (f[1] === 'search' && n++ < 2 ? [f[0], 'serach', ...f.slice(2)] : f));
    },
    (d) => {
      // The sample's search spends in every week; the first two search rows fall in its first week.
      const weeks = new Set(
        readFileSync(join(d, 'spend.csv'), 'utf8')
          .trim()
          .split('\n')
          .slice(1)
          .map((l) => l.split(','))
          .filter((f) => f[1] === 'search')
          .map((f) => mondayOf(f[0])),
      ).size;
      return `error: spend.csv column "channel": channel "serach" has spend in 1 week(s) and looks like the channel "search" (${weeks} weeks): a typo? (if it is a channel of its own, list both in channels.csv)`;
    },
  ),
  raw(
    'a channel in another case than channels.csv',
    (d) => editRows(join(d, 'spend.csv'), (f) => (f[1] === 'tv' ? [f[0], 'TV', ...f.slice(2)] : f)),
    'error: spend.csv column "channel": channel "TV" is not in channels.csv but looks like its channel "tv" (a typo? if it is a channel of its own, add it to channels.csv)',
  ),
  raw('empty file', (d) => writeFileSync(join(d, 'orders.csv'), ''), 'error: orders.csv: file is empty'),
  raw('header only', (d) => writeFileSync(join(d, 'orders.csv'), 'order_id,customer_id,timestamp,amount,currency\n'), 'error: orders.csv: file is empty (a header but no data rows)'),
  raw(
    'wrong delimiter',
    (d) => writeFileSync(join(d, 'spend.csv'), readFileSync(join(d, 'spend.csv'), 'utf8').replaceAll(',', ';')),
    'error: spend.csv: columns are separated by ";", not commas; save the file as comma-separated CSV',
  ),
  raw(
    'non-UTF-8 text',
    (d) =>
      writeFileSync(join(d, 'orders.csv'), Buffer.concat([Buffer.from('order_id,customer_id,timestamp,amount,currency\no1,c1,2023-01-02T10:00:00Z,10.00,US'), Buffer.from([0xe9]), Buffer.from('\n')])),
    'error: orders.csv row 1 column "currency": not UTF-8 text (byte 0xE9); save the file as UTF-8',
  ),
  raw(
    'an image renamed .csv',
    (d) => writeFileSync(join(d, 'spend.csv'), Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52, 0xff, 0xd8, 0x00, 0x10])),
    'error: spend.csv: not UTF-8 text (byte 0x89); save the file as UTF-8',
  ),
  raw('extra field', (d) => editRow(join(d, 'orders.csv'), 9, (f) => [...f, 'oops']), 'error: orders.csv row 9: cannot be read as CSV: expected 5 columns, found 6'),
  raw('extra field in the event stream', (d) => editRow(join(d, 'events.csv'), 3000, (f) => [...f, 'oops']), 'error: events.csv row 3000: cannot be read as CSV: expected 5 columns, found 6'),
  raw('bad date', (d) => setField(join(d, 'spend.csv'), 3, 0, '2023-13-02'), 'error: spend.csv row 3 column "date": unparseable date "2023-13-02" (expected YYYY-MM-DD)'),
  raw('bad timestamp', (d) => setField(join(d, 'events.csv'), 4, 1, 'yesterday'), 'error: events.csv row 4 column "timestamp": unparseable timestamp "yesterday" (expected ISO 8601)'),
  raw('negative spend', (d) => setField(join(d, 'spend.csv'), 5, 3, '-12.50'), 'error: spend.csv row 5 column "spend": negative spend -12.50'),
  raw('non-numeric spend', (d) => setField(join(d, 'spend.csv'), 6, 3, '12.5O'), 'error: spend.csv row 6 column "spend": not a number: "12.5O"'),
  raw('negative impressions', (d) => setField(join(d, 'spend.csv'), 8, 4, '-1'), 'error: spend.csv row 8 column "impressions": negative impressions -1'),
  raw('amount too large', (d) => setField(join(d, 'orders.csv'), 6, 3, '1e13'), 'error: orders.csv row 6 column "amount": amount 1e13 is too large (at most 1000000000000)'),
  raw(
    'mixed currencies',
    (d) => setField(join(d, 'orders.csv'), 7, 4, 'EUR'),
    'error: orders.csv row 7 column "currency": mixed currencies: "EUR" but earlier rows are "USD" (one currency per run; convert first)',
  ),
  raw(
    'duplicate order id with different values',
    (d) => setField(join(d, 'orders.csv'), 9, 0, 'o00000003'),
    'error: orders.csv row 9 column "order_id": duplicate id "o00000003" (first seen at row 3) with different values',
  ),
  raw(
    'duplicate event id with different values',
    (d) => setField(join(d, 'events.csv'), 2001, 0, 'e000000017'),
    'error: events.csv row 2001 column "event_id": duplicate id "e000000017" (first seen at row 17) with different values',
  ),
  raw(
    'unknown event type',
    (d) => setField(join(d, 'events.csv'), 12, 4, 'view'),
    'error: events.csv row 12 column "type": unknown event type "view" (expected impression, click or session, in any case)',
  ),
  raw(
    'invalid channel name',
    (d) => setField(join(d, 'spend.csv'), 2, 1, '#tv'),
    'error: spend.csv row 2 column "channel": invalid channel name "#tv" (letters, digits, space, _ . -; starting with a letter)',
  ),
  raw(
    'control name collision',
    (d) => writeFileSync(join(d, 'controls.csv'), `${readFileSync(join(d, 'controls.csv'), 'utf8')}2023-01-02,Price Index,1\n`),
    'error: controls.csv column "name": control "price_index" would collide with the column price_index of control "Price Index"',
  ),
  // Raw events: dates that make no sense.
  raw(
    'an order after the as-of date',
    (d) => setField(join(d, 'orders.csv'), 4, 2, '2099-01-01T00:13:46Z'),
    'error: orders.csv row 4 column "timestamp": 2099-01-01T00:13:46Z is after the as-of date 2024-01-01 (a date in the future; pass --as-of to replay an older run)',
  ),
  raw(
    'spend after the as-of date',
    (d) => setField(join(d, 'spend.csv'), 6, 0, '2024-01-02'),
    'error: spend.csv row 6 column "date": 2024-01-02 is after the as-of date 2024-01-01 (a date in the future; pass --as-of to replay an older run)',
  ),
  raw(
    'a touch after the as-of date',
    (d) => setField(join(d, 'events.csv'), 50, 1, '2025-06-01T08:00:00+02:00'),
    'error: events.csv row 50 column "timestamp": 2025-06-01T08:00:00+02:00 is after the as-of date 2024-01-01 (a date in the future; pass --as-of to replay an older run)',
  ),
  raw(
    'a control after the as-of date',
    (d) => setField(join(d, 'controls.csv'), 3, 0, '2030-01-07'),
    'error: controls.csv row 3 column "date": 2030-01-07 is after the as-of date 2024-01-01 (a date in the future; pass --as-of to replay an older run)',
  ),
  raw(
    'an order far before the rest',
    (d) => setField(join(d, 'orders.csv'), 8, 2, '2013-01-04T01:02:35Z'),
    'error: orders.csv row 8 column "timestamp": 2013-01-04T01:02:35Z is far before the rest of the data: no spend and no order in the 521 weeks before 2023-01-02, where the rest starts (a mistyped year? a gap of 52 weeks or more is refused)',
  ),
  raw(
    'spend far before the rest',
    (d) => setField(join(d, 'spend.csv'), 8, 0, '2021-01-05'),
    'error: spend.csv row 8 column "date": 2021-01-05 is far before the rest of the data: no spend and no order in the 103 weeks before 2023-01-02, where the rest starts (a mistyped year? a gap of 52 weeks or more is refused)',
  ),
  raw(
    'an order far after the rest (before the as-of date)',
    (d) => setField(join(d, 'orders.csv'), 700, 2, '2024-12-31T10:00:00Z'),
    'error: orders.csv row 700 column "timestamp": 2024-12-31T10:00:00Z is far after the rest of the data: no spend and no order in the 84 weeks after the week of 2023-05-15, where the rest ends (a mistyped year? a gap of 52 weeks or more is refused)',
    ['--as-of', '2025-01-01'],
  ),
  raw(
    'a touch with a placeholder date',
    (d) => setField(join(d, 'events.csv'), 60, 1, '1970-01-01T00:00:00Z'),
    'error: events.csv row 60 column "timestamp": 1970-01-01T00:00:00Z is far before the rest of the data (52 weeks or more before the first spend or order, 2023-01-02): a placeholder date?',
  ),
  raw(
    'a touch far after the rest (before the as-of date)',
    (d) => setField(join(d, 'events.csv'), 61, 1, '2099-12-31T00:00:00Z'),
    'error: events.csv row 61 column "timestamp": 2099-12-31T00:00:00Z is far after the rest of the data (52 weeks or more after the last spend or order, 2023-05-21): a placeholder date?',
    ['--as-of', '2100-01-01'],
  ),
  // Raw events: a target that never varies.
  raw(
    'revenue 0 in every week',
    (d) => editRows(join(d, 'orders.csv'), (f) => [f[0], f[1], f[2], '0.00', f[4]]),
    'error: orders.csv column "amount": weekly revenue is 0 in every week (20 weeks, 2023-01-02 to 2023-05-15): there is nothing to model',
  ),
  raw(
    'the same revenue every week',
    (d) => {
      const seen = new Set<string>();
      editRows(join(d, 'orders.csv'), (f) => {
        const week = Math.floor((Date.parse(f[2]) / 86400000 - 4) / 7); // weeks since Monday 1970-01-05
        if (seen.has(String(week))) return null;
        seen.add(String(week));
        return [f[0], f[1], f[2], '125.00', f[4]];
      });
    },
    'error: orders.csv column "amount": weekly revenue is the same (125) in every week (20 weeks, 2023-01-02 to 2023-05-15): there is nothing to model',
  ),
  // Raw events: options.
  raw('an as-of that is not a date', () => {}, 'error: --as-of "2024-02-30" is not a date (expected YYYY-MM-DD)', ['--as-of', '2024-02-30']),
  raw(
    'a country without a calendar',
    (d) => rmSync(join(d, 'holidays.csv')),
    'error: --country "XX": no holiday calendar for it (an ISO country code such as DE, FR, GB or US, or a region such as DE-BY)',
    [...AS_OF, '--country', 'XX'],
  ),
  raw('a country beside holidays.csv', () => {}, 'error: --country US: the raw folder has its own holidays.csv; use one of them', [...AS_OF, '--country', 'US']),
  raw('weekly-table options with --raw', () => {}, "error: mmm ingest: --target is an option of --weekly (a raw folder's roles are fixed; put holidays in holidays.csv)", [
    ...AS_OF,
    '--target',
    'revenue',
  ]),

  // Weekly tables.
  weekly(
    'an unknown spend column',
    () => {},
    ['--date-col', 'DATE', '--target', 'revenue', '--channels', 'tv,ooh_S'],
    `error: w.csv column "tv": --channels names a column that is not in the file (found: ${ROBYN_COLUMNS})`,
  ),
  weekly('an unknown factor column', () => {}, [...ROBYN_AS_OF, '--factors', 'evnts'], `error: w.csv column "evnts": --factors names a column that is not in the file (found: ${ROBYN_COLUMNS})`),
  weekly('an unknown date column', () => {}, ['--target', 'revenue', '--channels', 'tv_S'], `error: w.csv column "date": --date-col names a column that is not in the file (found: ${ROBYN_COLUMNS})`),
  weekly('a column in two roles', () => {}, [...ROBYN_AS_OF, '--organic', 'competitor_sales_B'], 'error: w.csv column "competitor_sales_B": column given both as --controls and as --organic'),
  weekly(
    'a separator inside an unquoted value, hidden by an unnamed trailing column',
    (f) => {
      const [header, ...rows] = readFileSync(f, 'utf8').trimEnd().split('\n');
      // Every line gets an empty trailing column; row 50's tv_S is written "22,358" unquoted.
      writeFileSync(f, `${[`${header},`, ...rows.map((l, i) => `${i === 49 ? l.replace(/^([^,]*,[^,]*,)[^,]*/, '$122,358') : l},`)].join('\n')}\n`);
    },
    ROBYN_AS_OF,
    'error: w.csv row 50: a value in a column the header does not name: is a separator inside an unquoted value (write "22,358" or 22358)? every later value of the row would move',
  ),
  weekly(
    'a fortnightly table',
    (f) => {
      const [header, ...rows] = readFileSync(f, 'utf8').trimEnd().split('\n');
      writeFileSync(f, `${[header, ...rows.filter((_, i) => i % 2 === 0)].join('\n')}\n`);
    },
    ROBYN_AS_OF,
    'error: w.csv column "DATE": the dates are usually 14 days apart (fortnightly data?), not 7: a weekly table has one row per week; sum it to weeks first',
  ),
  weekly('UTF-16 text', (f) => writeFileSync(f, Buffer.from(readFileSync(f, 'utf8'), 'utf16le')), ROBYN_AS_OF, 'error: w.csv: UTF-16 text, not UTF-8; save the file as UTF-8 CSV'),
  weekly(
    'a column twice in one role',
    () => {},
    ['--date-col', 'DATE', '--target', 'revenue', '--channels', 'tv_S,tv_S', '--as-of', '2026-01-01'],
    'error: w.csv column "tv_S": --channels names this column twice',
  ),
  weekly(
    "a control named as one of the model's terms",
    (f) => editRow(f, 0, (h) => h.map((c) => (c === '"competitor_sales_B"' ? '"trend"' : c))),
    ROBYN_AS_OF.map((a) => (a === 'competitor_sales_B' ? 'trend' : a)),
    'error: w.csv column "trend": --controls: the model names one of its own terms trend; rename the column',
  ),
  weekly(
    'a column named twice in the header',
    (f) => editRow(f, 0, (h) => h.map((c) => (c === '"ooh_S"' ? '"tv_S"' : c))),
    ['--date-col', 'DATE', '--target', 'revenue', '--channels', 'tv_S'],
    'error: w.csv column "tv_S": the header names this column twice',
  ),
  weekly('negative organic activity', (f) => setField(f, 3, 11, '-5'), ROBYN_AS_OF, 'error: w.csv row 3 column "newsletter": negative organic activity -5'),
  weekly('negative spend', (f) => setField(f, 4, 2, '-3'), ROBYN_AS_OF, 'error: w.csv row 4 column "tv_S": negative spend -3'),
  weekly('a control that is not a number', (f) => setField(f, 7, 8, 'n/a'), ROBYN_AS_OF, 'error: w.csv row 7 column "competitor_sales_B": not a number: "n/a"'),
  weekly('an empty target cell', (f) => setField(f, 9, 1, ''), ROBYN_AS_OF, 'error: w.csv row 9 column "revenue": not a number: ""'),
  weekly('a duplicate week', (f) => setField(f, 5, 0, '2015-12-14'), ROBYN_AS_OF, 'error: w.csv row 5 column "DATE": duplicate week 2015-12-14 (also at row 4)'),
  weekly('a missing week', (f) => editRows(f, (r, i) => (i === 5 ? null : r)), ROBYN_AS_OF, 'error: w.csv row 5 column "DATE": 1 missing week(s) between 2015-12-14 (row 4) and 2015-12-28'),
  weekly(
    'a date off the weekly rhythm',
    (f) => setField(f, 5, 0, '2015-12-22'),
    ROBYN_AS_OF,
    'error: w.csv row 5 column "DATE": 2015-12-22 is 8 days after 2015-12-14 (row 4), not 7: rows must be one week apart',
  ),
  weekly('a date that is not a date', (f) => setField(f, 12, 0, '2016-02-30'), ROBYN_AS_OF, 'error: w.csv row 12 column "DATE": unparseable date "2016-02-30" (expected YYYY-MM-DD)'),
  weekly(
    'a week far before the rest',
    (f) => setField(f, 1, 0, '2012-11-19'),
    ROBYN_AS_OF,
    'error: w.csv row 1 column "DATE": 2012-11-19 is far before the rest of the data: 157 missing weeks before 2015-11-30, where the rest starts (a mistyped year? a gap of 52 weeks or more is refused)',
  ),
  weekly(
    'weeks after the as-of date',
    () => {},
    [...ROBYN_AS_OF, '--as-of', '2019-01-01'],
    'error: w.csv row 164 column "DATE": 2019-01-07 is after the as-of date 2019-01-01 (a date in the future; pass --as-of to replay an older run)',
  ),
  weekly(
    'a constant target',
    (f) => editRows(f, (r) => [r[0], '1000', ...r.slice(2)]),
    ROBYN_AS_OF,
    'error: w.csv column "revenue": the target is the same (1000) in every week (208 weeks, 2015-11-23 to 2019-11-11): there is nothing to model',
  ),
  weekly(
    'a target of 0 in every week of the window',
    (f) => editRows(f, (r) => (r[0] >= '2016-01-04' && r[0] <= '2016-12-26' ? [r[0], '0', ...r.slice(2)] : r)),
    [...ROBYN_AS_OF, '--window-start', '2016-01-04', '--window-end', '2016-12-26'],
    'error: w.csv column "revenue": the target is 0 in every week (52 weeks, 2016-01-04 to 2016-12-26): there is nothing to model',
  ),
  weekly(
    'a window outside the data',
    () => {},
    [...ROBYN_AS_OF, '--window-start', '2010-01-04', '--window-end', '2018-12-31'],
    'error: --window-start 2010-01-04 is outside the data of w.csv (2015-11-23 to 2019-11-11)',
  ),
  weekly(
    'a country without a calendar',
    () => {},
    [...ROBYN_AS_OF, '--country', 'XX'],
    'error: --country "XX": no holiday calendar for it (an ISO country code such as DE, FR, GB or US, or a region such as DE-BY)',
  ),
  weekly('an exposure without its channel', () => {}, [...ROBYN_AS_OF, '--exposures', 'facebook_I,clicks'], 'error: --exposures clicks: cannot tell which channel it belongs to; write clicks=CHANNEL'),
  weekly(
    'an exposure of a channel that is not given',
    () => {},
    [...ROBYN_AS_OF, '--exposures', 'facebook_I=facebook'],
    'error: w.csv column "facebook_I": --exposures: its channel "facebook" is not one of --channels (tv_S, ooh_S, print_S, facebook_S, search_S)',
  ),
  weekly(
    'a file separated by semicolons',
    (f) => writeFileSync(f, readFileSync(f, 'utf8').replaceAll(',', ';')),
    ROBYN_AS_OF,
    'error: w.csv: columns are separated by ";", not commas; save the file as comma-separated CSV',
  ),
  weekly(
    'non-UTF-8 text',
    (f) => writeFileSync(f, Buffer.from(readFileSync(f, 'latin1').replace('"event1"', '"év1"'), 'latin1')),
    ROBYN_AS_OF,
    'error: w.csv row 131 column "events": not UTF-8 text (byte 0xE9); save the file as UTF-8',
  ),
  weekly('an empty file', (f) => writeFileSync(f, ''), ROBYN_AS_OF, 'error: w.csv: file is empty'),
  weekly('no spend columns', () => {}, ['--date-col', 'DATE', '--target', 'revenue'], 'error: mmm ingest: --weekly needs --channels'),
];

/** Runs `mmm ingest` in a child process (asynchronously, so two run at once on two cores). */
function ingest(args: string[]): Promise<{ code: number; stderr: string }> {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, [BIN, 'ingest', ...args], { env: { ...process.env, FORCE_COLOR: '0' } });
    let stderr = '';
    p.stderr.on('data', (b) => (stderr += b));
    p.on('close', (code) => resolve({ code: code ?? -1, stderr }));
  });
}

const key = (c: Case) => `${c.input}: ${c.name}`;
const results = new Map<string, { code: number; stderr: string; left: string[]; inDir: string }>();

beforeAll(async () => {
  await generateSample({ out: sample, seed: 11, weeks: 20, scale: 0.05 });
  const run = async (c: Case, k: number) => {
    const caseDir = join(t.dir, `case-${k}`);
    const inDir = join(caseDir, 'in');
    mkdirSync(inDir, { recursive: true });
    if (c.input === 'raw') for (const f of readdirSync(sample)) if (f.endsWith('.csv')) copyFileSync(join(sample, f), join(inDir, f));
    if (c.input === 'weekly') copyFileSync(ROBYN, join(inDir, 'w.csv'));
    c.edit(inDir);
    const out = join(caseDir, 'out');
    const input = c.input === 'raw' ? ['--raw', inDir] : ['--weekly', join(inDir, 'w.csv')];
    const r = await ingest([...input, '--out', out, ...c.args(inDir)]);
    results.set(key(c), { ...r, left: readdirSync(caseDir).filter((f) => f !== 'in'), inDir });
  };
  const queue = cases.map((c, k) => () => run(c, k));
  await Promise.all(
    [0, 1].map(async () => {
      for (let job = queue.shift(); job; job = queue.shift()) await job();
    }),
  );
}, 300_000);

describe('mmm ingest refuses bad input with one line naming the file, row and column (or the option), exit 2, nothing written', () => {
  it(`covers ${cases.length} bad inputs (at least 20 asked for)`, () => {
    expect(cases.length).toBeGreaterThanOrEqual(20);
    expect(new Set(cases.map(key)).size).toBe(cases.length);
  });
  for (const c of cases) {
    it(key(c), () => {
      const r = results.get(key(c))!;
      expect(r.stderr.trim()).toBe(c.error(r.inDir));
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.code).toBe(2);
      expect(r.left).toEqual([]);
      expect(existsSync(join(r.inDir, '..', 'out'))).toBe(false);
    });
  }
});
