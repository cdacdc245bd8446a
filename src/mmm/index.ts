/** The marketing-mix model: transforms, constrained ridge, search, the steps of a fit, predictions. */
export * from './types.ts';
export * from './transforms.ts';
export * from './ridge.ts';
export * from './design.ts';
export * from './search.ts';
export * from './options.ts';
export * from './calibration.ts';
export * from './problem.ts';
export * from './select.ts';
export * from './refit.ts';
export * from './intervals.ts';
export * from './metrics.ts';
export * from './decompose.ts';
export * from './summarise.ts';
export * from './score.ts';
export * from './fit.ts';
export * from './predict.ts';
export { EvaluatorPool, searchWorkerSource } from './search-worker.ts';
