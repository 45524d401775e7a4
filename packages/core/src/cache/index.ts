// Cache locations: the root setting (I3_CACHE_DIR) and the first-write notice.
export { CACHE_DIR_ENV, announceCacheWrite, cacheDirFromEnv, cacheRoot } from "./cache-root.js";
