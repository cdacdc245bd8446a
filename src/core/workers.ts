/**
 * Worker threads for the parallel parts (hyperparameter search, Monte Carlo).
 * Workers are TypeScript modules; when running from sources they are started
 * with tsx's loader so the same file works under `mmm`, vitest and benchmarks.
 */
import { Worker } from 'node:worker_threads';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';

/** A turn of the event loop (timers, signal handlers) inside a long computation that is otherwise synchronous. */
export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** Number of worker threads to use by default: every core. */
export function defaultThreads(): number {
  return Math.max(1, availableParallelism());
}

const TS_BOOTSTRAP = new URL('../../bin/ts-worker.mjs', import.meta.url);

/**
 * Starts a worker from a module URL (`new URL('./x-worker.ts', import.meta.url)`).
 * A TypeScript module is loaded through `bin/ts-worker.mjs`, which registers
 * tsx inside the worker thread (Node 20 ignores `--import` in a worker's
 * execArgv); the module reads its own data from `workerData.data`.
 */
export function startWorker(moduleUrl: URL, data: unknown): Worker {
  const path = fileURLToPath(moduleUrl);
  if (path.endsWith('.ts')) return new Worker(fileURLToPath(TS_BOOTSTRAP), { workerData: { __module: moduleUrl.href, data } });
  return new Worker(path, { workerData: { data } });
}

/**
 * Runs one task per item of `tasks` on up to `threads` workers (each worker
 * handles one task: post `workerData`, receive one message) and returns the
 * results in task order, so the outcome does not depend on scheduling.
 */
export async function runInWorkers<T, R>(moduleUrl: URL, tasks: T[], threads = defaultThreads()): Promise<R[]> {
  const results = new Array<R>(tasks.length);
  let next = 0;
  const runOne = async (): Promise<void> => {
    while (next < tasks.length) {
      const i = next++;
      results[i] = await new Promise<R>((resolveP, reject) => {
        const w = startWorker(moduleUrl, tasks[i]);
        let done = false;
        w.once('message', (m: R) => {
          done = true;
          resolveP(m);
          void w.terminate();
        });
        w.once('error', (e) => reject(e));
        w.once('exit', (code) => {
          if (!done) reject(new Error(`worker exited with code ${code} before answering`));
        });
      });
    }
  };
  await Promise.all(Array.from({ length: Math.min(threads, tasks.length) }, runOne));
  return results;
}
