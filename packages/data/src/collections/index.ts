// Filled by the collections module; re-exported by ../index.ts.
export {};
