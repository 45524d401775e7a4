/**
 * A real kill inside training: a child process runs an experiment with I3 (tiny real training,
 * TensorFlow.js wasm, a checkpoint every 2 steps) and is sent SIGKILL by this test as soon as its
 * train stage has saved a checkpoint past step 2 of the crop warm-up, so it dies at whatever step
 * it has reached. `runExperiment(..., { resume: true })` then takes over the train stage's work
 * folder and continues training from the last checkpoint (the log says from which phase and step,
 * a step > 0), removes the work folder once the stage commits, and ends with the metrics.json
 * (apart from its run id), run files and training log of an uninterrupted run, byte for byte.
 */
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { readdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import type { ExperimentInput } from "../src/config/schema.js";
import { runExperiment } from "../src/runner/run-experiment.js";
import { tempDir, writeTinyCollection } from "./runner-fixtures.js";

const runnerModule = fileURLToPath(new URL("../src/runner/run-experiment.ts", import.meta.url));

/** BM25 and a tiny I3: 40 warm-up steps (8 epochs of 5 batches) and 8 real-query steps. */
function config(collectionDir: string): ExperimentInput {
  return {
    name: "killed-training",
    dataset: `local:${collectionDir}`,
    systems: {
      bm25: { kind: "bm25" },
      i3: {
        kind: "i3",
        tokenizer: { kind: "wordpiece-trained", vocabSize: 200 },
        model: { preset: { layers: 1, hidden: 16, heads: 2, intermediate: 32, dropout: 0.1 }, pooling: "mean", queryMaxLength: 8, passageMaxLength: 16 },
        negatives: { toRank: 20, perQuery: 1 },
        i3: { slots: 6 },
        losses: { contrastive: { temperature: 1 }, reconstruction: { weight: 1 } },
        optimizer: { lr: 1e-3, headLrMultiplier: 10 },
        train: { epochs: 4, warmupEpochs: 8, batchSize: 8, checkpointEverySteps: 2 },
      },
    },
    device: "wasm",
    evaluation: { measures: ["nDCG@10", "R@100"], significance: { permutations: 100 } },
  } as ExperimentInput;
}

/** The newest warm-up checkpoint step in any train work folder under `cacheDir`, or 0. */
async function warmupCheckpointStep(cacheDir: string): Promise<number> {
  const trainDir = join(cacheDir, "train");
  if (!existsSync(trainDir)) return 0;
  let newest = 0;
  for (const work of (await readdir(trainDir)).filter((n) => n.endsWith(".work"))) {
    const phaseDir = join(trainDir, work, "checkpoints", "0-warmup");
    const steps = existsSync(phaseDir) ? await readdir(phaseDir).catch(() => []) : [];
    for (const name of steps) if (/^step-\d+$/.test(name)) newest = Math.max(newest, Number(name.slice(5)));
  }
  return newest;
}

/** Text files of a run folder that must not depend on how the run went, with the run id blanked out. */
async function results(runDir: string, runId: string): Promise<Record<string, string>> {
  const files = ["metrics.json", "training-log-i3.jsonl", ...(await readdir(join(runDir, "runs"))).map((n) => join("runs", n))];
  const out: Record<string, string> = {};
  for (const file of files.sort()) out[file] = (await readFile(join(runDir, file), "utf8")).replaceAll(runId, "<run-id>");
  return out;
}

describe("kill -9 inside a train stage, then --resume", () => {
  it("continues training from the last checkpoint and ends byte-identical to an uninterrupted run", async () => {
    const collectionDir = await writeTinyCollection();
    const datasetsDir = await tempDir("i3-datasets-");
    const runsDir = await tempDir();
    const cacheDir = join(runsDir, ".cache");
    const input = config(collectionDir);
    const script = join(runsDir, "child.mts"); // .mts: ESM outside any package.json
    await writeFile(
      script,
      `import { runExperiment } from ${JSON.stringify(runnerModule)};
await runExperiment(${JSON.stringify(input)}, { runsDir: ${JSON.stringify(runsDir)}, datasetsDir: ${JSON.stringify(datasetsDir)}, quiet: true });
`,
    );
    const child = spawn(process.execPath, ["--conditions=@i3/source", "--import", "tsx", script], { stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on("exit", (_code, signal) => resolve(signal)));
    let killedAfter = 0;
    const deadline = Date.now() + 240_000;
    while (child.exitCode === null && child.signalCode === null && Date.now() < deadline) {
      killedAfter = await warmupCheckpointStep(cacheDir);
      if (killedAfter > 2) {
        child.kill("SIGKILL");
        break;
      }
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(await exited, stderr).toBe("SIGKILL");
    expect(killedAfter).toBeGreaterThan(2);

    // Killed inside the train stage: nothing committed there, its work folder (the child's pid) left.
    const [runId] = await readdir(join(runsDir, "killed-training"));
    const runDir = join(runsDir, "killed-training", runId!);
    expect(JSON.parse(await readFile(join(runDir, "run.json"), "utf8")).status).toBe("running");
    const trainEntries = await readdir(join(cacheDir, "train"));
    expect(trainEntries.filter((n) => !n.startsWith("."))).toEqual([]);
    expect(trainEntries.filter((n) => n.endsWith(".work"))).toEqual([expect.stringMatching(new RegExp(`\\.${child.pid}\\.work$`))]);

    const resumed = await runExperiment(input, { runsDir, datasetsDir, quiet: true, resume: true });
    expect(resumed.runDir).toBe(runDir);
    expect(resumed.stages.find((s) => s.id === "i3/train")?.cached).toBe(false);
    const log = (await readFile(join(runDir, "log.jsonl"), "utf8"))
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line) as { event: string; stage?: string; message?: string });
    const resumeLine = log.find((r) => r.event === "stage-log" && r.stage === "i3/train" && r.message?.startsWith("resuming"));
    expect(resumeLine?.message).toMatch(/^resuming from phase (warmup \(1|queries \(2) of 2\) step [1-9]\d*$/);
    console.log(`killed once warm-up checkpoint ${killedAfter} existed; the resumed run logged "${resumeLine!.message!}"`);
    const resumedStep = Number(/step (\d+)$/.exec(resumeLine!.message!)![1]);
    if (resumeLine!.message!.includes("warmup")) expect(resumedStep).toBeGreaterThanOrEqual(killedAfter);
    // The committed stage took its work folder with it.
    expect((await readdir(join(cacheDir, "train"))).filter((n) => n.endsWith(".work"))).toEqual([]);

    const clean = await runExperiment(input, { runsDir: await tempDir(), datasetsDir, quiet: true });
    expect(await results(resumed.runDir, resumed.runId)).toEqual(await results(clean.runDir, clean.runId));
  }, 600_000);
});
