// Filled by the formats module; re-exported by ../index.ts.
export {};
