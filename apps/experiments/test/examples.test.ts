/**
 * The `examples/` scripts run as documented (tsx, sources), and the packages import from plain
 * Node ESM once built (`npx nx run-many -t build`, which .ci/run does before the tests).
 */
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";

const repo = resolve(import.meta.dirname, "../../..");

function runExample(file: string) {
  return spawnSync(process.execPath, ["--conditions=@i3/source", "--import", "tsx", join(repo, "examples", file)], {
    cwd: repo,
    encoding: "utf8",
  });
}

describe("examples/", () => {
  it("evaluate-run.ts prints trec_eval lines, significance and fusion", () => {
    const r = runExample("evaluate-run.ts");
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^nDCG@10 {15}\tall\t0\.\d{4}$/m);
    expect(r.stdout).toMatch(/t-test p=0\.\d{4}, randomization p=0\.\d{4}/);
    expect(r.stdout).toMatch(/RRF of both: nDCG@10 0\.\d{4}/);
  }, 300_000);

  it("train-dual-encoder.ts and train-i3.ts train and evaluate a retriever from the packages alone", () => {
    for (const file of ["train-dual-encoder.ts", "train-i3.ts"]) {
      const source = readFileSync(join(repo, "examples", file), "utf8");
      expect(source).not.toMatch(/@i3\/experiments/);
      const r = runExample(file);
      expect(r.status, r.stderr).toBe(0);
      expect(r.stdout).toMatch(/^trained 12 steps on (wasm|cpu|tensorflow): dev nDCG@10 0\.\d{4}$/m);
    }
  }, 600_000);
});

const libraries = ["data", "metrics", "search", "encoders", "losses", "train", "pseudoquery", "retrievers", "distill"];
const built = libraries.every((name) => existsSync(join(repo, "packages", name, "dist", "index.js")));

describe.skipIf(!built)("plain Node ESM imports (built packages)", () => {
  it("imports every package without the source condition or a TypeScript loader", () => {
    const code = [
      ...libraries.map((name) => `const ${name} = await import("@i3/${name}");`),
      `console.log(typeof metrics.evaluate, typeof data.loadRun, typeof search.bm25Run, typeof encoders.initBackend, typeof losses.contrastiveLoss, typeof train.train, typeof pseudoquery.generatePseudoQueries, typeof retrievers.trainDualEncoder, typeof distill.readKdTrain);`,
      // the TensorFlow.js-free entry points
      `const settings = await import("@i3/retrievers/settings"); const files = await import("@i3/retrievers/hf-files"); const i3Config = await import("@i3/encoders/i3-config");`,
      `console.log(typeof settings.dualEncoderSettingsSchema.parse, typeof files.tokenizerSourceOf, typeof i3Config.I3_DEFAULTS);`,
    ].join("\n");
    const r = spawnSync(process.execPath, ["--input-type=module", "-e", code], { cwd: repo, encoding: "utf8" });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout.trim()).toBe(`${Array(9).fill("function").join(" ")}\nfunction function object`);
  }, 120_000);
});
if (!built) console.warn("[examples.test] plain-Node import test skipped: run `npx nx run-many -t build` first (.ci/run does)");
