import { afterAll, describe, expect, it } from 'vitest';
import { mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { sha256 } from '../../src/core/hash.ts';
import { esc } from '../../src/report/html.ts';
import { errorLine, runCli, tempDir } from '../helpers/tmp.ts';

const t = tempDir('mmm-weekly-');
afterAll(() => t.cleanup());

/** sha256 of every file under a folder, by relative path. */
function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const f of readdirSync(d).sort()) {
      const p = join(d, f);
      if (statSync(p).isDirectory()) walk(p);
      else out[relative(dir, p)] = sha256(readFileSync(p));
    }
  };
  walk(dir);
  return out;
}

/** A small but complete configuration, so the whole pipeline runs in seconds. */
const SMALL_CONFIG = {
  raw: 'data/sample',
  alerts: { staleAfterWeeks: null },
  seed: 3,
  sample: { seed: 9, weeks: 60, scale: 0.1 },
  mmm: { trials: 2, iterations: 150, bootstrap: 20 },
  simulate: { draws: 500 },
  optimise: { horizonWeeks: 8 },
};

describe('mmm weekly', () => {
  it('runs end to end from a fresh root, then a second run skips every stage and changes no byte', () => {
    writeFileSync(join(t.dir, 'mmm.config.json'), JSON.stringify(SMALL_CONFIG));
    const first = runCli(['weekly', '--config', join(t.dir, 'mmm.config.json')], t.dir);
    expect(first.stderr).not.toMatch(/^error:/m);
    expect(first.code).toBe(0);
    for (const stage of ['ingest', 'drift', 'mmm', 'clv', 'optimise', 'simulate', 'report']) {
      expect(first.stdout).toMatch(new RegExp(`^${stage} +built +data/artifacts/${stage}/[0-9a-f]{16}$`, 'm'));
    }
    // The report's path is the last line (issue 11); the run record the one before.
    expect(first.stdout.trimEnd().split('\n').at(-1)).toMatch(/^report +reports\/weekly-\d{4}-\d{2}-\d{2}\.html$/);
    expect(first.stdout).toMatch(/^run +data\/runs\/\d{8}T\d{9}Z-\d+\.json$/m);
    const firstRecord = JSON.parse(readFileSync(join(t.dir, first.stdout.match(/^run +(\S+)$/m)![1]), 'utf8'));
    expect(firstRecord.decisions[0]).toEqual({ model: 'mmm', action: 'refit', reason: 'no fitted model yet' });
    const report = readFileSync(join(t.dir, 'reports', 'latest.html'), 'utf8');
    expect(report).toContain('>Best split of the current budget (8 weeks)<');
    expect(report).toContain('no fitted model yet');
    const bands = JSON.parse(readFileSync(join(t.dir, first.stdout.match(/^simulate +built +(\S+)$/m)![1], 'bands.json'), 'utf8'));
    expect(bands.weekly).toHaveLength(8);
    expect(bands.probabilityBetter).toBeGreaterThanOrEqual(0);
    const before = snapshot(t.dir);
    const second = runCli(['weekly', '--config', join(t.dir, 'mmm.config.json')], t.dir);
    expect(second.code).toBe(0);
    expect(second.stdout).not.toMatch(/ built /);
    expect(second.stdout.match(/ skipped /g)?.length).toBe(first.stdout.match(/ built /g)?.length);
    // No artifact, report or pointer byte changes; the run adds its own record to the history.
    const after = snapshot(t.dir);
    const added = Object.keys(after).filter((k) => !(k in before));
    expect(added).toEqual([second.stdout.match(/^run +(\S+)$/m)![1]]);
    for (const k of added) delete after[k];
    expect(after).toEqual(before);
    const run = JSON.parse(readFileSync(join(t.dir, added[0]), 'utf8'));
    expect(run.status).toBe('ok');
    expect(run.stages.map((s: { stage: string; action: string }) => `${s.stage} ${s.action}`)).toEqual(['ingest', 'drift', 'mmm', 'clv', 'optimise', 'simulate', 'report'].map((s) => `${s} skipped`));
    expect(run.decisions).toEqual([
      { model: 'mmm', action: 'reuse', reason: 'data and settings unchanged since the model in use was chosen' },
      { model: 'clv', action: 'reuse', reason: 'transactions and settings unchanged' },
    ]);
    expect(run.alerts).toEqual([]);
    expect(run.report).toMatch(/^reports\/weekly-\d{4}-\d{2}-\d{2}\.html$/);
  });

  it("puts every stage's warnings in the report, e.g. a recommended plan beyond the spend the model saw", () => {
    // Four times the recent budget, up to 10x a channel's recent spend: the plan leaves the seen range.
    const dir = join(t.dir, 'big-budget');
    mkdirSync(dir);
    writeFileSync(join(dir, 'mmm.config.json'), JSON.stringify({ ...SMALL_CONFIG, optimise: { horizonWeeks: 8, budget: 130000, maxMultiple: 10 } }));
    const r = runCli(['weekly', '--config', 'mmm.config.json'], dir);
    expect(r.code, r.stderr).toBe(0);
    const report = readFileSync(join(dir, 'reports', 'latest.html'), 'utf8');
    const labels = { ingest: 'ingest', mmm: 'model', clv: 'clv', optimise: 'allocation', simulate: 'forecast' };
    let count = 0;
    for (const [stage, label] of Object.entries(labels)) {
      const stageDir = r.stdout.match(new RegExp(`^${stage} +built +(\\S+)$`, 'm'))![1];
      for (const w of JSON.parse(readFileSync(join(dir, stageDir, 'manifest.json'), 'utf8')).warnings) {
        expect(report).toContain(esc(`${label}: ${w}`));
        count++;
      }
    }
    expect(count).toBeGreaterThan(0);
    expect(report).toMatch(/forecast: recommended plan: [a-z_]+ reaches \d+\.\d\dx the adstocked spend the model saw/);
  });

  it("calibrates on the raw folder's calibration.csv (channels by name), refits when it appears and shows the studies in the report", () => {
    const dir = join(t.dir, 'calibrated');
    mkdirSync(dir);
    writeFileSync(join(dir, 'mmm.config.json'), JSON.stringify(SMALL_CONFIG));
    expect(runCli(['weekly', '--config', 'mmm.config.json'], dir).code).toBe(0);
    // A perfect 6-week lift test of search, from the generator's truth.
    const truth = JSON.parse(readFileSync(join(dir, 'data', 'sample', 'truth.json'), 'utf8')) as { weekly: { week: string; media: Record<string, number> }[] };
    const weeks = truth.weekly.slice(20, 26);
    const lift = weeks.reduce((a, w) => a + w.media.search, 0);
    writeFileSync(join(dir, 'data', 'sample', 'calibration.csv'), `channel,from,to,lift\nsearch,${weeks[0].week},${weeks[5].week},${lift}\n`);
    const r = runCli(['weekly', '--config', 'mmm.config.json'], dir);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/decision +refit: the model settings changed: calibration\.csv/);
    const fitDir = r.stdout.match(/^mmm +built +(\S+)$/m)![1];
    const model = JSON.parse(readFileSync(join(dir, fitDir, 'model.json'), 'utf8'));
    expect(model.calibration.studies).toHaveLength(1);
    expect(model.calibration.studies[0]).toMatchObject({ channel: 'search_spend', from: weeks[0].week, to: weeks[5].week, weeks: 6 });
    const report = readFileSync(join(dir, 'reports', 'latest.html'), 'utf8');
    expect(report).toContain('Calibrated on 1 lift study');
    // A bad study is an input error naming calibration.csv's row and column, found before any stage
    // after the ingest is built.
    const drifts = () => readdirSync(join(dir, 'data', 'artifacts', 'drift')).length;
    const before = drifts();
    writeFileSync(join(dir, 'data', 'sample', 'calibration.csv'), `channel,from,to,lift\nsearch,${weeks[0].week},${weeks[5].week},-1\n`);
    const bad = runCli(['weekly', '--config', 'mmm.config.json'], dir);
    expect(bad.code).toBe(2);
    expect(errorLine(bad.stderr)).toMatch(/calibration\.csv row 1 column "lift"/);
    writeFileSync(join(dir, 'data', 'sample', 'calibration.csv'), `channel,from,to,lift\nfacebook,${weeks[0].week},${weeks[5].week},100\n`);
    const unknown = runCli(['weekly', '--config', 'mmm.config.json'], dir);
    expect(unknown.code).toBe(2);
    expect(errorLine(unknown.stderr)).toMatch(/calibration\.csv row 1 column "channel": "facebook" is not a channel with spend \(channels: .*search \(search_spend\)/);
    expect(drifts()).toBe(before);
  });

  it('takes config constraints by channel name or spend column, checked right after the ingest', () => {
    const dir = join(t.dir, 'constrained');
    mkdirSync(dir);
    writeFileSync(
      join(dir, 'mmm.config.json'),
      JSON.stringify({ ...SMALL_CONFIG, optimise: { horizonWeeks: 8, constraints: [{ type: 'ratio', left: ['tv'], right: ['search_spend'], sense: '<=', factor: 1 }] } }),
    );
    const r = runCli(['weekly'], dir);
    expect(r.code, r.stderr).toBe(0);
    const opt = r.stdout.match(/^optimise +built +(\S+)$/m)![1];
    expect(JSON.parse(readFileSync(join(dir, opt, 'problem.json'), 'utf8')).constraints).toEqual([{ type: 'ratio', left: ['tv_spend'], right: ['search_spend'], sense: '<=', factor: 1 }]);
    const alloc = JSON.parse(readFileSync(join(dir, opt, 'allocation.json'), 'utf8'));
    expect(alloc.status).toBe('optimal');
    expect(alloc.allocation.tv_spend).toBeLessThanOrEqual(alloc.allocation.search_spend * (1 + 1e-9));
  });

  it('refuses a config with an unknown key or a path outside the root, with exit 2', () => {
    writeFileSync(join(t.dir, 'bad.json'), JSON.stringify({ store: '../elsewhere' }));
    const r = runCli(['weekly', '--config', join(t.dir, 'bad.json')], t.dir);
    expect(r.code).toBe(2);
    expect(errorLine(r.stderr)).toBe(`error: store "../elsewhere" is outside the project folder ${t.dir}`);
    // A config with no input never runs on made-up data: only raw "data/sample" generates the sample.
    mkdirSync(join(t.dir, 'noinput'));
    writeFileSync(join(t.dir, 'noinput', 'cfg.json'), JSON.stringify({ seed: 2 }));
    const none = runCli(['weekly', '--config', join(t.dir, 'noinput', 'cfg.json')], t.dir);
    expect(none.code).toBe(2);
    expect(errorLine(none.stderr)).toBe(
      'error: noinput/cfg.json: no input: give "raw" (a folder of raw exports; "data/sample" is generated) or "input" (a weekly table), or run with --weekly FILE.csv',
    );
    expect(readdirSync(join(t.dir, 'noinput'))).toEqual(['cfg.json']);
    writeFileSync(join(t.dir, 'bad2.json'), JSON.stringify({ mmm: { trails: 1 } }));
    const r2 = runCli(['weekly', '--config', 'bad2.json'], t.dir);
    expect(r2.code).toBe(2);
    expect(errorLine(r2.stderr)).toBe(
      'error: bad2.json: mmm: unknown key "trails" (allowed: trials, iterations, bootstrap, controls, threads, adstock, channelAdstock, saturation, controlSigns, interceptSign, ranges, channelRanges, priors, roasPrior, trendKnotSpacing, estimator)',
    );
    writeFileSync(join(t.dir, 'bad3.json'), JSON.stringify({ mmm: { roasPrior: { logMean: 0.2, logSd: 0 } } }));
    const r3 = runCli(['weekly', '--config', 'bad3.json'], t.dir);
    expect(r3.code).toBe(2);
    expect(errorLine(r3.stderr)).toBe('error: bad3.json: mmm.roasPrior.logSd: must be > 0');
  });
});

describe('mmm command', () => {
  it('prints help for every subcommand and exits 2 on usage errors', () => {
    const help = runCli(['--help']);
    expect(help.code).toBe(0);
    for (const c of ['weekly', 'runs', 'gc', 'generate', 'ingest', 'fit', 'clv', 'optimise', 'simulate']) {
      expect(help.stdout).toContain(`  ${c}`);
      const h = runCli([c, '--help']);
      expect(h.code).toBe(0);
      expect(h.stdout).toContain(`Usage: mmm ${c} [options]`);
    }
    const version = runCli(['--version']);
    expect(version.code).toBe(0);
    expect(version.stdout.trim()).toBe(JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')).version);
    expect(runCli(['frobnicate']).code).toBe(2);
    const missing = runCli(['generate', '--out', join(t.dir, 'g')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr.trim()).toBe('error: mmm generate: missing required option --seed (see mmm generate --help)');
    for (const args of [
      ['fit', '--weekly', join(t.dir, 'none.csv'), '--target', 'revenue', '--channels', 'a', '--out', join(t.dir, 'f')],
      ['optimise', '--problem', join(t.dir, 'none.json'), '--out', join(t.dir, 'o.json')],
    ]) {
      const r = runCli(args);
      expect(r.code).toBe(2);
      expect(r.stderr.trim()).toMatch(/^error: cannot read .*none\.(csv|json): no such file or folder$/);
    }
    const bad = runCli(['generate', '--out', join(t.dir, 'g'), '--seed', 'abc']);
    expect(bad.stderr.trim()).toBe('error: mmm generate: --seed must be an integer, got "abc"');
  });
});
