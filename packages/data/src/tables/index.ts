/**
 * Arquero tables over qrels and runs (see docs/formats.md, "Tables"), and arquero itself: `aq`
 * (the whole API: `aq.from`, `aq.table`, `aq.escape`, ...) and `op` (table expressions), so a
 * project that depends on @i3/data alone builds and queries tables without installing arquero.
 * arquero is pinned to 7.2: arquero 8 depends on a package the registry here lacks.
 */
export { qrelsTable, runTable, judgedRunTable } from "./run-tables.js";
export { perQueryStats, type PerQueryStatsOptions } from "./per-query-stats.js";
export type { ColumnTable } from "arquero";
export * as aq from "arquero";
export { op } from "arquero";
