/**
 * A real kill: a child process runs the experiment and SIGKILLs itself while a stage's output is
 * half written (before the commit rename). `resume: true` then continues the same run folder,
 * redoes the half-written stage, and reaches the metrics of an uninterrupted run.
 */
import { spawnSync } from "node:child_process";
import { readdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { runExperiment } from "../src/runner/run-experiment.js";
import { tempDir, writeTinyCollection } from "./runner-fixtures.js";

const runnerModule = fileURLToPath(new URL("../src/runner/run-experiment.ts", import.meta.url));

describe("kill and resume", () => {
  it("resumes after SIGKILL in the middle of a stage", async () => {
    const collection = await writeTinyCollection();
    const datasetsDir = await tempDir("i3-datasets-");
    const runsDir = await tempDir();
    const config = { name: "killed", dataset: `local:${collection}`, evaluation: { measures: ["nDCG@10", "AP"] } };
    const script = join(runsDir, "child.mts"); // .mts: ESM outside any package.json
    await writeFile(
      script,
      `import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { runExperiment } from ${JSON.stringify(runnerModule)};
await runExperiment(${JSON.stringify(config)}, {
  runsDir: ${JSON.stringify(runsDir)}, datasetsDir: ${JSON.stringify(datasetsDir)}, quiet: true,
  hooks: { beforeCommit: async (id, dir) => {
    if (id === "bm25/retrieve:test") { await writeFile(join(dir, "run.trec"), "te1 Q0 d1-1 1 "); process.kill(process.pid, "SIGKILL"); }
  } },
});
`,
    );
    const child = spawnSync(process.execPath, ["--conditions=@i3/source", "--import", "tsx", script], { encoding: "utf8", timeout: 60_000 });
    expect(child.signal, child.stderr).toBe("SIGKILL");
    const [runId] = await readdir(join(runsDir, "killed"));
    const runDir = join(runsDir, "killed", runId!);
    expect(JSON.parse(await readFile(join(runDir, "run.json"), "utf8")).status).toBe("running");
    const leftovers = await readdir(join(runsDir, ".cache", "retrieve"));
    expect(leftovers.filter((n) => n.endsWith(".tmp"))).toHaveLength(1); // the half-written stage, never committed

    const resumed = await runExperiment(config, { runsDir, datasetsDir, quiet: true, resume: true });
    expect(resumed.runDir).toBe(runDir);
    expect(resumed.stages.map((s) => [s.id, s.cached])).toEqual([
      ["data", true],
      ["bm25/retrieve:test", false],
      ["bm25/evaluate:test", false],
    ]);
    expect((await readdir(join(runsDir, ".cache", "retrieve"))).filter((n) => n.endsWith(".tmp"))).toEqual([]);
    const clean = await runExperiment(config, { runsDir: await tempDir(), datasetsDir, quiet: true });
    expect(resumed.metrics.splits).toEqual(clean.metrics.splits);
  });
});
