import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';

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
  return stderr
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l));
}

/**
 * The `error: ...` line a command printed, if any: a plain line, or, from a command that logs JSON
 * lines, its last line at level error with the exit code in its fields, as `error: <message>`.
 */
export function errorLine(stderr: string): string {
  const plain = stderr.split('\n').find((l) => l.startsWith('error: '));
  if (plain !== undefined) return plain;
  const failure = logLines(stderr)
    .filter((l) => l.level === 'error' && l.fields?.exitCode !== undefined)
    .at(-1);
  return failure ? `error: ${failure.message}` : '';
}

/** Starts the real `mmm` command without waiting; `done` resolves when it exits. */
export function startCli(
  args: string[],
  cwd: string,
  env: Record<string, string> = {},
): { child: ChildProcess; done: Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>; stderr: () => string } {
  const child = spawn(process.execPath, [BIN, ...args], { cwd, env: { ...process.env, FORCE_COLOR: '0', ...env } });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d) => (stdout += d));
  child.stderr!.on('data', (d) => (stderr += d));
  const done = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>((res) => child.on('close', (code, signal) => res({ code, signal, stdout, stderr })));
  return { child, done, stderr: () => stderr };
}

/**
 * Waits until a file exists (polling; the generous limit only stops a hung
 * test). Given the run that is to write it, fails at once, with the run's
 * exit and stderr, if that run ends first.
 */
export async function waitForFile(path: string, run?: ReturnType<typeof startCli>, limitMs = 300_000): Promise<void> {
  let ended: Awaited<ReturnType<typeof startCli>['done']> | undefined;
  run?.done.then((r) => (ended = r));
  const t0 = Date.now();
  while (!existsSync(path)) {
    if (ended) throw new Error(`waitForFile: the run ended (code ${ended.code}, signal ${ended.signal}) before ${path} appeared; stderr:\n${ended.stderr}`);
    if (Date.now() - t0 > limitMs) throw new Error(`waitForFile: ${path} did not appear; the run's stderr so far:\n${run?.stderr() ?? ''}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
