/**
 * The code fingerprint of a stage: a hash of its module and of every project
 * file that module reaches through imports (static, dynamic, re-exports and
 * `new URL('./x.ts', import.meta.url)` worker references), plus the versions of
 * the npm packages those files import. A change to the report's CSS changes
 * the report stage's fingerprint only, not the model's (issue 13).
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const SPECIFIER = [
  /(?:^|[\s;}])(?:import|export)\s[^'"`;]*?\bfrom\s*['"]([^'"]+)['"]/g,
  /(?:^|[\s;}])import\s*['"]([^'"]+)['"]/g,
  /\bimport\s*\(\s*['"]([^'"]+)['"]\s*\)/g,
  /\bnew URL\(\s*['"]([^'"]+)['"]\s*,\s*import\.meta\.url\s*\)/g,
];

/** The specifiers a source file refers to, in order of appearance per pattern. */
export function importSpecifiers(source: string): string[] {
  const out: string[] = [];
  for (const re of SPECIFIER) for (const m of source.matchAll(re)) out.push(m[1]);
  return out;
}

/** The npm package a bare specifier names (`@scope/name/sub` -> `@scope/name`), or null for node builtins. */
function packageOf(spec: string): string | null {
  if (spec.startsWith('node:')) return null;
  const parts = spec.split('/');
  return spec.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

function packageVersion(name: string): string {
  const p = join(ROOT, 'node_modules', name, 'package.json');
  return existsSync(p) ? (JSON.parse(readFileSync(p, 'utf8')) as { version: string }).version : 'builtin';
}

/** Every project file reachable from `entry` (absolute paths, sorted) and the packages they import. */
export function importGraph(entry: string): { files: string[]; packages: Record<string, string> } {
  const files = new Set<string>();
  const packages: Record<string, string> = {};
  const visit = (file: string) => {
    if (files.has(file)) return;
    files.add(file);
    for (const spec of importSpecifiers(readFileSync(file, 'utf8'))) {
      if (spec.startsWith('.')) {
        const target = resolve(dirname(file), spec);
        if (existsSync(target) && statSync(target).isFile()) visit(target);
        continue;
      }
      const pkg = packageOf(spec);
      if (pkg && !(pkg in packages)) packages[pkg] = packageVersion(pkg);
    }
  };
  visit(resolve(entry));
  return { files: [...files].sort(), packages };
}

const cache = new Map<string, string>();

/**
 * A 16-hex-digit hash of a module's import graph: file paths relative to the
 * project root with their bytes, and package versions. Cached per process.
 * @param moduleUrl the stage module's `import.meta.url`
 */
export function codeFingerprint(moduleUrl: string): string {
  const entry = fileURLToPath(moduleUrl);
  let hit = cache.get(entry);
  if (hit) return hit;
  const { files, packages } = importGraph(entry);
  const h = createHash('sha256');
  for (const f of files)
    h.update(`${relative(ROOT, f).split(sep).join('/')}\0`)
      .update(readFileSync(f))
      .update('\0');
  for (const name of Object.keys(packages).sort()) h.update(`${name}@${packages[name]}\0`);
  hit = h.digest('hex').slice(0, 16);
  cache.set(entry, hit);
  return hit;
}
