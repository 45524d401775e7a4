/**
 * Typos fail when the config loads, naming the field, before any stage runs: each case is a
 * config that would otherwise run stages (a local collection, BM25), and the runs and cache
 * folders must stay absent afterwards.
 */
import { existsSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { buildProgram } from "../src/cli/main.js";
import { defineExperiment } from "../src/config/define.js";
import { defineSweep } from "../src/sweep/define.js";
import { tempDir, writeTinyCollection } from "./runner-fixtures.js";

const defineModule = fileURLToPath(new URL("../src/sweep/define.ts", import.meta.url));

let collection: string;
beforeAll(async () => {
  collection = await writeTinyCollection();
});
afterEach(() => vi.restoreAllMocks());

/** Runs `i3 <command> <file>` on a config file with `body` (after an `experiment` object `base`); returns the error and whether anything was written. */
async function failOnLoad(command: "run" | "sweep", body: string): Promise<{ message: string; wrote: boolean }> {
  vi.spyOn(process.stdout, "write").mockImplementation(() => true);
  vi.spyOn(process.stderr, "write").mockImplementation(() => true);
  const dir = await tempDir("i3-load-");
  const file = join(dir, "config.ts");
  await writeFile(file, `import { defineSweep } from ${JSON.stringify(defineModule)};\nconst dataset = ${JSON.stringify(`local:${collection}`)};\n${body}\n`);
  const runsDir = join(dir, "runs");
  const cacheDir = join(dir, "cache");
  let message = "";
  try {
    await buildProgram().parseAsync(["node", "i3", command, file, "--runs-dir", runsDir, "--cache-dir", cacheDir, "--datasets-dir", join(dir, "datasets")]);
  } catch (error) {
    message = (error as Error).message;
  }
  return { message, wrote: existsSync(runsDir) || existsSync(cacheDir) };
}

describe("typos fail when the config loads, before any stage", () => {
  it("names a misspelt measure in evaluation.measures and in mainMeasure", async () => {
    const measures = await failOnLoad("run", 'export default { name: "m", dataset, evaluation: { measures: ["nDCG@10", "nDGC@10"] } };');
    expect(measures.message).toContain('config error at evaluation.measures[1]: unknown measure "nDGC@10"');
    expect(measures.wrote).toBe(false);
    const main = await failOnLoad("run", 'export default { name: "m", dataset, evaluation: { measures: ["nDCG@10", "AP"], mainMeasure: "nDCG@5" } };');
    expect(main.message).toContain('config error at evaluation.mainMeasure: "nDCG@5" is not one of evaluation.measures');
    expect(main.wrote).toBe(false);
    // The same file with the measure spelt right runs (so the cases above stopped at the typo).
    const fine = await failOnLoad("run", 'export default { name: "m", dataset, evaluation: { measures: ["nDCG@10", "AP"] } };');
    expect(fine.message).toBe("");
    expect(fine.wrote).toBe(true);
  }, 120_000);

  it("names a misspelt dotted grid key and a grid value of the wrong type", async () => {
    const base = 'const base = { name: "s", dataset, systems: { bm25: { kind: "bm25" } } };';
    const key = await failOnLoad("sweep", `${base}\nexport default defineSweep(base, { includeBase: true, grid: { "systems.bm25.k": [0.6, 1.2] } });`);
    expect(key.message).toContain('sweep grid "systems.bm25.k", value 0.6: config error at systems.bm25.k: unknown field');
    expect(key.wrote).toBe(false);
    const type = await failOnLoad("sweep", `${base}\nexport default defineSweep(base, { includeBase: true, grid: { "systems.bm25.k1": [0.6, "1.2"] } });`);
    expect(type.message).toMatch(/sweep grid "systems\.bm25\.k1", value "1\.2": config error at systems\.bm25\.k1: expected number/);
    expect(type.wrote).toBe(false);
    const variant = await failOnLoad("sweep", `${base}\nexport default defineSweep(base, { includeBase: true, variants: [{ name: "v", patch: { "systems.bm25.b1": 0.5 } }] });`);
    expect(variant.message).toContain("1 variant(s) do not validate; nothing was run");
    expect(variant.message).toContain("config error at systems.bm25.b1: unknown field");
    expect(variant.wrote).toBe(false);
  }, 120_000);

  it("rejects a bad grid when the sweep is declared, in code too", () => {
    const base = defineExperiment({ name: "b", systems: { bm25: { kind: "bm25" } } });
    expect(() => defineSweep(base, { grid: { "systems.bm25.k1": [0.9], "evaluation.measures": [["nDCG@10", "RR@1O"]] } })).toThrow(
      /^sweep grid "evaluation\.measures", value \["nDCG@10","RR@1O"\]: config error at evaluation\.measures\[1\]: unknown measure "RR@1O"/,
    );
    expect(() => defineSweep(base, { grid: { "systems.bm25.k1.x": [1] } })).toThrow('sweep grid "systems.bm25.k1.x", value 1: config path "systems.bm25.k1.x": "systems.bm25.k1" is not an object');
  });
});
