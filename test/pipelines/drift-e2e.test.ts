import { afterAll, describe, expect, it } from 'vitest';
import { cpSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateSample } from '../../src/ingest/generate.ts';
import { runCli, tempDir } from '../helpers/tmp.ts';

const t = tempDir('mmm-drift-');
afterAll(() => t.cleanup());

/** Copies a raw folder keeping only rows dated before `cutoff` (YYYY-MM-DD). */
function truncateRaw(from: string, to: string, cutoff: string): void {
  mkdirSync(to, { recursive: true });
  for (const f of readdirSync(from).filter((n) => n.endsWith('.csv'))) {
    const [header, ...rows] = readFileSync(join(from, f), 'utf8').trimEnd().split('\n');
    const col = header.split(',').findIndex((c) => c === 'date' || c === 'timestamp');
    const kept = col < 0 ? rows : rows.filter((r) => r.split(',')[col].slice(0, 10) < cutoff);
    writeFileSync(join(to, f), `${[header, ...kept].join('\n')}\n`);
  }
}

function weekly(config: object) {
  writeFileSync(join(t.dir, 'mmm.config.json'), JSON.stringify(config));
  const r = runCli(['weekly', '--config', join(t.dir, 'mmm.config.json')], t.dir);
  expect(r.stderr).not.toMatch(/^error:/m);
  expect(r.code).toBe(0);
  const run = JSON.parse(readFileSync(join(t.dir, r.stdout.match(/^run +(\S+)$/m)![1]), 'utf8'));
  return { stdout: r.stdout, run, mmm: run.stages.find((s: { stage: string }) => s.stage === 'mmm').dir as string };
}

describe('weekly runs over new weeks', () => {
  it('reuses the model while new weeks stay in its band, refits when they leave it, and records why', async () => {
    const full = join(t.dir, 'full');
    await generateSample({ out: full, seed: 4, weeks: 64, scale: 0.1 });
    const raw = join(t.dir, 'raw');
    truncateRaw(full, raw, '2024-02-19'); // the first 59 weeks (start 2023-01-02)
    const base = { raw: 'raw', alerts: { staleAfterWeeks: null }, seed: 2, mmm: { trials: 2, iterations: 150, bootstrap: 20 }, simulate: { draws: 500 }, optimise: { horizonWeeks: 4 } };
    const loose = { errorBandSigma: 10, recentWeeks: 4, spendRangeTolerance: 10, maxModelAgeWeeks: 13 };

    const first = weekly({ ...base, drift: loose });
    expect(first.run.decisions[0]).toEqual({ model: 'mmm', action: 'refit', reason: 'no fitted model yet' });

    // Five more weeks arrive.
    rmSync(raw, { recursive: true });
    cpSync(full, raw, { recursive: true });
    const second = weekly({ ...base, drift: loose });
    expect(second.run.decisions[0].action).toBe('reuse');
    expect(second.run.decisions[0].reason).toMatch(/^5 new week\(s\) within the error band \(RMS \d+\.\d\d residual sd\)/);
    expect(second.mmm).toBe(first.mmm);
    expect(second.stdout).toMatch(/^ingest +built /m);
    // The kept model is carried forward: the forecast starts the week after the newest data, not after the model's.
    const simDir = second.run.stages.find((s: { stage: string }) => s.stage === 'simulate').dir;
    const bands = JSON.parse(readFileSync(join(t.dir, 'data', simDir, 'bands.json'), 'utf8'));
    expect(bands.weekly[0].date).toBe('2024-03-25');
    expect(bands.weekly).toHaveLength(4);

    // The same weeks judged with a tight band: the error leaves it, so the model is refitted on all 64 weeks.
    const third = weekly({ ...base, drift: { ...loose, errorBandSigma: 0.5 } });
    expect(third.run.decisions[0].action).toBe('refit');
    expect(third.run.decisions[0].reason).toMatch(/^recent error left the band: RMS \d+\.\d\d residual sd over the last 4 week\(s\) > 0\.5$/);
    // A refit of a model in use is an alert (on by default), in the run record.
    expect(third.run.alerts.map((a: { kind: string }) => a.kind)).toEqual(['refit']);
    expect(third.mmm).not.toBe(first.mmm);
    const model = JSON.parse(readFileSync(join(t.dir, 'data', third.mmm, 'model.json'), 'utf8'));
    expect(model.window.weeks).toBe(64);
    expect(JSON.parse(readFileSync(join(t.dir, 'data', 'current.json'), 'utf8'))).toMatchObject({ mmm: third.mmm });
  });
});
