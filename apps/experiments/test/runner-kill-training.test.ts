/**
 * A real kill inside training: a child process runs an experiment with a tiny real trained system
 * (TensorFlow.js wasm, a checkpoint every 2 steps) and is sent SIGKILL by this test as soon as its
 * train stage has saved a checkpoint past step 2 of its first phase, so it dies at whatever step
 * it has reached. `runExperiment(..., { resume: true })` then takes over the train stage's work
 * folder and continues training from the last checkpoint (the log says from which phase and step,
 * a step > 0), removes the work folder once the stage commits, and ends with the metrics.json
 * (apart from its run id), run files and training log of an uninterrupted run, byte for byte.
 * The trained system is I3 (crop warm-up, then the real queries), the cross-encoder re-ranker
 * (one phase; its re-ranked run is among the run files) or LTRe (one phase, after its start
 * dual-encoder's committed train stage; its training log is compared without the per-step
 * retrieval seconds, wall-clock time).
 */
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { readdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import type { ExperimentInput } from "../src/config/schema.js";
import { runExperiment } from "../src/runner/run-experiment.js";
import { TINY_NEURAL_BUDGET, tempDir, writeTinyCollection } from "./runner-fixtures.js";

const runnerModule = fileURLToPath(new URL("../src/runner/run-experiment.ts", import.meta.url));

/**
 * A trained system of the test: its config (and the systems it needs beside BM25, `before`: their
 * train stages are committed before its own), its first phase's checkpoint folder, and the resume
 * line it logs.
 */
interface Case {
  readonly key: string;
  readonly system: NonNullable<ExperimentInput["systems"]>[string];
  readonly before?: NonNullable<ExperimentInput["systems"]>;
  readonly firstPhase: string;
  readonly resumeLine: RegExp;
}

const cases: readonly Case[] = [
  {
    // 40 warm-up steps (8 epochs of 5 batches) and 8 real-query steps.
    key: "i3",
    system: {
      kind: "i3",
      tokenizer: { kind: "wordpiece-trained", vocabSize: 200 },
      model: { preset: { layers: 1, hidden: 16, heads: 2, intermediate: 32, dropout: 0.1 }, pooling: "mean", queryMaxLength: 8, passageMaxLength: 16 },
      negatives: { toRank: 20, perQuery: 1 },
      i3: { slots: 6 },
      losses: { contrastive: { temperature: 1 }, reconstruction: { weight: 1 } },
      optimizer: { lr: 1e-3, headLrMultiplier: 10 },
      train: { epochs: 4, warmupEpochs: 8, batchSize: 8, checkpointEverySteps: 2 },
    },
    firstPhase: "0-warmup",
    resumeLine: /^resuming from phase (warmup \(1|queries \(2) of 2\) step [1-9]\d*$/,
  },
  {
    // 60 steps (20 epochs of 3 batches of 4 groups), re-ranking BM25's top 5.
    key: "ce",
    system: {
      kind: "cross-encoder",
      rerank: { from: "bm25", depth: 5 },
      negatives: { depth: 10, perQuery: 3 },
      tokenizer: { vocabSize: 200 },
      model: { preset: { layers: 1, hidden: 16, heads: 2, intermediate: 32, dropout: 0.1 }, maxLength: 24 },
      optimizer: { lr: 1e-3, clipNorm: 1 },
      train: { epochs: 20, batchSize: 4, checkpointEverySteps: 2 },
      score: { batchSize: 4 },
    },
    firstPhase: "0-queries",
    resumeLine: /^resuming from phase queries \(1 of 1\) step [1-9]\d*$/,
  },
  {
    // 60 steps (10 epochs of 6 batches of 2 queries) against the tiny dual-encoder's index.
    key: "de-ltre",
    before: { "dual-encoder": { kind: "dual-encoder", ...TINY_NEURAL_BUDGET } },
    system: { kind: "ltre", from: "dual-encoder", ltre: { depth: 10 }, optimizer: { lr: 1e-3 }, train: { epochs: 10, batchSize: 2, checkpointEverySteps: 2 } },
    firstPhase: "0-ltre",
    resumeLine: /^resuming from phase ltre \(1 of 1\) step [1-9]\d*$/,
  },
];

/** BM25 and the case's trained system. */
function config(collectionDir: string, c: Case): ExperimentInput {
  return {
    name: "killed-training",
    dataset: `local:${collectionDir}`,
    systems: { bm25: { kind: "bm25" }, ...c.before, [c.key]: c.system },
    device: "wasm",
    evaluation: { measures: ["nDCG@10", "R@100"], significance: { permutations: 100 } },
  };
}

/** The newest checkpoint step of phase folder `phase` in any train work folder under `cacheDir`, or 0. */
async function checkpointStep(cacheDir: string, phase: string): Promise<number> {
  const trainDir = join(cacheDir, "train");
  if (!existsSync(trainDir)) return 0;
  let newest = 0;
  for (const work of (await readdir(trainDir)).filter((n) => n.endsWith(".work"))) {
    const phaseDir = join(trainDir, work, "checkpoints", phase);
    const steps = existsSync(phaseDir) ? await readdir(phaseDir).catch(() => []) : [];
    for (const name of steps) if (/^step-\d+$/.test(name)) newest = Math.max(newest, Number(name.slice(5)));
  }
  return newest;
}

/**
 * Text files of a run folder that must not depend on how the run went, with the run id blanked
 * out and LTRe's per-step retrieval seconds (wall-clock time) left out.
 */
async function results(runDir: string, runId: string, key: string): Promise<Record<string, string>> {
  const files = ["metrics.json", `training-log-${key}.jsonl`, ...(await readdir(join(runDir, "runs"))).map((n) => join("runs", n))];
  const out: Record<string, string> = {};
  for (const file of files.sort()) out[file] = (await readFile(join(runDir, file), "utf8")).replaceAll(runId, "<run-id>").replace(/,"retrievalSeconds":[^,}]+/g, "");
  return out;
}

describe.each(cases)("kill -9 inside the $key train stage, then --resume", (c) => {
  it("continues training from the last checkpoint and ends byte-identical to an uninterrupted run", async () => {
    const collectionDir = await writeTinyCollection();
    const datasetsDir = await tempDir("i3-datasets-");
    const runsDir = await tempDir();
    const cacheDir = join(runsDir, ".cache");
    const input = config(collectionDir, c);
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
      killedAfter = await checkpointStep(cacheDir, c.firstPhase);
      if (killedAfter > 2) {
        child.kill("SIGKILL");
        break;
      }
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(await exited, stderr).toBe("SIGKILL");
    expect(killedAfter).toBeGreaterThan(2);

    // Killed inside the train stage: nothing of it committed (only the systems' before it), its work folder (the child's pid) left.
    const [runId] = await readdir(join(runsDir, "killed-training"));
    const runDir = join(runsDir, "killed-training", runId!);
    expect(JSON.parse(await readFile(join(runDir, "run.json"), "utf8")).status).toBe("running");
    const trainEntries = await readdir(join(cacheDir, "train"));
    expect(trainEntries.filter((n) => !n.startsWith("."))).toHaveLength(Object.keys(c.before ?? {}).length);
    expect(trainEntries.filter((n) => n.endsWith(".work"))).toEqual([expect.stringMatching(new RegExp(`\\.${child.pid}@[A-Za-z0-9-]+\\.work$`))]);

    const resumed = await runExperiment(input, { runsDir, datasetsDir, quiet: true, resume: true });
    expect(resumed.runDir).toBe(runDir);
    expect(resumed.stages.find((s) => s.id === `${c.key}/train`)?.cached).toBe(false);
    const log = (await readFile(join(runDir, "log.jsonl"), "utf8"))
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line) as { event: string; stage?: string; message?: string });
    const resumeLine = log.find((r) => r.event === "stage-log" && r.stage === `${c.key}/train` && r.message?.startsWith("resuming"));
    expect(resumeLine?.message).toMatch(c.resumeLine);
    console.log(`${c.key}: killed once ${c.firstPhase} checkpoint ${killedAfter} existed; the resumed run logged "${resumeLine!.message!}"`);
    const resumedStep = Number(/step (\d+)$/.exec(resumeLine!.message!)![1]);
    if (resumeLine!.message!.includes(`(1 of`)) expect(resumedStep).toBeGreaterThanOrEqual(killedAfter);
    // The committed stage took its work folder with it.
    expect((await readdir(join(cacheDir, "train"))).filter((n) => n.endsWith(".work"))).toEqual([]);

    const clean = await runExperiment(input, { runsDir: await tempDir(), datasetsDir, quiet: true });
    expect(await results(resumed.runDir, resumed.runId, c.key)).toEqual(await results(clean.runDir, clean.runId, c.key));
  }, 600_000);
});
