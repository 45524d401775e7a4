/**
 * `i3 dual-encoder --dataset D`: BM25 for the training and evaluation splits, then a dual-encoder
 * (`@i3/retrievers`, the settings' defaults unless a flag sets them) trained on BM25 hard
 * negatives, evaluated beside BM25 (trec_eval-exact). A stub of the experiment runner for this one
 * system; results go to `--out` (default runs/dual-encoder/<dataset>).
 */
import { join } from "node:path";
import * as aq from "arquero";
import { defaultDatasetsDir, resolveDataset, writeFileAtomic, writeTrecRun, type Run } from "@i3/data";
import { describeBackend, type Device } from "@i3/encoders";
import { evaluate } from "@i3/metrics";
import { indexAndRetrieve, trainDualEncoder, type DualEncoderSettingsInput } from "@i3/retrievers";
import { runBm25OnCollection } from "@i3/search";
import { bm25IndexDir } from "./bm25-command.js";
import { DEFAULT_EVAL_MEASURES } from "./eval-command.js";

/** Flags of `i3 dual-encoder`. */
export interface DualEncoderCommandOptions {
  dataset: string;
  trainSplit: string;
  evalSplit: string;
  out?: string;
  datasetsDir?: string;
  settings: DualEncoderSettingsInput;
  seed: number;
  device: Device;
}

/** Runs BM25 and the dual-encoder on one dataset and prints the comparison table. */
export async function dualEncoderCommand(options: DualEncoderCommandOptions): Promise<void> {
  const datasetsDir = options.datasetsDir ?? defaultDatasetsDir();
  const collection = await resolveDataset(options.dataset, { datasetsDir });
  const out = options.out ?? join("runs", "dual-encoder", options.dataset.replace(/[^A-Za-z0-9._-]+/g, "_"));
  const indexDir = bm25IndexDir(datasetsDir, collection.name);
  const bm25Train = await runBm25OnCollection(collection, options.trainSplit, { k: 200, indexDir });
  const bm25Eval = await runBm25OnCollection(collection, options.evalSplit, { k: 1000, indexDir });
  const de = await trainDualEncoder({
    collection,
    trainSplit: options.trainSplit,
    firstStageTrainRun: bm25Train,
    settings: options.settings,
    seed: options.seed,
    device: options.device,
    workDir: join(out, "model"),
  });
  process.stderr.write("[dual-encoder] encoding the corpus\n");
  const deRun = (await indexAndRetrieve(de, { collection, splits: [options.evalSplit] })).get(options.evalSplit)!;
  de.model.dispose();
  await writeTrecRun(join(out, `bm25-${options.evalSplit}.trec`), bm25Eval, { tag: "bm25" });
  await writeTrecRun(join(out, `dual-encoder-${options.evalSplit}.trec`), deRun, { tag: "dual-encoder" });

  const qrels = await collection.qrels(options.evalSplit);
  const backend = describeBackend(de.backend);
  const systems: [string, Run, string][] = [
    ["BM25", bm25Eval, "n/a (no tensors)"],
    ["dual-encoder", deRun, backend],
  ];
  const rows = systems.map(([system, run, usedBackend]) => ({
    system,
    backend: usedBackend.split(" ")[0]!,
    ...Object.fromEntries([...evaluate(qrels, run, [...DEFAULT_EVAL_MEASURES]).aggregate].map(([m, v]) => [m, Number(v.toFixed(4))])),
  }));
  const last = de.steps.at(-1);
  await writeFileAtomic(
    join(out, "metrics.json"),
    `${JSON.stringify({ dataset: collection.name, evalSplit: options.evalSplit, backend, trainSeconds: de.trainSeconds, steps: de.steps.length, finalLoss: last?.loss ?? null, rows }, null, 2)}\n`,
  );
  process.stdout.write(
    `\n${collection.name}, ${options.evalSplit} split (${qrels.size} queries); dual-encoder trained ${de.steps.length} steps in ${de.trainSeconds.toFixed(0)}s on ${backend}\n\n`,
  );
  process.stdout.write(`${aq.from(rows).toMarkdown()}\n`);
}
