/**
 * Test-only code (never imported by product code): synthetic data with a known
 * truth, the oracle fit on the true transforms, and the forecast backtest.
 */
export * from './synthetic.ts';
export * from './oracle.ts';
export * from './backtest.ts';
export * from './context-organic.ts';
export * from './battery.ts';
export * from './profile-families.ts';
export * from './profile-system.ts';
export * from './bayes-oracle.ts';
