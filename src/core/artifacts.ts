/**
 * The one artifact writer. Every output folder (a pipeline stage's version
 * folder, or a `--out DIR` of a CLI command) is built in a temporary sibling
 * folder, finished with `manifest.json` (written last, atomically), then moved
 * into place with one rename. A crash leaves only a `.tmp-*` folder and never
 * a folder with a manifest, so a half-written artifact is never mistaken for a
 * complete one. A previous output at the same place is moved aside, never
 * deleted: nothing a user made before is lost.
 */
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { basename, dirname, join, relative, resolve, sep, isAbsolute } from 'node:path';
import { canonicalJson, sha256, sha256File, stableJson } from './hash.ts';
import { UsageError } from './errors.ts';

/** Distinguishes temporary names made by one process within one millisecond. */
let tmpCounter = 0;

/** One file a stage read or wrote, by content. */
export interface FileRecord {
  path: string;
  sha256: string;
  bytes?: number;
  rows?: number;
}

/** The manifest every stage and command output ends with (ARCHITECTURE.md). */
export interface Manifest {
  stage: string;
  codeVersion: string;
  dataVersion: string;
  runId: string;
  startedAt: string;
  endedAt: string;
  params: unknown;
  inputs: FileRecord[];
  outputs: FileRecord[];
  metrics: Record<string, unknown>;
  timingsMs: Record<string, number>;
  warnings: string[];
  decision?: unknown;
}

/**
 * `dataVersion = sha256(codeVersion + sorted input hashes + canonical params)`.
 * Input paths are not part of it: the same bytes under another name are the same data.
 */
export function dataVersionOf(codeVersion: string, inputHashes: string[], params: unknown): string {
  return sha256(`${codeVersion}\n${[...inputHashes].sort().join('\n')}\n${canonicalJson(params ?? null)}`);
}

/** Hashes input files; `label` is what the manifest records as the path. */
export async function recordInputs(files: { path: string; label?: string }[]): Promise<FileRecord[]> {
  const out: FileRecord[] = [];
  for (const f of files) {
    const st = await stat(f.path);
    out.push({ path: f.label ?? f.path, sha256: await sha256File(f.path), bytes: st.size });
  }
  return out;
}

/** Reads `dir/manifest.json` if the folder holds a complete artifact, else null. */
export async function readManifest(dir: string): Promise<Manifest | null> {
  const p = join(dir, 'manifest.json');
  if (!existsSync(p)) return null;
  try {
    return JSON.parse(await readFile(p, 'utf8')) as Manifest;
  } catch {
    return null;
  }
}

/** What a builder returns besides the files it wrote into its folder. */
export interface BuildResult {
  metrics?: Record<string, unknown>;
  decision?: unknown;
  warnings?: string[];
  /** Row counts of table outputs, by file name. */
  rows?: Record<string, number>;
  timingsMs?: Record<string, number>;
}

export interface WriteArtifactOptions {
  /** Final folder. */
  dir: string;
  stage: string;
  codeVersion: string;
  params: unknown;
  inputs: FileRecord[];
  runId?: string;
  /** Fills the temporary folder it is given. Throwing aborts: no artifact appears. */
  build: (tmpDir: string) => Promise<BuildResult>;
  /** Files the build must write (relative paths); a missing one is a bug and aborts. */
  outputs?: readonly string[];
  /** Clock for startedAt/endedAt (injectable for tests). */
  now?: () => Date;
}

/**
 * Builds a folder atomically and returns its manifest. If `dir` already holds a
 * complete artifact with the same data version, nothing is done and that
 * manifest is returned with `skipped: true`.
 */
export async function writeArtifact(opts: WriteArtifactOptions): Promise<{ manifest: Manifest; skipped: boolean }> {
  const now = opts.now ?? (() => new Date());
  const dataVersion = dataVersionOf(
    opts.codeVersion,
    opts.inputs.map((i) => i.sha256),
    opts.params,
  );
  const existing = await readManifest(opts.dir);
  if (existing && existing.dataVersion === dataVersion && existing.stage === opts.stage) {
    return { manifest: existing, skipped: true };
  }
  const parent = dirname(resolve(opts.dir));
  await mkdir(parent, { recursive: true });
  const tmp = join(parent, `.tmp-${basename(opts.dir)}-${process.pid}-${Date.now().toString(36)}${(tmpCounter++).toString(36)}`);
  await rm(tmp, { recursive: true, force: true });
  await mkdir(tmp, { recursive: true });
  const startedAt = now();
  const t0 = performance.now();
  try {
    const result = await opts.build(tmp);
    const outputs = await recordOutputs(tmp, result.rows ?? {});
    const missing = (opts.outputs ?? []).filter((f) => !outputs.some((o) => o.path === f));
    if (missing.length) throw new Error(`${opts.stage}: declared outputs not written: ${missing.join(', ')}`);
    const manifest: Manifest = {
      stage: opts.stage,
      codeVersion: opts.codeVersion,
      dataVersion,
      runId: opts.runId ?? dataVersion.slice(0, 16),
      startedAt: startedAt.toISOString(),
      endedAt: now().toISOString(),
      params: opts.params ?? null,
      inputs: opts.inputs,
      outputs,
      metrics: result.metrics ?? {},
      timingsMs: { total: Math.round(performance.now() - t0), ...(result.timingsMs ?? {}) },
      warnings: result.warnings ?? [],
      ...(result.decision !== undefined ? { decision: result.decision } : {}),
    };
    await writeFileAtomic(join(tmp, 'manifest.json'), stableJson(manifest));
    const placed = await placeFolder(tmp, opts.dir, opts.stage, dataVersion);
    return placed ? { manifest: placed, skipped: true } : { manifest, skipped: false };
  } catch (err) {
    await rm(tmp, { recursive: true, force: true });
    throw err;
  }
}

/**
 * Renames a finished temporary folder to its final name. Another writer may
 * get there first (two commands writing one folder): if it wrote the same
 * data version, ours is dropped and its manifest returned; otherwise its
 * folder is moved aside and the rename retried. What is there is read only
 * after a rename fails, so a folder another writer placed a moment ago is
 * never taken for an old one.
 */
async function placeFolder(tmp: string, dir: string, stage: string, dataVersion: string): Promise<Manifest | null> {
  const same = (m: Manifest | null) => m !== null && m.dataVersion === dataVersion && m.stage === stage;
  for (let attempt = 0; ; attempt++) {
    try {
      await rename(tmp, dir);
      return null;
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (!(code === 'ENOTEMPTY' || code === 'EEXIST' || code === 'ENOENT' || code === 'ENOTDIR')) throw e;
      const there = await readManifest(dir);
      if (same(there)) {
        await rm(tmp, { recursive: true, force: true });
        return there;
      }
      if (attempt >= 8) throw e;
      if (existsSync(dir)) await moveAside(dir, there?.dataVersion);
    }
  }
}

async function recordOutputs(dir: string, rows: Record<string, number>): Promise<FileRecord[]> {
  const files = await listFiles(dir);
  const out: FileRecord[] = [];
  for (const f of files) {
    const rel = relative(dir, f).split(sep).join('/');
    const st = await stat(f);
    const rec: FileRecord = { path: rel, sha256: await sha256File(f), bytes: st.size };
    if (rows[rel] !== undefined) rec.rows = rows[rel];
    out.push(rec);
  }
  return out;
}

async function listFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const out: string[] = [];
  for (const e of entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...(await listFiles(p)));
    else if (e.isFile()) out.push(p);
  }
  return out;
}

/** Moves an existing file or folder to `<path>.prev-<tag>` (a fresh name), so it is kept, not overwritten. */
async function moveAside(path: string, tag?: string): Promise<string> {
  const base = `${path}.prev-${(tag ?? Date.now().toString(36)).slice(0, 12)}`;
  let target = base;
  for (let i = 1; existsSync(target); i++) target = `${base}-${i}`;
  await rename(path, target);
  return target;
}

/**
 * Before `path` gets `next`: if it holds different bytes they are moved to
 * `<path>.prev-<hash>` (kept, never deleted). Returns 'same' when the file
 * already holds exactly `next`, 'moved' or 'absent' otherwise.
 */
export async function keepAside(path: string, next: string | Uint8Array): Promise<'same' | 'moved' | 'absent'> {
  if (!existsSync(path)) return 'absent';
  const old = await readFile(path);
  if (old.equals(Buffer.from(next))) return 'same';
  await moveAside(path, sha256(old).slice(0, 12));
  return 'moved';
}

/**
 * Writes a file atomically (temporary name in the same folder, then rename).
 * If a different file already exists there it is kept as `<path>.prev-<hash>`;
 * if the bytes are identical nothing is written.
 */
export async function writeFileAtomic(path: string, data: string | Uint8Array, opts: { keepPrevious?: boolean } = {}): Promise<void> {
  await mkdir(dirname(resolve(path)), { recursive: true });
  if (opts.keepPrevious && (await keepAside(path, data)) === 'same') return;
  const tmp = `${path}.tmp-${process.pid}-${Date.now().toString(36)}-${(tmpCounter++).toString(36)}`;
  await writeFile(tmp, data);
  await rename(tmp, path);
}

/**
 * Resolves a path from configuration inside a root folder (`rootName` says
 * which, in the error); refuses any path that would leave it (`..`, absolute paths elsewhere, symlink-free check on the text).
 */
export function resolveInside(root: string, userPath: string, what = 'path', rootName = 'the artifact store'): string {
  const absRoot = resolve(root);
  const p = isAbsolute(userPath) ? resolve(userPath) : resolve(absRoot, userPath);
  const rel = relative(absRoot, p);
  if (rel === '..' || rel.startsWith(`..${sep}`) || isAbsolute(rel)) {
    throw new UsageError(`${what} "${userPath}" is outside ${rootName} ${absRoot}`);
  }
  return p;
}
