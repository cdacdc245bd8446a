/**
 * Test-only hooks, inert unless their environment variables are set. A test
 * that must kill a run inside a stage sets MMM_TEST_PAUSE_STAGE=<stage> and
 * MMM_TEST_PAUSE_MARK=<file>: when that stage has written its outputs to its
 * temporary folder (before its manifest), the run writes the mark file and
 * waits, forever or, with MMM_TEST_RELEASE=<file>, until that file exists, so
 * the test can kill or signal it at that point. `commit` pauses the commit
 * after its journal is written and before any file is moved.
 * MMM_TEST_SIGNAL_MARK=<file> is written when the run has taken a signal.
 */
import { existsSync, writeFileSync } from 'node:fs';

export async function testPause(stage: string, where: string): Promise<void> {
  if (process.env.MMM_TEST_PAUSE_STAGE !== stage) return;
  const mark = process.env.MMM_TEST_PAUSE_MARK;
  if (mark) writeFileSync(mark, `${process.pid}\n${where}\n`);
  const release = process.env.MMM_TEST_RELEASE;
  await new Promise<void>((resolve) => {
    const poll = setInterval(() => {
      if (release && existsSync(release)) {
        clearInterval(poll);
        resolve();
      }
    }, 20);
  });
}

/** Writes MMM_TEST_SIGNAL_MARK, when set, once the run has taken a signal. */
export function testSignalled(signal: string): void {
  const mark = process.env.MMM_TEST_SIGNAL_MARK;
  if (mark) writeFileSync(mark, `${signal}\n`);
}
