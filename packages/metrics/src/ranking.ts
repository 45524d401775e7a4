/**
 * trec_eval's ranking of one query's retrieved documents (trec_eval 9.0.x `form_res_rels.c`,
 * `comp_sim_docno`): score descending, ties broken by document id descending under C `strcmp`.
 * The rank column of a run file is ignored; so is insertion order.
 */

/**
 * Compares two ids like C `strcmp` on their UTF-8 bytes (= Unicode code point order).
 * JavaScript's `<` compares UTF-16 code units, which differs only when a surrogate pair meets
 * a character in U+E000..U+FFFF; this function corrects that case. Returns <0, 0 or >0.
 */
export function compareIds(a: string, b: string): number {
  if (a === b) return 0;
  const n = a.length < b.length ? a.length : b.length;
  let i = 0;
  while (i < n && a.charCodeAt(i) === b.charCodeAt(i)) i++;
  if (i === n) return a.length - b.length;
  let x = a.charCodeAt(i);
  let y = b.charCodeAt(i);
  if (x >= 0xd800 && y >= 0xd800) {
    // Surrogates (U+D800..DFFF) encode code points above U+FFFF: move them above U+E000..FFFF.
    x = x >= 0xe000 ? x - 0x800 : x + 0x2000;
    y = y >= 0xe000 ? y - 0x800 : y + 0x2000;
  }
  return x - y;
}

/** trec_eval's `comp_sim_docno`: negative when (scoreA, idA) ranks before (scoreB, idB). */
export function compareRanked(scoreA: number, idA: string, scoreB: number, idB: string): number {
  if (scoreA > scoreB) return -1;
  if (scoreA < scoreB) return 1;
  return compareIds(idB, idA);
}

/**
 * Ranks one query's documents in trec_eval order and returns their ids, best first.
 * `depth` keeps only the first `depth` (trec_eval `-M`); `exclude` drops one id before ranking
 * (BEIR's self-hit rule drops the document whose id equals the query id).
 */
export function rankDocuments(
  docs: ReadonlyMap<string, number>,
  options: { depth?: number; exclude?: string } = {},
): string[] {
  const ranker = new Ranker();
  const n = ranker.rank(docs, options.exclude, options.depth ?? Infinity, "");
  const out: string[] = new Array<string>(n);
  for (let i = 0; i < n; i++) out[i] = ranker.idAt(i);
  return out;
}

/**
 * Orders two documents of one query with equal scores, by input index: negative when `a` ranks
 * first. trec_eval's rule is doc id descending (`strcmp`); each run layout supplies it.
 */
export type TieOrder = (a: number, b: number) => number;

/**
 * Reusable ranking workspace for the evaluation hot path: one instance ranks query after query
 * without allocating per document (buffers grow to the largest query seen). Already-ordered
 * input (the usual case: run files are written best first) is detected in one pass; otherwise
 * scores are sorted with the native numeric sort, documents are placed by binary search, and
 * only groups of tied scores are sorted by id.
 *
 * Two ways in: {@link rank} takes one query of a Map run; {@link scoresFor} + {@link sortScores}
 * take scores written straight into the workspace (a packed run), with the id order of ties.
 */
export class Ranker {
  private ids: string[] = [];
  /** Scores in input order. */
  private scores = new Float64Array(1024);
  /** order[rank] = input index of the document at that rank. */
  private order = new Uint32Array(1024);
  /** ranked[rank] = score at that rank (descending). */
  private ranked = new Float64Array(1024);
  private cursor = new Uint32Array(1024);
  private count = 0;
  private readonly idsDescending: TieOrder = (a, b) => compareIds(this.ids[b]!, this.ids[a]!);

  /**
   * Ranks `docs` (skipping the id `exclude`), keeps the first `depth`, and returns how many are
   * kept; read them with {@link idAt}. `qid` only names the query in error messages.
   * Throws on a NaN score (trec_eval's order is undefined for it).
   */
  rank(docs: ReadonlyMap<string, number>, exclude: string | undefined, depth: number, qid: string): number {
    const scores = this.scoresFor(docs.size);
    const ids = this.ids;
    let n = 0;
    let bad: string | undefined;
    docs.forEach((score, id) => {
      if (id === exclude) return;
      if (score !== score) bad ??= id;
      ids[n] = id;
      scores[n] = score;
      n++;
    });
    if (bad !== undefined) throw new Error(`run: query ${qid}, document ${bad}: score is NaN`);
    this.sortScores(n, this.idsDescending);
    return n < depth ? n : depth;
  }

  /**
   * The input buffer for up to `size` scores (valid until the next call): write the scores of
   * input documents 0..n-1 into it, then call {@link sortScores}.
   */
  scoresFor(size: number): Float64Array {
    if (size > this.scores.length) {
      const cap = Math.max(size, this.scores.length * 2);
      this.scores = new Float64Array(cap);
      this.order = new Uint32Array(cap);
      this.ranked = new Float64Array(cap);
      this.cursor = new Uint32Array(cap);
    }
    return this.scores;
  }

  /**
   * Ranks the `n` scores written into {@link scoresFor}'s buffer: score descending, ties by
   * `tieOrder` (the caller's doc id descending). Scores must not be NaN. Read the result with
   * {@link inputAt}.
   */
  sortScores(n: number, tieOrder: TieOrder): void {
    const scores = this.scores;
    for (let i = 0; i < n; i++) scores[i] = scores[i]! + 0; // -0 -> +0: C compares them equal, the native sort would not
    this.count = n;
    if (isNonIncreasing(scores, n)) {
      for (let i = 0; i < n; i++) this.order[i] = i;
      this.ranked.set(scores.subarray(0, n));
    } else {
      this.placeByScore(n);
    }
    this.orderTies(n, tieOrder);
  }

  /** Input index of the document at 0-based rank `i` of the last ranking. */
  inputAt(i: number): number {
    return this.order[i]!;
  }

  /** Id of the document at 0-based rank `i` of the last {@link rank} call. */
  idAt(i: number): string {
    return this.ids[this.order[i]!]!;
  }

  /** 0-based rank of document `id` whose score is `score` in the last {@link rank} call, or -1. */
  positionOf(id: string, score: number): number {
    const ranked = this.ranked;
    const n = this.count;
    const s = score + 0;
    for (let p = firstAtOrBelow(ranked, n, s); p < n && ranked[p] === s; p++) {
      if (this.ids[this.order[p]!] === id) return p;
    }
    return -1;
  }

  /** Sorts `ranked` descending and places each document at its score's slot (ties in input order). */
  private placeByScore(n: number): void {
    const ranked = this.ranked.subarray(0, n);
    ranked.set(this.scores.subarray(0, n));
    ranked.sort();
    ranked.reverse();
    const cursor = this.cursor;
    cursor.fill(0, 0, n);
    const order = this.order;
    const scores = this.scores;
    for (let i = 0; i < n; i++) {
      const p = firstAtOrBelow(ranked, n, scores[i]!);
      order[p + cursor[p]!++] = i;
    }
  }

  /** Within each group of equal scores, orders documents by `tieOrder`. */
  private orderTies(n: number, tieOrder: TieOrder): void {
    const ranked = this.ranked;
    const order = this.order;
    let start = 0;
    for (let k = 1; k <= n; k++) {
      if (k < n && ranked[k] === ranked[start]) continue;
      const size = k - start;
      if (size === 2) {
        const a = order[start]!;
        const b = order[start + 1]!;
        if (tieOrder(a, b) > 0) {
          order[start] = b;
          order[start + 1] = a;
        }
      } else if (size > 2) {
        let sorted = true;
        for (let i = start + 1; i < k && sorted; i++) sorted = tieOrder(order[i - 1]!, order[i]!) < 0;
        if (!sorted) {
          const segment = Array.from(order.subarray(start, k));
          segment.sort(tieOrder);
          order.set(segment, start);
        }
      }
      start = k;
    }
  }
}

/** Whether scores[0..n) never increase. */
function isNonIncreasing(scores: Float64Array, n: number): boolean {
  for (let i = 1; i < n; i++) if (scores[i - 1]! < scores[i]!) return false;
  return true;
}

/** Smallest index p < n with desc[p] <= s in a descending array (n if none). */
function firstAtOrBelow(desc: Float64Array, n: number, s: number): number {
  let lo = 0;
  let hi = n;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (desc[mid]! > s) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
