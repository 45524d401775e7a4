/** Fusion of runs: reciprocal rank fusion, CombSUM and CombMNZ, and the score normalisations they use. */
export type { RrfOptions } from "./rrf.js";
export { rrf } from "./rrf.js";
export type { CombOptions } from "./comb.js";
export { combMnz, combSum } from "./comb.js";
export type { ScoreNormalization } from "./normalize.js";
export { normalizeRun, normalizeScores, SCORE_NORMALIZATIONS } from "./normalize.js";
