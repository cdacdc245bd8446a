/**
 * Safe to schedule (issue 13), with real processes: one run at a time per
 * store, a kill inside any stage or the commit leaves the previous state
 * whole and the next run cleans up, partial runs, run history, alerts to a
 * webhook, garbage collection.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { createServer } from 'node:http';
import { cpSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join, relative } from 'node:path';
import { sha256 } from '../../src/core/hash.ts';
import { errorLine, logLines, runCli, startCli, tempDir, waitForFile } from '../helpers/tmp.ts';
import { TINY } from '../helpers/configs.ts';

const t = tempDir('mmm-ops-');
afterAll(() => t.cleanup());

const STAGES = ['ingest', 'drift', 'mmm', 'clv', 'optimise', 'simulate', 'report'];

function project(name: string, config: object = TINY): string {
  const dir = join(t.dir, name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'mmm.config.json'), JSON.stringify(config));
  return dir;
}

/** Every path under a folder whose name marks a temporary file or folder. */
function temps(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const f of readdirSync(d)) {
      const p = join(d, f);
      if (f.includes('.tmp-')) out.push(relative(dir, p));
      else if (statSync(p).isDirectory()) walk(p);
    }
  };
  if (existsSync(dir)) walk(dir);
  return out;
}

/** Checks every manifest's output hashes against the files beside it. */
function manifestsHold(store: string): number {
  let n = 0;
  for (const stage of readdirSync(join(store, 'artifacts'))) {
    for (const v of readdirSync(join(store, 'artifacts', stage))) {
      const dir = join(store, 'artifacts', stage, v);
      const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as { outputs: { path: string; sha256: string }[] };
      for (const o of manifest.outputs) expect(sha256(readFileSync(join(dir, o.path))), `${stage}/${v}/${o.path}`).toBe(o.sha256);
      n++;
    }
  }
  return n;
}

const pointers = (dir: string) => ({
  current: readFileSync(join(dir, 'data', 'current.json'), 'utf8'),
  latest: readFileSync(join(dir, 'reports', 'latest.html'), 'utf8'),
  runs: readdirSync(join(dir, 'data', 'runs')).filter((f) => f.endsWith('.json')).length,
});

describe('one run at a time', () => {
  it('a second run exits 75 naming the holder; a lock left by a killed run is taken over with a warning', async () => {
    const dir = project('lock');
    const mark = join(t.dir, 'lock.mark');
    const first = startCli(['weekly'], dir, { MMM_TEST_PAUSE_STAGE: 'mmm', MMM_TEST_PAUSE_MARK: mark });
    await waitForFile(mark, first);
    const second = runCli(['weekly'], dir);
    expect(second.code).toBe(75);
    expect(errorLine(second.stderr)).toMatch(
      new RegExp(`^error: another run holds the store .*data: pid ${first.child.pid} on ${hostname()}, started \\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z$`),
    );
    expect(second.stdout).toBe('');
    // The refused run built nothing: only the paused run's ingest and drift are complete, its mmm still temporary.
    const complete = (s: string) => readdirSync(join(dir, 'data', 'artifacts', s)).filter((v) => !v.startsWith('.tmp-'));
    expect(readdirSync(join(dir, 'data', 'artifacts')).sort()).toEqual(['drift', 'ingest', 'mmm']);
    expect([complete('ingest').length, complete('drift').length, complete('mmm').length]).toEqual([1, 1, 0]);
    first.child.kill('SIGKILL');
    await first.done;
    const third = runCli(['weekly'], dir);
    expect(third.code, third.stderr).toBe(0);
    const warnings = logLines(third.stderr)
      .filter((l) => l.level === 'warn')
      .map((l) => l.message);
    expect(warnings.some((w) => w.startsWith(`took over the lock of a run that is no longer running (pid ${first.child.pid} on ${hostname()}`))).toBe(true);
    expect(temps(dir)).toEqual([]);
  });
});

describe('a stale lock', () => {
  it("another host's lock that nobody refreshed for a minute is taken over with a warning naming its holder; a live holder's on this host is not, for half an hour", () => {
    const dir = project('stale');
    const store = join(dir, 'data');
    mkdirSync(join(store, 'run.lock'), { recursive: true });
    writeFileSync(join(store, 'run.lock.json'), `${JSON.stringify({ pid: 4242, host: 'otherhost', startedAt: '2026-01-05T06:00:00.000Z' })}\n`);
    const old = new Date(Date.parse('2026-01-05T06:00:00.000Z'));
    utimesSync(join(store, 'run.lock'), old, old);
    const r = runCli(['weekly'], dir);
    expect(r.code, r.stderr).toBe(0);
    expect(
      logLines(r.stderr)
        .filter((l) => l.level === 'warn' && l.message.startsWith('took over'))
        .map((l) => l.message),
    ).toEqual(['took over a lock no run had refreshed for a minute (pid 4242 on otherhost, started 2026-01-05T06:00:00.000Z)']);
    // On this host, a lock stale for 5 minutes whose holder is alive (a long step kept its refresh from running) is not taken;
    // one stale for 2 hours is, with a warning: its pid is more likely another process's by now.
    mkdirSync(join(store, 'run.lock'), { recursive: true });
    writeFileSync(join(store, 'run.lock.json'), `${JSON.stringify({ pid: process.pid, host: hostname(), startedAt: '2026-01-05T06:00:00.000Z' })}\n`);
    const minutesAgo = (m: number) => new Date(Date.now() - m * 60_000);
    utimesSync(join(store, 'run.lock'), minutesAgo(5), minutesAgo(5));
    const busy = runCli(['weekly'], dir);
    expect(busy.code).toBe(75);
    expect(errorLine(busy.stderr)).toBe(
      `error: another run holds the store ${store}: pid ${process.pid} on ${hostname()}, started 2026-01-05T06:00:00.000Z (its lock has not been refreshed for a minute)`,
    );
    utimesSync(join(store, 'run.lock'), minutesAgo(120), minutesAgo(120));
    const reused = runCli(['weekly'], dir);
    expect(reused.code, reused.stderr).toBe(0);
    expect(logLines(reused.stderr).some((l) => l.level === 'warn' && l.message.startsWith(`took over a lock no run had refreshed for a minute (pid ${process.pid} on `))).toBe(true);
  });
});

describe('an interrupted run', () => {
  it('SIGINT or SIGTERM inside a stage: exits 130 or 143 at once, on record as failed with the stages it finished, and gives up the lock', async () => {
    const dir = project('interrupt');
    for (const [signal, code] of [
      ['SIGINT', 130],
      ['SIGTERM', 143],
    ] as const) {
      rmSync(join(dir, 'data', 'artifacts'), { recursive: true, force: true });
      const mark = join(t.dir, `interrupt-${signal}.mark`);
      const run = startCli(['weekly'], dir, { MMM_TEST_PAUSE_STAGE: 'mmm', MMM_TEST_PAUSE_MARK: mark });
      await waitForFile(mark, run);
      run.child.kill(signal);
      const r = await run.done;
      expect(r.code, r.stderr).toBe(code);
      expect(errorLine(r.stderr)).toBe(`error: interrupted by ${signal}: the run is on record as failed, and the next run redoes the stage that was running`);
      expect(existsSync(join(dir, 'data', 'run.lock'))).toBe(false);
      const records = readdirSync(join(dir, 'data', 'runs')).sort();
      const record = JSON.parse(readFileSync(join(dir, 'data', 'runs', records.at(-1)!), 'utf8'));
      expect(record).toMatchObject({ status: 'failed', error: expect.stringMatching(`^interrupted by ${signal}`) });
      expect(record.stages.map((s: { stage: string; action: string }) => `${s.stage} ${s.action}`)).toEqual(['ingest built', 'drift built']);
    }
    const next = runCli(['weekly'], dir);
    expect(next.code, next.stderr).toBe(0);
    expect(logLines(next.stderr).some((l) => l.message.startsWith('took over the lock'))).toBe(false);
    expect(temps(dir)).toEqual([]);
  });

  it('a signal during the commit lets it finish: the run is on record as it ended, then exits 130', async () => {
    const dir = project('interrupt-commit');
    rmSync(join(dir, 'data'), { recursive: true, force: true });
    const mark = join(t.dir, 'interrupt-commit.mark');
    const release = join(t.dir, 'interrupt-commit.release');
    const signalled = join(t.dir, 'interrupt-commit.signalled');
    const run = startCli(['weekly'], dir, { MMM_TEST_PAUSE_STAGE: 'commit', MMM_TEST_PAUSE_MARK: mark, MMM_TEST_RELEASE: release, MMM_TEST_SIGNAL_MARK: signalled });
    await waitForFile(mark, run);
    run.child.kill('SIGINT');
    // Released only once the run has taken the signal, so the order does not depend on timing.
    await waitForFile(signalled, run);
    writeFileSync(release, '');
    const r = await run.done;
    expect(r.code, r.stderr).toBe(130);
    expect(errorLine(r.stderr)).toBe('error: interrupted by a signal while committing: the run was committed and is on record as ok');
    const records = readdirSync(join(dir, 'data', 'runs')).sort();
    expect(JSON.parse(readFileSync(join(dir, 'data', 'runs', records.at(-1)!), 'utf8')).status).toBe('ok');
    expect(JSON.parse(readFileSync(join(dir, 'data', 'current.json'), 'utf8')).mmm).toMatch(/^artifacts\/mmm\//);
    expect(existsSync(join(dir, 'data', 'run.lock'))).toBe(false);
  });
});

describe('a killed run', () => {
  it('kill -9 inside each stage or the commit leaves the previous report and pointers whole; the next run finishes cleanly', async () => {
    const dir = project('kill');
    const base = runCli(['weekly'], dir);
    expect(base.code, base.stderr).toBe(0);
    for (const stage of [...STAGES, 'commit']) {
      // Make this stage and every later one build again; the earlier ones are skipped.
      const from = STAGES.indexOf(stage);
      for (const s of from < 0 ? [] : STAGES.slice(from)) rmSync(join(dir, 'data', 'artifacts', s), { recursive: true, force: true });
      if (stage === 'commit') writeFileSync(join(dir, 'mmm.config.json'), JSON.stringify({ ...TINY, simulate: { draws: 300 } }));
      const before = pointers(dir);
      const mark = join(t.dir, `kill-${stage}.mark`);
      const run = startCli(['weekly'], dir, { MMM_TEST_PAUSE_STAGE: stage, MMM_TEST_PAUSE_MARK: mark });
      await waitForFile(mark, run);
      run.child.kill('SIGKILL');
      expect((await run.done).signal).toBe('SIGKILL');
      // Nothing moved: the previous report, current.json and the history are as they were.
      expect(pointers(dir), stage).toEqual(before);
      if (stage !== 'commit') {
        expect(
          temps(dir).some((p) => p.startsWith(join('data', 'artifacts', stage, '.tmp-'))),
          stage,
        ).toBe(true);
        expect(existsSync(join(dir, 'data', 'artifacts', stage)) ? readdirSync(join(dir, 'data', 'artifacts', stage)).filter((v) => !v.startsWith('.tmp-')) : [], stage).toEqual([]);
      }
      const next = runCli(['weekly'], dir);
      expect(next.code, `${stage}: ${next.stderr}`).toBe(0);
      const warnings = logLines(next.stderr)
        .filter((l) => l.level === 'warn')
        .map((l) => l.message);
      expect(
        warnings.some((w) => w.startsWith('took over the lock')),
        stage,
      ).toBe(true);
      if (stage === 'commit') expect(warnings).toContain('finished the commit of a run that was killed while committing');
      else
        expect(
          warnings.some((w) => /^removed \d+ temporary file\(s\) or folder\(s\) left by killed runs$/.test(w)),
          stage,
        ).toBe(true);
      expect(temps(dir), stage).toEqual([]);
      expect(manifestsHold(join(dir, 'data'))).toBeGreaterThanOrEqual(STAGES.length);
      expect(readdirSync(join(dir, 'data', 'runs')).length).toBe(before.runs + (stage === 'commit' ? 2 : 1));
    }
  });
});

describe('what an operator sees', () => {
  it('a run from a folder without a config, or with a wrong --root, exits 2 and generates nothing', () => {
    const empty = join(t.dir, 'empty');
    mkdirSync(empty);
    const r = runCli(['weekly'], empty);
    expect(r.code).toBe(2);
    expect(errorLine(r.stderr)).toBe('error: no config file mmm.config.json (run from the project folder, or give --config FILE or --root DIR)');
    const wrong = runCli(['weekly', '--root', join(empty, 'nowhere')], empty);
    expect(wrong.code).toBe(2);
    expect(errorLine(wrong.stderr)).toBe('error: no config file nowhere/mmm.config.json (run from the project folder, or give --config FILE or --root DIR)');
    expect(readdirSync(empty)).toEqual([]);
  });

  it('a reports folder that cannot be made fails with exit 2 naming it before any stage runs, and gives up the lock', () => {
    const dir = project('reports-in-the-way', { ...TINY, reports: 'out/reports' });
    writeFileSync(join(dir, 'out'), 'a file where the reports folder should go');
    const r = runCli(['weekly'], dir);
    expect(r.code).toBe(2);
    expect(errorLine(r.stderr)).toBe(`error: cannot write ${join(dir, 'out/reports')}: a part of the path is not a folder`);
    // No stage ran (no artifact), nothing is on record, and the lock is gone.
    expect(readdirSync(join(dir, 'data')).sort()).toEqual(['sample']);
  });

  it("from another folder, as Airflow runs it: paths on the command line are the --root project's, and runs and report find its store", () => {
    const dir = project('elsewhere');
    const cwd = join(t.dir, 'airflow-tmp');
    mkdirSync(cwd);
    const r = runCli(['weekly', '--root', dir], cwd);
    expect(r.code, r.stderr).toBe(0);
    for (const how of [
      ['--root', dir],
      ['--config', join(dir, 'mmm.config.json')],
      ['--root', dir, '--config', 'mmm.config.json'],
    ]) {
      const runs = runCli(['runs', ...how], cwd);
      expect(runs.code, runs.stderr).toBe(0);
      expect(runs.stdout).toMatch(/ ok /);
    }
    const report = runCli(['report', '--root', dir], cwd);
    expect(report.code, report.stderr).toBe(0);
    expect(report.stdout).toMatch(/^report of run \S+: \.\.\/elsewhere\/reports\/report-\S+\.html$/m);
    // A store of its own needs reports of its own; the refusal is the log's one JSON line, with the exit code.
    const alone = runCli(['weekly', '--root', dir, '--store', 'two'], cwd);
    expect(alone.code).toBe(2);
    expect(logLines(alone.stderr)).toEqual([
      expect.objectContaining({
        level: 'error',
        message: 'mmm weekly: --store two needs a --reports DIR of its own: the reports folder of ../elsewhere/mmm.config.json shows the runs of its own store',
        fields: { exitCode: 2 },
      }),
    ]);
    expect(alone.stderr.trim().split('\n')).toHaveLength(1);
    const both = runCli(['weekly', '--root', dir, '--store', 'two', '--reports', 'two-reports'], cwd);
    expect(both.code, both.stderr).toBe(0);
    expect(existsSync(join(dir, 'two', 'current.json')) && existsSync(join(dir, 'two-reports', 'latest.html'))).toBe(true);
    expect(readdirSync(cwd)).toEqual([]);
    // A config that is not JSON is named with the line and column of the fault.
    writeFileSync(join(dir, 'mmm.config.json'), '{\n  "seed": 3,\n  "raw" "data/sample"\n}\n');
    expect(errorLine(runCli(['weekly', '--root', dir], cwd).stderr)).toMatch(/^error: \.\.\/elsewhere\/mmm\.config\.json: not valid JSON: .* at line 3 column 9$/);
  });

  it('logs JSON lines with timestamp, level, stage and message when stderr is not a terminal; --quiet keeps warnings only', () => {
    const dir = project('logs');
    const r = runCli(['weekly'], dir);
    expect(r.code, r.stderr).toBe(0);
    const lines = logLines(r.stderr);
    expect(lines.length).toBe(r.stderr.trim().split('\n').length);
    for (const l of lines) {
      expect(l.timestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
      expect(['info', 'warn', 'error']).toContain(l.level);
    }
    expect(lines.filter((l) => l.level === 'info' && / built [0-9a-f]{16} in /.test(l.message)).map((l) => l.stage)).toEqual(STAGES);
    // Every stage's warnings reach the console (here: the model's uncertain channels).
    const mmmDir = r.stdout.match(/^mmm +built +(\S+)$/m)![1];
    for (const w of JSON.parse(readFileSync(join(dir, mmmDir, 'manifest.json'), 'utf8')).warnings) expect(lines).toContainEqual(expect.objectContaining({ level: 'warn', stage: 'mmm', message: w }));
    const quiet = runCli(['weekly', '--quiet'], dir);
    expect(logLines(quiet.stderr).filter((l) => l.level === 'info')).toEqual([]);
    expect(logLines(quiet.stderr).some((l) => l.level === 'warn')).toBe(true);
  });

  it('a stage that fails on its data makes a partial run (exit 3): the others finish, the report says why, the run record holds it', () => {
    const dir = project('partial', { ...TINY, raw: 'raw' });
    // Every customer orders once: the Gamma-Gamma spend model has no repeat buyer to fit.
    const sample = join(t.dir, 'partial-sample');
    expect(runCli(['generate', '--out', sample, '--seed', '9', '--weeks', '40', '--scale', '0.05']).code).toBe(0);
    cpSync(sample, join(dir, 'raw'), { recursive: true });
    const orders = readFileSync(join(sample, 'orders.csv'), 'utf8').trimEnd().split('\n');
    writeFileSync(
      join(dir, 'raw', 'orders.csv'),
      `${[
        orders[0],
        ...orders.slice(1).map((row) => {
          const c = row.split(',');
          c[1] = `c-${c[0]}`;
          return c.join(',');
        }),
      ].join('\n')}\n`,
    );
    const r = runCli(['weekly'], dir);
    expect(r.code, r.stderr).toBe(3);
    expect(r.stdout).toMatch(/^clv +failed +.*repeat/m);
    for (const s of ['ingest', 'drift', 'mmm', 'optimise', 'simulate', 'report']) expect(r.stdout).toMatch(new RegExp(`^${s} +built `, 'm'));
    const record = JSON.parse(readFileSync(join(dir, r.stdout.match(/^run +(\S+)$/m)![1]), 'utf8'));
    expect(record.status).toBe('partial');
    expect(record.stages.find((s: { stage: string }) => s.stage === 'clv')).toMatchObject({ action: 'failed', error: expect.stringMatching(/repeat/) });
    const report = readFileSync(join(dir, 'reports', 'latest.html'), 'utf8');
    expect(report).toMatch(/the customer models could not be fitted: [^<]*repeat/);
    expect(report).toContain('<section id="channels"');
    // The model succeeded, so it is the one in use.
    expect(JSON.parse(readFileSync(join(dir, 'data', 'current.json'), 'utf8')).mmm).toBe(relative(join(dir, 'data'), join(dir, r.stdout.match(/^mmm +built +(\S+)$/m)![1])));
  });

  it('an infeasible allocation makes a partial run (exit 3): the record says there is no budget recommendation', () => {
    const dir = project('infeasible', { ...TINY, optimise: { constraints: [{ type: 'group', channels: ['tv'], min: 1e12 }] } });
    const r = runCli(['weekly'], dir);
    expect(r.code, r.stderr).toBe(3);
    expect(r.stdout).toMatch(/^optimise +built /m);
    const record = JSON.parse(readFileSync(join(dir, r.stdout.match(/^run +(\S+)$/m)![1]), 'utf8'));
    expect(record.status).toBe('partial');
    expect(record.stages.find((s: { stage: string }) => s.stage === 'optimise')).toMatchObject({ action: 'built', error: 'no budget recommendation: the allocation is infeasible' });
    expect(readFileSync(join(dir, 'reports', 'latest.html'), 'utf8')).toContain('No budget recommendation');
    // The re-run skips every stage and is still partial.
    const again = runCli(['weekly'], dir);
    expect(again.code, again.stderr).toBe(3);
    expect(again.stdout).toMatch(/^optimise +skipped /m);
  });

  it('keeps every run in `mmm runs`, sends alerts to a webhook, and --fail-on-alert exits 4', async () => {
    const received: unknown[] = [];
    const server = createServer((req, res) => {
      let body = '';
      req.on('data', (d) => (body += d));
      req.on('end', () => {
        received.push({ method: req.method, url: req.url, type: req.headers['content-type'], body: JSON.parse(body) });
        res.end('ok');
      });
    });
    await new Promise<void>((res) => server.listen(0, '127.0.0.1', res));
    const port = (server.address() as { port: number }).port;
    try {
      // A copy of a generated sample as the team's own data (the generated sample itself is never stale): it ends in 2023,
      // so with an as-of date in 2026 the data are stale, besides every ROAS being under 1000.
      const dir = project('alerts', { ...TINY, raw: 'raw', alerts: { roasFloor: 1000, staleAfterWeeks: 2, webhook: `http://127.0.0.1:${port}/hook` } });
      expect(runCli(['generate', '--out', join(dir, 'raw'), '--seed', '9', '--weeks', '40', '--scale', '0.05']).code).toBe(0);
      const first = await startCli(['weekly', '--as-of', '2026-01-05'], dir).done;
      expect(first.code, first.stderr).toBe(0);
      const report = readFileSync(join(dir, 'reports', 'latest.html'), 'utf8');
      expect(report).toMatch(/<div class="warn" role="alert"><b>Alerts<\/b><ul><li>the data end with the week of 2023-/);
      const second = await startCli(['weekly', '--as-of', '2026-01-05', '--fail-on-alert'], dir).done;
      expect(second.code).toBe(4);
      // The unchanged re-run raises the same alerts and leaves the report as it was.
      expect(readFileSync(join(dir, 'reports', 'latest.html'), 'utf8')).toBe(report);
      expect(received).toHaveLength(2);
      const hook = received[1] as { method: string; url: string; type: string; body: { runId: string; status: string; alerts: { kind: string; message: string }[]; report: string } };
      expect(hook).toMatchObject({ method: 'POST', url: '/hook', type: 'application/json', body: { status: 'ok' } });
      const channels = (JSON.parse(readFileSync(join(dir, 'data', JSON.parse(readFileSync(join(dir, 'data', 'current.json'), 'utf8')).mmm, 'model.json'), 'utf8')) as { channels: unknown[] }).channels
        .length;
      expect(hook.body.alerts.map((a) => a.kind)).toEqual(['stale-data', ...Array(channels).fill('roas-floor')]);
      expect(hook.body.alerts[0].message).toMatch(/^the data end with the week of 2023-\d\d-\d\d, \d+ full week\(s\) before the as-of date 2026-01-05: is the export stalled\?/);
      expect(hook.body.alerts[1].message).toMatch(/^[a-z_]+: ROAS \d+\.\d\d is below the floor 1000$/);
      const runs = runCli(['runs', '--store', join(dir, 'data'), '--json']);
      expect(runs.code).toBe(0);
      const history = JSON.parse(runs.stdout) as { runId: string; status: string; stages: { action: string }[]; alerts: unknown[] }[];
      expect(history.map((h) => h.runId)).toEqual([...history.map((h) => h.runId)].sort());
      expect(history.map((h) => h.runId).slice(-1)[0]).toBe(hook.body.runId);
      expect(history).toHaveLength(2);
      expect(history.map((h) => h.stages.filter((s) => s.action === 'built').length)).toEqual([7, 0]);
      expect(history.every((h) => h.status === 'ok' && h.alerts.length === channels + 1)).toBe(true);
      const text = runCli(['runs', '--store', join(dir, 'data')]);
      expect(text.stdout.trim().split('\n')).toHaveLength(2);
      expect(text.stdout).toMatch(new RegExp(` ok +\\d{4}-.*built 7, skipped 0 +mmm refit +${channels + 1} alert\\(s\\) +reports/weekly-`));
    } finally {
      server.close();
    }
  });

  it('a run that goes back to a model an earlier run built says so, and raises the refit alert', () => {
    const dir = project('back');
    expect(runCli(['weekly'], dir).code).toBe(0);
    writeFileSync(join(dir, 'mmm.config.json'), JSON.stringify({ ...TINY, seed: 4 }));
    expect(runCli(['weekly'], dir).code).toBe(0);
    writeFileSync(join(dir, 'mmm.config.json'), JSON.stringify(TINY));
    const back = runCli(['weekly'], dir);
    expect(back.code, back.stderr).toBe(0);
    expect(back.stdout).not.toMatch(/ built /);
    const record = JSON.parse(readFileSync(join(dir, back.stdout.match(/^run +(\S+)$/m)![1]), 'utf8'));
    expect(record.decisions[0]).toEqual({ model: 'mmm', action: 'refit', reason: 'a model an earlier run built for these data and settings (its reasons then: no fitted model yet)' });
    expect(record.alerts.map((a: { kind: string }) => a.kind)).toEqual(['refit']);
  });

  it('mmm gc --dry-run on a store a run left mid-commit says the commit is half done and lists none of its files; gc finishes it', async () => {
    const dir = project('gc-commit');
    expect(runCli(['weekly'], dir).code).toBe(0);
    writeFileSync(join(dir, 'mmm.config.json'), JSON.stringify({ ...TINY, simulate: { draws: 300 } }));
    const mark = join(t.dir, 'gc-commit.mark');
    const run = startCli(['weekly'], dir, { MMM_TEST_PAUSE_STAGE: 'commit', MMM_TEST_PAUSE_MARK: mark });
    await waitForFile(mark, run);
    run.child.kill('SIGKILL');
    await run.done;
    const dry = runCli(['gc', '--keep', '1', '--dry-run'], dir);
    expect(dry.code, dry.stderr).toBe(0);
    expect(logLines(dry.stderr).some((l) => l.level === 'warn' && l.message.startsWith("a killed run's commit is half done (data/current.json"))).toBe(true);
    expect(dry.stdout).not.toMatch(/\.tmp-\d+-commit-/);
    const gc = runCli(['gc', '--keep', '1'], dir);
    expect(gc.code, gc.stderr).toBe(0);
    expect(logLines(gc.stderr).some((l) => l.message === 'finished the commit of a run that was killed while committing')).toBe(true);
    expect(temps(dir)).toEqual([]);
  });

  it('mmm gc --keep 1 retires old artifacts and .prev copies, never what the current model, report and last run use', () => {
    const dir = project('gc');
    expect(runCli(['weekly'], dir).code).toBe(0);
    writeFileSync(join(dir, 'mmm.config.json'), JSON.stringify({ ...TINY, simulate: { draws: 300 } }));
    expect(runCli(['weekly'], dir).code).toBe(0);
    writeFileSync(join(dir, 'reports', 'latest.html.prev-0123456789ab'), 'old');
    const dry = runCli(['gc', '--keep', '1', '--dry-run'], dir);
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.stdout).toMatch(/^would remove data\/artifacts\/simulate\/[0-9a-f]{16}$/m);
    expect(dry.stdout).toMatch(/^would remove reports\/latest\.html\.prev-0123456789ab$/m);
    // The first run's simulate and report, the first weekly report (kept as .prev when the second replaced it) and the planted copy.
    expect(
      dry.stdout
        .split('\n')
        .filter((l) => l.startsWith('would remove'))
        .sort(),
    ).toEqual([
      expect.stringMatching(/^would remove data\/artifacts\/report\/[0-9a-f]{16}$/),
      expect.stringMatching(/^would remove data\/artifacts\/simulate\/[0-9a-f]{16}$/),
      'would remove reports/latest.html.prev-0123456789ab',
      expect.stringMatching(/^would remove reports\/weekly-\d{4}-\d\d-\d\d\.html\.prev-[0-9a-f]{12}$/),
    ]);
    // A store given by --store, without --reports, leaves every reports folder alone; a temporary folder a killed run left goes.
    mkdirSync(join(dir, 'data', 'artifacts', 'simulate', '.tmp-2147483646-dead'), { recursive: true });
    const dryTemps = runCli(['gc', '--keep', '1', '--store', 'data', '--dry-run'], dir);
    expect(dryTemps.stdout).toMatch(/^would remove data\/artifacts\/simulate\/\.tmp-2147483646-dead$/m);
    expect(existsSync(join(dir, 'data', 'artifacts', 'simulate', '.tmp-2147483646-dead'))).toBe(true);
    expect(errorLine(runCli(['gc', '--keep', '1', '--store', 'data', '--config', 'mmm.config.json'], dir).stderr)).toBe('error: mmm gc: give --config (or --root) or --store, not both');
    const byStore = runCli(['gc', '--keep', '1', '--store', 'data'], dir);
    expect(byStore.code, byStore.stderr).toBe(0);
    expect(byStore.stdout).not.toMatch(/reports\//);
    expect(existsSync(join(dir, 'reports', 'latest.html.prev-0123456789ab'))).toBe(true);
    expect(temps(dir)).toEqual([]);
    expect(errorLine(runCli(['gc', '--keep', '1', '--store', 'nowhere'], dir).stderr)).toBe('error: mmm gc: no store nowhere');
    const gc = runCli(['gc', '--keep', '1'], dir);
    expect(gc.code).toBe(0);
    expect(existsSync(join(dir, 'reports', 'latest.html.prev-0123456789ab'))).toBe(false);
    // What the last run used is intact, so an unchanged re-run still builds nothing.
    const again = runCli(['weekly'], dir);
    expect(again.code).toBe(0);
    expect(again.stdout).not.toMatch(/ built /);
    expect(manifestsHold(join(dir, 'data'))).toBe(7);
  });
});

describe('bad input at the pipeline level', () => {
  it('refuses each with exit 2 and one line naming the file, row and column (or the config key); nothing moves and the failed run is on record', () => {
    const dir = project('bad', { ...TINY, raw: 'raw' });
    const sample = join(t.dir, 'bad-sample');
    expect(runCli(['generate', '--out', sample, '--seed', '9', '--weeks', '40', '--scale', '0.05']).code).toBe(0);
    cpSync(sample, join(dir, 'raw'), { recursive: true });
    const good = runCli(['weekly', '--as-of', '2026-01-01'], dir);
    expect(good.code, good.stderr).toBe(0);
    const pristine = readFileSync(join(sample, 'orders.csv'), 'utf8');
    const spend = readFileSync(join(sample, 'spend.csv'), 'utf8');
    const lines = pristine.trimEnd().split('\n');
    const cases: [string, () => void, RegExp, object?][] = [
      [
        'an order dated decades ahead',
        () => writeFileSync(join(dir, 'raw', 'orders.csv'), `${[lines[0], ...lines.slice(1, 3), lines[3].replace(/,\d{4}-\d\d-\d\dT/, ',2099-01-01T'), ...lines.slice(4)].join('\n')}\n`),
        /^error: orders\.csv row 3 column "timestamp": 2099-01-01T.* is after the as-of date 2026-01-01/,
      ],
      [
        'a constant target',
        () => writeFileSync(join(dir, 'raw', 'orders.csv'), `${[lines[0], ...lines.slice(1).map((l) => l.replace(/,[0-9.]+,([A-Z]{3})$/, ',0,$1'))].join('\n')}\n`),
        /^error: orders\.csv column "amount": weekly revenue is 0 in every week/,
      ],
      [
        'an order of 900000000 (a week far above the rest)',
        () => writeFileSync(join(dir, 'raw', 'orders.csv'), `${[...lines.slice(0, 5), lines[5].replace(/,[0-9.]+,([A-Z]{3})$/, ',900000000,$1'), ...lines.slice(6)].join('\n')}\n`),
        /^error: orders\.csv column "amount": the week of \d{4}-\d\d-\d\d has revenue [0-9.e+]+, [0-9.e+]+ times the median week .*; its largest order is \S+ \(900000000\)$/,
      ],
      [
        'negative spend',
        () => writeFileSync(join(dir, 'raw', 'spend.csv'), spend.replace(/\n([^,\n]*,[^,\n]*,[^,\n]*),([0-9.]+)/, '\n$1,-$2')),
        /^error: spend\.csv row 1 column "spend": negative spend -/,
      ],
      [
        'text that is not UTF-8',
        () =>
          writeFileSync(
            join(dir, 'raw', 'spend.csv'),
            Buffer.concat([
              Buffer.from(spend.slice(0, spend.indexOf('\n', spend.indexOf('\n') + 1) + 1)),
              Buffer.from([0xff, 0xfe, 0x41]),
              Buffer.from(spend.slice(spend.indexOf('\n', spend.indexOf('\n') + 1) + 1)),
            ]),
          ),
        /^error: spend\.csv row 2 .*UTF-8/,
      ],
      [
        'a constraint naming no channel of the data',
        // A control constant in every week: the ingest warns and drops it, so the failed run's record carries a warning.
        () => {
          const controls = join(dir, 'raw', 'controls.csv');
          const dates = [
            ...new Set(
              readFileSync(controls, 'utf8')
                .trim()
                .split('\n')
                .slice(1)
                .map((l) => l.split(',')[0]),
            ),
          ];
          writeFileSync(controls, `${readFileSync(controls, 'utf8').trimEnd()}\n${dates.map((d) => `${d},promo,1`).join('\n')}\n`);
        },
        /^error: mmm\.config\.json: optimise\.constraints\[0\]: unknown channel "nope" \(channels: /,
        { optimise: { horizonWeeks: 4, sweepPoints: 5, constraints: [{ type: 'group', channels: ['nope'], max: 5 }] } },
      ],
      [
        'a constraint of an unknown kind',
        () => undefined,
        /^error: mmm\.config\.json: optimise\.constraints\[0\]\.type: "grp" is not one of the allowed kinds \(group, ratio, roasFloor\)$/,
        { optimise: { horizonWeeks: 4, constraints: [{ type: 'grp' }] } },
      ],
    ];
    for (const [name, edit, line, extra] of cases) {
      cpSync(sample, join(dir, 'raw'), { recursive: true });
      writeFileSync(join(dir, 'mmm.config.json'), JSON.stringify({ ...TINY, raw: 'raw', ...(extra ?? {}) }));
      edit();
      const before = pointers(dir);
      const r = runCli(['weekly', '--as-of', '2026-01-01'], dir);
      expect(r.code, `${name}: ${r.stderr}`).toBe(2);
      // One failure line: a JSON log line (stderr is not a terminal) at level error with the exit code.
      const errors = logLines(r.stderr)
        .filter((l) => l.level === 'error' && l.fields?.exitCode === 2)
        .map((l) => `error: ${l.message}`);
      expect(
        r.stderr.split('\n').filter((l) => l !== '' && !l.startsWith('{')),
        name,
      ).toEqual([]);
      expect(errors, name).toHaveLength(1);
      expect(errors[0], name).toMatch(line);
      const after = pointers(dir);
      expect({ current: after.current, latest: after.latest }, name).toEqual({ current: before.current, latest: before.latest });
      expect(temps(dir), name).toEqual([]);
      // A run that started (past the config check) is on record as failed; a config refused up front starts none.
      const started = !name.includes('unknown kind');
      expect(after.runs, name).toBe(before.runs + (started ? 1 : 0));
      if (started) {
        const newest = readdirSync(join(dir, 'data', 'runs'))
          .filter((f) => f.endsWith('.json'))
          .sort()
          .at(-1)!;
        const record = JSON.parse(readFileSync(join(dir, 'data', 'runs', newest), 'utf8'));
        expect(record, name).toMatchObject({ status: 'failed', error: errors[0].slice('error: '.length) });
        // The stages that ran before the error are on record (the constraint check follows the ingest; the input errors come before it).
        expect(
          record.stages.map((s: { stage: string }) => s.stage),
          name,
        ).toEqual(name === 'a constraint naming no channel of the data' ? ['ingest'] : []);
        // with their warnings.
        const warned = record.stages.flatMap((st: { stage: string; dir: string }) =>
          (JSON.parse(readFileSync(join(dir, 'data', st.dir, 'manifest.json'), 'utf8')).warnings as string[]).map((message) => ({ stage: st.stage, message })),
        );
        expect(record.warnings, name).toEqual(warned);
        if (name === 'a constraint naming no channel of the data') expect(warned.map((w: { message: string }) => w.message)).toContainEqual(expect.stringMatching(/^control "promo" is constant/));
      }
    }
  });
});
