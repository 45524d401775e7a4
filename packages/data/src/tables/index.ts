/**
 * Arquero tables over qrels and runs (see docs/formats.md, "Tables"). arquero is pinned to 7.2:
 * arquero 8 depends on a package the registry here lacks.
 */
export { qrelsTable, runTable, judgedRunTable } from "./run-tables.js";
export { perQueryStats, type PerQueryStatsOptions } from "./per-query-stats.js";
export type { ColumnTable } from "arquero";
