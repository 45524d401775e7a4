/**
 * Teacher scores in the layout of SimLM's `kd_train.jsonl` (per query, positives and negatives
 * with doc ids and cross-encoder scores; read the same way by the I3 reference's
 * `DualEncoderDistillWithScoresDataset`, `cols["positives"]["doc_id"]` / `["score"]`),
 * held as qid -> docid -> score.
 */
export type TeacherScores = ReadonlyMap<string, ReadonlyMap<string, number>>;

/**
 * Writes the teacher scores of `qid`'s candidates `pids` into `out` from `offset` on. A missing
 * score throws (naming query and passage) unless `missing` is given, which is then used instead:
 * `NaN` to mask the entry downstream, or a constant such as the I3 reference's -15 for padded
 * random negatives (`DualEncoderDistillWithScoresDataset.sample`, Deriq-Qian-Dong/III-Retriever
 * `src/dataset_factory.py`).
 */
export function alignTeacherScores(
  teacher: TeacherScores,
  qid: string,
  pids: readonly string[],
  out: Float32Array,
  offset: number,
  missing?: number,
): void {
  const scores = teacher.get(qid);
  pids.forEach((pid, i) => {
    let score = scores?.get(pid);
    if (score === undefined) {
      if (missing === undefined) {
        throw new Error(
          `no teacher score for query "${qid}", passage "${pid}"` +
            (scores === undefined ? " (query absent from the teacher scores)" : "") +
            "; pass missingTeacherScore (e.g. NaN) to fill it",
        );
      }
      score = missing;
    }
    out[offset + i] = score;
  });
}
