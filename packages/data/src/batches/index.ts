// Filled by the batches module; re-exported by ../index.ts.
export {};
