/**
 * @i3/data: IR file formats, collections and the datasets registry, tokenizers, hard negatives
 * and training batches. See README.md and docs/ for each area.
 */
export type * from "./types.js";
export * from "./formats/index.js";
export * from "./collections/index.js";
export * from "./tokenizer/index.js";
export * from "./negatives/index.js";
export * from "./batches/index.js";
export * from "./tables/index.js";
