/**
 * doc2query training pairs from a collection's judgments (Nogueira et al. 2019 train on
 * MS MARCO's (passage, relevant query) pairs): every (query, passage) of `split` with
 * grade >= `minRelevance`, in qid order then corpus order. Only the judged passages are kept in
 * memory while the corpus streams.
 */
import type { Collection } from "@i3/data";
import { sourceText } from "../text.js";
import { compareQids } from "../training/training-query-source.js";

/** One training example. */
export interface Doc2QueryPair {
  pid: string;
  qid: string;
  passage: string;
  query: string;
}

/** All relevant (passage, query) pairs of `split` (see the module comment). */
export async function trainingPairs(collection: Collection, split = "train", minRelevance = 1): Promise<Doc2QueryPair[]> {
  const queries = new Map((await collection.queries(split)).map((q) => [q.id, q.text]));
  const qrels = await collection.qrels(split);
  const wanted = new Set<string>();
  for (const judged of qrels.values()) for (const [pid, grade] of judged) if (grade >= minRelevance) wanted.add(pid);
  const texts = new Map<string, string>();
  const order = new Map<string, number>();
  for await (const p of collection.corpus()) {
    if (wanted.has(p.id)) {
      texts.set(p.id, sourceText(p));
      order.set(p.id, order.size);
    }
  }
  const pairs: Doc2QueryPair[] = [];
  for (const qid of [...qrels.keys()].sort(compareQids)) {
    const query = queries.get(qid);
    if (query === undefined) throw new Error(`${collection.name}: split "${split}" judges query ${JSON.stringify(qid)}, which has no text in its queries`);
    const pids = [...qrels.get(qid)!].filter(([pid, g]) => g >= minRelevance && texts.has(pid)).map(([pid]) => pid);
    pids.sort((a, b) => order.get(a)! - order.get(b)!);
    for (const pid of pids) pairs.push({ pid, qid, passage: texts.get(pid)!, query });
  }
  return pairs;
}
