/**
 * The packages as a user outside this repository gets them: `npm pack` of every `@i3/*` package
 * and of this app, one `npm install` of all the tarballs into a temporary folder outside the
 * workspace (third-party dependencies come from the npm registry or npm's cache), then:
 * plain Node ESM imports of every package and export path (resolved inside the installed
 * `dist/`); the installed `i3` bin running its compiled JavaScript with no TypeScript tooling
 * installed (`i3 bm25` on a small hand-made `local:` collection whose answers are known, then
 * `i3 eval` of that run); where BM25 writes its index (`~/.cache/i3` by default, `I3_CACHE_DIR`
 * when set) and the notice that says so; and the not-found error of a missing registry dataset.
 *
 * Needs the compiled `dist/` of every package (`npx nx run-many -t build`, which `.ci/run` does
 * before the tests) and the npm registry. Outside CI it is skipped, with a message, when either
 * is missing; in CI (env `CI` set) it fails instead.
 */
import { spawnSync, type SpawnSyncReturns } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { currentCompiledCli } from "../bin/compiled.js";

const repo = resolve(import.meta.dirname, "../../..");
const app = join(repo, "apps", "experiments");
const libraries = readdirSync(join(repo, "packages")).filter((name) => existsSync(join(repo, "packages", name, "package.json")));
const inCi = process.env["CI"] !== undefined && process.env["CI"] !== "" && process.env["CI"] !== "false";

/** The environment of a child process as a user's shell would have it: no npm or Vitest settings inherited from `npm test`. */
function userEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (/^(npm_|NODE_OPTIONS$|VITEST|I3_)/i.test(key)) continue;
    env[key] = value;
  }
  return { ...env, ...extra };
}

function npm(args: string[], cwd: string, timeoutMs: number): SpawnSyncReturns<string> {
  return spawnSync("npm", args, { cwd, encoding: "utf8", env: userEnv(), timeout: timeoutMs });
}

/** Why the test cannot run here, or undefined. */
function missingPrerequisite(): string | undefined {
  if (currentCompiledCli(app) === undefined) return "the packages' dist/ is missing or older than src/: run `npx nx run-many -t build` first (.ci/run does)";
  const ping = npm(["ping"], tmpdir(), 30_000);
  if (ping.status !== 0) return `npm cannot reach the registry (npm ping: ${(ping.stderr || String(ping.error)).trim().split("\n").pop()})`;
  return undefined;
}

const missing = missingPrerequisite();
if (missing !== undefined) {
  if (inCi) throw new Error(`pack-and-install test cannot run in CI: ${missing}`);
  console.warn(`[pack-install.test] skipped: ${missing}`);
}

describe.skipIf(missing !== undefined)("npm pack + npm install of every @i3 package, used outside the workspace", () => {
  let root: string; // temp folder outside the workspace
  let user: string; // the user's project: package.json + node_modules
  let home: string; // HOME of the CLI runs, so the default cache lands in a known place
  let i3Bin: string;

  /** Runs the installed `i3` bin (via its node_modules/.bin link) in the user's folder. */
  function i3(args: string[], env: Record<string, string> = {}): SpawnSyncReturns<string> {
    return spawnSync(i3Bin, args, { cwd: user, encoding: "utf8", env: userEnv({ HOME: home, ...env }), timeout: 120_000 });
  }

  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), "i3-pack-install-"));
    const tarballs = join(root, "tarballs");
    user = join(root, "user");
    home = join(root, "home");
    for (const dir of [tarballs, user, home]) mkdirSync(dir, { recursive: true });

    const workspaces = [...libraries.map((name) => `packages/${name}`), "apps/experiments"].flatMap((w) => ["--workspace", w]);
    const pack = npm(["pack", "--json", "--pack-destination", tarballs, ...workspaces], repo, 300_000);
    expect(pack.status, pack.stderr).toBe(0);
    const packed = JSON.parse(pack.stdout) as { name: string; filename: string; files: { path: string }[] }[];
    expect(packed.map((p) => p.name).sort()).toEqual([...libraries.map((name) => `@i3/${name}`), "@i3/experiments"].sort());
    for (const p of packed) {
      expect(p.files.map((f) => f.path), `${p.name} ships dist/index.js`).toContain("dist/index.js");
    }

    writeFileSync(join(user, "package.json"), `${JSON.stringify({ name: "i3-user", version: "1.0.0", private: true, type: "module" }, null, 2)}\n`);
    // One command naming every tarball (as the root README says); --ignore-scripts so that no
    // install script downloads anything from outside the registry (npm 11 runs none by default).
    const files = readdirSync(tarballs).map((f) => join(tarballs, f));
    const install = npm(["install", "--prefer-offline", "--no-audit", "--no-fund", "--ignore-scripts", ...files], user, 600_000);
    expect(install.status, `${install.stdout}\n${install.stderr}`).toBe(0);
    i3Bin = join(user, "node_modules", ".bin", "i3");

    // A BEIR-layout collection in the user's folder, named `local:tiny`: each query shares terms
    // with exactly one document (its relevant one).
    const tiny = join(user, "tiny");
    mkdirSync(join(tiny, "qrels"), { recursive: true });
    const docs = [
      ["d1", "apple pie recipe with cinnamon and butter"],
      ["d2", "bicycle repair manual for mountain bikes"],
      ["d3", "ocean tides follow the moon"],
    ];
    const queries = [
      ["q1", "apple pie"],
      ["q2", "mountain bicycle repair"],
      ["q3", "moon tides"],
    ];
    writeFileSync(join(tiny, "corpus.jsonl"), docs.map(([id, text]) => JSON.stringify({ _id: id, title: "", text })).join("\n") + "\n");
    writeFileSync(join(tiny, "queries.jsonl"), queries.map(([id, text]) => JSON.stringify({ _id: id, text })).join("\n") + "\n");
    writeFileSync(join(tiny, "qrels", "test.tsv"), "query-id\tcorpus-id\tscore\nq1\td1\t1\nq2\td2\t1\nq3\td3\t1\n");
  }, 900_000);

  // About 1 GB of node_modules: removing it can take a while on a busy disk.
  afterAll(() => {
    if (root !== undefined) rmSync(root, { recursive: true, force: true });
  }, 300_000);

  it("installs no TypeScript tooling: tsx and typescript are absent", () => {
    expect(existsSync(join(user, "node_modules", "tsx"))).toBe(false);
    expect(existsSync(join(user, "node_modules", "typescript"))).toBe(false);
  });

  it("imports every package and export path from plain Node ESM, resolved to the installed dist/, and computes with them", () => {
    const exportPaths = [...libraries.map((name) => `@i3/${name}`), "@i3/experiments"].flatMap((name) => {
      const dir = name === "@i3/experiments" ? app : join(repo, "packages", name.slice("@i3/".length));
      const manifest = JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as { exports: Record<string, unknown> };
      return Object.keys(manifest.exports).map((sub) => (sub === "." ? name : `${name}/${sub.slice(2)}`));
    });
    expect(exportPaths).toEqual(expect.arrayContaining(["@i3/data/formats", "@i3/retrievers/settings", "@i3/encoders/i3-config"]));
    const script = [
      `const specifiers = ${JSON.stringify(exportPaths)};`,
      "for (const s of specifiers) {",
      "  const m = await import(s);",
      "  console.log(`${s} ${import.meta.resolve(s)} ${Object.keys(m).length}`);",
      "}",
      'const { evaluate } = await import("@i3/metrics");',
      'const qrels = new Map([["q1", new Map([["d1", 1]])]]);',
      'const run = new Map([["q1", new Map([["d2", 2], ["d1", 1]])]]);',
      'console.log(`RR ${evaluate(qrels, run, ["RR"]).aggregate.get("RR")}`);',
      // The wasm backend finds its .wasm files inside the installed @tensorflow/tfjs-backend-wasm.
      'const encoders = await import("@i3/encoders");',
      'await encoders.initBackend({ device: "wasm" });',
      "const x = encoders.tf.tensor2d([[1, 2], [3, 4]]);",
      'console.log(`${encoders.tf.getBackend()} ${JSON.stringify(encoders.tf.matMul(x, x).arraySync())}`);',
    ].join("\n");
    writeFileSync(join(user, "check.mjs"), script);
    const r = spawnSync(process.execPath, ["check.mjs"], { cwd: user, encoding: "utf8", env: userEnv({ HOME: home }), timeout: 300_000 });
    expect(r.status, r.stderr).toBe(0);
    const lines = r.stdout.trim().split("\n");
    for (const s of exportPaths) {
      const line = lines.find((l) => l.startsWith(`${s} `));
      expect(line, `${s} imported`).toBeDefined();
      const [, url, count] = line!.split(" ");
      expect(url).toMatch(new RegExp(`/node_modules/${s.split("/").slice(0, 2).join("/")}/dist/.+\\.js$`));
      expect(Number(count), `${s} has exports`).toBeGreaterThan(0);
    }
    // The second-ranked relevant document: reciprocal rank 1/2.
    expect(lines).toContain("RR 0.5");
    // [[1,2],[3,4]]^2 by hand.
    expect(lines).toContain("wasm [[7,10],[15,22]]");
  }, 300_000);

  it("runs `i3 bm25` and `i3 eval` from the compiled bin on a local: collection, with the index under ~/.cache/i3 and a notice", () => {
    const help = i3(["--help"]);
    expect(help.status, help.stderr).toBe(0);
    expect(help.stdout).toMatch(/Usage: i3/);

    const bm25 = i3(["bm25", "--dataset", "local:tiny", "--split", "test", "--out", "run.trec", "--k", "3"]);
    expect(bm25.status, bm25.stderr).toBe(0);
    // Each query shares terms with its relevant document only, so each ranking holds that document alone.
    const run = readFileSync(join(user, "run.trec"), "utf8").trim().split("\n").map((l) => l.split(" "));
    expect(run.map(([qid, , doc, rank]) => `${qid} ${doc} ${rank}`).sort()).toEqual(["q1 d1 1", "q2 d2 1", "q3 d3 1"]);
    const index = join(home, ".cache", "i3", "datasets", "indexes", "bm25", "local_tiny");
    expect(existsSync(join(index, "manifest.json"))).toBe(true);
    expect(bm25.stderr).toContain(`i3: writing the BM25 index to ${index} (`);
    expect(bm25.stderr).toContain("I3_CACHE_DIR");

    const evaluated = i3(["eval", join("tiny", "qrels", "test.tsv"), "run.trec", "-m", "P@1", "-m", "nDCG@10"]);
    expect(evaluated.status, evaluated.stderr).toBe(0);
    expect(evaluated.stdout).toMatch(/^P@1\s+\tall\t1\.0000$/m);
    expect(evaluated.stdout).toMatch(/^nDCG@10\s+\tall\t1\.0000$/m);
  }, 300_000);

  it("writes the BM25 index under I3_CACHE_DIR when it is set, and says so once", () => {
    const cache = join(root, "my-cache");
    const r = i3(["bm25", "--dataset", "local:tiny", "--split", "test", "--out", "run2.trec"], { I3_CACHE_DIR: cache });
    expect(r.status, r.stderr).toBe(0);
    const index = join(cache, "datasets", "indexes", "bm25", "local_tiny");
    expect(existsSync(join(index, "manifest.json"))).toBe(true);
    expect(r.stderr.split("\n").filter((l) => l.startsWith("i3: writing the BM25 index to "))).toEqual([expect.stringContaining(index)]);
    expect(readFileSync(join(user, "run2.trec"), "utf8")).toBe(readFileSync(join(user, "run.trec"), "utf8"));
  }, 300_000);

  it("names I3_DATASETS_PATH, I3_DATASETS_DIR, I3_CACHE_DIR and local:<dir> when a registry dataset is missing", () => {
    const r = i3(["bm25", "--dataset", "beir/scifact", "--split", "test", "--out", "never.trec"], { I3_OFFLINE: "1" });
    expect(r.status).toBe(2);
    const line = r.stderr.trim().split("\n").find((l) => l.startsWith("i3: "));
    expect(line).toBeDefined();
    for (const named of ["beir/scifact", "I3_DATASETS_PATH", "I3_DATASETS_DIR", "I3_CACHE_DIR", "--datasets-dir", "local:<dir>", join(home, ".cache", "i3", "datasets")]) {
      expect(line, named).toContain(named);
    }
    expect(existsSync(join(user, "never.trec"))).toBe(false);
  }, 120_000);
});
