/**
 * One query's ranked relevance list, the only input measures see (trec_eval's `RES_RELS`,
 * built in `form_res_rels.c`). Every measure of a query is computed from this one object.
 */

/** Grade of a retrieved document that is absent from the qrels (trec_eval `RELVALUE_NONPOOL`). */
export const NONPOOL = -1;
/** Grade of a retrieved document judged with a negative grade (trec_eval `RELVALUE_UNJUDGED`). */
export const UNJUDGED = -2;

/**
 * A query's retrieved documents as grades in rank order, plus the counts of judged grades.
 * Instances are reused across queries by the evaluator: read them, never keep them.
 */
export class RankedQuery {
  /** Grades in rank order: grade >= 0, {@link NONPOOL} or {@link UNJUDGED}; valid up to `numRet`. */
  rels: Int32Array = new Int32Array(1024);
  /** Number of ranked documents (after depth truncation and self-hit removal). */
  numRet = 0;
  /** `relLevels[g]` = number of judged documents of grade g >= 0 (retrieved or not). */
  relLevels: number[] = [];

  /** Judged documents with grade >= `level` (trec_eval `num_rel` under `-l level`). */
  numRel(level: number): number {
    let n = 0;
    for (let g = level < 0 ? 0 : level; g < this.relLevels.length; g++) n += this.relLevels[g]!;
    return n;
  }

  /** Judged documents with 0 <= grade < `level` (the judged non-relevant ones). */
  numNonRel(level: number): number {
    let n = 0;
    const top = Math.min(level, this.relLevels.length);
    for (let g = 0; g < top; g++) n += this.relLevels[g]!;
    return n;
  }

  /**
   * Fills this object for one query. `ranking` locates a document by id and score (see
   * `Ranker.positionOf`); `docs` is the query's run entry (id -> score); `judged` its qrels.
   * Costs O(numRet) for the fill plus O(judged x log numRet): the run is never probed per document.
   */
  fill(
    numRet: number,
    ranking: { positionOf(id: string, score: number): number },
    docs: ReadonlyMap<string, number>,
    judged: ReadonlyMap<string, number> | undefined,
  ): void {
    if (numRet > this.rels.length) this.rels = new Int32Array(Math.max(numRet, this.rels.length * 2));
    const rels = this.rels;
    rels.fill(NONPOOL, 0, numRet);
    this.numRet = numRet;
    const levels = this.relLevels;
    levels.length = 0;
    if (judged === undefined) return;
    judged.forEach((g, id) => {
      if (g >= 0) {
        while (levels.length <= g) levels.push(0);
        levels[g]!++;
      }
      const score = docs.get(id);
      if (score === undefined) return;
      const pos = ranking.positionOf(id, score);
      if (pos >= 0 && pos < numRet) rels[pos] = g < 0 ? UNJUDGED : g;
    });
  }

  /** Builds a standalone RankedQuery from grades in rank order (tests, custom callers). */
  static fromGrades(ranked: readonly number[], judgedGrades: readonly number[]): RankedQuery {
    const q = new RankedQuery();
    q.rels = Int32Array.from(ranked);
    q.numRet = ranked.length;
    for (const g of judgedGrades) {
      if (g < 0) continue;
      while (q.relLevels.length <= g) q.relLevels.push(0);
      q.relLevels[g]!++;
    }
    return q;
  }
}
