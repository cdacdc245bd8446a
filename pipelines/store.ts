/**
 * The store's commit point and housekeeping. A run's pointers (current.json,
 * the reports, the run record) change together at its end: each new file is
 * first written under a temporary name, then a journal listing the renames is
 * written atomically, then the renames are done and the journal removed. A
 * run killed before the journal leaves the previous state whole; one killed
 * after it is finished by the next run ({@link recoverStore}), which also
 * removes the temporary folders and files of dead runs.
 */
import { existsSync } from 'node:fs';
import { readdir, readFile, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { keepAside, writeFileAtomic } from '../src/core/artifacts.ts';
import type { Log } from './log.ts';
import { pidAlive } from './lock.ts';
import { testPause } from './test-hooks.ts';

/** A file the commit puts in place; `keepPrevious` keeps different old content as `<path>.prev-<hash>`. */
export interface CommitFile {
  path: string;
  data: string | Uint8Array;
  keepPrevious?: boolean;
}

interface Journal {
  moves: { from: string; to: string; keepPrevious: boolean }[];
}

const journalPath = (store: string) => join(store, 'commit.json');

async function applyMoves(moves: Journal['moves']): Promise<void> {
  for (const m of moves) {
    if (!existsSync(m.from)) continue; // done before the previous run was killed
    if (m.keepPrevious) await keepAside(m.to, await readFile(m.from));
    await rename(m.from, m.to);
  }
}

/** Puts every file in place as one change (see the module comment). */
export async function commitFiles(store: string, files: CommitFile[]): Promise<void> {
  const moves: Journal['moves'] = [];
  for (const f of files) {
    const tmp = `${f.path}.tmp-${process.pid}-commit-${moves.length}`;
    await writeFileAtomic(tmp, f.data);
    moves.push({ from: tmp, to: f.path, keepPrevious: !!f.keepPrevious });
  }
  await writeFileAtomic(journalPath(store), JSON.stringify({ moves } satisfies Journal));
  await testPause('commit', store);
  await applyMoves(moves);
  await rm(journalPath(store), { force: true });
}

/** The pid in a temporary name written by this project (`.tmp-<name>-<pid>-<time>` folders, `<file>.tmp-<pid>-...` files). */
export function tmpOwner(name: string): number | null {
  const m = /^\.tmp-.*-(\d+)-[0-9a-z]+$/.exec(name) ?? /\.tmp-(\d+)-/.exec(name);
  return m ? Number(m[1]) : null;
}

/** Temporary files and folders under `dir` (to `depth` levels) whose run no longer runs. */
async function deadTemps(dir: string, depth: number, found: string[] = []): Promise<string[]> {
  if (!existsSync(dir)) return found;
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    const owner = e.name.includes('.tmp-') ? tmpOwner(e.name) : null;
    if (owner !== null && (owner === process.pid || !pidAlive(owner))) found.push(p);
    else if (e.isDirectory() && depth > 0 && !e.name.startsWith('.')) await deadTemps(p, depth - 1, found);
  }
  return found;
}

/**
 * The temporary files and folders killed runs left in a store and its reports folder, as
 * {@link recoverStore} finds them: `remove`, what it deletes, and `finish`, the files of a half-done
 * commit it puts in place instead.
 */
export async function leftByKilledRuns(store: string, reports: string | null): Promise<{ remove: string[]; finish: string[] }> {
  const moves = existsSync(journalPath(store)) ? (JSON.parse(await readFile(journalPath(store), 'utf8')) as Journal).moves : [];
  const finish = moves.filter((m) => existsSync(m.from)).map((m) => m.to);
  const pending = new Set(moves.map((m) => m.from));
  const temps = [...(await deadTemps(store, 3)), ...(reports ? await deadTemps(reports, 0) : [])];
  return { remove: temps.filter((p) => !pending.has(p)), finish };
}

/**
 * At the start of a run, under the store's lock: finishes a commit a killed
 * run left half done, then removes temporary folders and files of runs that
 * no longer run. Returns what it removed.
 */
export async function recoverStore(store: string, reports: string | null, log: Log): Promise<string[]> {
  const journal = journalPath(store);
  if (existsSync(journal)) {
    const j = JSON.parse(await readFile(journal, 'utf8')) as Journal;
    await applyMoves(j.moves);
    await rm(journal, { force: true });
    log.warn('finished the commit of a run that was killed while committing', { files: j.moves.map((m) => basename(m.to)) });
  }
  const removed = (await leftByKilledRuns(store, reports)).remove;
  for (const p of removed) await rm(p, { recursive: true, force: true });
  if (removed.length) log.warn(`removed ${removed.length} temporary file(s) or folder(s) left by killed runs`, { removed: removed.map((p) => `${basename(dirname(p))}/${basename(p)}`) });
  return removed;
}
