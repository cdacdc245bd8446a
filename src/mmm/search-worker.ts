/**
 * Worker threads for the hyperparameter search. The candidate evaluator lives
 * in kernel.ts, which has no imports; its functions' source text is sent to
 * plain (JavaScript) worker threads, so a worker starts in tens of
 * milliseconds instead of loading the TypeScript toolchain (~400 ms each,
 * and `startWorker` from src/core/workers.ts does not register tsx inside
 * workers on Node 20.20). Results do not depend on the number of threads:
 * every candidate is a pure function of its hyperparameters.
 *
 * The pool is kept between fits (its workers are unref'ed while idle, so it
 * never keeps the process alive): a fit sends its problem and shared buffers
 * once; then each generation's batch is written to shared memory and this
 * thread and the workers take candidates from an atomic counter (no message
 * per generation, no straggler: `threads` = workers + 1). The shared Int32
 * control words: [0] a batch's signal, [1] the next candidate number, [2] the
 * batch's end, [3] candidates scored, [4] stop, [5] the batch's start.
 */
import { Worker } from 'node:worker_threads';
import * as kernel from './kernel.ts';

/**
 * Takes the next candidate number below `end` (ctrl[1] holds the next
 * number; numbers only go up, across batches), or -1 when the batch has none
 * left. A compare-and-swap, so a claimant that read an earlier batch's `end`
 * can never take, or skip, a number of a later batch.
 */
export function claimCandidate(ctrl: Int32Array, end: number): number {
  for (let j = Atomics.load(ctrl, 1); j < end; j = Atomics.load(ctrl, 1)) {
    if (Atomics.compareExchange(ctrl, 1, j, j + 1) === j) return j;
  }
  return -1;
}

/** Source text of a worker that builds an evaluator per `spec` message and scores batches of unit vectors. */
export function searchWorkerSource(): string {
  const fns = Object.values(kernel).filter((f) => typeof f === 'function') as ((...a: never[]) => unknown)[];
  const body = fns.map((f) => f.toString()).join('\n');
  for (const f of fns) {
    if (!body.includes(`function ${f.name}(`)) throw new Error(`search worker: kernel function ${f.name} did not serialise as a declaration`);
  }
  // A named inner function or arrow is wrapped by the TypeScript loader in a helper the worker lacks,
  // and every candidate the worker scores would then fail (score NaN): kernel.ts must not have one.
  if (body.includes('__name(')) throw new Error('search worker: kernel.ts has a named inner function or arrow, which does not serialise; make it a top-level function');
  return `'use strict';
const { parentPort } = require('node:worker_threads');
${body}
${claimCandidate.toString()}
parentPort.on('message', (m) => {
  const st = createEvaluator(m.spec);
  const units = new Float64Array(m.units);
  const out = new Float64Array(m.out);
  const ctrl = new Int32Array(m.ctrl);
  const dims = m.dims;
  let seen = Atomics.load(ctrl, 0);
  parentPort.postMessage('ready');
  for (;;) {
    Atomics.wait(ctrl, 0, seen);
    seen = Atomics.load(ctrl, 0);
    if (Atomics.load(ctrl, 4) === 1) break;
    const end = Atomics.load(ctrl, 2);
    const start = Atomics.load(ctrl, 5);
    for (let j = claimCandidate(ctrl, end); j >= 0; j = claimCandidate(ctrl, end)) {
      // A candidate that throws scores NaN (never selected) instead of leaving the batch unfinished.
      try {
        evaluateCandidate(st, units, (j - start) * dims, out, (j - start) * 3);
      } catch (e) {
        out[(j - start) * 3] = out[(j - start) * 3 + 1] = out[(j - start) * 3 + 2] = NaN;
      }
      if (Atomics.add(ctrl, 3, 1) + 1 === end) Atomics.notify(ctrl, 3);
    }
  }
});
`;
}

function reply<T>(w: Worker): Promise<T> {
  return new Promise<T>((res, rej) => {
    const onErr = (e: Error): void => rej(e);
    w.once('error', onErr);
    w.once('message', (r: T) => {
      w.off('error', onErr);
      res(r);
    });
  });
}

let idlePool: EvaluatorPool | null = null;

/** A pool of evaluator workers sharing each batch with the calling thread through shared memory. */
export class EvaluatorPool {
  private constructor(private readonly workers: Worker[]) {}

  /**
   * A pool of `workers` workers loaded with the given search spec: the idle
   * shared pool when it has enough workers (it is then taken until `release`),
   * else a new one.
   */
  static async acquire(spec: unknown, workers: number, maxBatch: number, dims: number): Promise<EvaluatorPool> {
    let pool: EvaluatorPool;
    if (idlePool && idlePool.workers.length >= workers) {
      pool = idlePool;
      idlePool = null;
    } else {
      const src = searchWorkerSource();
      const ws: Worker[] = [];
      for (let i = 0; i < workers; i++) ws.push(new Worker(src, { eval: true }));
      pool = new EvaluatorPool(ws);
    }
    pool.units = new Float64Array(new SharedArrayBuffer(maxBatch * dims * 8));
    pool.out = new Float64Array(new SharedArrayBuffer(maxBatch * 3 * 8));
    pool.ctrl = new Int32Array(new SharedArrayBuffer(6 * 4));
    pool.issued = 0;
    try {
      await Promise.all(
        pool.workers.slice(0, workers).map((w) => {
          w.ref();
          const r = reply<string>(w);
          w.postMessage({ spec, units: pool.units.buffer, out: pool.out.buffer, ctrl: pool.ctrl.buffer, dims });
          return r;
        }),
      );
    } catch (e) {
      await pool.close();
      throw e;
    }
    return pool;
  }

  private units: Float64Array<ArrayBufferLike> = new Float64Array(0);
  private out: Float64Array<ArrayBufferLike> = new Float64Array(0);
  private ctrl: Int32Array<ArrayBufferLike> = new Int32Array(0);
  /** Candidates numbered so far in this fit: a batch takes the next `count` numbers. */
  private issued = 0;
  /** Candidates scored by this thread in the last fit (diagnostics). */
  localCount = 0;

  /**
   * Scores `count` unit vectors of `dims` values, 3 numbers per candidate (see
   * evaluateCandidate). This thread and the workers take candidates one at a
   * time from a shared counter (Atomics), so a thread slowed by other load
   * simply takes fewer; this thread blocks (Atomics.wait) until all are done.
   * Candidates are numbered on from the last batch and the counters never go
   * back, so a worker still leaving the last batch can neither take nor
   * uncount one of this batch.
   */
  evaluate(units: Float64Array, count: number, dims: number, local: (units: Float64Array, from: number, to: number, out: Float64Array) => void): Float64Array {
    const ctrl = this.ctrl;
    if (count * dims > this.units.length) throw new Error(`search workers: a batch of ${count} is larger than the pool's ${this.units.length / dims}`);
    const start = this.issued;
    const end = start + count;
    if (end > 2 ** 31 - 1) throw new Error('search workers: more candidates than one pool can number; acquire a new pool');
    this.issued = end;
    this.units.set(units.subarray(0, count * dims));
    Atomics.store(ctrl, 5, start);
    Atomics.store(ctrl, 2, end);
    Atomics.add(ctrl, 0, 1);
    Atomics.notify(ctrl, 0);
    for (let j = claimCandidate(ctrl, end); j >= 0; j = claimCandidate(ctrl, end)) {
      // As in the workers: a candidate that throws scores NaN, whichever thread takes it.
      try {
        local(this.units as Float64Array, j - start, j - start + 1, this.out as Float64Array);
      } catch {
        this.out.fill(NaN, (j - start) * 3, (j - start) * 3 + 3);
      }
      this.localCount++;
      Atomics.add(ctrl, 3, 1);
    }
    // Workers cannot report through events while this thread waits, so a worker that died is noticed
    // by the batch making no progress for 120 one-second waits.
    let idle = 0;
    for (let d = Atomics.load(ctrl, 3); d < end; d = Atomics.load(ctrl, 3)) {
      if (Atomics.wait(ctrl, 3, d, 1000) === 'timed-out' && Atomics.load(ctrl, 3) === d && ++idle >= 120) {
        throw new Error(`search workers stopped responding (${d - start} of ${count} candidates scored)`);
      }
    }
    return (this.out as Float64Array).slice(0, count * 3);
  }

  /** Ends the workers' evaluation loops (they then wait for the next fit's problem). */
  private stop(): void {
    if (this.ctrl.length === 0) return;
    Atomics.store(this.ctrl, 4, 1);
    Atomics.add(this.ctrl, 0, 1);
    Atomics.notify(this.ctrl, 0);
  }

  /** Gives the pool back for the next fit (its workers no longer keep the process alive). */
  release(): void {
    this.stop();
    for (const w of this.workers) w.unref();
    if (idlePool === null || idlePool.workers.length < this.workers.length) {
      const old = idlePool;
      idlePool = this;
      if (old) void old.close();
    } else void this.close();
  }

  /** After a run: gives the pool back when the run succeeded, stops it when it failed (its workers may be mid-batch). */
  async finish(failed: boolean): Promise<void> {
    if (failed) await this.close();
    else this.release();
  }

  /** Stops every worker. */
  async close(): Promise<void> {
    this.stop();
    if (idlePool === this) idlePool = null;
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}
