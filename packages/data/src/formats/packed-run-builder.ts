/**
 * Collecting the rows of a run file into a {@link PackedRun}: scores and document id bytes go
 * straight into growing typed arrays, a query id is decoded only when it changes (runs are
 * grouped by query), and a document listed twice for one query is an {@link InputError} naming
 * its line. A query listed in several places of the file is regrouped at the end, its rows in
 * file order.
 */
import { InputError, quote } from "./input-error.js";
import { RowIdSet } from "./row-id-set.js";
import type { PackedRun } from "../types.js";

const decoder = new TextDecoder();

/** Largest id byte offset a packed run can address (`idStart` is a Uint32Array). */
const MAX_ID_BYTES = 0xffffffff;

/** The last index i of the non-decreasing `starts` (whose first element is <= r) with starts[i] <= r. */
function lastAtOrBelow(starts: readonly number[], r: number): number {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >>> 1;
    if (starts[mid]! <= r) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/** Accumulates the rows of one run file; {@link finish} returns the packed run. */
export class PackedRunBuilder {
  private scores: Float64Array;
  private idStart: Uint32Array;
  private idBytes: Uint8Array;
  private rowCount = 0;
  private readonly qids: string[] = [];
  private readonly queryIndex = new Map<string, number>();
  /** Segments: maximal runs of consecutive rows of one query; segment i starts at row segmentStart[i]. */
  private readonly segmentQuery: number[] = [];
  private readonly segmentStart: number[] = [];
  /** The current segment's qid bytes. */
  private qidBytes = new Uint8Array(64);
  private qidLength = -1;
  private readonly seen = new RowIdSet();
  /** Line of row r = r + 1 + lineShift[k] for the last k with lineShiftRow[k] <= r (blank lines shift them). */
  private readonly lineShiftRow: number[] = [0];
  private readonly lineShift: number[] = [0];
  private shift = 0;

  /**
   * `docidField` names the docid column in errors (`docid`, `pid`). `capacity` sizes the arrays
   * up front (they still grow beyond it): from a file's size, an upper bound costs address space,
   * not memory, since pages never written are never touched.
   */
  constructor(
    private readonly path: string,
    private readonly docidField: string,
    capacity: { rows: number; idBytes: number } = { rows: 1 << 16, idBytes: 1 << 20 },
  ) {
    this.scores = new Float64Array(Math.max(1, capacity.rows));
    this.idStart = new Uint32Array(Math.max(1, capacity.rows) + 1);
    this.idBytes = new Uint8Array(Math.min(MAX_ID_BYTES, Math.max(1, capacity.idBytes)));
  }

  /** Adds the row on line `lineNo` whose qid is `bytes[qs, qe)` and docid `bytes[ds, de)`. */
  add(bytes: Uint8Array, qs: number, qe: number, ds: number, de: number, score: number, lineNo: number): void {
    if (!this.sameQuery(bytes, qs, qe)) this.startSegment(bytes, qs, qe);
    const r = this.rowCount;
    if (r === this.scores.length) this.growRows();
    const from = this.idStart[r]!;
    if (from + (de - ds) > this.idBytes.length) this.growBytes(from + (de - ds), lineNo);
    const idBytes = this.idBytes;
    let to = from;
    for (let i = ds; i < de; i++) idBytes[to++] = bytes[i]!;
    this.idStart[r + 1] = to;
    this.scores[r] = score;
    if (lineNo - r - 1 !== this.shift) {
      this.shift = lineNo - r - 1;
      this.lineShiftRow.push(r);
      this.lineShift.push(this.shift);
    }
    const before = this.seen.add(r, idBytes, this.idStart);
    if (before >= 0) this.duplicate(r);
    this.rowCount = r + 1;
  }

  /** The packed run (a query listed in several places is checked for duplicates across them and regrouped). */
  finish(): PackedRun {
    const segments = this.segmentQuery.length;
    this.segmentStart.push(this.rowCount);
    const qids = this.qids;
    if (segments === qids.length) {
      const queryStart = Uint32Array.from(this.segmentStart);
      return this.packed(queryStart, this.scores, this.idBytes, this.idStart);
    }
    return this.regroup();
  }

  private sameQuery(bytes: Uint8Array, qs: number, qe: number): boolean {
    if (qe - qs !== this.qidLength) return false;
    const qid = this.qidBytes;
    for (let i = 0; i < this.qidLength; i++) if (qid[i] !== bytes[qs + i]) return false;
    return true;
  }

  private startSegment(bytes: Uint8Array, qs: number, qe: number): void {
    if (qe - qs > this.qidBytes.length) this.qidBytes = new Uint8Array(Math.max(qe - qs, this.qidBytes.length * 2));
    this.qidBytes.set(bytes.subarray(qs, qe));
    this.qidLength = qe - qs;
    const qid = decoder.decode(bytes.subarray(qs, qe));
    let q = this.queryIndex.get(qid);
    if (q === undefined) {
      q = this.qids.length;
      this.qids.push(qid);
      this.queryIndex.set(qid, q);
    }
    this.segmentQuery.push(q);
    this.segmentStart.push(this.rowCount);
    this.seen.clear();
  }

  /** Throws the duplicate error for row `r` (an earlier row listed its document already). */
  private duplicate(r: number): never {
    const docid = decoder.decode(this.idBytes.subarray(this.idStart[r], this.idStart[r + 1]));
    const qid = this.qids[this.queryOfRow(r)]!;
    throw new InputError(
      this.path,
      this.lineOf(r),
      this.docidField,
      `duplicate document ${quote(docid)} for query ${quote(qid)}`,
    );
  }

  private queryOfRow(r: number): number {
    return this.segmentQuery[lastAtOrBelow(this.segmentStart, r)]!;
  }

  private lineOf(r: number): number {
    return r + 1 + this.lineShift[lastAtOrBelow(this.lineShiftRow, r)]!;
  }

  /** Packs queries listed in several places: rows of each query together, in file order; duplicates across the places throw. */
  private regroup(): PackedRun {
    const numQueries = this.qids.length;
    const segmentsOf: number[][] = Array.from({ length: numQueries }, () => []);
    this.segmentQuery.forEach((q, i) => segmentsOf[q]!.push(i));
    const queryStart = new Uint32Array(numQueries + 1);
    const scores = new Float64Array(this.rowCount);
    const idStart = new Uint32Array(this.rowCount + 1);
    const idBytes = new Uint8Array(this.idStart[this.rowCount]!);
    let row = 0;
    for (let q = 0; q < numQueries; q++) {
      const split = segmentsOf[q]!.length > 1;
      if (split) this.seen.clear();
      for (const i of segmentsOf[q]!) {
        for (let r = this.segmentStart[i]!; r < this.segmentStart[i + 1]!; r++) {
          if (split) {
            const before = this.seen.add(r, this.idBytes, this.idStart);
            if (before >= 0) this.duplicate(r);
          }
          scores[row] = this.scores[r]!;
          idBytes.set(this.idBytes.subarray(this.idStart[r], this.idStart[r + 1]), idStart[row]);
          idStart[row + 1] = idStart[row]! + (this.idStart[r + 1]! - this.idStart[r]!);
          row++;
        }
      }
      queryStart[q + 1] = row;
    }
    return this.packed(queryStart, scores, idBytes, idStart);
  }

  private packed(queryStart: Uint32Array, scores: Float64Array, idBytes: Uint8Array, idStart: Uint32Array): PackedRun {
    const n = this.rowCount;
    return { qids: this.qids, queryStart, scores: scores.subarray(0, n), idBytes: idBytes.subarray(0, idStart[n]), idStart: idStart.subarray(0, n + 1) };
  }

  private growRows(): void {
    const scores = new Float64Array(this.scores.length * 2);
    scores.set(this.scores);
    this.scores = scores;
    const idStart = new Uint32Array(scores.length + 1);
    idStart.set(this.idStart);
    this.idStart = idStart;
  }

  private growBytes(need: number, lineNo: number): void {
    if (need > MAX_ID_BYTES) {
      throw new InputError(this.path, lineNo, undefined, `run too large to pack: its document ids exceed ${MAX_ID_BYTES} bytes (load it with loadRun)`);
    }
    const bytes = new Uint8Array(Math.min(MAX_ID_BYTES, Math.max(need, this.idBytes.length * 2)));
    bytes.set(this.idBytes);
    this.idBytes = bytes;
  }
}
