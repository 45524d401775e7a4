// Hashes: stable 32-bit string hashes (for seeds) and streamed sha256 of files (for identities).
export { fmix32, fnv1a32, hashString32 } from "./hash32.js";
export { sha256File, sha256FileUncached } from "./sha256-file.js";
