/**
 * The report's glossary: each term an analyst may be asked about, in plain
 * words. The main text links a term to its entry (with the definition as a
 * tooltip); the appendix lists them all.
 */
import { esc, term } from './html.ts';

/** Each term: its word and its definition in plain words. */
export const GLOSSARY = {
  roas: ['ROAS', 'Return on ad spend: revenue the channel added per unit of money spent on it (revenue / spend), on average over the period.'],
  mroas: [
    'Marginal ROAS',
    'Revenue the next unit of spend would add (the slope of the response curve at the spend). The budget should grow while it is above break-even and shrink while it is below.',
  ],
  breakEven: ['Break-even', 'The marginal ROAS at which one more unit of spend pays for itself: 1 / gross margin. Below it, the next unit loses money.'],
  margin: ['Gross margin', 'The share of revenue left after the cost of the goods sold. Profit in this report is gross margin x revenue - media spend.'],
  contribution: ['Contribution', 'Revenue the model attributes to a channel: what the weeks would have lost without its spend.'],
  baseline: ['Baseline', 'Revenue the model expects without any media: the intercept, the trend and the seasonality.'],
  adstock: ['Carry-over (adstock)', "Media keeps working after the week it runs. The model spreads each week's effect over the following weeks."],
  halfLife: ['Half-life', "Weeks until the effect of one week's spend has fallen to half of its peak."],
  responseCurve: ['Response curve', 'Revenue per week against spend per week, carry-over included, as the model estimates it. It flattens as a channel saturates.'],
  holdout: ['Holdout weeks', 'The last weeks of the data, kept out of the fit that chose the model, to check it on weeks it had not seen.'],
  mape: ['MAPE', 'Mean absolute percentage error: the average size of the miss, as a share of the actual revenue.'],
  r2: ['R²', 'The share of the week-to-week variation of revenue the model reproduces (1 = all of it).'],
  nrmse: ['NRMSE', 'Root mean squared error divided by the range of the actual revenue (lower is better).'],
  decompRssd: ['DECOMP.RSSD', "Robyn's distance between each channel's share of spend and its share of effect. The model selection uses it only to break ties between equally accurate models."],
  interval: ['90% interval', "The range that holds the true value in 9 of 10 cases, read from the model's draws."],
  band: ['P5-P95', 'The 5th and 95th percentiles of the simulated outcomes: 90% of the simulations land between them.'],
  draws: [
    'Draws',
    "Versions of the model the data leave plausible: by default draws from the posterior over each channel's curve family, carry-over and saturation, with the coefficients given each; with the search estimator, refits on resampled blocks of weeks. Their spread is the uncertainty of every curve and figure.",
  ],
  shadowPrice: ['Shadow price', 'How much the objective would gain if a binding limit were loosened by one unit (for the budget: revenue per extra unit of budget).'],
  curse: ["Optimiser's curse", "A plan chosen as best on one estimate of the curves tends to do worse on the truth, because the choice favours the estimate's errors. The draws show by how much."],
  clv: ['CLV', 'Customer lifetime value: the discounted revenue a customer is expected to bring over the coming months.'],
  bgnbd: ['BG/NBD', 'The model of how often customers buy and when they stop (Fader, Hardie & Lee 2005). Its parameters r, α, a, b describe the purchase rates and drop-out.'],
  gammaGamma: ['Gamma-Gamma', 'The model of how much customers spend per order (Fader, Hardie & Lee 2005b), with parameters p, q, v.'],
  lineage: ['Lineage', 'The artifact folders and data versions this report was made from; each has a manifest with its inputs and output hashes.'],
  dataVersion: ['Data version', "A hash of a stage's code version, inputs and parameters: the same hash means the same result."],
  steadyState: ['Steady state', 'Spending the same amount every week until the carry-over has settled; the response curves and the planner assume it.'],
} as const satisfies Record<string, readonly [string, string]>;

/** A glossary entry's id (also its anchor, `#g-<id>`). */
export type GlossaryId = keyof typeof GLOSSARY;

/** A glossary term in the text: its word (or `word`), its definition as a tooltip, a link to the entry. */
export function t(id: GlossaryId, word?: string): string {
  return term(word ?? GLOSSARY[id][0], id, GLOSSARY[id][1]);
}

/** The glossary as a definition list (appendix). */
export function glossaryList(): string {
  const entries = Object.entries(GLOSSARY) as [GlossaryId, readonly [string, string]][];
  return `<dl class="glossary">${entries.map(([id, [word, def]]) => `<dt id="g-${id}">${esc(word)}</dt><dd>${esc(def)}</dd>`).join('')}</dl>`;
}
