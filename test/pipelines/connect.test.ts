/**
 * Commands that connect (issue 11): a fit becomes an allocation problem, an
 * allocation a simulated plan, and a run's artifacts a report again, with no
 * hand-written file, the same way the weekly pipeline does it.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { errorLine, runCli, tempDir } from '../helpers/tmp.ts';
import { TINY } from '../helpers/configs.ts';
import { ROBYN } from '../helpers/robyn.ts';

const t = tempDir('mmm-connect-');
afterAll(() => t.cleanup());

describe('commands that connect', () => {
  it("mmm optimise --model gives the weekly pipeline's allocation on the same fit; simulate --allocation and report --store follow on", () => {
    const dir = join(t.dir, 'p');
    mkdirSync(dir);
    writeFileSync(join(dir, 'mmm.config.json'), JSON.stringify(TINY));
    const weekly = runCli(['weekly'], dir);
    expect(weekly.code, weekly.stderr).toBe(0);
    const fit = weekly.stdout.match(/^mmm +built +(\S+)$/m)![1];
    const stage = JSON.parse(readFileSync(join(dir, weekly.stdout.match(/^optimise +built +(\S+)$/m)![1], 'allocation.json'), 'utf8'));

    const opt = runCli(['optimise', '--model', fit, '--horizon-weeks', '4', '--out', 'alloc.json'], dir);
    expect(opt.code, opt.stderr).toBe(0);
    expect(opt.stdout).toMatch(/^optimal: objective \d+\.\d{4} -> alloc\.json$/m);
    const mine = JSON.parse(readFileSync(join(dir, 'alloc.json'), 'utf8'));
    expect(mine.allocation).toEqual(stage.allocation);
    // One line per channel: its spend per week, against the current plan's.
    for (const [c, x] of Object.entries(mine.allocation as Record<string, number>)) {
      const was = mine.againstCurrent.current[c] as number;
      expect(opt.stdout).toContain(`  ${c}: ${x.toFixed(2)} (current ${was.toFixed(2)}, ${x >= was ? '+' : ''}${((100 * (x - was)) / was).toFixed(1)}%)\n`);
    }
    // The same warnings of moves the data leave open as the stage's, on stderr and in the output.
    const stageRaises = JSON.parse(readFileSync(join(dir, weekly.stdout.match(/^optimise +built +(\S+)$/m)![1], 'manifest.json'), 'utf8')).warnings.filter((w: string) =>
      /^the plan (raises|cuts) /.test(w),
    );
    expect(mine.warnings.filter((w: string) => /^the plan (raises|cuts) /.test(w))).toEqual(stageRaises);
    expect(opt.stderr.split('\n').filter((l) => /^warning: the plan (raises|cuts) /.test(l))).toEqual(stageRaises.map((w: string) => `warning: ${w}`));
    expect(mine.revenue).toBe(stage.revenue);
    expect(mine.horizonWeeks).toBe(4);

    // A budget and constraints from a file change the problem as they say.
    const [top, most] = Object.entries(stage.allocation as Record<string, number>).sort((a, b) => b[1] - a[1])[0];
    writeFileSync(join(dir, 'constraints.json'), JSON.stringify([{ type: 'group', channels: [top], max: 0.9 * most }]));
    const capped = runCli(['optimise', '--model', fit, '--horizon-weeks', '4', '--constraints', 'constraints.json', '--out', 'capped.json'], dir);
    expect(capped.code, capped.stderr).toBe(0);
    expect(JSON.parse(readFileSync(join(dir, 'capped.json'), 'utf8')).allocation[top]).toBeLessThanOrEqual(0.9 * most * (1 + 1e-9));
    writeFileSync(join(dir, 'bad.json'), JSON.stringify([{ type: 'group', channels: ['nope'], max: 1 }]));
    const bad = runCli(['optimise', '--model', fit, '--constraints', 'bad.json', '--out', 'x.json'], dir);
    expect(bad.code).toBe(2);
    expect(bad.stderr.trim()).toMatch(/^error: bad\.json: \[0\]: unknown channel "nope" \(channels: /);

    const sim = runCli(['simulate', '--model', fit, '--allocation', 'alloc.json', '--draws', '300', '--out', 'sim'], dir);
    expect(sim.code, sim.stderr).toBe(0);
    const bands = JSON.parse(readFileSync(join(dir, 'sim', 'bands.json'), 'utf8'));
    expect(bands.plan).toBe('recommended');
    expect(bands.compare.plan).toBe('current');
    expect(bands.weekly).toHaveLength(4);
    // The plan starts the week after the data, as the pipeline's forecast does.
    const stageBands = JSON.parse(readFileSync(join(dir, weekly.stdout.match(/^simulate +built +(\S+)$/m)![1], 'bands.json'), 'utf8'));
    expect(bands.weekly.map((w: { date: string }) => w.date)).toEqual(stageBands.weekly.map((w: { date: string }) => w.date));

    const report = runCli(['report', '--store', 'data', '--out', 'again.html'], dir);
    expect(report.code, report.stderr).toBe(0);
    expect(readFileSync(join(dir, 'again.html'), 'utf8')).toBe(readFileSync(join(dir, 'reports', 'latest.html'), 'utf8'));
  });

  it('refuses --problem with --model options, and a simulate with both a plan and an allocation', () => {
    const r = runCli(['optimise', '--problem', 'p.json', '--budget', '3', '--out', 'o.json'], t.dir);
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe('error: mmm optimise: --budget, --horizon-weeks, --constraints and --margin go with --model (a problem file holds its own)');
    const s = runCli(['simulate', '--model', 'm', '--plan', 'a.csv', '--allocation', 'b.json', '--out', 'o'], t.dir);
    expect(s.code).toBe(2);
  });

  it("mmm simulate --plan without a holiday column takes the flags from the fit's --country calendar", () => {
    const fit = join(t.dir, 'de-fit');
    const f = runCli(['fit', '--weekly', ROBYN, '--date-col', 'DATE', '--target', 'revenue', '--channels', 'tv_S,search_S', '--country', 'DE', '--trials', '1', '--iterations', '300', '--out', fit]);
    expect(f.code, f.stderr).toBe(0);
    // The 13 weeks after Robyn's last (2019-11-11): Christmas (25, 26 Dec) falls in the week of 2019-12-23 and New Year in that of
    // 2019-12-30, Germany's only nationwide holidays in those weeks.
    const dates = Array.from({ length: 13 }, (_, i) => new Date(Date.UTC(2019, 10, 18 + 7 * i)).toISOString().slice(0, 10));
    const holiday = dates.map((d) => (d === '2019-12-23' || d === '2019-12-30' ? 1 : 0));
    writeFileSync(join(t.dir, 'bare.csv'), `date,tv_S,search_S\n${dates.map((d) => `${d},20000,10000`).join('\n')}\n`);
    writeFileSync(join(t.dir, 'flagged.csv'), `date,tv_S,search_S,holiday\n${dates.map((d, i) => `${d},20000,10000,${holiday[i]}`).join('\n')}\n`);
    const sim = (plan: string) => {
      const r = runCli(['simulate', '--model', fit, '--plan', join(t.dir, plan), '--draws', '300', '--seed', '1', '--out', join(t.dir, `sim-${plan}`)]);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr).toBe('');
      return JSON.parse(readFileSync(join(t.dir, `sim-${plan}`, 'bands.json'), 'utf8')).weekly;
    };
    expect(sim('bare.csv')).toEqual(sim('flagged.csv'));
    // The flags matter: held at 0 the two holiday weeks differ.
    writeFileSync(join(t.dir, 'zero.csv'), `date,tv_S,search_S,holiday\n${dates.map((d) => `${d},20000,10000,0`).join('\n')}\n`);
    expect(sim('zero.csv')[5].p50).not.toBe(sim('flagged.csv')[5].p50);
  });

  it('mmm fit --weekly warns of implausible target weeks in its window, naming the rows, as the ingest does', () => {
    const rows = readFileSync(ROBYN, 'utf8').trimEnd().split('\n');
    /** Robyn's table with data row 100 (the week of 2017-10-16)'s revenue set to `v`. */
    const withRow100 = (name: string, v: string) => {
      const path = join(t.dir, name);
      writeFileSync(path, `${rows.map((l, i) => (i === 100 ? l.replace(/^([^,]*),[^,]*/, `$1,${v}`) : l)).join('\n')}\n`);
      return path;
    };
    // Row 100 set to 0; the window ends before the last week, which is left as it is.
    const file = withRow100('zero-week.csv', '0');
    const r = runCli(['fit', '--weekly', file, '--date-col', 'DATE', '--target', 'revenue', '--channels', 'tv_S,search_S', '--trials', '1', '--iterations', '300', '--out', join(t.dir, 'zero-fit')]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(
      new RegExp(
        `^warning: ${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} column "revenue": 1 week\\(s\\) at or below 0 or under a fifth of its median week \\([0-9.]+\\): row 100 \\(2017-10-16: 0\\) \\(an incomplete export\\? the model takes them as real weeks\\)$`,
        'm',
      ),
    );
    // A week at 100 times the median is refused before any fit, naming its row and column; no output folder.
    const far = withRow100('far-week.csv', '1e15');
    const refused = runCli(['fit', '--weekly', far, '--date-col', 'DATE', '--target', 'revenue', '--channels', 'tv_S,search_S', '--out', join(t.dir, 'far-fit')]);
    expect(refused.code).toBe(2);
    expect(errorLine(refused.stderr)).toMatch(/^error: .*far-week\.csv row 100 column "revenue": 1000000000000000 is [0-9.e+]+ times the median week/);
    expect(existsSync(join(t.dir, 'far-fit'))).toBe(false);
  });
});
