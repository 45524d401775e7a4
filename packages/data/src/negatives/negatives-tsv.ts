/**
 * The I3 reference's hard-negative file: one query per line, `qid<TAB>pid1,pid2,...`, pids in
 * rank order (Deriq-Qian-Dong/III-Retriever `src/dataset_factory.py`, `DualEncoderTrainDataset`
 * reads it with `qid, pids = line.strip().split(); pids = pids.split(',')`). Example:
 *
 *     1185869	7067032,2659258,4243669
 *     1185868	145347,8241411
 */
import { writeLinesAtomic } from "../formats/index.js";
import { readLines, InputError } from "../formats/index.js";
import { quote } from "../formats/input-error.js";
import { isBlank } from "../formats/fields.js";

/**
 * Reads a `qid<TAB>pid1,pid2,...` file (plain or gzip) into qid -> pids, in file order. As the
 * reference (`line.strip().split()`), the two columns may be separated by any run of spaces or
 * tabs and surrounding whitespace is ignored; blank lines are skipped. Throws an `InputError`
 * naming file, line and field for a missing column, an empty pid (`a,,b`), a pid repeated within a
 * line, or a qid seen twice.
 */
export async function readNegativesTsv(path: string): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>();
  for await (const { line, lineNo } of readLines(path)) {
    if (isBlank(line)) continue;
    const fields = line.trim().split(/[ \t\r]+/);
    if (fields.length !== 2) {
      throw new InputError(path, lineNo, undefined, `expected 2 columns (qid pids), found ${fields.length}: ${quote(line)}`);
    }
    const [qid, list] = fields as [string, string];
    if (out.has(qid)) throw new InputError(path, lineNo, "qid", `${quote(qid)} appears on an earlier line`);
    const pids = list.split(",");
    const seen = new Set<string>();
    pids.forEach((pid, i) => {
      if (pid === "") throw new InputError(path, lineNo, `pids[${i}]`, `is empty in ${quote(list)}`);
      if (seen.has(pid)) throw new InputError(path, lineNo, `pids[${i}]`, `${quote(pid)} is repeated`);
      seen.add(pid);
    });
    out.set(qid, pids);
  }
  return out;
}

const SEPARATORS = /[\s,]/;

/**
 * Writes qid -> negatives as `qid<TAB>pid1,pid2,...` lines in map order, atomically (gzip on
 * `.gz`). Throws when a qid or pid is empty or holds whitespace or a comma (it could not be read
 * back), or when a query has no negatives (the reference reader cannot parse `qid<TAB>`).
 */
export async function writeNegativesTsv(path: string, negatives: ReadonlyMap<string, readonly string[]>): Promise<void> {
  await writeLinesAtomic(path, negativesLines(negatives));
}

function* negativesLines(negatives: ReadonlyMap<string, readonly string[]>): Generator<string> {
  for (const [qid, pids] of negatives) {
    if (qid === "" || SEPARATORS.test(qid)) throw new Error(`writeNegativesTsv: qid ${quote(qid)} is empty or holds whitespace or a comma`);
    if (pids.length === 0) throw new Error(`writeNegativesTsv: query ${quote(qid)} has no negatives`);
    for (const pid of pids) {
      if (pid === "" || SEPARATORS.test(pid)) {
        throw new Error(`writeNegativesTsv: query ${quote(qid)}: pid ${quote(pid)} is empty or holds whitespace or a comma`);
      }
    }
    yield `${qid}\t${pids.join(",")}`;
  }
}
