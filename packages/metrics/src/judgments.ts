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
 *
 * The judged grades are kept as distinct values with counts (trec_eval keeps an array indexed by
 * grade, `rel_levels[0..max_rel]`), so memory follows the number of judged documents, never the
 * size of a grade: a grade of 400000000 costs what a grade of 3 costs.
 */
export class RankedQuery {
  /** Grades in rank order: grade >= 0, {@link NONPOOL} or {@link UNJUDGED}; valid up to `numRet`. */
  rels: Float64Array = new Float64Array(1024);
  /** Number of ranked documents (after depth truncation and self-hit removal). */
  numRet = 0;
  /** Distinct judged grades >= 0 (retrieved or not), ascending; valid up to `numGrades`. */
  grades: Float64Array = new Float64Array(16);
  /** `gradeCounts[i]` = number of judged documents of grade `grades[i]`. */
  gradeCounts: Float64Array = new Float64Array(16);
  /** Number of distinct judged grades >= 0. */
  numGrades = 0;
  /** Scratch: the query's judged grades >= 0, before counting. */
  private judgedScratch = new Float64Array(1024);

  /** Judged documents with grade >= `level` (trec_eval `num_rel` under `-l level`). */
  numRel(level: number): number {
    let n = 0;
    for (let i = this.numGrades - 1; i >= 0 && this.grades[i]! >= level; i--) n += this.gradeCounts[i]!;
    return n;
  }

  /** Judged documents with 0 <= grade < `level` (the judged non-relevant ones). */
  numNonRel(level: number): number {
    let n = 0;
    for (let i = 0; i < this.numGrades && this.grades[i]! < level; i++) n += this.gradeCounts[i]!;
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
    this.begin(numRet, judged);
    judged?.forEach((g, id) => {
      const score = docs.get(id);
      if (score === undefined) return;
      const pos = ranking.positionOf(id, score);
      if (pos >= 0 && pos < numRet) this.setJudged(pos, g);
    });
  }

  /**
   * Starts one query: `numRet` ranked documents, all non-pool until {@link setJudged} says
   * otherwise, and the grade counts of `judged` (the query's qrels; undefined = none).
   */
  begin(numRet: number, judged: ReadonlyMap<string, number> | undefined): void {
    if (numRet > this.rels.length) this.rels = new Float64Array(Math.max(numRet, this.rels.length * 2));
    this.rels.fill(NONPOOL, 0, numRet);
    this.numRet = numRet;
    this.numGrades = 0;
    if (judged === undefined) return;
    if (judged.size > this.judgedScratch.length) this.judgedScratch = new Float64Array(Math.max(judged.size, this.judgedScratch.length * 2));
    const scratch = this.judgedScratch;
    let numJudged = 0;
    judged.forEach((g) => {
      if (g >= 0) scratch[numJudged++] = g;
    });
    this.countGrades(scratch, numJudged);
  }

  /** The document at 0-based rank `pos` (< numRet) is judged with grade `grade` (negative = unjudged). */
  setJudged(pos: number, grade: number): void {
    this.rels[pos] = grade < 0 ? UNJUDGED : grade;
  }

  /** Sets `grades`, `gradeCounts` and `numGrades` from `values[0..n)` (judged grades >= 0; reordered). */
  private countGrades(values: Float64Array, n: number): void {
    const sorted = values.subarray(0, n).sort();
    if (n > this.grades.length) {
      this.grades = new Float64Array(Math.max(n, this.grades.length * 2));
      this.gradeCounts = new Float64Array(this.grades.length);
    }
    let k = 0;
    for (let i = 0; i < n; i++) {
      if (k > 0 && this.grades[k - 1] === sorted[i]) this.gradeCounts[k - 1]!++;
      else {
        this.grades[k] = sorted[i]!;
        this.gradeCounts[k++] = 1;
      }
    }
    this.numGrades = k;
  }

  /** Builds a standalone RankedQuery from grades in rank order (tests, custom callers). */
  static fromGrades(ranked: readonly number[], judgedGrades: readonly number[]): RankedQuery {
    const q = new RankedQuery();
    q.rels = Float64Array.from(ranked);
    q.numRet = ranked.length;
    const nonNegative = Float64Array.from(judgedGrades.filter((g) => g >= 0));
    q.countGrades(nonNegative, nonNegative.length);
    return q;
  }
}
