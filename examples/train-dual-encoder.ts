// Train a small dual-encoder from scratch on the embedded collection and evaluate it, from the packages alone.
// Run from the repository root: node --conditions=@i3/source --import tsx examples/train-dual-encoder.ts
import { resolveDataset } from "@i3/data";
import { evaluate } from "@i3/metrics";
import { indexAndRetrieve, trainDualEncoder } from "@i3/retrievers";
import { bm25Run, buildIndex } from "@i3/search";

const collection = await resolveDataset("default");
const bm25 = bm25Run(await buildIndex(collection.corpus()), await collection.queries("train"), { k: 100 }); // hard negatives
const trained = await trainDualEncoder({
  collection,
  trainSplit: "train",
  firstStageTrainRun: bm25,
  seed: 13,
  workDir: "runs/examples/dual-encoder",
  // A deliberately tiny budget (a minute on two cores; too small to learn much: experiments/default.ts has the
  // published one); every setting not given keeps its default (dualEncoderSettingsSchema).
  settings: {
    model: { preset: { layers: 1, hidden: 128, heads: 2, intermediate: 512 }, pooling: "mean", passageMaxLength: 32 },
    train: { warmupEpochs: 0, epochs: 1 },
  },
});
const dev = evaluate(await collection.qrels("dev"), (await indexAndRetrieve(trained, { collection, splits: ["dev"] })).get("dev")!, ["nDCG@10"]);
console.log(`trained ${trained.steps.length} steps on ${trained.backend.backend}: dev nDCG@10 ${dev.aggregate.get("nDCG@10")!.toFixed(4)}`);
