/**
 * Real training queries as pseudo-queries: a passage's text is the text of a query of the
 * given split (default `train`) that judges it relevant (grade >= `minRelevance`, default 1).
 * I3's fine-tuning reconstructs the real training query (Dong et al. 2023, sec. 3.3). When
 * several queries judge a passage relevant, the first in qid order wins: qids compare as
 * integers when both are plain decimal integers, otherwise by UTF-16 code units (numeric ids
 * before others). Passages no query judges relevant get the `fallback` source's text, or no
 * line at all when there is no fallback.
 *
 * The factory loads the split's queries and qrels once; `params` carry a digest of the chosen
 * (pid, qid, text) triples, so a cache goes stale when the judgments or queries change.
 */
import { createHash } from "node:crypto";
import type { Collection, Passage } from "@i3/data";
import { oneLine } from "../text.js";
import type { PseudoQuerySource, SourceGenerateOptions } from "../types.js";

/** Options of {@link trainingQuerySource}. */
export interface TrainingQuerySourceOptions {
  /** Split whose queries and qrels are used. Default `train`. */
  split?: string;
  /** Smallest grade that counts as relevant. Default 1. */
  minRelevance?: number;
  /** Source for passages without a relevant query; none: such passages get no text. */
  fallback?: PseudoQuerySource;
  /** Passages handed to the fallback at a time. Default 256. */
  batchSize?: number;
}

const INTEGER = /^(0|[1-9][0-9]*)$/u;

/** qid order of {@link trainingQuerySource}: integers numerically (before non-integers), others by code units. */
export function compareQids(a: string, b: string): number {
  const ia = INTEGER.test(a);
  const ib = INTEGER.test(b);
  if (ia && ib) return a.length - b.length || (a < b ? -1 : a > b ? 1 : 0);
  if (ia !== ib) return ia ? -1 : 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * pid -> { qid, text } of the first relevant query (qid order, see the module comment) of
 * `split`. Queries that are judged but missing from the query file are an error.
 */
export async function firstRelevantQueries(
  collection: Collection,
  split = "train",
  minRelevance = 1,
): Promise<Map<string, { qid: string; text: string }>> {
  const queries = new Map((await collection.queries(split)).map((q) => [q.id, q.text]));
  const qrels = await collection.qrels(split);
  const out = new Map<string, { qid: string; text: string }>();
  for (const qid of [...qrels.keys()].sort(compareQids)) {
    for (const [pid, grade] of qrels.get(qid)!) {
      if (grade < minRelevance || out.has(pid)) continue;
      const text = queries.get(qid);
      if (text === undefined) throw new Error(`${collection.name}: split "${split}" judges query ${JSON.stringify(qid)}, which has no text in its queries`);
      out.set(pid, { qid, text: oneLine(text) });
    }
  }
  return out;
}

/** A {@link PseudoQuerySource} of real training queries (see the module comment). */
export async function trainingQuerySource(collection: Collection, options: TrainingQuerySourceOptions = {}): Promise<PseudoQuerySource> {
  const split = options.split ?? "train";
  const minRelevance = options.minRelevance ?? 1;
  const batchSize = options.batchSize ?? 256;
  const fallback = options.fallback;
  const chosen = await firstRelevantQueries(collection, split, minRelevance);
  const digest = createHash("sha256");
  for (const pid of [...chosen.keys()].sort()) {
    const { qid, text } = chosen.get(pid)!;
    digest.update(`${pid}\t${qid}\t${text}\n`);
  }
  return {
    name: "training-query",
    params: {
      split,
      minRelevance,
      judgments: digest.digest("hex"),
      fallback: fallback === undefined ? null : { name: fallback.name, params: fallback.params },
    },
    async *generate(passages: Iterable<Passage> | AsyncIterable<Passage>, { seed, onProgress }: SourceGenerateOptions) {
      let done = 0;
      let batch: Passage[] = [];
      const flush = async function* (): AsyncGenerator<[string, string]> {
        const missing = batch.filter((p) => !chosen.has(p.id));
        const filled = new Map<string, string>();
        if (fallback !== undefined && missing.length > 0) {
          for await (const [pid, text] of fallback.generate(missing, { seed })) filled.set(pid, text);
        }
        for (const p of batch) {
          const text = chosen.get(p.id)?.text ?? filled.get(p.id);
          if (text !== undefined) yield [p.id, text];
        }
        done += batch.length;
        batch = [];
        onProgress?.(done);
      };
      for await (const p of passages) {
        batch.push(p);
        if (batch.length >= batchSize) yield* flush();
      }
      if (batch.length > 0) yield* flush();
    },
  };
}
