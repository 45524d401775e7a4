/**
 * Stage-cache integrity: every committed entry records the size and sha256 of its files; a reused
 * entry that no longer matches (truncated, a byte flipped, a file deleted, a broken manifest) is
 * recomputed with a warning in the run log, never used. Sizes are checked always, hashes with
 * `verify` or for files modified after the manifest; entries without records (older versions)
 * are used unverified with a warning, and recomputed under `verify`.
 */
import { createHash } from "node:crypto";
import { mkdir, readFile, rm, stat, truncate, utimes, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { StageCache, type CacheWarning, type StageManifest } from "../src/runner/cache.js";
import { parseLog, type LogRecord } from "../src/runner/run-log.js";
import { runExperiment, type RunOptions, type RunResult } from "../src/runner/run-experiment.js";
import { tempDir, writeTinyCollection } from "./runner-fixtures.js";

let collectionDir: string;
let datasetsDir: string;

beforeAll(async () => {
  collectionDir = await writeTinyCollection();
  datasetsDir = await tempDir("i3-datasets-");
});

const config = () => ({ name: "integrity", dataset: `local:${collectionDir}`, evaluation: { measures: ["nDCG@10", "AP"] } });

/** A first run into a fresh runs folder, and where its cached BM25 run file sits. */
async function firstRun(): Promise<{ opts: RunOptions; first: RunResult; entry: string; runFile: string; original: Buffer }> {
  const opts: RunOptions = { runsDir: await tempDir(), datasetsDir, quiet: true };
  const first = await runExperiment(config(), opts);
  const bm25 = first.stages.find((s) => s.id === "bm25/retrieve:test")!;
  const entry = join(opts.runsDir!, ".cache", "retrieve", bm25.hash);
  const runFile = join(entry, "run.trec");
  return { opts, first, entry, runFile, original: await readFile(runFile) };
}

function cachedOf(result: RunResult): Record<string, boolean> {
  return Object.fromEntries(result.stages.map((s) => [s.id, s.cached]));
}

async function warnings(result: RunResult): Promise<LogRecord[]> {
  return parseLog(await readFile(join(result.runDir, "log.jsonl"), "utf8")).filter((r) => r.event === "stage-cache-warning");
}

/** Flips the first byte of a file (same size) and, when `mtime` is given, sets its modification time. */
async function flipByte(file: string, mtime?: Date): Promise<void> {
  const bytes = await readFile(file);
  bytes[0] = bytes[0]! ^ 0x01;
  await writeFile(file, bytes);
  if (mtime) await utimes(file, mtime, mtime);
}

/** Expects the second run to have recomputed bm25:test (only), logged why, and restored the exact bytes. */
async function expectRecomputed(second: RunResult, first: RunResult, runFile: string, original: Buffer, problem: RegExp): Promise<void> {
  expect(cachedOf(second)).toEqual({ data: true, "bm25/retrieve:test": false, "bm25/evaluate:test": true });
  const logged = await warnings(second);
  expect(logged).toHaveLength(1);
  expect(logged[0]).toMatchObject({ stage: "bm25/retrieve:test", kind: "corrupt", action: "recompute" });
  expect(String(logged[0]!.problem)).toMatch(problem);
  expect(await readFile(runFile)).toEqual(original);
  expect(second.metrics.splits).toEqual(first.metrics.splits);
}

describe("stage cache integrity", () => {
  it("records the size and sha256 of every file of an entry in its manifest", async () => {
    const { entry, original } = await firstRun();
    const manifest = JSON.parse(await readFile(join(entry, "manifest.json"), "utf8")) as StageManifest;
    expect(manifest.files).toEqual({
      "run.trec": { size: original.length, sha256: createHash("sha256").update(original).digest("hex") },
    });
  });

  it("recomputes an entry whose run.trec was truncated (size check, no --verify needed)", async () => {
    const { opts, first, runFile, original } = await firstRun();
    await truncate(runFile, 14);
    const second = await runExperiment(config(), opts);
    await expectRecomputed(second, first, runFile, original, /^run\.trec has 14 bytes, recorded \d+$/);
  });

  it("recomputes an entry one of whose files was deleted", async () => {
    const { opts, first, runFile, original } = await firstRun();
    await rm(runFile);
    const second = await runExperiment(config(), opts);
    await expectRecomputed(second, first, runFile, original, /^run\.trec is missing$/);
  });

  it("hashes a file modified after its manifest: a flipped byte (same size) is caught without --verify", async () => {
    const { opts, first, entry, runFile, original } = await firstRun();
    const manifestTime = (await stat(join(entry, "manifest.json"))).mtimeMs;
    await flipByte(runFile, new Date(manifestTime + 60_000));
    const second = await runExperiment(config(), opts);
    await expectRecomputed(second, first, runFile, original, /^run\.trec has sha256 [0-9a-f]{12}\.\.\., recorded [0-9a-f]{12}\.\.\.$/);
  });

  it("with its modification time put back, a flipped byte passes the cheap check and is caught by --verify", async () => {
    const { opts, first, entry, runFile, original } = await firstRun();
    const manifestTime = (await stat(join(entry, "manifest.json"))).mtimeMs;
    await flipByte(runFile, new Date(manifestTime - 60_000));
    const flipped = await readFile(runFile);

    // Documented limit of the default check: same size, not modified after the manifest -> reused as is.
    const unverified = await runExperiment(config(), opts);
    expect(Object.values(cachedOf(unverified)).every(Boolean)).toBe(true);
    expect(await warnings(unverified)).toEqual([]);
    expect(await readFile(runFile)).toEqual(flipped);

    const verified = await runExperiment(config(), { ...opts, verify: true });
    await expectRecomputed(verified, first, runFile, original, /^run\.trec has sha256 /);
    // The other entries pass the full check and are reused.
    const again = await runExperiment(config(), { ...opts, verify: true });
    expect(Object.values(cachedOf(again)).every(Boolean)).toBe(true);
    expect(await warnings(again)).toEqual([]);
  });

  it("recomputes an entry whose manifest is missing or is not JSON", async () => {
    const { opts, first, entry, runFile, original } = await firstRun();
    await rm(join(entry, "manifest.json"));
    await expectRecomputed(await runExperiment(config(), opts), first, runFile, original, /^manifest\.json is missing or unreadable$/);
    await writeFile(join(entry, "manifest.json"), '{"stage": "retrieve", ');
    await expectRecomputed(await runExperiment(config(), opts), first, runFile, original, /^manifest\.json is not valid JSON$/);
  });

  it("uses an entry written before file records unverified with a warning, and recomputes it under --verify", async () => {
    const { opts, first, entry, runFile, original } = await firstRun();
    const manifestPath = join(entry, "manifest.json");
    const { files: _dropped, ...legacy } = JSON.parse(await readFile(manifestPath, "utf8")) as StageManifest;
    await writeFile(manifestPath, `${JSON.stringify(legacy, null, 2)}\n`);

    const reused = await runExperiment(config(), opts);
    expect(Object.values(cachedOf(reused)).every(Boolean)).toBe(true);
    const logged = await warnings(reused);
    expect(logged).toHaveLength(1);
    expect(logged[0]).toMatchObject({ stage: "bm25/retrieve:test", kind: "unverifiable", action: "reuse" });

    const verified = await runExperiment(config(), { ...opts, verify: true });
    expect(cachedOf(verified)).toEqual({ data: true, "bm25/retrieve:test": false, "bm25/evaluate:test": true });
    expect(await warnings(verified)).toMatchObject([{ stage: "bm25/retrieve:test", kind: "unverifiable", action: "recompute" }]);
    expect(await readFile(runFile)).toEqual(original);
    expect(verified.metrics.splits).toEqual(first.metrics.splits);
    const rewritten = JSON.parse(await readFile(manifestPath, "utf8")) as StageManifest;
    expect(Object.keys(rewritten.files!)).toEqual(["run.trec"]);
  });
});

describe("StageCache", () => {
  /** A producer writing two files (one in a subfolder) and counting its calls. */
  function producer(calls: { n: number }) {
    return async (dir: string) => {
      calls.n++;
      await writeFile(join(dir, "a.txt"), "alpha\n");
      await mkdir(join(dir, "sub"));
      await writeFile(join(dir, "sub", "b.bin"), Buffer.from([0, 1, 2, 3]));
      return { stage: "s", id: "s", hash: "h1", key: {}, upstream: {}, output: { ok: true }, seconds: 0 };
    };
  }

  it("two caches on one folder (two processes) committing the same entry at once: one folder, both get its manifest", async () => {
    const dir = await tempDir("i3-cache-");
    const calls = { n: 0 };
    const [a, b] = await Promise.all([new StageCache(dir).commit("s", "h1", producer(calls)), new StageCache(dir).commit("s", "h1", producer(calls))]);
    expect(calls.n).toBe(2); // no in-process sharing between the two objects
    expect(a.files).toEqual(b.files);
    expect(a.files).toEqual({
      "a.txt": { size: 6, sha256: createHash("sha256").update("alpha\n").digest("hex") },
      "sub/b.bin": { size: 4, sha256: createHash("sha256").update(Buffer.from([0, 1, 2, 3])).digest("hex") },
    });
    const onDisk = JSON.parse(await readFile(join(dir, "s", "h1", "manifest.json"), "utf8")) as StageManifest;
    expect([a.createdAt, b.createdAt]).toContain(onDisk.createdAt);
    const warned: CacheWarning[] = [];
    expect(await new StageCache(dir).read("s", "h1", { verify: true, warn: (w) => warned.push(w) })).toEqual(onDisk);
    expect(warned).toEqual([]);
  });

  it("read removes a corrupt entry so that the next commit can take its place", async () => {
    const dir = await tempDir("i3-cache-");
    const cache = new StageCache(dir);
    const calls = { n: 0 };
    await cache.commit("s", "h1", producer(calls));
    await writeFile(join(dir, "s", "h1", "sub", "b.bin"), "xyz");
    const warned: CacheWarning[] = [];
    expect(await cache.read("s", "h1", { warn: (w) => warned.push(w) })).toBeUndefined();
    expect(warned.map((w) => [w.kind, w.action, w.problem])).toEqual([["corrupt", "recompute", "sub/b.bin has 3 bytes, recorded 4"]]);
    expect(warned[0]!.message).toMatch(/^cached s\/h1 is corrupt: sub\/b\.bin has 3 bytes, recorded 4; recomputing it$/);
    await expect(stat(join(dir, "s", "h1"))).rejects.toThrow();
    await cache.commit("s", "h1", producer(calls));
    expect(await cache.read("s", "h1", { verify: true })).toBeDefined();
    expect(await cache.read("s", "nothing")).toBeUndefined();
  });
});
