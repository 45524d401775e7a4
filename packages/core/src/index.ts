/**
 * @i3/core: the lowest I3 package (no dependencies beyond Node's built-ins), holding what
 * several packages need and must agree on bit for bit. See README.md.
 */
export * from "./random/index.js";
export * from "./hash/index.js";
export * from "./io/index.js";
export * from "./json/index.js";
export * from "./cache/index.js";
export * from "./onnxruntime/index.js";
