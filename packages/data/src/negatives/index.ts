// Filled by the negatives module; re-exported by ../index.ts.
export {};
