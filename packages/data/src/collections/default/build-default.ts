/**
 * The default collection, in memory: mail threads become queries (normalised subject) with the
 * thread's messages as relevant passages; every other usable ham message is a distractor.
 */
import { createHash } from "node:crypto";
import type { Passage, Query } from "../../types.js";
import { messageToPassage, type DropReason } from "./message-to-passage.js";
import type { RawMessage } from "./source.js";
import { DEFAULT_SPLIT_RULE, assignSplit, type SplitRule } from "./split.js";
import { normaliseSubject, threadKey } from "./subject.js";

/** A thread needs at least this many usable messages to become a query (see docs/collections.md). */
export const MIN_THREAD_MESSAGES = 2;

/** One qrels row (grade is always 1: every message of the thread is relevant). */
export interface QrelRow {
  queryId: string;
  docId: string;
  score: number;
}

/** The built collection, ready to be written. Arrays are in their final (sorted) file order. */
export interface DefaultCollectionData {
  passages: Passage[];
  queries: Query[];
  /** split name -> rows sorted by query id then doc id. */
  qrels: Map<string, QrelRow[]>;
  stats: DefaultCollectionStats;
}

/** The numbers written to stats.json (plus provenance added by the writer). */
export interface DefaultCollectionStats {
  messages: { read: number; byGroup: Record<string, number>; nameMd5Mismatches: number };
  dropped: Record<DropReason, number> & { total: number };
  passages: { total: number; relevant: number; distractors: number; fromHtml: number; meanWords: number };
  threads: { distinctSubjects: number; queries: number; minMessages: number; emptySubjectMessages: number };
  splits: Record<string, { queries: number; qrels: number; meanQrelsPerQuery: number; meanQueryWords: number }>;
  queries: { total: number; meanWords: number };
}

/** Counts words as whitespace-separated tokens. */
export function wordCount(text: string): number {
  const t = text.trim();
  return t === "" ? 0 : t.split(/\s+/).length;
}

/** The query id of a thread key: `q` + the first 12 hex digits of its sha256. */
export function threadQueryId(key: string): string {
  return "q" + createHash("sha256").update(key, "utf8").digest("hex").slice(0, 12);
}

const round = (x: number, digits = 4): number => Number(x.toFixed(digits));
const byString = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** Builds passages, queries, qrels and stats from the raw ham messages. Pure and deterministic. */
export function buildDefaultCollection(messages: readonly RawMessage[], rule: SplitRule = DEFAULT_SPLIT_RULE): DefaultCollectionData {
  const sorted = [...messages].sort((a, b) => byString(a.docId, b.docId));
  const byGroup: Record<string, number> = {};
  const dropped = { "no-text-part": 0, "empty-after-cleaning": 0, "too-short": 0, "not-text": 0, total: 0 };
  const threads = new Map<string, { docIds: string[]; displays: string[] }>();
  const passages: Passage[] = [];
  let fromHtml = 0;
  let emptySubject = 0;
  for (const m of sorted) {
    byGroup[m.group] = (byGroup[m.group] ?? 0) + 1;
    const outcome = messageToPassage(m.docId, m.raw);
    if (!outcome.ok) {
      dropped[outcome.reason]++;
      dropped.total++;
      continue;
    }
    const p = outcome.passage;
    if (p.fromHtml) fromHtml++;
    // No title: the subject is the query, so a title would turn retrieval into subject lookup
    // (BM25 test nDCG@10 .906 with titles vs .272 without). Bodies must carry the topic.
    passages.push({ id: p.docId, title: "", text: p.text });
    const key = threadKey(p.subject);
    if (key === "") {
      emptySubject++;
      continue;
    }
    const t = threads.get(key) ?? { docIds: [], displays: [] };
    t.docIds.push(p.docId);
    t.displays.push(normaliseSubject(p.subject));
    threads.set(key, t);
  }

  const queries: Query[] = [];
  const qrels = new Map<string, QrelRow[]>(rule.splits.map((s) => [s.name, []]));
  const queryIds = new Map<string, string>();
  const splitOf = new Map<string, string>();
  for (const [key, t] of [...threads].sort((a, b) => byString(a[0], b[0]))) {
    if (t.docIds.length < MIN_THREAD_MESSAGES) continue;
    const id = threadQueryId(key);
    const clash = queryIds.get(id);
    if (clash !== undefined) throw new Error(`default collection: query id ${id} collides for subjects "${clash}" and "${key}"`);
    queryIds.set(id, key);
    const split = assignSplit(id, rule);
    splitOf.set(id, split);
    queries.push({ id, text: pickDisplay(t.displays) });
    for (const docId of t.docIds) qrels.get(split)!.push({ queryId: id, docId, score: 1 });
  }
  queries.sort((a, b) => byString(a.id, b.id));
  for (const rows of qrels.values()) rows.sort((a, b) => byString(a.queryId, b.queryId) || byString(a.docId, b.docId));

  const relevant = new Set([...qrels.values()].flat().map((r) => r.docId));
  const splits: DefaultCollectionStats["splits"] = {};
  for (const [name, rows] of qrels) {
    const qs = queries.filter((q) => splitOf.get(q.id) === name);
    if (qs.length === 0) throw new Error(`default collection: split "${name}" has no queries`);
    splits[name] = {
      queries: qs.length,
      qrels: rows.length,
      meanQrelsPerQuery: round(rows.length / qs.length),
      meanQueryWords: round(qs.reduce((s, q) => s + wordCount(q.text), 0) / qs.length),
    };
  }
  if (passages.length === 0) throw new Error("default collection: no usable messages");
  const stats: DefaultCollectionStats = {
    messages: { read: sorted.length, byGroup, nameMd5Mismatches: sorted.filter((m) => !m.nameMd5Matches).length },
    dropped,
    passages: {
      total: passages.length,
      relevant: relevant.size,
      distractors: passages.length - relevant.size,
      fromHtml,
      meanWords: round(passages.reduce((s, p) => s + wordCount(p.text), 0) / passages.length, 2),
    },
    threads: { distinctSubjects: threads.size, queries: queries.length, minMessages: MIN_THREAD_MESSAGES, emptySubjectMessages: emptySubject },
    splits,
    queries: { total: queries.length, meanWords: round(queries.reduce((s, q) => s + wordCount(q.text), 0) / queries.length) },
  };
  return { passages, queries, qrels, stats };
}

/** The most frequent readable form of a thread's subject; ties go to the earliest message. */
function pickDisplay(displays: readonly string[]): string {
  const counts = new Map<string, number>();
  for (const d of displays) counts.set(d, (counts.get(d) ?? 0) + 1);
  let best = displays[0]!;
  for (const d of displays) if (counts.get(d)! > counts.get(best)!) best = d;
  return best;
}
