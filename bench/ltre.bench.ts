/**
 * LTRe's training cost against the dual-encoder's hard-negative training, side by side in one
 * process (the LTRe/ADORE efficiency claim: no index refresh, only the query tower trains).
 * On a collection (default: the embedded one; `I3_BENCH_DATASET=beir/scifact` for SciFact), the
 * experiments' model (1 layer x 128, mean pooling, 32-token queries, 64-token passages):
 *
 * 1. one epoch of `trainDualEncoder` on the real training queries, 32 per step, one BM25 hard
 *    negative each (forward and backward through both towers, in-batch contrastive loss);
 * 2. the trained model's corpus index, encoded once (timed: LTRe's one-off cost);
 * 3. one epoch of `trainLtre` from that model against that index, 32 queries per step, top 200
 *    from the whole index per step (query tower only, forward and backward).
 *
 * Per-step wall time is the median of each run's step records (`1 / stepsPerSec`; the first
 * step left out). Writes bench/out/ltre.json: {dataset, backend, passages, trainQueries, dim,
 * deStepMs, ltreStepMs, ltreRetrievalMs, ltreOverDeStepTime, indexSeconds, deSteps, ltreSteps,
 * measuredAt, loadavg}. `I3_DEVICE` picks the device (default auto).
 */
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { writeFileAtomic } from "@i3/core";
import { resolveDataset } from "@i3/data";
import { describeBackend, type Device } from "@i3/encoders";
import { encodeCorpusVectors, trainDualEncoder, trainLtre, type PhaseStep } from "@i3/retrievers";
import { bm25Run, buildIndex, DenseIndex } from "@i3/search";
import { median, timedAsync } from "./timing.js";

const here = dirname(fileURLToPath(import.meta.url));
const dataset = process.env["I3_BENCH_DATASET"] ?? "default";
const device = (process.env["I3_DEVICE"] ?? "auto") as Device;
const work = mkdtempSync(join(tmpdir(), "i3-bench-ltre-"));
const quiet = () => {};
const stepMs = (steps: readonly PhaseStep[]) => median(steps.slice(1).map((s) => 1000 / s.stepsPerSec));

try {
  const collection = await resolveDataset(dataset);
  const trainQueries = await collection.queries("train");
  const bm25 = bm25Run(await buildIndex(collection.corpus()), trainQueries, { k: 100 });
  const queryMaxLength = 32;
  const passageMaxLength = 64;
  const de = await trainDualEncoder({
    collection,
    trainSplit: "train",
    firstStageTrainRun: bm25,
    settings: {
      model: { preset: { layers: 1, hidden: 128, heads: 2, intermediate: 512 }, pooling: "mean", queryMaxLength, passageMaxLength },
      train: { warmupEpochs: 0, epochs: 1, batchSize: 32 },
    },
    seed: 1,
    device,
    workDir: join(work, "de"),
    log: quiet,
  });
  const encoded = await timedAsync(() => encodeCorpusVectors(de, collection, passageMaxLength));
  const { ids, vectors, dim } = encoded.value;
  const index = DenseIndex.fromVectors(ids, vectors, dim);
  const ltre = await trainLtre({
    start: { queryEncoder: de.model.queryEncoder, tokenizer: de.tokenizer },
    index,
    collection,
    trainSplit: "train",
    queryMaxLength,
    settings: { ltre: { depth: 200 }, train: { epochs: 1, batchSize: 32 } },
    seed: 1,
    device,
    workDir: join(work, "ltre"),
    log: quiet,
  });
  const deStep = stepMs(de.steps);
  const ltreStep = stepMs(ltre.steps);
  const result = {
    dataset,
    backend: describeBackend(de.backend),
    passages: index.count,
    trainQueries: trainQueries.length,
    dim,
    deStepMs: deStep,
    ltreStepMs: ltreStep,
    ltreRetrievalMs: median(ltre.steps.slice(1).map((s) => 1000 * (s.metrics?.["retrievalSeconds"] ?? 0))),
    ltreOverDeStepTime: ltreStep / deStep,
    indexSeconds: encoded.wall,
    deSteps: de.steps.length,
    ltreSteps: ltre.steps.length,
    measuredAt: new Date().toISOString(),
    loadavg: loadavg(),
  };
  de.model.dispose();
  ltre.queryEncoder.dispose();
  console.log(
    `${dataset}: dual-encoder step ${deStep.toFixed(0)} ms, LTRe step ${ltreStep.toFixed(0)} ms (retrieval ${result.ltreRetrievalMs.toFixed(0)} ms over ${index.count} passages), ` +
      `ratio ${result.ltreOverDeStepTime.toFixed(2)}; index ${encoded.wall.toFixed(1)} s once`,
  );
  mkdirSync(join(here, "out"), { recursive: true });
  await writeFileAtomic(join(here, "out", "ltre.json"), `${JSON.stringify(result, null, 2)}\n`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
