/**
 * Worker threads for the hyperparameter search. The candidate evaluator lives
 * in kernel.ts, which has no imports; its functions' source text is sent to
 * plain (JavaScript) worker threads, so a worker starts in tens of
 * milliseconds instead of loading the TypeScript toolchain (~400 ms each,
 * and `startWorker` from src/core/workers.ts does not register tsx inside
 * workers on Node 20.20). Results do not depend on the number of threads:
 * every candidate is a pure function of its hyperparameters.
 */
import { Worker } from 'node:worker_threads';
import * as kernel from './kernel.ts';

/** Source text of a worker that builds the evaluator from `workerData` and scores batches of unit vectors. */
export function searchWorkerSource(): string {
  const fns = Object.values(kernel).filter((f) => typeof f === 'function') as ((...a: never[]) => unknown)[];
  const body = fns.map((f) => f.toString()).join('\n');
  for (const f of fns) {
    if (!body.includes(`function ${f.name}(`)) throw new Error(`search worker: kernel function ${f.name} did not serialise as a declaration`);
  }
  return `'use strict';
const { parentPort, workerData } = require('node:worker_threads');
${body}
const st = createEvaluator(workerData);
parentPort.on('message', (m) => {
  const out = new Float64Array(m.count * 3);
  for (let i = 0; i < m.count; i++) evaluateCandidate(st, m.units, i * m.dims, out, i * 3);
  parentPort.postMessage(out, [out.buffer]);
});
parentPort.postMessage('ready');
`;
}

/** A fixed pool of evaluator workers; `evaluate` splits a batch into contiguous chunks, one per worker. */
export class EvaluatorPool {
  private constructor(private readonly workers: Worker[]) {}

  /** Starts `threads` workers for the given search spec and waits until each is ready. */
  static async start(spec: unknown, threads: number): Promise<EvaluatorPool> {
    const src = searchWorkerSource();
    const workers: Worker[] = [];
    try {
      for (let i = 0; i < threads; i++) workers.push(new Worker(src, { eval: true, workerData: spec }));
      await Promise.all(workers.map((w) => new Promise<void>((res, rej) => {
        w.once('message', () => res());
        w.once('error', rej);
      })));
    } catch (e) {
      await Promise.all(workers.map((w) => w.terminate()));
      throw e;
    }
    return new EvaluatorPool(workers);
  }

  /** Scores `count` unit vectors of `dims` values; returns 3 numbers per candidate (see evaluateCandidate). */
  async evaluate(units: Float64Array, count: number, dims: number): Promise<Float64Array> {
    const out = new Float64Array(count * 3);
    const k = Math.min(this.workers.length, count);
    const jobs: Promise<void>[] = [];
    for (let w = 0; w < k; w++) {
      const from = Math.floor((w * count) / k);
      const to = Math.floor(((w + 1) * count) / k);
      const chunk = units.slice(from * dims, to * dims);
      const worker = this.workers[w];
      jobs.push(new Promise<void>((res, rej) => {
        const onErr = (e: Error): void => rej(e);
        worker.once('error', onErr);
        worker.once('message', (r: Float64Array) => {
          worker.off('error', onErr);
          out.set(r, from * 3);
          res();
        });
        worker.postMessage({ units: chunk, count: to - from, dims }, [chunk.buffer]);
      }));
    }
    await Promise.all(jobs);
    return out;
  }

  /** Stops every worker. */
  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}
