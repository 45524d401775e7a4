/**
 * Collecting scanned run rows into qid -> docid -> value maps (shared by the TREC and MS MARCO
 * loaders): the current query's map is reused while the qid repeats (runs are grouped by query,
 * so the outer lookup is rare), and a docid seen twice for one query is an {@link InputError}.
 */
import { column, type ScannedRow } from "./columnScanner.js";
import { InputError, quote } from "./inputError.js";

/** Accumulates rows of one run file; read the result from `run`. */
export class RunBuilder {
  /** qid -> docid -> value, in first-seen order. */
  readonly run = new Map<string, Map<string, number>>();
  private qid = "";
  private docs: Map<string, number> | undefined;

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
    }
    const size = docs.size;
    const docid = column(row, this.docidColumn);
    docs.set(docid, value);
    if (docs.size === size) {
      throw new InputError(this.path, row.lineNo, this.docidField, `duplicate document ${quote(docid)} for query ${quote(this.qid)}`);
    }
  }
}
