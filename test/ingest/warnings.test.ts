/**
 * Suspicious but usable raw input: the ingest runs and says what it saw (in
 * the manifest's warnings and on stderr). Expected figures are computed here
 * from the raw files, independently of the SQL.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyFileSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseCsv } from '../../src/core/csv.ts';
import { queryFiles } from '../../src/ingest/duckdb.ts';
import { generateSample } from '../../src/ingest/generate.ts';
import { ingest } from '../../src/ingest/index.ts';
import { runCli, tempDir } from '../helpers/tmp.ts';

const t = tempDir('mmm-warn-');
const sample = join(t.dir, 'sample');
afterAll(() => t.cleanup());
beforeAll(async () => {
  await generateSample({ out: sample, seed: 11, weeks: 20, scale: 0.05 });
});
const DAY = 86400000;
const iso = (ms: number) => new Date(ms).toISOString().slice(0, 10);
/** Monday of the ISO week of a YYYY-MM-DD day. */
const monday = (d: string) => {
  const ms = Date.parse(`${d}T00:00:00Z`);
  return iso(ms - ((new Date(ms).getUTCDay() + 6) % 7) * DAY);
};

/** A copy of the sample in `name/`, edited by `edit`. */
function copy(name: string, edit: (dir: string) => void = () => {}): string {
  const dir = join(t.dir, name);
  mkdirSync(dir);
  for (const f of readdirSync(sample)) if (f.endsWith('.csv')) copyFileSync(join(sample, f), join(dir, f));
  edit(dir);
  return dir;
}
const run = (name: string, edit?: (dir: string) => void, extra: { country?: string } = {}) => ingest({ raw: copy(name, edit), out: join(t.dir, `${name}-out`), asOf: '2024-01-01', ...extra });

describe('warnings of the raw ingest', () => {
  it('names the weeks that have no spend row at all (taken as zero spend)', async () => {
    const r = await run('no-spend-week', (d) => {
      const [header, ...rows] = readFileSync(join(d, 'spend.csv'), 'utf8').trimEnd().split('\n');
      writeFileSync(join(d, 'spend.csv'), `${[header, ...rows.filter((l) => monday(l.slice(0, 10)) !== '2023-02-13' && monday(l.slice(0, 10)) !== '2023-03-27')].join('\n')}\n`);
    });
    expect(r.manifest.warnings).toContain('spend.csv: 2 week(s) without any spend row, taken as zero spend on every channel: 2023-02-13, 2023-03-27 (is the export complete?)');
  });

  it('warns when spend.csv ends days before orders.csv: those days count as no spend, in a week that is kept', async () => {
    let end = '';
    let cut = '';
    const r = await run('spend-lags', (d) => {
      const [header, ...rows] = readFileSync(join(d, 'spend.csv'), 'utf8').trimEnd().split('\n');
      end = rows
        .map((l) => l.slice(0, 10))
        .sort()
        .at(-1)!;
      cut = iso(Date.parse(`${end}T00:00:00Z`) - 3 * DAY);
      writeFileSync(join(d, 'spend.csv'), `${[header, ...rows.filter((l) => l.slice(0, 10) <= cut)].join('\n')}\n`);
    });
    // The sample's files end on the same Sunday, so orders.csv still runs to `end`.
    expect(r.manifest.warnings).toContain(
      `spend.csv ends on ${cut} but orders.csv goes on to ${end}: the days from ${iso(Date.parse(`${cut}T00:00:00Z`) + DAY)} to ${end} count as no spend (if that export lags, wait for it)`,
    );
  });

  it("reads event types in any case (an export's Click) as their lower-case names", async () => {
    const upper = await run('event-case', (d) => {
      const [header, ...rows] = readFileSync(join(d, 'events.csv'), 'utf8').trimEnd().split('\n');
      writeFileSync(join(d, 'events.csv'), `${[header, ...rows.map((l) => l.replace(/,(click|session|impression)$/, (_, ty: string) => `,${ty[0].toUpperCase()}${ty.slice(1)}`))].join('\n')}\n`);
    });
    const lower = await run('event-case-base');
    const customers = (dir: string) =>
      queryFiles<{ c: string; ch: string }>(`SELECT customer_id AS c, acquisition_channel AS ch FROM read_parquet('${join(dir, 'fct_transactions.parquet')}') ORDER BY 1, 2`);
    expect(await customers(upper.dir)).toEqual(await customers(lower.dir));
  });

  it("warns of a channel's week at 10x or more of the median of its weeks with spend", async () => {
    const r = await run('spike', (d) => {
      const lines = readFileSync(join(d, 'spend.csv'), 'utf8').split('\n');
      const k = lines.findIndex((l) => l.startsWith('2023-01-10,radio,'));
      const f = lines[k].split(',');
      f[3] = '250000.00';
      lines[k] = f.join(',');
      writeFileSync(join(d, 'spend.csv'), lines.join('\n'));
    });
    // Independent: radio's weekly spend from the edited file, its median over weeks with spend.
    const spend = parseCsv(readFileSync(join(t.dir, 'spike', 'spend.csv'), 'utf8'), 'spend.csv');
    const weekly = new Map<string, number>();
    for (const row of spend.rows) if (row[1] === 'radio') weekly.set(monday(row[0]), (weekly.get(monday(row[0])) ?? 0) + Math.round(Number(row[3]) * 100));
    const values = [...weekly.values()].filter((v) => v > 0).sort((a, b) => a - b);
    const median = (values.length % 2 ? values[(values.length - 1) / 2] : (values[values.length / 2 - 1] + values[values.length / 2]) / 2) / 100;
    const week = weekly.get('2023-01-09')! / 100;
    expect(r.manifest.warnings).toContain(
      `spend.csv: channel "radio": 1 week(s) at 10x or more of its usual week (the median of its ${values.length} weeks with spend, ${median.toFixed(2)}): the week of 2023-01-09 (${week.toFixed(2)}, ${(week / median).toFixed(1)}x); a unit or typing error?`,
    );
    expect(r.manifest.warnings.filter((w) => w.includes('usual week'))).toHaveLength(1);
  });

  it('drops a control that never varies from mmm_input (keeping it in fct_controls_weekly), with a warning', async () => {
    const r = await run('constant-control', (d) => {
      const extra = Array.from({ length: 20 }, (_, w) => `${iso(Date.UTC(2023, 0, 2) + 7 * w * DAY)},promo,1`).join('\n');
      writeFileSync(join(d, 'controls.csv'), `${readFileSync(join(d, 'controls.csv'), 'utf8') + extra}\n`);
    });
    expect(r.manifest.warnings).toContain('control "promo" is constant (1.0) over all 20 weeks and was dropped from mmm_input');
    const header = readFileSync(join(r.dir, 'mmm_input.csv'), 'utf8').split('\n', 1)[0];
    expect(header.split(',').slice(-3)).toEqual(['competitor_spend', 'price_index', 'holiday']);
    expect((await queryFiles<{ p: number }>(`SELECT max(promo) AS p FROM read_parquet('${join(r.dir, 'fct_controls_weekly.parquet')}')`))[0].p).toBe(1);
    expect(r.manifest.metrics).toMatchObject({ droppedControls: ['promo'], controls: ['competitor_spend', 'price_index'] });
  });

  it('says so when there is no holiday source, and leaves the holiday column out', async () => {
    const r = await run('no-holidays', (d) => rmSync(join(d, 'holidays.csv')));
    expect(r.manifest.warnings).toContain('no holidays.csv and no country (the config\'s "country", or mmm ingest --country): the weeks have no holiday flag');
    expect(readFileSync(join(r.dir, 'mmm_input.csv'), 'utf8').split('\n', 1)[0].split(',')).not.toContain('holiday');
    expect(r.manifest.metrics).toMatchObject({ columns: { holiday: null } });
  });

  it("flags US federal holidays from date-holidays with --country US (observed New Year's Day, nth-Monday rules)", async () => {
    const r = await run('country', (d) => rmSync(join(d, 'holidays.csv')), { country: 'US' });
    const nthMonday = (y: number, m: number, n: number) => {
      const first = new Date(Date.UTC(y, m, 1)).getUTCDay();
      return iso(Date.UTC(y, m, 1 + ((8 - first) % 7) + 7 * (n - 1)));
    };
    // 2023-01-01 is a Sunday, so the holiday is observed on Monday 2023-01-02; MLK Day: 3rd Monday of January; Washington's Birthday: 3rd Monday of February.
    const expected = new Set(['2023-01-02', nthMonday(2023, 0, 3), nthMonday(2023, 1, 3)].map(monday));
    const weeks = await queryFiles<{ d: string; h: number }>(`SELECT strftime(week_start, '%Y-%m-%d') AS d, holiday AS h FROM read_parquet('${join(r.dir, 'dim_week.parquet')}') ORDER BY 1`);
    expect(weeks.filter((w) => w.h === 1).map((w) => w.d)).toEqual([...expected].sort());
    // Thanksgiving (4th Thursday of November) and Christmas 2023 fall in the future weeks.
    const future = await queryFiles<{ d: string; names: string }>(
      `SELECT strftime(week_start, '%Y-%m-%d') AS d, holiday_names AS names FROM read_parquet('${join(r.dir, 'dim_week_future.parquet')}') WHERE holiday = 1 ORDER BY 1`,
    );
    const firstNov = new Date(Date.UTC(2023, 10, 1)).getUTCDay();
    const thanksgiving = iso(Date.UTC(2023, 10, 1 + ((4 - firstNov + 7) % 7) + 21));
    expect(future.find((w) => w.d === monday(thanksgiving))?.names).toBe('Thanksgiving Day');
    expect(future.find((w) => w.d === monday('2023-12-25'))?.names).toBe('Christmas Day');
    expect(r.manifest.metrics).toMatchObject({ holidays: { country: 'US' } });
  });

  it('prints each warning on stderr as one line (the command)', () => {
    const dir = copy('cli', (d) => rmSync(join(d, 'holidays.csv')));
    const r = runCli(['ingest', '--raw', dir, '--out', join(t.dir, 'cli-out'), '--as-of', '2024-01-01']);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('warning: no holidays.csv and no country (the config\'s "country", or mmm ingest --country): the weeks have no holiday flag\n');
  });
});
