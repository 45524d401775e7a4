/** Significance testing (paired t-test, randomization test, Holm correction) and confidence intervals. */
export { incompleteBeta, lnBeta, lnGamma } from "./beta.js";
export { studentTCdf, studentTTwoSided, studentTQuantile } from "./student-t.js";
export type { MeanInterval } from "./confidence-interval.js";
export { meanConfidenceInterval } from "./confidence-interval.js";
export type { PairedTTest } from "./ttest.js";
export { pairedTTest } from "./ttest.js";
export type { RandomizationOptions, RandomizationResult } from "./randomization.js";
export { randomizationTest } from "./randomization.js";
export { bonferroni, holm } from "./holm.js";
export type { BaselineComparison, CompareOptions } from "./compare.js";
export { compareToBaseline } from "./compare.js";
export { Xoshiro128 } from "./prng.js";
