import type { Qrels } from "../types.js";

/**
 * The positives of `qid`: docids with grade >= `relevanceLevel`, in qrels (file) order. The same
 * binary cut as trec_eval's `-l` relevance level (default 1). Empty when the query is unjudged.
 */
export function positivesOf(qrels: Qrels, qid: string, relevanceLevel = 1): string[] {
  const judged = qrels.get(qid);
  const out: string[] = [];
  if (judged === undefined) return out;
  for (const [docid, grade] of judged) if (grade >= relevanceLevel) out.push(docid);
  return out;
}
