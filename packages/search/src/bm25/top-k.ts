/**
 * Top-k selection over (document, score) pairs with a bounded binary min-heap, in the order
 * trec_eval ranks a run: score descending, ties broken by document id descending.
 */

/** The k best documents, best first. */
export interface TopK {
  /** Document numbers, best first. */
  readonly docs: Uint32Array;
  /** Their scores. */
  readonly scores: Float64Array;
}

/**
 * A reusable collector of the `k` best documents. `tieRank[d]` orders documents with equal
 * scores: the larger value ranks first (pass each document's position in ascending id order to
 * get trec_eval's "docid descending" tie-break).
 */
export class TopKCollector {
  private readonly heapDocs: Uint32Array;
  private readonly heapScores: Float64Array;
  private size = 0;

  constructor(
    readonly k: number,
    private readonly tieRank: Uint32Array,
  ) {
    if (!Number.isInteger(k) || k < 1) throw new RangeError(`top-k: k must be a positive integer, got ${k}`);
    this.heapDocs = new Uint32Array(k);
    this.heapScores = new Float64Array(k);
  }

  /** Whether (scoreA, docA) ranks strictly below (scoreB, docB). */
  private worse(scoreA: number, docA: number, scoreB: number, docB: number): boolean {
    return scoreA < scoreB || (scoreA === scoreB && this.tieRank[docA]! < this.tieRank[docB]!);
  }

  /** Forgets everything collected. */
  reset(): void {
    this.size = 0;
  }

  /** Offers one document. */
  offer(doc: number, score: number): void {
    const docs = this.heapDocs;
    const scores = this.heapScores;
    if (this.size < this.k) {
      // Sift up.
      let i = this.size++;
      while (i > 0) {
        const parent = (i - 1) >> 1;
        if (!this.worse(score, doc, scores[parent]!, docs[parent]!)) break;
        docs[i] = docs[parent]!;
        scores[i] = scores[parent]!;
        i = parent;
      }
      docs[i] = doc;
      scores[i] = score;
      return;
    }
    if (!this.worse(scores[0]!, docs[0]!, score, doc)) return;
    // Replace the worst (root) and sift down.
    const n = this.size;
    let i = 0;
    while (true) {
      const left = 2 * i + 1;
      if (left >= n) break;
      const right = left + 1;
      let child = left;
      if (right < n && this.worse(scores[right]!, docs[right]!, scores[left]!, docs[left]!)) child = right;
      if (!this.worse(scores[child]!, docs[child]!, score, doc)) break;
      docs[i] = docs[child]!;
      scores[i] = scores[child]!;
      i = child;
    }
    docs[i] = doc;
    scores[i] = score;
  }

  /** The collected documents, best first (the collector is left empty). */
  drain(): TopK {
    const n = this.size;
    const order = Array.from({ length: n }, (_, i) => i);
    const docs = this.heapDocs;
    const scores = this.heapScores;
    order.sort((a, b) => {
      const sa = scores[a]!;
      const sb = scores[b]!;
      if (sa !== sb) return sb - sa;
      return this.tieRank[docs[b]!]! - this.tieRank[docs[a]!]!;
    });
    const outDocs = new Uint32Array(n);
    const outScores = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      outDocs[i] = docs[order[i]!]!;
      outScores[i] = scores[order[i]!]!;
    }
    this.size = 0;
    return { docs: outDocs, scores: outScores };
  }
}

/**
 * For each document number, its position when the ids are sorted ascending by UTF-16 code units
 * (the same as trec_eval's `strcmp` for ASCII ids).
 */
export function ascendingIdRanks(docIds: readonly string[]): Uint32Array {
  const order = Array.from({ length: docIds.length }, (_, i) => i);
  order.sort((a, b) => {
    const x = docIds[a]!;
    const y = docIds[b]!;
    return x < y ? -1 : x > y ? 1 : 0;
  });
  const ranks = new Uint32Array(docIds.length);
  for (let r = 0; r < order.length; r++) ranks[order[r]!] = r;
  return ranks;
}

/** Largest collection for which (score, tie rank) pairs pack exactly into one double. */
export const MAX_PACKED_DOCS = 1 << 22;

const PACK = 2 ** 22;
const f32View = new Float32Array(1);
const u32View = new Uint32Array(f32View.buffer);

/**
 * Packs a non-negative float32 score and a tie rank (< 2^22) into one double that orders like
 * (score, tieRank): the IEEE bits of a non-negative float32 increase with its value, and
 * 31 + 22 bits fit in a double's 53-bit significand.
 */
export function packScoreKey(score: number, tieRank: number): number {
  f32View[0] = score;
  return u32View[0]! * PACK + tieRank;
}

/** Inverse of {@link packScoreKey}: the float32 score and the tie rank. */
export function unpackScoreKey(key: number): { score: number; tieRank: number } {
  const bits = Math.floor(key / PACK);
  u32View[0] = bits;
  return { score: f32View[0]!, tieRank: key - bits * PACK };
}

/**
 * The `k` largest of `keys[0..count)`, largest first, as a new array. Uses the engine's native
 * numeric sort; when `count` is much larger than `k`, a size-k min-heap filters first.
 */
export function largestKeys(keys: Float64Array, count: number, k: number): Float64Array {
  let top: Float64Array;
  if (count <= 4 * k) {
    top = keys.slice(0, count);
  } else {
    top = new Float64Array(k);
    top.set(keys.subarray(0, k));
    heapify(top);
    for (let i = k; i < count; i++) {
      const key = keys[i]!;
      if (key > top[0]!) replaceRoot(top, key);
    }
  }
  top.sort();
  top.reverse();
  return count > k ? top.subarray(0, k) : top;
}

/** Turns `heap` into a binary min-heap in place. */
function heapify(heap: Float64Array): void {
  for (let i = (heap.length >> 1) - 1; i >= 0; i--) siftDown(heap, i, heap[i]!);
}

/** Replaces the minimum of the min-heap with `key` and restores the heap. */
function replaceRoot(heap: Float64Array, key: number): void {
  siftDown(heap, 0, key);
}

function siftDown(heap: Float64Array, start: number, key: number): void {
  const n = heap.length;
  let i = start;
  while (true) {
    let child = 2 * i + 1;
    if (child >= n) break;
    if (child + 1 < n && heap[child + 1]! < heap[child]!) child++;
    if (heap[child]! >= key) break;
    heap[i] = heap[child]!;
    i = child;
  }
  heap[i] = key;
}
