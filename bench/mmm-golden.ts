/**
 * Golden outputs of fitMmm: fits a fixed set of small configurations (default
 * families, log saturation, Weibull adstock, a lift study, consensus selection)
 * and prints one sha256 per configuration of everything a fit returns. A
 * refactor that must not change behaviour prints the same hashes before and
 * after; `--dump DIR` also writes each fit as JSON for a diff.
 * usage: node bin/run-ts.mjs bench/mmm-golden.ts [--dump DIR]
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { sha256, stableJson } from '../src/core/hash.ts';
import { fitMmm } from '../src/mmm/index.ts';
import { generateWeeklyData } from '../src/lab/index.ts';
import type { FitOptions } from '../src/mmm/index.ts';
import { arg } from './args.ts';

const dump = arg('dump', '');
const small = { trials: 2, iterations: 300, bootstrap: 30, threads: 1 };
const s1 = generateWeeklyData({ seed: 1, channels: 4 });
const s2 = generateWeeklyData({ seed: 2, channels: 5 });
const iso = (t: number) => new Date(s1.data.dates[t] * 86400000).toISOString().slice(0, 10);
const cases: [string, typeof s1, FitOptions][] = [
  ['default', s1, { ...small, seed: 1 }],
  ['default-seed2', s2, { ...small, seed: 2 }],
  ['log', s1, { ...small, saturation: 'log' }],
  ['weibull-pdf', s2, { ...small, adstock: 'weibull_pdf' }],
  ['normalised', s1, { ...small, normalisedAdstock: true, controlSigns: { price_index: 'negative' } }],
  ['calibrated', s1, { ...small, calibration: [{ channel: 'search_spend', from: iso(74), to: iso(81), lift: 400000 }] }],
  ['consensus', s2, { ...small, selection: 'consensus' }],
];
for (const [name, s, o] of cases) {
  const f = await fitMmm(s.data, o);
  const text = stableJson({ model: f.model, decomposition: f.decomposition, pareto: f.pareto, draws: f.draws, warnings: f.warnings, diagnostics: f.diagnostics });
  if (dump) {
    mkdirSync(dump, { recursive: true });
    writeFileSync(join(dump, `${name}.json`), text);
  }
  console.log(`${name.padEnd(14)} ${sha256(text)}`);
}
