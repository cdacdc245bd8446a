/** Worker thread of the Monte Carlo forecast: samples a range of draws (see sample.ts). */
import { parentPort, workerData } from 'node:worker_threads';
import { sampleDraws, type SampleSpec } from './sample.ts';

const { spec, from, to } = workerData.data as { spec: SampleSpec; from: number; to: number };
const out = spec.means.map(() => new Float64Array((to - from) * spec.horizon));
sampleDraws(spec, from, to, out);
parentPort!.postMessage(
  out,
  out.map((a) => a.buffer as ArrayBuffer),
);
