/**
 * One run at a time per store. The lock is proper-lockfile's (a `run.lock`
 * folder whose mtime the holder refreshes; stale after a minute without
 * refresh), plus a `run.lock.json` naming the holder: pid, host, start time.
 * A second run exits at once with code 75 naming the holder; a lock left by a
 * process that no longer runs on this host, or one nobody refreshed for a
 * minute (another host's too), is taken over with a warning.
 */
import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import lockfile from 'proper-lockfile';
import { MmmError } from '../src/core/errors.ts';
import type { Log } from './log.ts';

/** Another run holds the store's lock. Exit code 75 (EX_TEMPFAIL: try again later). */
export class LockBusyError extends MmmError {
  constructor(message: string) {
    super(message, 75);
  }
}

export interface LockHolder {
  pid: number;
  host: string;
  startedAt: string;
}

export interface StoreLock {
  holder: LockHolder;
  /** True when another process took the lock over while we held it (we then must not commit). */
  compromised(): boolean;
  release(): Promise<void>;
}

/** Whether a process with this pid runs on this machine. */
export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function readHolder(path: string): Promise<LockHolder | null> {
  try {
    const h = JSON.parse(await readFile(path, 'utf8')) as LockHolder;
    return typeof h.pid === 'number' && typeof h.host === 'string' ? h : null;
  } catch {
    return null;
  }
}

/** Milliseconds since the lock folder was last refreshed (its mtime); -1 when there is none. */
async function lockAge(lockDir: string): Promise<number> {
  try {
    return Date.now() - (await stat(lockDir)).mtimeMs;
  } catch {
    return -1;
  }
}

const describe = (h: LockHolder | null) => (h ? `pid ${h.pid} on ${h.host}, started ${h.startedAt}` : 'a process that has not yet written its name');

/**
 * Takes the store's lock.
 * @throws LockBusyError (exit 75) when a live process holds it
 */
export async function lockStore(store: string, log: Log, now: () => Date = () => new Date()): Promise<StoreLock> {
  await mkdir(store, { recursive: true });
  const lockDir = join(store, 'run.lock');
  const holderFile = join(store, 'run.lock.json');
  let compromised = false;
  const opts = {
    realpath: false,
    lockfilePath: lockDir,
    stale: 60_000,
    update: 15_000,
    retries: 0,
    onCompromised: () => {
      compromised = true;
    },
  };
  const take = () => lockfile.lock(store, opts);
  // A lock nobody refreshed for a minute is stale, and proper-lockfile takes it without asking whose it was (another
  // host's included): say so. A live holder on this host is in a long step that kept its refresh from running: refuse.
  const age = await lockAge(lockDir);
  const left = age >= opts.stale ? { holder: await readHolder(holderFile) } : null;
  // Past half an hour the pid is more likely another process's by now (pids are reused) than a run's that still holds it.
  if (left?.holder && age < 30 * 60_000 && left.holder.host === hostname() && left.holder.pid !== process.pid && pidAlive(left.holder.pid))
    throw new LockBusyError(`another run holds the store ${store}: ${describe(left.holder)} (its lock has not been refreshed for a minute)`);
  let release: () => Promise<void>;
  try {
    release = await take();
    if (left) log.warn(`took over a lock no run had refreshed for a minute (${describe(left.holder)})`, { holder: left.holder });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ELOCKED') throw e;
    const holder = await readHolder(holderFile);
    if (!holder || holder.host !== hostname() || pidAlive(holder.pid)) throw new LockBusyError(`another run holds the store ${store}: ${describe(holder)}`);
    // The holder died (kill -9, power loss): move its lock away (one rename, so two takers cannot both win) and take it.
    const dead = `${lockDir}.dead-${holder.pid}-${process.pid}`;
    try {
      await rename(lockDir, dead);
    } catch {
      throw new LockBusyError(`another run holds the store ${store}: ${describe(await readHolder(holderFile))}`);
    }
    await rm(dead, { recursive: true, force: true });
    try {
      release = await take();
    } catch (e2) {
      if ((e2 as NodeJS.ErrnoException).code === 'ELOCKED') throw new LockBusyError(`another run holds the store ${store}: ${describe(await readHolder(holderFile))}`);
      throw e2;
    }
    log.warn(`took over the lock of a run that is no longer running (${describe(holder)})`, { holder });
  }
  const holder: LockHolder = { pid: process.pid, host: hostname(), startedAt: now().toISOString() };
  await writeFile(holderFile, `${JSON.stringify(holder)}\n`);
  return {
    holder,
    compromised: () => compromised,
    release: async () => {
      if (existsSync(holderFile) && (await readHolder(holderFile))?.pid === process.pid) await rm(holderFile, { force: true });
      if (!compromised) await release();
    },
  };
}
