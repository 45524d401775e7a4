/**
 * MS MARCO passage ranking in its official formats, or in BEIR layout:
 * - corpus: `collection.tsv` (`pid<TAB>passage`, 8,841,823 lines) or BEIR `corpus.jsonl`;
 * - splits, BEIR style: `queries.jsonl` + `qrels/<split>.tsv`; or official files, in the folder or
 *   its `official-format/` subfolder: train = `queries.train.tsv` + `qrels.train.tsv`,
 *   dev = `queries.dev.small.tsv` + `qrels.dev.small.tsv`, test (TREC DL 2019) =
 *   `msmarco-test2019-queries.tsv` + `2019qrels-pass.txt` (TREC qrels, grades 0-3).
 */
import path from "node:path";
import { firstExisting, missingBeirFiles, BeirCollection } from "./beir-collection.js";
import { FilesCollection, type SplitFiles } from "./files-collection.js";
import { MSMARCO_PASSAGE_DOWNLOADS } from "./downloads.js";

/** Official file names per split: [queries, qrels]. */
export const MSMARCO_OFFICIAL_SPLITS: ReadonlyArray<readonly [split: string, queries: string, qrels: string]> = [
  ["train", "queries.train.tsv", "qrels.train.tsv"],
  ["dev", "queries.dev.small.tsv", "qrels.dev.small.tsv"],
  ["test", "msmarco-test2019-queries.tsv", "2019qrels-pass.txt"],
];

const CORPUS_NAMES = ["collection.tsv", "collection.tsv.gz", "corpus.jsonl", "corpus.jsonl.gz"];

/** The instructions printed when the MS MARCO corpus is missing from `dir`. */
export function msmarcoCorpusHelp(dir: string, writableDir: string): string {
  const c = MSMARCO_PASSAGE_DOWNLOADS.collectionAndQueries;
  const splits = `queries.jsonl + qrels/<split>.tsv, or the official ${MSMARCO_OFFICIAL_SPLITS.map(([, q, r]) => `${q} + ${r}`).join(", ")}`;
  const corpus = `collection.tsv (8,841,823 lines "pid<TAB>passage", from ${c.url}, md5 ${c.md5}) or a BEIR corpus.jsonl`;
  if (path.resolve(dir) === path.resolve(writableDir)) return `put ${corpus} in ${dir}, next to the queries/qrels (${splits}).`;
  return (
    `put ${corpus} in ${dir}; if that folder is read-only, create ${writableDir} holding the corpus and ` +
    `the queries/qrels (${splits}; e.g. copy ${dir}'s own files).`
  );
}

/**
 * Opens an MS MARCO passage folder. Throws with placement instructions when the corpus or every
 * split is missing (`writableDir` is where the registry would like the files).
 */
export async function openMsMarcoPassage(dir: string, writableDir: string, name = "msmarco-passage"): Promise<FilesCollection> {
  const abs = path.resolve(dir);
  const corpus = await firstExisting(abs, CORPUS_NAMES);
  if (corpus === undefined) throw new Error(`${name}: the corpus is missing in ${abs}: ${msmarcoCorpusHelp(abs, writableDir)}`);
  const corpusFormat = corpus.includes(".jsonl") ? "jsonl" : "tsv";

  const beirMissing = await missingBeirFiles(abs);
  if (!beirMissing.includes("queries.jsonl") && !beirMissing.includes("qrels/<split>.tsv")) {
    const beir = await BeirCollection.open(abs, name).catch(() => undefined);
    if (beir !== undefined && corpusFormat === "jsonl") return beir;
    if (beir !== undefined) return new FilesCollection(name, abs, { corpus, corpusFormat, splits: beir.files.splits }).check();
  }

  const splits = new Map<string, SplitFiles>();
  for (const [split, queriesName, qrelsName] of MSMARCO_OFFICIAL_SPLITS) {
    for (const folder of [abs, path.join(abs, "official-format")]) {
      const qrels = await firstExisting(folder, [qrelsName, qrelsName + ".gz"]);
      if (qrels === undefined) continue;
      const queries = await firstExisting(folder, [queriesName, queriesName + ".gz"]);
      if (queries === undefined) throw new Error(`${name}: ${qrels} has no matching queries file ${path.join(folder, queriesName)}`);
      splits.set(split, { queries, qrels });
      break;
    }
  }
  if (splits.size === 0) {
    throw new Error(
      `${name}: no queries/qrels in ${abs}: expected queries.jsonl + qrels/<split>.tsv, or the official ` +
        MSMARCO_OFFICIAL_SPLITS.map(([, q, r]) => `${q} + ${r}`).join(", "),
    );
  }
  return new FilesCollection(name, abs, { corpus, corpusFormat, splits }).check();
}
