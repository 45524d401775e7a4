/** Several runs against a baseline on several measures: `compareRuns`, its table and renderings. */
export type { ComparisonData, ComparisonOptions, ComparisonRow, ComparisonSettings, PairedTestName, PerQueryScores } from "./types.js";
export type { CompareRunsOptions, RunComparison } from "./compare-runs.js";
export { compareEvaluations, compareRuns, comparisonTable, withRenderings } from "./compare-runs.js";
export type { ComparisonFormatOptions } from "./comparison-format.js";
export { comparisonHtml, comparisonLatex, comparisonLegend, comparisonMarkdown, DIRECTION_MARKERS, rowMarkers, TEST_MARKERS } from "./comparison-format.js";
