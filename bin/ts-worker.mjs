// Bootstrap of a worker thread whose module is TypeScript: registers tsx in
// this thread, then imports the module named in workerData.__module.
import { register } from 'tsx/esm/api';
import { workerData } from 'node:worker_threads';

register();
await import(workerData.__module);
