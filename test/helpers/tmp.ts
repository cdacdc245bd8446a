import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';

/** A fresh temporary folder, removed by the returned cleanup. */
export function tempDir(prefix = 'mmm-test-'): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

const BIN = new URL('../../bin/mmm.mjs', import.meta.url).pathname;

/** Runs the real `mmm` command in a child process. */
export function runCli(args: string[], cwd?: string): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd, encoding: 'utf8', env: { ...process.env, FORCE_COLOR: '0' } });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/** The JSON log lines a command wrote to stderr (its log when stderr is not a terminal). */
export function logLines(stderr: string): { level: string; timestamp: string; stage?: string; message: string; fields?: Record<string, unknown> }[] {
  return stderr.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l));
}

/** The `error: ...` line a command printed, if any. */
export const errorLine = (stderr: string) => stderr.split('\n').find((l) => l.startsWith('error: ')) ?? '';
