/**
 * Robyn's demo table (examples/robyn, see its SOURCE.md) and the column roles
 * of Robyn's own demo.R, as the tests pass them to `mmm ingest`, `mmm fit`
 * and `mmm weekly`.
 */
export const ROBYN = new URL('../../examples/robyn/dt_simulated_weekly.csv', import.meta.url).pathname;

/** The roles of demo.R: target, paid spend, the context variable, the factor, the organic channel. */
export const ROBYN_ROLES = [
  '--date-col',
  'DATE',
  '--target',
  'revenue',
  '--channels',
  'tv_S,ooh_S,print_S,facebook_S,search_S',
  '--controls',
  'competitor_sales_B',
  '--factors',
  'events',
  '--organic',
  'newsletter',
];

/** demo.R's exposures, holidays and window besides the roles. */
export const ROBYN_EXTRAS = ['--exposures', 'facebook_I=facebook_S,search_clicks_P=search_S', '--country', 'DE', '--window-start', '2016-01-01', '--window-end', '2018-12-31'];
