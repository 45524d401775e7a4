/**
 * Collecting scanned run rows into qid -> docid -> value maps (shared by the TREC and MS MARCO
 * loaders): the current query's map is reused while the qid repeats (runs are grouped by query,
 * so the outer lookup is rare), and a docid seen twice for one query is an {@link InputError}.
 */
import { column, type ScannedRow } from "./column-scanner.js";
import { InputError, quote } from "./input-error.js";

/** Accumulates rows of one run file; read the result from `run`. */
export class RunBuilder {
  /** qid -> docid -> value, in first-seen order. */
  readonly run = new Map<string, Map<string, number>>();
  private qid = "";
  private docs: Map<string, number> | undefined;
  /** Ranks taken per query (only filled by {@link addRanked}). */
  private readonly ranksByQuery = new Map<string, TakenRanks>();
  private ranks: TakenRanks | undefined;

  /** `docidField` names the docid column in duplicate errors (`docid`, or `pid` for MS MARCO). */
  constructor(
    private readonly path: string,
    private readonly qidColumn: number,
    private readonly docidColumn: number,
    private readonly docidField: string,
  ) {}

  /** Adds one row with its value (a score or a rank). */
  add(row: ScannedRow, value: number): void {
    const qs = row.start[this.qidColumn]!;
    const qe = row.end[this.qidColumn]!;
    let docs = this.docs;
    if (docs === undefined || qe - qs !== this.qid.length || !row.text.startsWith(this.qid, qs)) {
      this.qid = row.text.slice(qs, qe);
      docs = this.run.get(this.qid);
      if (docs === undefined) this.run.set(this.qid, (docs = new Map()));
      this.docs = docs;
      this.ranks = undefined;
    }
    const size = docs.size;
    const docid = column(row, this.docidColumn);
    docs.set(docid, value);
    if (docs.size === size) {
      throw new InputError(this.path, row.lineNo, this.docidField, `duplicate document ${quote(docid)} for query ${quote(this.qid)}`);
    }
  }

  /**
   * Like {@link add}, for a run whose rows carry a rank (MS MARCO): a rank already given to
   * another document of the same query is an {@link InputError} on field `rank` (two documents
   * at rank 1 have no order).
   */
  addRanked(row: ScannedRow, rank: number, value: number): void {
    this.add(row, value);
    let ranks = this.ranks;
    if (ranks === undefined) {
      ranks = this.ranksByQuery.get(this.qid);
      if (ranks === undefined) this.ranksByQuery.set(this.qid, (ranks = new TakenRanks()));
      this.ranks = ranks;
    }
    if (!ranks.take(rank)) {
      throw new InputError(this.path, row.lineNo, "rank", `rank ${rank} is given to two documents of query ${quote(this.qid)}`);
    }
  }
}

/** Ranks above this are tracked in a Set instead of the bitmap (which stays <= 8 KiB per query). */
const BITMAP_RANKS = 1 << 16;

/** The ranks taken in one query: a bitmap for ranks below {@link BITMAP_RANKS} (the usual 1..1000), a Set beyond. */
class TakenRanks {
  private bits = new Uint8Array(128);
  private large: Set<number> | undefined;

  /** Marks `rank` (an integer >= 1) as taken; false when it already was. */
  take(rank: number): boolean {
    if (rank >= BITMAP_RANKS) {
      this.large ??= new Set();
      if (this.large.has(rank)) return false;
      this.large.add(rank);
      return true;
    }
    const byte = rank >>> 3;
    if (byte >= this.bits.length) {
      const grown = new Uint8Array(Math.min(BITMAP_RANKS >>> 3, Math.max(byte + 1, this.bits.length * 2)));
      grown.set(this.bits);
      this.bits = grown;
    }
    const mask = 1 << (rank & 7);
    if (this.bits[byte]! & mask) return false;
    this.bits[byte]! |= mask;
    return true;
  }
}
