/** Budget optimiser: allocation problems -> solver -> allocation with its explanation. */
export * from './types.ts';
export { responseValue, marginalRoi, averageRoi, inflectionPoint, isConcaveOn, curveSupremum, spendForResponse } from './curves.ts';
export { resolveProblem } from './resolve.ts';
export { allocationProblemSchema, curveSchema, parseAllocationProblem, parseCurveSets } from './schema.ts';
export { allocateBudget, allocateResolved, validateAllocationProblem } from './allocate.ts';
export { evaluatePlan, constraintViolations, channelValue, channelMarginalValue, boundsHeld } from './evaluate.ts';
export type { PlanTotals, Violation } from './evaluate.ts';
export { evaluateUnderCurveDraws, quantileSorted } from './robustness.ts';
export type { RobustnessSummary } from './robustness.ts';
export { defaultProblemFromCurves } from './default-problem.ts';
export type { ChannelCurveInput, DefaultProblemOptions } from './default-problem.ts';
export { LinearModelBuilder, loadHighs, solveLinearModel, toCplexLp } from './solver.ts';
export type { LinearModel, LinearSolution, SolveOptions } from './solver.ts';
export { budgetScenarios } from './scenarios.ts';
export type { Band, BudgetScenarios, PlanFigures, Scenario, ScenarioId, ScenarioOptions, SweepPoint } from './scenarios.ts';
