/** The HTML report: artifacts -> report data -> one self-contained page. */
export * from './types.ts';
export { assembleReportData, decompositionLayers, nextUnitUnderDraws, niceCeil, PLANNER_DRAWS, sectionReason, sectionStates } from './assemble.ts';
export { renderReport, plannerScriptHash } from './render.ts';
export { headline, headlineSentences, mediaShare } from './headline.ts';
export { adstockSummary, halfLifeFromDecay } from './adstock.ts';
export { compact, esc, jsonForScript, pct, ratio, signedPct } from './html.ts';
export { PLANNER_SCRIPT } from './planner-script.ts';
