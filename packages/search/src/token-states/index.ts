/**
 * Token-state stores: per passage, one model layer's token states (real tokens only), float16
 * by default, built once from a caller's encoder and read by id (MICE's stored document states).
 */
export { buildTokenStateStore, type BuildTokenStateStoreOptions } from "./build.js";
export { TokenStateStore } from "./store.js";
export {
  TOKEN_STATE_FILES,
  TOKEN_STATE_FORMAT,
  TOKEN_STATE_FORMAT_VERSION,
  TokenStateStoreError,
  readTokenStateManifest,
  validateTokenStateManifest,
  tokenStateManifest,
  type TokenStateManifest,
  type TokenStateManifestFields,
} from "./manifest.js";
