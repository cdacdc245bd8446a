import { afterEach, describe, expect, it } from 'vitest';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { dataVersionOf, readManifest, resolveInside, writeArtifact, writeFileAtomic } from '../../src/core/artifacts.ts';
import { canonicalJson, sha256 } from '../../src/core/hash.ts';
import { resolveConfig } from '../../src/core/config.ts';
import { tempDir } from '../helpers/tmp.ts';

let cleanup: () => void = () => {};
afterEach(() => cleanup());

describe('writeArtifact', () => {
  it('writes the files and a manifest with each output hash, then skips an unchanged data version', async () => {
    const t = tempDir();
    cleanup = t.cleanup;
    const dir = join(t.dir, 'a');
    const opts = {
      dir,
      stage: 'demo',
      codeVersion: 'demo@1',
      params: { b: 2, a: 1 },
      inputs: [{ path: 'in.csv', sha256: sha256('x') }],
      build: async (tmp: string) => {
        writeFileSync(join(tmp, 'out.txt'), 'hello');
        return { metrics: { n: 1 } };
      },
    };
    const first = await writeArtifact(opts);
    expect(first.skipped).toBe(false);
    expect(first.manifest.outputs).toEqual([{ path: 'out.txt', sha256: sha256('hello'), bytes: 5 }]);
    expect(first.manifest.dataVersion).toBe(dataVersionOf('demo@1', [sha256('x')], { a: 1, b: 2 }));
    const bytes = readFileSync(join(dir, 'manifest.json'), 'utf8');
    const second = await writeArtifact({
      ...opts,
      build: async () => {
        throw new Error('must not run');
      },
    });
    expect(second.skipped).toBe(true);
    expect(readFileSync(join(dir, 'manifest.json'), 'utf8')).toBe(bytes);
  });

  it('leaves no folder and no manifest when the build fails, and keeps a previous output aside when replaced', async () => {
    const t = tempDir();
    cleanup = t.cleanup;
    const dir = join(t.dir, 'b');
    await expect(
      writeArtifact({
        dir,
        stage: 's',
        codeVersion: '1',
        params: {},
        inputs: [],
        build: async (tmp) => {
          writeFileSync(join(tmp, 'half.txt'), 'x');
          throw new Error('boom');
        },
      }),
    ).rejects.toThrow('boom');
    expect(existsSync(dir)).toBe(false);
    expect(readdirSync(t.dir)).toEqual([]);
    await writeArtifact({
      dir,
      stage: 's',
      codeVersion: '1',
      params: { v: 1 },
      inputs: [],
      build: async (tmp) => {
        writeFileSync(join(tmp, 'f'), 'one');
        return {};
      },
    });
    await writeArtifact({
      dir,
      stage: 's',
      codeVersion: '1',
      params: { v: 2 },
      inputs: [],
      build: async (tmp) => {
        writeFileSync(join(tmp, 'f'), 'two');
        return {};
      },
    });
    expect(readFileSync(join(dir, 'f'), 'utf8')).toBe('two');
    const kept = readdirSync(t.dir).filter((n) => n.startsWith('b.prev-'));
    expect(kept).toHaveLength(1);
    expect(readFileSync(join(t.dir, kept[0], 'f'), 'utf8')).toBe('one');
    expect((await readManifest(join(t.dir, kept[0])))?.params).toEqual({ v: 1 });
  });

  it('two writers finishing the same folder at once: the same version is written once, a different one is kept aside (no ENOTEMPTY)', async () => {
    const t = tempDir();
    cleanup = t.cleanup;
    const dir = join(t.dir, 'race');
    // Both builds finish only when both have started, so both reach the final rename together.
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let started = 0;
    const build = (text: string) => async (tmp: string) => {
      writeFileSync(join(tmp, 'f'), text);
      if (++started === 2) release();
      await gate;
      return {};
    };
    const same = await Promise.all([0, 1].map(() => writeArtifact({ dir, stage: 's', codeVersion: '1', params: {}, inputs: [], build: build('x') })));
    expect(same.map((r) => r.skipped).sort()).toEqual([false, true]);
    expect(readdirSync(t.dir)).toEqual(['race']);
    started = 0;
    const gate2 = new Promise<void>((r) => (release = r));
    const build2 = (v: number) => async (tmp: string) => {
      writeFileSync(join(tmp, 'f'), String(v));
      if (++started === 2) release();
      await gate2;
      return {};
    };
    const differ = await Promise.all([1, 2].map((v) => writeArtifact({ dir: join(t.dir, 'race2'), stage: 's', codeVersion: '1', params: { v }, inputs: [], build: build2(v) })));
    expect(differ.every((r) => !r.skipped)).toBe(true);
    const kept = readdirSync(t.dir).filter((n) => n.startsWith('race2.prev-'));
    expect(kept).toHaveLength(1);
    expect([readFileSync(join(t.dir, 'race2', 'f'), 'utf8'), readFileSync(join(t.dir, kept[0], 'f'), 'utf8')].sort()).toEqual(['1', '2']);
  });

  it('writeFileAtomic keeps a different previous file and writes nothing for identical bytes', async () => {
    const t = tempDir();
    cleanup = t.cleanup;
    const p = join(t.dir, 'x.json');
    await writeFileAtomic(p, 'A', { keepPrevious: true });
    await writeFileAtomic(p, 'A', { keepPrevious: true });
    expect(readdirSync(t.dir)).toEqual(['x.json']);
    await writeFileAtomic(p, 'B', { keepPrevious: true });
    expect(readFileSync(p, 'utf8')).toBe('B');
    expect(readdirSync(t.dir).sort()).toEqual(['x.json', `x.json.prev-${sha256('A').slice(0, 12)}`]);
  });
});

describe('paths and config', () => {
  it('refuses paths that leave the artifact store', () => {
    expect(resolveInside('/srv/root', 'data/x')).toBe('/srv/root/data/x');
    expect(resolveInside('/srv/root', '..data/x')).toBe('/srv/root/..data/x');
    expect(() => resolveInside('/srv/root', 'a/../../x', 'reports')).toThrow('reports "a/../../x" is outside the artifact store /srv/root');
    expect(() => resolveInside('/srv/root', '../etc', 'store')).toThrow('store "../etc" is outside the artifact store /srv/root');
    expect(() => resolveInside('/srv/root', '/etc/passwd', 'raw')).toThrow('raw "/etc/passwd" is outside the artifact store /srv/root');
  });

  it('fills defaults and rejects unknown keys, wrong types and out-of-range values with the key path', () => {
    const c = resolveConfig({}, '/r');
    expect(c.mmm).toMatchObject({
      trials: 5,
      iterations: 2000,
      bootstrap: 200,
      controls: null,
      threads: null,
      adstock: ['geometric', 'binomial'],
      saturation: ['hill', 'michaelis_menten'],
      interceptSign: 'non_negative',
    });
    expect(c.raw).toBeNull(); // no input configured: a run refuses to start (weekly.test)
    expect(resolveConfig({ raw: 'data/sample' }, '/r').raw).toBe('/r/data/sample');
    expect(() => resolveConfig({ mmm: { trails: 3 } }, '/r', 'c.json')).toThrow('c.json: mmm: unknown key "trails"');
    // A misspelt required key is named as the unknown key it is, not as the key it leaves missing.
    const typo = { input: { weekly: 'w.csv', target: 'revenue', chanels: ['tv'] } };
    expect(() => resolveConfig(typo, '/r', 'c.json')).toThrow('c.json: input: unknown key "chanels" (allowed: ');
    expect(() => resolveConfig({ seed: 'x' }, '/r', 'c.json')).toThrow('c.json: seed: must be a number');
    expect(() => resolveConfig({ simulate: { draws: 5 } }, '/r', 'c.json')).toThrow('c.json: simulate.draws: must be >= 100');
    expect(() => resolveConfig({ reports: '../../tmp' }, '/r', 'c.json')).toThrow('reports "../../tmp" is outside the project folder /r');
  });

  it('canonical JSON sorts keys at every depth and refuses non-finite numbers', () => {
    expect(canonicalJson({ b: 1, a: [2, { d: 3, c: 4 }] })).toBe('{"a":[2,{"c":4,"d":3}],"b":1}');
    expect(() => canonicalJson({ x: Number.NaN })).toThrow('non-finite');
  });
});
