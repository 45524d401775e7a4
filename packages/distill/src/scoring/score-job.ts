/**
 * Teacher scoring jobs, computed once and cached by content (DESIGN.md sec. 2: "teacher scores
 * for (q, candidates) are computed once and cached"). A job = a teacher and its inputs: the
 * pools (query id and text, positive and negative doc ids) and the text of every pooled passage.
 * Its key is sha256 over the canonical JSON (`@i3/core` canonicalJson) of the format version, the
 * teacher's identity and every pool with its passages' texts, so a sweep whose variants share a
 * teacher and pools scores once, and any change of model file, score file, BM25 parameters,
 * corpus text or pool scores again.
 *
 * Cache layout: `<cacheDir>/<key>/kd_train.jsonl` (the scores, SimLM layout) and `job.json`
 * (teacher identity, counts), each written atomically, `job.json` last: a folder with both is
 * complete; anything else is recomputed.
 */
import { createHash } from "node:crypto";
import { readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import { canonicalJson, writeFileAtomic } from "@i3/core";
import type { Passage } from "@i3/data";
import { loadKdTrain, writeKdTrain, type KdRecord } from "../kd/kd-train-jsonl.js";
import type { Teacher } from "../teachers/teacher.js";
import type { ScoringPool } from "./pools.js";

/** Bump when the scoring or the file layout changes what a key's folder holds. */
export const KD_JOB_FORMAT = 1;

/** Passage lookup by id (a Map, or any function); an unknown id must return undefined. */
export type PassageLookup = ReadonlyMap<string, Passage> | ((id: string) => Passage | undefined);

function lookup(passages: PassageLookup, id: string, queryId: string): Passage {
  const p = typeof passages === "function" ? passages(id) : passages.get(id);
  if (p === undefined) throw new Error(`teacher scoring: passage ${JSON.stringify(id)} of query ${JSON.stringify(queryId)} is not in the corpus`);
  return p;
}

/** The content key of scoring `pools` with `teacher` (see the module comment). */
export function scoringJobKey(teacher: Teacher, pools: readonly ScoringPool[], passages: PassageLookup): string {
  const h = createHash("sha256");
  h.update(canonicalJson({ format: KD_JOB_FORMAT, teacher: teacher.identity }));
  const doc = (id: string, qid: string) => {
    const p = lookup(passages, id, qid);
    return [p.id, p.title, p.text];
  };
  for (const pool of pools) {
    const qid = pool.query.id;
    h.update("\n");
    h.update(canonicalJson([qid, pool.query.text, pool.positives.map((id) => doc(id, qid)), pool.negatives.map((id) => doc(id, qid))]));
  }
  return h.digest("hex");
}

/** Progress of a scoring job: queries and pairs scored so far. */
export interface ScoringProgress {
  readonly queries: number;
  readonly totalQueries: number;
  readonly pairs: number;
}

/**
 * Scores every pool with the teacher, one query at a time (the teacher batches within a query),
 * yielding one record per pool: positives and negatives with their scores, in pool order.
 */
export async function* scoreWithTeacher(
  teacher: Teacher,
  pools: readonly ScoringPool[],
  passages: PassageLookup,
  onProgress?: (p: ScoringProgress) => void,
): AsyncGenerator<KdRecord, void, undefined> {
  let pairs = 0;
  for (const [i, pool] of pools.entries()) {
    const ids = [...pool.positives, ...pool.negatives];
    const scores = await teacher.score(pool.query, ids.map((id) => lookup(passages, id, pool.query.id)));
    const scored = ids.map((docId, j) => ({ docId, score: scores[j]! }));
    pairs += ids.length;
    yield { queryId: pool.query.id, query: pool.query.text, positives: scored.slice(0, pool.positives.length), negatives: scored.slice(pool.positives.length) };
    onProgress?.({ queries: i + 1, totalQueries: pools.length, pairs });
  }
}

/** Options of {@link cachedTeacherScores}. */
export interface CachedScoresOptions {
  teacher: Teacher;
  pools: readonly ScoringPool[];
  passages: PassageLookup;
  /** Jobs go to `<cacheDir>/<key>/`. */
  cacheDir: string;
  onProgress?: (p: ScoringProgress) => void;
}

/** What {@link cachedTeacherScores} returns. */
export interface CachedScores {
  /** The job's content key. */
  key: string;
  /** `<cacheDir>/<key>/kd_train.jsonl`. */
  path: string;
  /** True when the scores were read from the cache (nothing was scored). */
  cached: boolean;
  /** Query id -> record, in pool order. */
  records: Map<string, KdRecord>;
}

const exists = (p: string) => stat(p).then(() => true, () => false);

/**
 * The teacher's scores for the pools: read from `<cacheDir>/<key>/kd_train.jsonl` when a complete
 * job with this key is there (validated against the pools' query and doc ids), else scored and
 * written there (see the module comment).
 */
export async function cachedTeacherScores(opts: CachedScoresOptions): Promise<CachedScores> {
  const key = scoringJobKey(opts.teacher, opts.pools, opts.passages);
  const dir = join(opts.cacheDir, key);
  const path = join(dir, "kd_train.jsonl");
  const jobPath = join(dir, "job.json");
  const queryIds = new Set(opts.pools.map((p) => p.query.id));
  const docIds = new Set(opts.pools.flatMap((p) => [...p.positives, ...p.negatives]));
  if ((await exists(jobPath)) && (await exists(path))) {
    const job = JSON.parse(await readFile(jobPath, "utf8")) as { key?: unknown };
    if (job.key !== key) throw new Error(`${jobPath}: field "key" is ${JSON.stringify(job.key)}, not the folder's ${key}; delete the folder`);
    const records = await loadKdTrain(path, { queryIds, docIds });
    if (records.size !== opts.pools.length) throw new Error(`${path}: ${records.size} queries, but the job has ${opts.pools.length}; delete ${dir}`);
    return { key, path, cached: true, records };
  }
  const records = new Map<string, KdRecord>();
  let pairs = 0;
  for await (const r of scoreWithTeacher(opts.teacher, opts.pools, opts.passages, opts.onProgress)) {
    records.set(r.queryId, r);
    pairs += r.positives.length + r.negatives.length;
  }
  await writeKdTrain(path, records.values(), { queryIds, docIds });
  await writeFileAtomic(jobPath, `${JSON.stringify({ format: KD_JOB_FORMAT, key, teacher: opts.teacher.identity, queries: records.size, pairs }, null, 2)}\n`);
  return { key, path, cached: false, records };
}
