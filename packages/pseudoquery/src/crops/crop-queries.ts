/**
 * Pseudo-queries by independent cropping (Izacard et al. 2022, "Unsupervised Dense Information
 * Retrieval with Contrastive Learning", Contriever, sec. 3.2): for each passage, a random window
 * of consecutive words is its query and the passage its only positive. The dual-encoder and I3
 * trainers warm up on these crops before the real training queries, so that a model trained from
 * scratch sees the whole vocabulary of the corpus on the query side.
 */
import { SeededRandom } from "@i3/core";
import { passageText, type Passage, type Qrels, type Query } from "@i3/data";

/** What {@link cropQueries} returns: one training query per passage with words. */
export interface CropQueries {
  /** `crop:<pid>` -> a window of the passage's words. */
  queries: Query[];
  /** `crop:<pid>` -> { pid: 1 }. */
  qrels: Qrels;
  /** `crop:<pid>` -> [] (no mined negatives: a batcher fills the groups with random corpus passages). */
  negatives: Map<string, string[]>;
}

/**
 * One crop per passage: of the passage's whitespace-separated words (`passageText`: title and
 * text), a window of `cropWords[0]..cropWords[1]` words (at most all of them), its length and
 * start drawn from `SeededRandom.from(seed, "crop", pid)`, so each passage's crop depends on the
 * seed and its id only. Passages without words get none.
 */
export function cropQueries(passages: Iterable<Passage>, cropWords: readonly [number, number], seed: number): CropQueries {
  const queries: Query[] = [];
  const qrels: Qrels = new Map();
  const negatives = new Map<string, string[]>();
  for (const p of passages) {
    const words = passageText(p).split(/\s+/).filter((w) => w !== "");
    if (words.length === 0) continue;
    const random = SeededRandom.from(seed, "crop", p.id);
    const length = Math.min(words.length, cropWords[0] + random.int(cropWords[1] - cropWords[0] + 1));
    const start = random.int(words.length - length + 1);
    const qid = `crop:${p.id}`;
    queries.push({ id: qid, text: words.slice(start, start + length).join(" ") });
    qrels.set(qid, new Map([[p.id, 1]]));
    negatives.set(qid, []);
  }
  return { queries, qrels, negatives };
}
