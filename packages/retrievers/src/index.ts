/**
 * @i3/retrievers: training and retrieval recipes for first-stage retrievers, the dual-encoder
 * and I3. See README.md.
 */
export * from "./settings.js";
