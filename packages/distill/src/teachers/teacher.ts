/**
 * The one interface every teacher implements (DESIGN.md sec. 2, "Distillation"): scores for a
 * query's candidate passages, batched, plus an identity that names everything that changes the
 * scores, so a scoring job is keyed by content (see ../scoring/score-job.ts) and a sweep scores
 * once.
 */
import type { Passage, Query } from "@i3/data";

/** A teacher: `score(query, passages)` returns one score per passage, in order. */
export interface Teacher {
  /** Short kind, e.g. `bm25`, `scores`, `onnx-cross-encoder`, `cross-encoder`. */
  readonly kind: string;
  /**
   * Everything that determines the scores (canonical-JSON-able: model file hashes, parameters,
   * the score file's sha256, the corpus fingerprint): two teachers with equal identities give
   * equal scores.
   */
  readonly identity: Readonly<Record<string, unknown>>;
  /** One score per passage (higher = more relevant), in the order given. */
  score(query: Query, passages: readonly Passage[]): Promise<number[]>;
  /** Frees models or sessions (no-op for teachers without any). */
  dispose(): Promise<void>;
}

/** Throws unless `scores` has one finite number per passage (a teacher's contract). */
export function checkTeacherScores(kind: string, query: Query, passages: readonly Passage[], scores: readonly number[]): number[] {
  if (scores.length !== passages.length) {
    throw new Error(`${kind} teacher: ${scores.length} scores for ${passages.length} passages of query ${JSON.stringify(query.id)}`);
  }
  scores.forEach((s, i) => {
    if (!Number.isFinite(s)) throw new Error(`${kind} teacher: score ${s} for query ${JSON.stringify(query.id)}, passage ${JSON.stringify(passages[i]!.id)} is not finite`);
  });
  return [...scores];
}
