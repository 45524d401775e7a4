// Train a tiny dual-encoder from scratch on the embedded collection and evaluate it, in ~20 lines.
// Run from the repository root: node --conditions=@i3/source --import tsx examples/train-small-model.ts
import { resolveDataset } from "@i3/data";
import { evaluate } from "@i3/metrics";
import { bm25Run, buildIndex } from "@i3/search";
import { runDualEncoder } from "@i3/experiments";

const collection = await resolveDataset("default");
const trainQueries = await collection.queries("train");
const firstStage = bm25Run(await buildIndex(collection.corpus()), trainQueries, { k: 100 }); // hard negatives
const result = await runDualEncoder({
  collection,
  trainSplit: "train",
  firstStageTrainRun: firstStage,
  evalSplits: ["dev"],
  workDir: "runs/examples/small-model",
  // A deliberately small budget so the example runs in about a minute on two cores.
  recipe: { model: { pooling: "mean", layers: 1 }, passageMaxLength: 32, warmupEpochs: 0, epochs: 1, batchSize: 32, negativesPerQuery: 1, learningRate: 1e-3 },
});
const dev = evaluate(await collection.qrels("dev"), result.runs.get("dev")!, ["nDCG@10", "R@100"]);
console.log(`trained ${result.steps.length} steps on ${result.backend.backend}:`, Object.fromEntries(dev.aggregate));
