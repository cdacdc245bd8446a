export * from './plan.ts';
export * from './simulate.ts';
export * from './quantiles.ts';
export { CHUNK } from './sample.ts';
export * from './roll-forward.ts';
