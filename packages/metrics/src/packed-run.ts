/**
 * Packed runs (see {@link PackedRun}): evaluating one query of a run held in typed arrays, and
 * packing a Map run into that layout. Ranking and judgments follow the same trec_eval rules as
 * the Map path (`ranking.ts`, `judgments.ts`); document ids compare as UTF-8 bytes, which is
 * exactly C `strcmp`.
 */
import { JudgedIds, sameBytes } from "./judged-ids.js";
import type { RankedQuery } from "./judgments.js";
import { Ranker, type TieOrder } from "./ranking.js";
import type { PackedRun, RunLike } from "./types.js";

/** Whether `run` is a {@link PackedRun} rather than a Map run. */
export function isPackedRun(run: RunLike | PackedRun): run is PackedRun {
  return "idStart" in run && "queryStart" in run;
}

/** Compares the ids of rows `a` and `b` like C `strcmp` on their UTF-8 bytes. Returns <0, 0 or >0. */
export function compareRowIds(run: PackedRun, a: number, b: number): number {
  const { idBytes, idStart } = run;
  let i = idStart[a]!;
  let j = idStart[b]!;
  const ea = idStart[a + 1]!;
  const eb = idStart[b + 1]!;
  for (; i < ea && j < eb; i++, j++) {
    const d = idBytes[i]! - idBytes[j]!;
    if (d !== 0) return d;
  }
  return ea - i - (eb - j);
}

/** The document id of row `r` as a string. */
export function rowId(run: PackedRun, r: number): string {
  return new TextDecoder().decode(run.idBytes.subarray(run.idStart[r], run.idStart[r + 1]));
}

/**
 * Ranks the queries of one packed run and fills a {@link RankedQuery} per query: the packed
 * counterpart of `Ranker.rank` + `RankedQuery.fill`. Judged documents are found by hashing the
 * ranked ids' bytes against the query's judgments ({@link JudgedIds}).
 */
export class PackedQueries {
  private readonly index = new Map<string, number>();
  private readonly ranker = new Ranker();
  private readonly judged = new JudgedIds();
  private readonly encoder = new TextEncoder();
  /** rows[input index] = row of the current query. */
  private rows = new Uint32Array(1024);
  private readonly idsDescending: TieOrder = (a, b) => compareRowIds(this.run, this.rows[b]!, this.rows[a]!);

  constructor(readonly run: PackedRun) {
    run.qids.forEach((qid, q) => this.index.set(qid, q));
  }

  /** Whether the run has query `qid`. */
  has(qid: string): boolean {
    return this.index.has(qid);
  }

  /**
   * Ranks query `qid` (which must be in the run) into `out`: its documents in trec_eval order,
   * without the one whose id equals `qid` when `removeSelfHit`, the first `depth` kept, graded
   * from `judged` (the query's qrels). Throws on a NaN score.
   */
  rankInto(qid: string, removeSelfHit: boolean, depth: number, judged: ReadonlyMap<string, number> | undefined, out: RankedQuery): void {
    const run = this.run;
    const q = this.index.get(qid)!;
    const first = run.queryStart[q]!;
    const last = run.queryStart[q + 1]!;
    const scores = this.ranker.scoresFor(last - first);
    if (this.rows.length < last - first) this.rows = new Uint32Array(Math.max(last - first, this.rows.length * 2));
    const rows = this.rows;
    const self = removeSelfHit ? this.encoder.encode(qid) : undefined;
    let n = 0;
    for (let r = first; r < last; r++) {
      if (self !== undefined && sameBytes(run.idBytes, run.idStart[r]!, run.idStart[r + 1]!, self, 0, self.length)) continue;
      const score = run.scores[r]!;
      if (score !== score) throw new Error(`run: query ${qid}, document ${rowId(run, r)}: score is NaN`);
      scores[n] = score;
      rows[n++] = r;
    }
    this.ranker.sortScores(n, this.idsDescending);
    const numRet = n < depth ? n : depth;
    out.begin(numRet, judged);
    this.judged.reset(judged);
    if (judged === undefined || judged.size === 0) return;
    for (let p = 0; p < numRet; p++) {
      const r = rows[this.ranker.inputAt(p)]!;
      const grade = this.judged.gradeOf(run.idBytes, run.idStart[r]!, run.idStart[r + 1]!);
      if (grade === grade) out.setJudged(p, grade);
    }
  }
}

/** Packs a Map run (qid -> docid -> score) into a {@link PackedRun}, queries and documents in map order. */
export function packRun(run: RunLike): PackedRun {
  const encoder = new TextEncoder();
  let rowCount = 0;
  for (const docs of run.values()) rowCount += docs.size;
  const queryStart = new Uint32Array(run.size + 1);
  const scores = new Float64Array(rowCount);
  const idStart = new Uint32Array(rowCount + 1);
  let idBytes = new Uint8Array(rowCount * 8 + 16);
  let r = 0;
  let pos = 0;
  let q = 0;
  for (const docs of run.values()) {
    for (const [id, score] of docs) {
      if (idBytes.length - pos < id.length * 3) {
        const grown = new Uint8Array(Math.max(pos + id.length * 3, idBytes.length * 2));
        grown.set(idBytes);
        idBytes = grown;
      }
      idStart[r] = pos;
      pos += encoder.encodeInto(id, idBytes.subarray(pos)).written;
      scores[r++] = score;
    }
    queryStart[++q] = r;
  }
  idStart[r] = pos;
  return { qids: [...run.keys()], queryStart, scores, idBytes: idBytes.subarray(0, pos), idStart };
}
