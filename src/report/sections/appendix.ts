/** Section "appendix": the technical detail (model selection, shadow prices, the optimiser's curse, CLV parameters, lineage) and the glossary. */
import { glossaryList, t } from '../glossary.ts';
import { compact, esc, pct, ratio, table } from '../html.ts';
import type { ReportData } from '../types.ts';

const num = (v: number | undefined, digits = 3) => (v === undefined || !Number.isFinite(v) ? '–' : v.toFixed(digits));

function modelDetail(d: ReportData): string {
  const m = d.model;
  if (!m) return '';
  const mt = m.metrics;
  const rows = [
    [t('r2'), num(mt.r2)],
    [t('nrmse'), num(mt.nrmse)],
    [t('mape'), pct(mt.mape, 2)],
    [`${t('mape')} on the ${m.holdoutWeeks} holdout weeks`, pct(mt.holdoutMape, 2)],
    [t('decompRssd'), num(mt.decompRssd)],
    ['Durbin-Watson', num(mt.durbinWatson, 2)],
    ['Residual standard deviation per week', compact(mt.residualSd)],
  ];
  const selection = m.selection ? `<p>How it was estimated: ${esc(m.selection)}.</p>` : '';
  return `<h3>The model</h3>${table(['Measure', 'Value'], rows)}${selection}`;
}

/** Within this relative distance the draws agree with the point model. */
const AGREE = 0.005;

/**
 * The gain over the current plan the point model promises, against the same
 * gain under the model's draws (the optimiser's curse: a plan chosen on one
 * model gains less under the others), worded by the gap's sign.
 * @param pointUplift media revenue per week of the recommended plan minus the current plan's, on the point model
 * @param drawsUplift the same, averaged over the draws
 */
export function upliftUnderDraws(pointUplift: number, drawsUplift: number, money: (v: number) => string): string {
  if (!(Math.abs(pointUplift) > 0)) return '';
  const shrink = (pointUplift - drawsUplift) / Math.abs(pointUplift);
  const by = pct(Math.abs(shrink));
  const gain = `the gain over the current plan (${money(pointUplift)} per week on the point model, ${money(drawsUplift)} under the draws)`;
  if (Math.abs(shrink) < AGREE) return `Under the model's draws ${gain} holds within ${pct(AGREE)}: no sign of the ${t('curse', "optimiser's curse")}.`;
  if (shrink > 0) return `${t('curse')}: under the model's draws ${gain} is ${by} smaller, so expect less than the point figures promise.`;
  return `Under the model's draws ${gain} is ${by} larger: the point figures are the conservative ones (no sign of the ${t('curse', "optimiser's curse")}).`;
}

function optimiserDetail(d: ReportData): string {
  const p = d.plan;
  if (!p) return '';
  if (p.status !== 'optimal') return `<h3>The optimiser</h3><p>No plan within the limits this run (status ${esc(p.status)}): ${esc(p.message)}</p>`;
  const binding = p.binding.length
    ? table(
        ['Limit', 'What it says', t('shadowPrice')],
        p.binding.map((b) => [`<code>${esc(b.id)}</code>`, esc(b.description), b.shadowPrice === null ? '–' : ratio(b.shadowPrice)]),
      )
    : '<p>No limit binds.</p>';
  const r = p.robustness;
  const curse =
    r && r.pointUplift !== null && r.upliftUnderDraws !== null
      ? `<p>${upliftUnderDraws(r.pointUplift, r.upliftUnderDraws, compact)} The recommended plan beats the current plan in ${pct(r.probabilityBetter, 0)} of the draws.</p>`
      : '';
  const scenarios = d.scenarios
    ? `<p>Budget scenarios, each reproducible with <code>mmm optimise</code> on its problem (budgets per week): ${d.scenarios.scenarios
        .filter((s) => s.plan)
        .map((s) => `${esc(s.label)} ${s.plan!.spend.toFixed(2)}`)
        .join('; ')}.</p>`
    : '';
  return `<h3>The optimiser</h3><p>Binding limits of the recommended plan and their ${t('shadowPrice', 'shadow prices')} (what one unit of loosening, a cap raised or a floor lowered, gains per week in the plan's objective).</p>${binding}${curse}${scenarios}`;
}

function customerDetail(d: ReportData): string {
  const c = d.customers;
  if (!c) return '';
  const rows = [
    [`${t('bgnbd')} r, α`, `${num(c.bgnbd.r, 4)}, ${num(c.bgnbd.alpha, 4)}`],
    [`${t('bgnbd')} a, b`, `${num(c.bgnbd.a, 4)}, ${num(c.bgnbd.b, 4)}`],
    [`${t('gammaGamma')} p, q, v`, `${num(c.gammaGamma.p, 4)}, ${num(c.gammaGamma.q, 4)}, ${num(c.gammaGamma.v, 4)}`],
  ];
  return `<h3>Customer models</h3>${table(['Parameter', 'Value'], rows)}`;
}

function runDetail(d: ReportData): string {
  const reasons = d.drift?.reasons.join('; ') ?? '';
  const drift = d.drift ? `<p>Model decision: <b>${d.drift.decision}</b>. ${esc(reasons.charAt(0).toUpperCase() + reasons.slice(1))}.</p>` : '';
  const lineage = table(
    ['Stage', t('dataVersion'), 'Folder'],
    d.lineage.map((l) => [esc(l.stage), `<code class="hash">${esc(l.dataVersion)}</code>`, `<code>${esc(l.dir)}</code>`]),
  );
  const build = `<p>Build <code>${esc(d.buildId)}</code>: a hash of the ${t('lineage', 'lineage')} below, the artifacts this report was made from, so an unchanged re-run gives the same build and the same page. It is not a run id: <code>mmm runs</code> lists the runs, and each run's record names the artifact folders it used.</p>`;
  return `<h3 id="build">This build</h3>${build}<p>Data ${esc(d.data.firstWeek)} to ${esc(d.data.lastWeek)} (${d.data.weeks} weeks)${d.data.currency ? `, currency ${esc(d.data.currency)}` : ''}.</p>${drift}${lineage}`;
}

/** Renders the section's body. */
export function appendixSection(d: ReportData): string {
  return `${modelDetail(d)}${optimiserDetail(d)}${customerDetail(d)}${runDetail(d)}<h3 id="glossary">Glossary</h3>${glossaryList()}`;
}
