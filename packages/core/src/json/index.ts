// Canonical JSON (sorted keys, no whitespace, non-JSON values rejected) and its sha256.
export { canonicalJson, stableHash } from "./canonical-json.js";
