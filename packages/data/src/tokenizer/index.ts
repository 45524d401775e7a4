// Filled by the tokenizer module; re-exported by ../index.ts.
export {};
