export * from './errors.ts';
export * from './rng.ts';
export * from './hash.ts';
export * from './csv.ts';
export * from './artifacts.ts';
export * from './workers.ts';
export * from './config.ts';
export * from './quantile.ts';
