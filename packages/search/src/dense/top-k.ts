/**
 * Per-query bounded min-heaps for exact top-k over many queries at once. Order (as trec_eval):
 * score descending, equal scores by document id descending; `tieRank[doc]` is the document's
 * position in ascending id order, so "larger tieRank ranks first" is "docid descending".
 */

/** One query's hits, best first. */
export interface DenseHits {
  /** Row numbers in the index. */
  indices: Uint32Array;
  /** Inner products (float32 values). */
  scores: Float32Array;
}

/** Room for up to `k` (score, doc) pairs per query, shared by the top-k collectors. */
export abstract class TopKSlots {
  protected readonly docs: Uint32Array;
  protected readonly scores: Float32Array;
  protected readonly sizes: Uint32Array;

  constructor(
    readonly nq: number,
    readonly k: number,
    protected readonly tieRank: Uint32Array,
  ) {
    if (!Number.isSafeInteger(k) || k < 1) throw new RangeError(`top-k: k must be a positive integer, got ${k}`);
    this.docs = new Uint32Array(nq * k);
    this.scores = new Float32Array(nq * k);
    this.sizes = new Uint32Array(nq);
  }
}

/** Collects the `k` best (score, doc) pairs of each of `nq` queries (bounded min-heaps). */
export class MultiTopK extends TopKSlots {

  /**
   * Offers documents `docStart .. docStart+count-1` to query `q`, with scores
   * `block[offset .. offset+count-1]`.
   */
  offerRow(q: number, block: Float32Array, offset: number, docStart: number, count: number): void {
    const k = this.k;
    const base = q * k;
    const docs = this.docs;
    const scores = this.scores;
    const tieRank = this.tieRank;
    let size = this.sizes[q]!;
    let j = 0;
    // Fill phase: sift up.
    for (; j < count && size < k; j++) {
      const s = block[offset + j]!;
      const d = docStart + j;
      const r = tieRank[d]!;
      let i = size++;
      while (i > 0) {
        const parent = (i - 1) >> 1;
        const ps = scores[base + parent]!;
        const pd = docs[base + parent]!;
        if (!(s < ps || (s === ps && r < tieRank[pd]!))) break;
        scores[base + i] = ps;
        docs[base + i] = pd;
        i = parent;
      }
      scores[base + i] = s;
      docs[base + i] = d;
    }
    this.sizes[q] = size;
    if (j === count) return;
    // Full: replace the root when a better pair arrives.
    let minScore = scores[base]!;
    for (; j < count; j++) {
      const s = block[offset + j]!;
      if (s < minScore) continue;
      const d = docStart + j;
      const r = tieRank[d]!;
      if (s === minScore && r < tieRank[docs[base]!]!) continue;
      // Sift down from the root.
      let i = 0;
      while (true) {
        const left = 2 * i + 1;
        if (left >= k) break;
        let c = left;
        let cs = scores[base + left]!;
        let cd = docs[base + left]!;
        const right = left + 1;
        if (right < k) {
          const rs = scores[base + right]!;
          const rd = docs[base + right]!;
          if (rs < cs || (rs === cs && tieRank[rd]! < tieRank[cd]!)) {
            c = right;
            cs = rs;
            cd = rd;
          }
        }
        if (!(cs < s || (cs === s && tieRank[cd]! < r))) break;
        scores[base + i] = cs;
        docs[base + i] = cd;
        i = c;
      }
      scores[base + i] = s;
      docs[base + i] = d;
      minScore = scores[base]!;
    }
  }

  /** The collected hits of query `q`, best first. */
  result(q: number): DenseHits {
    const size = this.sizes[q]!;
    const base = q * this.k;
    const order = Array.from({ length: size }, (_, i) => i);
    const scores = this.scores;
    const docs = this.docs;
    const tieRank = this.tieRank;
    order.sort((a, b) => {
      const sa = scores[base + a]!;
      const sb = scores[base + b]!;
      if (sa !== sb) return sb - sa;
      return tieRank[docs[base + b]!]! - tieRank[docs[base + a]!]!;
    });
    const indices = new Uint32Array(size);
    const out = new Float32Array(size);
    for (let i = 0; i < size; i++) {
      indices[i] = docs[base + order[i]!]!;
      out[i] = scores[base + order[i]!]!;
    }
    return { indices, scores: out };
  }
}
