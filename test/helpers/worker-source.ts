/**
 * Builds the search worker's source under the project's TypeScript loader (tsx, as `mmm` and the
 * benchmarks run), whose transform differs from the test runner's: it names inner functions with a
 * helper the worker lacks. Exits 1 with the error when the kernel does not serialise.
 */
import { searchWorkerSource } from '../../src/mmm/search-worker.ts';

process.stdout.write(`${searchWorkerSource().length}\n`);
