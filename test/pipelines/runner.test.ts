/** The stage runner's contracts: order, declared inputs only, per-stage code fingerprints, failure isolation. */
import { afterAll, describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConvergenceError, ValidationError } from '../../src/core/errors.ts';
import { importGraph, importSpecifiers } from '../../pipelines/fingerprint.ts';
import { memoryLog } from '../../pipelines/log.ts';
import { orderStages, runStages, type Stage } from '../../pipelines/runner.ts';
import { tempDir } from '../helpers/tmp.ts';

const t = tempDir('mmm-runner-');
afterAll(() => t.cleanup());

const rel = (p: string) => p.slice(fileURLToPath(new URL('../../', import.meta.url)).length);

/** A stage writing `out.txt` with `text`; `fail` throws instead. */
function stage(name: string, over: Partial<Stage<{ text: string }>> & { text?: string } = {}): Stage<{ text: string }> {
  return {
    name,
    version: `${name}@1`,
    module: import.meta.url,
    needs: [],
    reads: {},
    outputs: ['out.txt'],
    params: () => ({ text: over.text ?? name }),
    run: async (ctx) => {
      writeFileSync(join(ctx.dir, 'out.txt'), ctx.params.text);
      return {};
    },
    ...over,
  };
}

describe('the stage runner', () => {
  it('orders stages after what they need or use, and refuses cycles and undeclared reads', () => {
    const names = orderStages([stage('c', { needs: ['b'] }), stage('b', { uses: ['a'] }), stage('a')]).map((s) => s.name);
    expect(names).toEqual(['a', 'b', 'c']);
    expect(() => orderStages([stage('a', { needs: ['b'] }), stage('b', { needs: ['a'] })])).toThrow('stage cycle: a -> b -> a');
    expect(() => orderStages([stage('a', { reads: { b: ['out.txt'] } }), stage('b')])).toThrow('stage a reads from b without declaring it');
  });

  it('hands a stage only the upstream files it declared', async () => {
    const log = memoryLog();
    const seen: string[] = [];
    const b = stage('b', {
      needs: ['a'],
      reads: { a: ['out.txt'] },
      run: async (ctx) => {
        seen.push(readFileSync(ctx.file('a', 'out.txt'), 'utf8'));
        expect(() => ctx.file('a', 'manifest.json')).toThrow('stage b reads a/manifest.json without declaring it');
        writeFileSync(join(ctx.dir, 'out.txt'), 'b');
        return {};
      },
    });
    const out = await runStages([b, stage('a', { text: 'from a' })], join(t.dir, 's1'), 'run1', log);
    expect(out.map((o) => `${o.stage} ${o.action}`)).toEqual(['a built', 'b built']);
    expect(seen).toEqual(['from a']);
    // The upstream file's hash is part of b's inputs: a changed a rebuilds b, an unchanged one skips both.
    const again = await runStages([b, stage('a', { text: 'from a' })], join(t.dir, 's1'), 'run2', log);
    expect(again.map((o) => o.action)).toEqual(['skipped', 'skipped']);
    const changed = await runStages([b, stage('a', { text: 'changed' })], join(t.dir, 's1'), 'run3', log);
    expect(changed.map((o) => o.action)).toEqual(['built', 'built']);
  });

  it('a stage failing on its data is recorded; what needs it does not run, what only uses it runs without it', async () => {
    const log = memoryLog();
    const failing = stage('clv', {
      run: async () => {
        throw new ConvergenceError('Gamma-Gamma fit did not converge');
      },
    });
    const out = await runStages(
      [
        stage('a'),
        failing,
        stage('needs', { needs: ['clv'] }),
        stage('uses', {
          uses: ['clv'],
          needs: ['a'],
          run: async (ctx) => {
            writeFileSync(join(ctx.dir, 'out.txt'), JSON.stringify(ctx.missing));
            return {};
          },
        }),
      ],
      join(t.dir, 's2'),
      'r',
      log,
    );
    expect(out.map((o) => `${o.stage} ${o.action}`)).toEqual(['a built', 'clv failed', 'needs not-run', 'uses built']);
    expect(log.entries).toContainEqual({ level: 'error', stage: 'clv', message: 'clv failed: Gamma-Gamma fit did not converge', fields: { action: 'failed' } });
    const uses = out[3] as { dir: string };
    expect(JSON.parse(readFileSync(join(uses.dir, 'out.txt'), 'utf8'))).toEqual({ clv: 'failed: Gamma-Gamma fit did not converge' });
    // Bad input naming a file stops the run.
    const bad = stage('bad', {
      run: async () => {
        throw new ValidationError('negative spend', { file: 'spend.csv', row: 3, column: 'spend' });
      },
    });
    await expect(runStages([bad], join(t.dir, 's3'), 'r', log)).rejects.toThrow('spend.csv row 3 column "spend": negative spend');
    // What ran before the stopping error is handed back for the run's record.
    const done: Awaited<ReturnType<typeof runStages>> = [];
    await expect(runStages([stage('a'), stage('bad2', { needs: ['a'], run: bad.run })], join(t.dir, 's4'), 'r', log, {}, done)).rejects.toThrow(/negative spend/);
    expect(done.map((o) => `${o.stage} ${o.action}`)).toEqual(['a built']);
  });
});

describe('code fingerprints', () => {
  it('reads static, dynamic, re-export and worker-URL specifiers', () => {
    const src = `import a from './a.ts';\nimport type { B } from "../b.ts";\nexport * from './c.ts';\nconst d = await import('./d.ts');\nnew Worker(new URL('./w.ts', import.meta.url));\nimport 'side-effect';`;
    expect(importSpecifiers(src).sort()).toEqual(['../b.ts', './a.ts', './c.ts', './d.ts', './w.ts', 'side-effect'].sort());
  });

  it("cover the files a stage imports: the report's code is not the model's, the search worker is the model's", () => {
    const graph = (stageFile: string) => importGraph(fileURLToPath(new URL(`../../pipelines/stages/${stageFile}`, import.meta.url))).files.map(rel);
    const mmm = graph('mmm.ts');
    const report = graph('report.ts');
    expect(mmm).toContain('src/mmm/search-worker.ts');
    expect(mmm.some((f) => f.startsWith('src/report/'))).toBe(false);
    expect(report).toContain('src/report/render.ts');
    expect(report.some((f) => f.startsWith('src/mmm/search'))).toBe(false);
    expect(importGraph(fileURLToPath(new URL('../../pipelines/stages/mmm.ts', import.meta.url))).packages).not.toHaveProperty('vega');
  });
});
