/**
 * Test-only hooks, inert unless their environment variables are set. A test
 * that must kill a run inside a stage sets MMM_TEST_PAUSE_STAGE=<stage> and
 * MMM_TEST_PAUSE_MARK=<file>: when that stage has written its outputs to its
 * temporary folder (before its manifest), the run writes the mark file and
 * waits forever, so the test can kill it at that point. `commit` pauses the
 * commit after its journal is written and before any file is moved.
 */
import { writeFileSync } from 'node:fs';

export async function testPause(stage: string, where: string): Promise<void> {
  if (process.env.MMM_TEST_PAUSE_STAGE !== stage) return;
  const mark = process.env.MMM_TEST_PAUSE_MARK;
  if (mark) writeFileSync(mark, `${process.pid}\n${where}\n`);
  await new Promise<never>(() => setInterval(() => {}, 1 << 30));
}
