/**
 * Per-query top-k lists kept in the index's order (score descending, equal scores by `tieRank`
 * descending, i.e. document id descending), for candidates that arrive already sorted: each
 * block's list is merged into the running one in one linear pass, so no heap and no final sort.
 */
import { TopKSlots, type DenseHits } from "./top-k.js";

/** Collects the `k` best (score, doc) pairs of each of `nq` queries from sorted candidate lists. */
export class MergedTopK extends TopKSlots {
  private readonly mergedDocs = new Uint32Array(this.k);
  private readonly mergedScores = new Float32Array(this.k);

  /**
   * Merges `count` candidates into query `q`'s list: scores `scores[sOffset + j]`, documents
   * `docs[dOffset + j]`, already in the index's order and not in the list yet.
   */
  merge(q: number, scores: Float32Array, sOffset: number, docs: Uint32Array, dOffset: number, count: number): void {
    const k = this.k;
    const base = q * k;
    const size = this.sizes[q]!;
    const tieRank = this.tieRank;
    const outScores = this.mergedScores;
    const outDocs = this.mergedDocs;
    let a = 0;
    let b = 0;
    let n = 0;
    while (n < k && (a < size || b < count)) {
      let takeA: boolean;
      if (b >= count) takeA = true;
      else if (a >= size) takeA = false;
      else {
        const sa = this.scores[base + a]!;
        const sb = scores[sOffset + b]!;
        takeA = sa > sb || (sa === sb && tieRank[this.docs[base + a]!]! > tieRank[docs[dOffset + b]!]!);
      }
      if (takeA) {
        outScores[n] = this.scores[base + a]!;
        outDocs[n++] = this.docs[base + a++]!;
      } else {
        outScores[n] = scores[sOffset + b]!;
        outDocs[n++] = docs[dOffset + b++]!;
      }
    }
    this.scores.set(outScores.subarray(0, n), base);
    this.docs.set(outDocs.subarray(0, n), base);
    this.sizes[q] = n;
  }

  /** The collected hits of query `q`, best first. */
  result(q: number): DenseHits {
    const base = q * this.k;
    const size = this.sizes[q]!;
    return { indices: this.docs.slice(base, base + size), scores: this.scores.slice(base, base + size) };
  }
}
