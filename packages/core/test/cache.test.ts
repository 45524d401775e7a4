// The cache root setting (I3_CACHE_DIR, else ~/.cache/i3) and the once-per-folder write notice.
import path from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import { CACHE_DIR_ENV, announceCacheWrite, cacheDirFromEnv, cacheRoot } from "../src/index.js";

const saved = { cache: process.env[CACHE_DIR_ENV], home: process.env["HOME"] };
afterEach(() => {
  for (const [key, value] of [[CACHE_DIR_ENV, saved.cache], ["HOME", saved.home]] as const) {
    if (value === undefined) delete process.env[key];
    else process.env[key] = value;
  }
  vi.restoreAllMocks();
});

describe("cacheRoot", () => {
  it("is $I3_CACHE_DIR resolved against the cwd, else <HOME>/.cache/i3", () => {
    expect(CACHE_DIR_ENV).toBe("I3_CACHE_DIR");
    delete process.env[CACHE_DIR_ENV];
    process.env["HOME"] = "/home/someone";
    expect(cacheDirFromEnv()).toBeUndefined();
    expect(cacheRoot()).toBe("/home/someone/.cache/i3");
    process.env[CACHE_DIR_ENV] = " ";
    expect(cacheRoot()).toBe("/home/someone/.cache/i3");
    process.env[CACHE_DIR_ENV] = "relative/cache";
    expect(cacheDirFromEnv()).toBe(path.join(process.cwd(), "relative", "cache"));
    expect(cacheRoot()).toBe(path.join(process.cwd(), "relative", "cache"));
    process.env[CACHE_DIR_ENV] = "/data/i3-cache";
    expect(cacheRoot()).toBe("/data/i3-cache");
  });
});

describe("announceCacheWrite", () => {
  it("prints one line per folder and process to stderr, naming what, where and how to change it", () => {
    const lines: string[] = [];
    vi.spyOn(process.stderr, "write").mockImplementation((chunk: string | Uint8Array) => {
      lines.push(String(chunk));
      return true;
    });
    expect(announceCacheWrite("the BM25 index", "/x/cache/bm25", "set I3_CACHE_DIR to change")).toBe(true);
    expect(announceCacheWrite("the BM25 index", "/x/cache/bm25/", "set I3_CACHE_DIR to change")).toBe(false); // same folder
    expect(announceCacheWrite("datasets", "/x/cache/datasets", "set --datasets-dir to change")).toBe(true);
    expect(lines).toEqual([
      "i3: writing the BM25 index to /x/cache/bm25 (set I3_CACHE_DIR to change)\n",
      "i3: writing datasets to /x/cache/datasets (set --datasets-dir to change)\n",
    ]);
  });
});
