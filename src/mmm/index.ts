/** The marketing-mix model: transforms, constrained ridge, search, fit, predictions, synthetic data. */
export * from './types.ts';
export * from './transforms.ts';
export * from './ridge.ts';
export * from './design.ts';
export * from './search.ts';
export * from './fit.ts';
export * from './predict.ts';
export * from './synthetic.ts';
export { EvaluatorPool, searchWorkerSource } from './search-worker.ts';
export * from './oracle.ts';
