/**
 * The README's "A weekly table" commands run as written (with `npx mmm` as
 * this checkout's bin/mmm.mjs), in order, from a folder holding what a clone
 * holds: examples/ and mmm.config.json. Its config block is a valid config.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { cpSync, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { resolveConfig } from '../src/core/config.ts';
import { runCli, tempDir } from './helpers/tmp.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const README = readFileSync(join(ROOT, 'README.md'), 'utf8');
const t = tempDir('mmm-readme-');
afterAll(() => t.cleanup());

/** The fenced blocks of a language between two headings of the README. */
function blocks(from: string, to: string, lang: string): string[] {
  const part = README.slice(README.indexOf(from), README.indexOf(to, README.indexOf(from)));
  return [...part.matchAll(new RegExp(`\`\`\`${lang}\\n([\\s\\S]*?)\`\`\``, 'g'))].map((m) => m[1]);
}

/** Shell lines of a block, continuation lines joined, split into words (the README's commands quote nothing). */
function commands(block: string): string[][] {
  return block
    .replace(/\\\n\s*/g, ' ')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'))
    .map((l) => l.split(/\s+/));
}

describe('the README', () => {
  it('runs the weekly-table commands as written, each exiting 0', () => {
    cpSync(join(ROOT, 'examples'), join(t.dir, 'examples'), { recursive: true });
    cpSync(join(ROOT, 'mmm.config.json'), join(t.dir, 'mmm.config.json'));
    const lines = blocks('### A weekly table', '### Raw events', 'sh').flatMap(commands);
    expect(lines.length).toBe(5);
    for (const words of lines) {
      expect(words.slice(0, 2)).toEqual(['npx', 'mmm']);
      const r = runCli(words.slice(2), t.dir);
      expect(r.code, `${words.join(' ')}\n${r.stderr}`).toBe(0);
    }
    expect(existsSync(join(t.dir, 'robyn/reports/weekly-2019-11-11.html'))).toBe(true);
    expect(existsSync(join(t.dir, 'robyn/forecast/bands.json'))).toBe(true);
    expect(readFileSync(join(t.dir, 'robyn/report.html'), 'utf8')).toBe(readFileSync(join(t.dir, 'robyn/reports/latest.html'), 'utf8'));
    // As the README says, the step-by-step fit is the weekly run's model, byte for byte.
    const inUse = JSON.parse(readFileSync(join(t.dir, 'robyn/data/current.json'), 'utf8')).mmm;
    expect(readFileSync(join(t.dir, 'robyn/fit/model.json'), 'utf8')).toBe(readFileSync(join(t.dir, 'robyn/data', inUse, 'model.json'), 'utf8'));
  });

  it('shows a config block that the config schema accepts', () => {
    const [json] = blocks('### A weekly table', '### Raw events', 'json');
    const cfg = resolveConfig(JSON.parse(json), ROOT, 'README');
    expect(cfg.input?.spec).toMatchObject({ dateCol: 'DATE', target: 'revenue', factors: ['events'], organic: ['newsletter'], holidays: { country: 'DE' } });
  });
});
