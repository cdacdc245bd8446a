/**
 * Selection: from the scored candidates of the search, the one model refitted
 * on all weeks (error-led rule: see chooseCandidate and consensusCandidate in
 * search.ts), and the candidates as reported (Pareto front, chosen one).
 */
import { alphaPriorTerm, createEvaluator, evaluateCandidate } from './kernel.ts';
import { chooseCandidate, consensusCandidate } from './search.ts';
import type { SearchResult } from './search.ts';
import { columnParams, decodeUnit } from './problem.ts';
import type { SearchProblem } from './problem.ts';
import type { Candidate } from './types.ts';

/** The selected candidate and how it was selected. */
export interface Selection {
  /** Index (trial * iterations + evaluation) of the chosen candidate. */
  chosen: number;
  /** Its hyperparameters (kernel layout, lambda last). */
  hp: Float64Array;
  /** The near-best set of the consensus rule (empty for 'rssd'). */
  members: number[];
  /** The rule and the objective in words, for model.json. */
  rule: string;
  objective: string;
}

/**
 * Chooses one candidate by the options' rule ('rssd': lowest DECOMP.RSSD
 * among candidates within (1 + tolerance) x the best objective; 'consensus':
 * the medoid of their channel contributions).
 */
export function selectCandidate(pr: SearchProblem, search: SearchResult): Selection {
  const { o, spec, dims, n, cal } = pr;
  const count = search.trials * search.iterations;
  let chosen: number;
  let members: number[] = [];
  if (o.selection === 'rssd') chosen = chooseCandidate(search.scores, count, o.selectionTolerance);
  else {
    const ev = createEvaluator(spec);
    const out = new Float64Array(3);
    const r = consensusCandidate(search.scores, count, o.selectionTolerance, 1000, (i) => {
      evaluateCandidate(ev, search.units, i * dims, out, 0);
      return Float64Array.from(ev.contrib as Float64Array);
    });
    chosen = r.chosen;
    members = r.members;
  }
  const rule =
    o.selection === 'rssd'
      ? `lowest DECOMP.RSSD among candidates with objective <= (1 + ${o.selectionTolerance}) x the best; then refit on all ${n} weeks`
      : `medoid of the channel contributions of the ${members.length} candidates with objective <= (1 + ${o.selectionTolerance}) x the best; then refit on all ${n} weeks`;
  const nCal = cal.channel.length;
  const objective = `validation NRMSE x (1 + ${spec.alphaPrior} x sum over channels of (ln(alpha / geometric middle of its range) / ln(sqrt(hi / lo)))^2)${nCal > 0 ? ` x (1 + ${o.calibrationWeight} x MAPE.LIFT over ${nCal} lift ${nCal === 1 ? 'study' : 'studies'})` : ''}`;
  return { chosen, hp: decodeUnit(pr, search.units, chosen), members, rule, objective };
}

/**
 * A function that reports candidates as model.json and pareto.json show them:
 * the search objective, and the validation NRMSE with the objective's factors
 * (alpha prior, calibration) undone. MAPE.LIFT is not kept per candidate by
 * the search, so it is re-scored for the few candidates reported.
 */
export function candidateReporter(pr: SearchProblem, search: SearchResult): (i: number) => Candidate {
  const { o, spec, dims, lower, upper } = pr;
  const calibrated = pr.cal.channel.length > 0;
  const calEv = calibrated ? createEvaluator(spec) : null;
  const calOut = new Float64Array(3);
  const mapeLiftOf = (i: number): number => {
    evaluateCandidate(calEv, search.units, i * dims, calOut, 0);
    return calEv.mapeLift as number;
  };
  const objectiveFactor = (h: Float64Array, mapeLift: number): number =>
    (1 + spec.alphaPrior * (spec.alphaPrior > 0 ? alphaPriorTerm(h, spec.alphaDim, lower, upper) : 0)) * (1 + o.calibrationWeight * mapeLift);
  return (i: number): Candidate => {
    const hp = decodeUnit(pr, search.units, i);
    const hyperparameters: Record<string, Record<string, number>> = {};
    pr.media.forEach((m, j) => {
      const { family, values } = columnParams(pr, j, hp);
      hyperparameters[m.name] = m.families.length > 1 ? { ...values, family: m.families.indexOf(family) } : values;
    });
    const mapeLift = calibrated ? mapeLiftOf(i) : 0;
    const s = search.scores;
    const c: Candidate = {
      trial: Math.floor(i / search.iterations),
      index: i % search.iterations,
      objective: s[i * 3],
      validationNrmse: s[i * 3] / objectiveFactor(hp, mapeLift),
      decompRssd: s[i * 3 + 1],
      trainNrmse: s[i * 3 + 2],
      lambda: hp[dims - 1],
      hyperparameters,
    };
    if (calibrated) c.mapeLift = mapeLift;
    return c;
  };
}
