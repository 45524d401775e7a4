// Train a small I3 retriever from scratch on the embedded collection and evaluate it, from the packages alone.
// Run from the repository root: node --conditions=@i3/source --import tsx examples/train-i3.ts
import { resolveDataset } from "@i3/data";
import { evaluate } from "@i3/metrics";
import { indexAndRetrieve, trainI3 } from "@i3/retrievers";
import { bm25Run, buildIndex } from "@i3/search";

const collection = await resolveDataset("default");
const bm25 = bm25Run(await buildIndex(collection.corpus()), await collection.queries("train"), { k: 100 }); // hard negatives
const trained = await trainI3({
  collection,
  trainSplit: "train",
  firstStageTrainRun: bm25,
  seed: 13,
  workDir: "runs/examples/i3",
  // The dual-encoder example's budget plus L_rec: each passage reconstructs its first relevant training query.
  settings: {
    model: { preset: { layers: 1, hidden: 128, heads: 2, intermediate: 512 }, pooling: "mean", passageMaxLength: 32 },
    losses: { reconstruction: { weight: 1 } },
    train: { warmupEpochs: 0, epochs: 1 },
    i3: { slots: 8 },
  },
});
const dev = evaluate(await collection.qrels("dev"), (await indexAndRetrieve(trained, { collection, splits: ["dev"] })).get("dev")!, ["nDCG@10"]);
console.log(`trained ${trained.steps.length} steps on ${trained.backend.backend}: dev nDCG@10 ${dev.aggregate.get("nDCG@10")!.toFixed(4)}`);
