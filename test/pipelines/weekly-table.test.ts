/**
 * The weekly pipeline from the weekly table a team already has (issue 11):
 * Robyn's demo data as its own demo types it, a two-channel table, a table
 * dated on Sundays; with and without a transaction log.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROBYN, ROBYN_EXTRAS, ROBYN_ROLES } from '../helpers/robyn.ts';
import { errorLine, logLines, runCli, tempDir } from '../helpers/tmp.ts';

const t = tempDir('mmm-weekly-table-');
afterAll(() => t.cleanup());

const SMALL = { mmm: { trials: 2, iterations: 300, bootstrap: 20 }, simulate: { draws: 500 } };
const ROBYN_FLAGS = ['--weekly', ROBYN, ...ROBYN_ROLES, ...ROBYN_EXTRAS];

function project(name: string, config: object): string {
  const dir = join(t.dir, name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'mmm.config.json'), JSON.stringify(config));
  return dir;
}

/** A weekly CSV of `n` rows from `start` (YYYY-MM-DD) with two channels, a control and a response with known effects. */
function twoChannelCsv(start: string, n: number): string {
  const t0 = Date.parse(`${start}T00:00:00Z`);
  const rows = ['week,sales,TV Spend,Search Spend,price'];
  for (let i = 0; i < n; i++) {
    const tv = i % 6 < 3 ? 1000 + 37 * (i % 5) : 0;
    const search = 400 + 60 * Math.sin(i / 3);
    const price = 10 + (i % 4) * 0.1;
    const sales = 5000 + 1.4 * tv + 2.1 * search - 80 * price + 30 * Math.sin((2 * Math.PI * i) / 52) + ((i * 7919) % 13) * 3;
    rows.push([new Date(t0 + i * 7 * 86400000).toISOString().slice(0, 10), sales.toFixed(2), tv, search.toFixed(2), price.toFixed(2)].join(','));
  }
  return `${rows.join('\n')}\n`;
}

describe('mmm weekly --weekly', () => {
  it("runs Robyn's demo table end to end into a report with no hand-made file; a re-run skips every stage", () => {
    const dir = project('robyn', SMALL);
    const r = runCli(['weekly', ...ROBYN_FLAGS], dir);
    expect(r.code, r.stderr).toBe(0);
    for (const s of ['ingest', 'drift', 'mmm', 'optimise', 'simulate', 'report']) expect(r.stdout).toMatch(new RegExp(`^${s} +built `, 'm'));
    expect(r.stdout).not.toMatch(/^clv /m);
    const last = r.stdout.trimEnd().split('\n').at(-1)!;
    expect(last).toBe('report    reports/weekly-2019-11-11.html');
    // Names stay as the user wrote them, in the model and the report.
    const fit = r.stdout.match(/^mmm +built +(\S+)$/m)![1];
    const model = JSON.parse(readFileSync(join(dir, fit, 'model.json'), 'utf8'));
    expect(model.channels.map((c: { name: string }) => c.name)).toEqual(['tv_S', 'ooh_S', 'print_S', 'facebook_S', 'search_S']);
    expect(model.baseline.map((b: { name: string }) => b.name)).toContain('competitor_sales_B');
    expect(model.organic.map((o: { name: string }) => o.name)).toEqual(['newsletter']);
    expect(model.intercept).toBeGreaterThanOrEqual(0);
    expect(model.window).toMatchObject({ first: '2016-01-04', last: '2018-12-31' });
    const report = readFileSync(join(dir, 'reports', 'latest.html'), 'utf8');
    expect(report).toContain('competitor_sales_B');
    // The forecast starts the week after the last row.
    const bands = JSON.parse(readFileSync(join(dir, r.stdout.match(/^simulate +built +(\S+)$/m)![1], 'bands.json'), 'utf8'));
    expect(bands.weekly[0].date).toBe('2019-11-18');
    // The dominant control and the intercept at its bound are warned about on the console.
    const warnings = logLines(r.stderr)
      .filter((l) => l.level === 'warn')
      .map((l) => l.message);
    expect(warnings.some((w) => /^competitor_sales_B explains \d+\.\d% of revenue/.test(w))).toBe(true);
    const again = runCli(['weekly', ...ROBYN_FLAGS], dir);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).not.toMatch(/ built /);
    expect(again.stdout.match(/ skipped /g)).toHaveLength(6);
  });

  it("runs a two-channel table from the config's input block, and one dated on Sundays keeps every week", () => {
    const dir = project('two', {
      ...SMALL,
      input: { weekly: 'two.csv', dateCol: 'week', target: 'sales', channels: ['TV Spend', 'Search Spend'], controls: ['price'] },
      optimise: { horizonWeeks: 4 },
    });
    writeFileSync(join(dir, 'two.csv'), twoChannelCsv('2022-01-03', 120));
    const r = runCli(['weekly'], dir);
    expect(r.code, r.stderr).toBe(0);
    const model = JSON.parse(readFileSync(join(dir, r.stdout.match(/^mmm +built +(\S+)$/m)![1], 'model.json'), 'utf8'));
    expect(model.channels.map((c: { name: string }) => c.name)).toEqual(['TV Spend', 'Search Spend']);

    const sunday = project('sunday', {
      ...SMALL,
      input: { weekly: 'sun.csv', dateCol: 'week', target: 'sales', channels: ['TV Spend', 'Search Spend'], controls: ['price'] },
      optimise: { horizonWeeks: 4 },
    });
    writeFileSync(join(sunday, 'sun.csv'), twoChannelCsv('2022-01-02', 100)); // 2022-01-02 is a Sunday
    const s = runCli(['weekly'], sunday);
    expect(s.code, s.stderr).toBe(0);
    const ingest = JSON.parse(readFileSync(join(sunday, s.stdout.match(/^ingest +built +(\S+)$/m)![1], 'manifest.json'), 'utf8'));
    expect(ingest.metrics).toMatchObject({ weeks: 100, firstWeek: '2022-01-02', lastWeek: '2023-11-26' });
    const bands = JSON.parse(readFileSync(join(sunday, s.stdout.match(/^simulate +built +(\S+)$/m)![1], 'bands.json'), 'utf8'));
    expect(bands.weekly.map((w: { date: string }) => w.date)).toEqual(['2023-12-03', '2023-12-10', '2023-12-17', '2023-12-24']);
    expect(readdirSync(join(sunday, 'reports'))).toContain('weekly-2023-11-26.html');
  });

  it('runs the CLV stage when a transaction log is given, and refuses bad new options with exit 2 and one line', () => {
    const dir = project('tx', { ...SMALL, optimise: { horizonWeeks: 4 } });
    writeFileSync(join(dir, 'two.csv'), twoChannelCsv('2022-01-03', 80));
    // CDNOW's published sample (test/clv/fixtures/cdnow/SOURCE.md) as the transaction log.
    const cdnow = readFileSync(new URL('../clv/fixtures/cdnow/CDNOW_sample.txt', import.meta.url), 'utf8')
      .trim()
      .split('\n')
      .map((l) => l.trim().split(/\s+/));
    // Moved 25 years on (1997-98 to 2022-23), into the weeks of the table; as it is, it is refused (a year or more apart).
    const txCsv = (years: number) => `customer_id,date,amount\n${cdnow.map(([id, , date, , amount]) => `${id},${Number(date.slice(0, 4)) + years}${date.slice(4)},${amount}`).join('\n')}\n`;
    writeFileSync(join(dir, 'tx.csv'), txCsv(0));
    const apart = runCli(['weekly', '--weekly', 'two.csv', '--date-col', 'week', '--target', 'sales', '--channels', 'TV Spend,Search Spend', '--controls', 'price', '--transactions', 'tx.csv'], dir);
    expect(apart.code).toBe(2);
    expect(errorLine(apart.stderr)).toMatch(
      /^error: tx\.csv column "date": the transactions \(1997-01-01 to 1998-06-30\) and the weekly table \(2022-01-03 to .*\) are \d+ weeks apart: the same business's data\?/,
    );
    writeFileSync(join(dir, 'tx.csv'), txCsv(25));
    const flags = ['--weekly', 'two.csv', '--date-col', 'week', '--target', 'sales', '--channels', 'TV Spend,Search Spend', '--controls', 'price'];
    const r = runCli(['weekly', ...flags, '--transactions', 'tx.csv'], dir);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^clv +built /m);
    const bad = (extra: string[]) => runCli(['weekly', ...flags, ...extra], dir);
    const cases: [string[], RegExp][] = [
      [['--factors', 'nope'], /^error: two\.csv column "nope": --factors names a column that is not in the file \(found: week, sales, TV Spend, Search Spend, price\)$/],
      [['--country', 'XX'], /^error: --country "XX"/],
      [['--window-start', '2010-01-04', '--window-end', '2022-06-27'], /^error: .*window.*2010-01-04/],
    ];
    for (const [extra, line] of cases) {
      const b = bad(extra);
      expect(b.code, `${extra.join(' ')}: ${b.stderr}`).toBe(2);
      expect(logLines(b.stderr).filter((l) => l.level === 'error')).toHaveLength(1);
      expect(errorLine(b.stderr)).toMatch(line);
    }
    // The same mistakes in a config's input block are named by its keys, and an unknown top-level key by its name alone.
    const input = { weekly: 'two.csv', dateCol: 'week', target: 'sales', channels: ['TV Spend', 'Search Spend'], controls: ['price'] };
    const configured: [string, object, RegExp][] = [
      ['factors', { factors: ['nope'] }, /^error: two\.csv column "nope": input\.factors names a column that is not in the file \(found: /],
      ['country', { holidays: { country: 'XX' } }, /^error: input\.holidays\.country "XX"/],
      ['window', { window: { start: '2010-01-04' } }, /^error: input\.window\.start 2010-01-04 is outside the data of two\.csv/],
    ];
    for (const [name, extra, line] of configured) {
      const cdir = project(`tx-config-${name}`, { ...SMALL, optimise: { horizonWeeks: 4 }, input: { ...input, ...extra } });
      writeFileSync(join(cdir, 'two.csv'), readFileSync(join(dir, 'two.csv')));
      const b = runCli(['weekly'], cdir);
      expect(b.code, `${name}: ${b.stderr}`).toBe(2);
      expect(errorLine(b.stderr), name).toMatch(line);
    }
    const typo = project('tx-config-typo', { ...SMALL, sede: 1 });
    expect(errorLine(runCli(['weekly'], typo).stderr)).toMatch(/^error: mmm\.config\.json: unknown key "sede" \(allowed: /);
    writeFileSync(
      join(dir, 'neg.csv'),
      twoChannelCsv('2022-01-03', 80)
        .replace('week,sales,TV Spend,Search Spend,price', 'week,sales,TV Spend,Search Spend,news')
        .replace(/\n(2022-01-10,[^,]*,[^,]*,[^,]*),[^\n]*/, '\n$1,-3'),
    );
    const neg = runCli(['weekly', '--weekly', 'neg.csv', '--date-col', 'week', '--target', 'sales', '--channels', 'TV Spend,Search Spend', '--organic', 'news'], dir);
    expect(neg.code).toBe(2);
    expect(errorLine(neg.stderr)).toMatch(/^error: .*neg\.csv row 2 column "news": .*-3/);
    // Flags replacing a config's own input need a store of their own: the config's holds that input's model in use.
    writeFileSync(join(dir, 'mmm.config.json'), JSON.stringify({ ...SMALL, raw: 'raw' }));
    const refused =
      "error: mmm weekly: --weekly replaces the input of mmm.config.json, whose store and reports hold that input's runs, model and reports: give this table its own --store DIR and --reports DIR";
    for (const extra of [[], ['--store', 'two-store'], ['--store', 'two-store', '--reports', 'reports'], ['--store', 'data', '--reports', 'two-reports']]) {
      const stray = runCli(['weekly', ...flags, ...extra], dir);
      expect(stray.code, extra.join(' ')).toBe(2);
      expect(errorLine(stray.stderr)).toBe(refused);
      expect(stray.stderr.trim().split('\n')).toHaveLength(1);
    }
    expect(runCli(['weekly', ...flags, '--store', 'two-store', '--reports', 'two-reports'], dir).code).toBe(0);
    // Rendered again, the report goes beside the run's own, in that store's reports folder, from any folder.
    const again = runCli(['report', '--store', 'two-store'], dir);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toMatch(/^report of run \S+: two-reports\/report-\S+\.html$/m);
    const elsewhere = runCli(['report', '--store', join(dir, 'two-store')], t.dir);
    expect(elsewhere.code, elsewhere.stderr).toBe(0);
    expect(elsewhere.stdout).toMatch(/^report of run \S+: tx\/two-reports\/report-\S+\.html$/m);
  });
});

describe('a control constant over the weeks', () => {
  // Also with a window whose end is left open: it follows the data, so a new week is not a changed window.
  it.each([
    ['no window', {}],
    ['a window with only a start', { window: { start: '2022-01-17' } }],
  ])('is dropped with a warning and does not make the drift stage refit when new weeks arrive (%s)', (name, window) => {
    const loose = { errorBandSigma: 10, recentWeeks: 4, spendRangeTolerance: 10, maxModelAgeWeeks: 52 };
    const dir = project(`constant-${name.replace(/ /g, '-')}`, {
      ...SMALL,
      drift: loose,
      optimise: { horizonWeeks: 4 },
      input: { weekly: 'w.csv', dateCol: 'week', target: 'sales', channels: ['TV Spend', 'Search Spend'], controls: ['price', 'holiday'], ...window },
    });
    const withZeroHoliday = (csv: string) =>
      `${csv
        .trimEnd()
        .split('\n')
        .map((l, i) => `${l},${i === 0 ? 'holiday' : 0}`)
        .join('\n')}\n`;
    const full = withZeroHoliday(twoChannelCsv('2022-01-03', 104));
    writeFileSync(join(dir, 'w.csv'), `${full.split('\n').slice(0, 101).join('\n')}\n`); // the first 100 weeks
    const first = runCli(['weekly'], dir);
    expect(first.code, first.stderr).toBe(0);
    expect(logLines(first.stderr).some((l) => l.level === 'warn' && /w\.csv column "holiday" is constant \(0\.0\) over (all weeks|the window) .*dropped from mmm_input/.test(l.message))).toBe(true);
    writeFileSync(join(dir, 'w.csv'), full); // four more weeks, the holiday column still all zero
    const second = runCli(['weekly'], dir);
    expect(second.code, second.stderr).toBe(0);
    const record = JSON.parse(readFileSync(join(dir, second.stdout.match(/^run +(\S+)$/m)![1]), 'utf8'));
    expect(record.decisions[0], JSON.stringify(record.decisions)).toMatchObject({ model: 'mmm', action: 'reuse' });
    expect(second.stdout).toMatch(/^mmm +reused /m);
  });
});
