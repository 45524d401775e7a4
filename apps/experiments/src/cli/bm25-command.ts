/** `i3 bm25 --dataset D --split S --out RUN`: BM25 over a registry dataset, written as a TREC run. */
import { join } from "node:path";
import { announceCacheWrite } from "@i3/core";
import { DATASETS_DIR_HINT, defaultDatasetsDir, resolveDataset, writeTrecRun } from "@i3/data";
import { runBm25OnCollection, type Bm25Progress } from "@i3/search";
import { checkFileOption, checkFolderOption } from "./options.js";
import { startProgress, type StageProgress } from "./progress.js";

/** Flags of `i3 bm25`. */
export interface Bm25CommandOptions {
  dataset: string;
  split: string;
  out: string;
  k: number;
  k1: number;
  b: number;
  datasetsDir?: string;
}

/** Where the persisted BM25 index of a dataset lives: `<datasetsDir>/indexes/bm25/<name>`. */
export function bm25IndexDir(datasetsDir: string, dataset: string): string {
  return join(datasetsDir, "indexes", "bm25", dataset.replace(/[^A-Za-z0-9._-]+/g, "_"));
}

/** Prints, once per process, where a BM25 index is about to be saved (at the `save-index` progress stage). */
export function announceBm25Index(stage: Bm25Progress["stage"], indexDir: string): void {
  if (stage === "save-index") announceCacheWrite("the BM25 index", indexDir, `under the datasets folder: ${DATASETS_DIR_HINT}`);
}

/**
 * Runs BM25 and writes the run; prints where it went. The run is written atomically; a temp file
 * that a killed earlier `i3 bm25` left beside `--out` is removed then (see `@i3/data`'s
 * `removeStaleTemps`).
 */
export async function bm25Command(options: Bm25CommandOptions): Promise<void> {
  await checkFolderOption("--datasets-dir", options.datasetsDir);
  await checkFileOption("--out", options.out);
  const datasetsDir = options.datasetsDir ?? defaultDatasetsDir();
  const collection = await resolveDataset(options.dataset, { datasetsDir });
  const indexDir = bm25IndexDir(datasetsDir, collection.name);
  let stage: Bm25Progress["stage"] | undefined;
  let progress: StageProgress | undefined;
  const run = await runBm25OnCollection(collection, options.split, {
    k: options.k,
    k1: options.k1,
    b: options.b,
    indexDir,
    onProgress: (p) => {
      if (p.stage !== stage) {
        announceBm25Index(p.stage, indexDir);
        progress?.stop();
        stage = p.stage;
        progress = startProgress(`bm25 ${p.stage}`, p.total);
      }
      progress?.update(p.done);
    },
  });
  progress?.stop();
  await writeTrecRun(options.out, run, { tag: `bm25-k1_${options.k1}-b_${options.b}` });
  process.stderr.write(`wrote ${run.size} queries x <= ${options.k} docs to ${options.out}\n`);
}
