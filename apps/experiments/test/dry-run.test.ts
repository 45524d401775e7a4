/**
 * `i3 run --dry-run` / `planRunStatus`: before a run every stage is "to run" and nothing is
 * written; after it, every stage is cached under exactly the hash the real run used; a damaged
 * entry is listed as "to run" and left in place (the real run, not the dry run, replaces it);
 * `i3 sweep --dry-run` counts per run; `--dry-run` with `--resume` is a user error.
 */
import { readdir, rm, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { main } from "../src/cli/main.js";
import { formatRunStatus, planRunStatus } from "../src/runner/dry-run.js";
import { runExperiment, type RunOptions } from "../src/runner/run-experiment.js";
import { tempDir, writeTinyCollection } from "./runner-fixtures.js";

const defineModule = fileURLToPath(new URL("../src/sweep/define.ts", import.meta.url));
let collectionDir: string;
let datasetsDir: string;

beforeAll(async () => {
  collectionDir = await writeTinyCollection();
  datasetsDir = await tempDir("i3-datasets-");
});

afterEach(() => {
  vi.restoreAllMocks();
  process.exitCode = undefined;
});

const config = () => ({ name: "dry", dataset: `local:${collectionDir}`, evaluation: { measures: ["nDCG@10"] } });

describe("dry run", () => {
  it("lists every stage as to run before a run (writing nothing), and as cached with the run's own hashes after it", async () => {
    const runsDir = await tempDir();
    const opts: RunOptions = { runsDir, datasetsDir, quiet: true };
    const before = await planRunStatus(config(), opts);
    expect(before.map((s) => [s.id, s.cached])).toEqual([
      ["data", false],
      ["bm25/retrieve:test", false],
      ["bm25/evaluate:test", false],
    ]);
    expect(await readdir(runsDir)).toEqual([]);
    expect(formatRunStatus(before)).toMatch(/^to run {2}data {16}data\/[0-9a-f]{12}\n[\s\S]*0 of 3 stages cached; 3 to run\n$/);

    const run = await runExperiment(config(), opts);
    const after = await planRunStatus(config(), opts);
    expect(after.map((s) => ({ id: s.id, hash: s.hash, cached: s.cached }))).toEqual(run.stages.map((s) => ({ id: s.id, hash: s.hash, cached: true })));
    expect(after.map((s) => s.hash)).toEqual(before.map((s) => s.hash));
  });

  it("reports a damaged entry as to run and leaves it in place", async () => {
    const runsDir = await tempDir();
    const opts: RunOptions = { runsDir, datasetsDir, quiet: true };
    const run = await runExperiment(config(), opts);
    const retrieve = run.stages.find((s) => s.id === "bm25/retrieve:test")!;
    const entry = join(runsDir, ".cache", "retrieve", retrieve.hash);
    await rm(join(entry, "run.trec"));
    const status = await planRunStatus(config(), opts);
    expect(status.map((s) => s.cached)).toEqual([true, false, true]);
    expect((await stat(join(entry, "manifest.json"))).isFile()).toBe(true);
  });

  it("i3 run --dry-run prints the list; i3 sweep --dry-run counts per run; --dry-run with --resume exits 2", async () => {
    const runsDir = await tempDir();
    const dir = await tempDir("i3-config-");
    const file = join(dir, "dry.ts");
    await writeFile(file, `export default ${JSON.stringify(config())};\n`);
    const sweepFile = join(dir, "sweep.ts");
    await writeFile(sweepFile, `import { defineSweep } from ${JSON.stringify(defineModule)};\nimport base from "./dry.ts";\nexport default defineSweep(base, { includeBase: true, grid: { "systems.bm25.k1": [1.5] } });\n`);
    const out: string[] = [];
    const err: string[] = [];
    vi.spyOn(process.stdout, "write").mockImplementation((chunk: string | Uint8Array) => (out.push(String(chunk)), true));
    vi.spyOn(process.stderr, "write").mockImplementation((chunk: string | Uint8Array) => (err.push(String(chunk)), true));
    const folders = ["--runs-dir", runsDir, "--datasets-dir", datasetsDir];
    await main(["node", "i3", "run", file, "--dry-run", ...folders]);
    expect(process.exitCode ?? 0).toBe(0);
    expect(out.join("")).toContain("0 of 3 stages cached; 3 to run");
    expect(await readdir(runsDir)).toEqual([]);

    // After the base ran, the sweep's base is fully cached and its k1 = 1.5 run shares only the data stage.
    await runExperiment(config(), { runsDir, datasetsDir, quiet: true });
    out.length = 0;
    await main(["node", "i3", "sweep", sweepFile, "--dry-run", ...folders]);
    expect(process.exitCode ?? 0).toBe(0);
    expect(out.join("")).toMatch(/^dry {10}3 of 3 stages cached\ndry--k1=1\.5 {2}1 of 3 stages cached; to run: bm25\/retrieve:test, bm25\/evaluate:test\n2 runs; 2 distinct stages to run\n$/);

    await main(["node", "i3", "run", file, "--dry-run", "--resume", ...folders]);
    expect(process.exitCode).toBe(2);
    expect(err.join("")).toContain("--dry-run and --resume exclude each other");
  });
});
