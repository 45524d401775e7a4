/**
 * Bad inputs of `i3 bm25 --dataset local:DIR --split S --out RUN`: options, and the collection
 * files a run reads (corpus, queries, qrels), each row with its exit code and message fragment.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { expect } from "vitest";
import { defineMatrix, type MatrixRow } from "./matrix.js";

const doc = (id: string, text: string) => JSON.stringify({ _id: id, title: "", text });
const CORPUS = [doc("d1", "lobster roll maine butter"), doc("d2", "linux kernel driver module"), doc("d3", "espresso coffee grinder bean")].join("\n") + "\n";
const QUERIES = `${JSON.stringify({ _id: "q1", text: "lobster butter" })}\n${JSON.stringify({ _id: "q2", text: "kernel module" })}\n`;
const HEADER = "query-id\tcorpus-id\tscore\n";
const QRELS = `${HEADER}q1\td1\t1\nq2\td2\t1\n`;

/** The collection's files under col/, with `changes` replacing or adding files. */
function collection(changes: Record<string, string> = {}): Record<string, string> {
  return { "col/corpus.jsonl": CORPUS, "col/queries.jsonl": QUERIES, "col/qrels/test.tsv": QRELS, ...changes };
}

const BASE = ["bm25", "--dataset", "local:$/col", "--split", "test", "--out", "$/out.trec", "--datasets-dir", "$/datasets"];

/** A row running BM25 on the collection with `changes`, and `extra` arguments. */
function bm25Row(c: string, changes: Record<string, string>, exit: number, output: string | RegExp, extra: string[] = []): MatrixRow {
  return { case: c, files: collection(changes), args: [...BASE, ...extra], exit, output };
}

/** A row whose only problem is an option value (the collection is fine). */
function optionRow(c: string, extra: string[], output: string): MatrixRow {
  return bm25Row(c, {}, 2, output, extra);
}

const rows: MatrixRow[] = [
  // Options.
  optionRow("--k 0 (named an internal function before)", ["--k", "0"], "option '--k <k>' argument '0' is invalid. expected a positive integer"),
  optionRow("--k -5", ["--k", "-5"], "expected a positive integer, got \"-5\""),
  optionRow("--k abc", ["--k", "abc"], "expected a positive integer, got \"abc\""),
  optionRow("--k1 abc (said NaN before)", ["--k1", "abc"], "option '--k1 <k1>' argument 'abc' is invalid. expected a finite decimal number"),
  optionRow("--k1 -1", ["--k1", "-1"], "expected a number >= 0, got \"-1\""),
  optionRow("--k1 Infinity", ["--k1", "Infinity"], "expected a finite decimal number, got \"Infinity\""),
  optionRow("--b 2", ["--b", "2"], "expected a number from 0 to 1, got \"2\""),
  optionRow("--b NaN", ["--b", "NaN"], "expected a finite decimal number, got \"NaN\""),
  optionRow("unknown option", ["--k3", "1"], "unknown option '--k3'"),
  { case: "missing --dataset", args: ["bm25", "--split", "test", "--out", "$/o.trec"], exit: 2, output: "required option '--dataset <name>' not specified" },
  { case: "missing --out", files: collection(), args: ["bm25", "--dataset", "local:$/col", "--split", "test"], exit: 2, output: "required option '--out <file>' not specified" },
  { case: "unknown dataset name", args: ["bm25", "--dataset", "scifactt", "--split", "test", "--out", "$/o.trec", "--datasets-dir", "$/datasets"], exit: 2, output: 'unknown dataset "scifactt"' },
  bm25Row("--datasets-dir is a file", { datasets: "not a folder" }, 2, "--datasets-dir $/datasets: not a folder"),
  bm25Row("--out is a folder", { "out.trec/x": "" }, 2, "--out $/out.trec: is a folder"),

  // The collection folder.
  { case: "local folder that does not exist", args: ["bm25", "--dataset", "local:$/none", "--split", "test", "--out", "$/o.trec", "--datasets-dir", "$/datasets"], exit: 2, output: "is not a complete BEIR folder: missing corpus.jsonl, queries.jsonl, qrels/<split>.tsv" },
  { case: "folder without qrels", files: { "col/corpus.jsonl": CORPUS, "col/queries.jsonl": QUERIES }, args: BASE, exit: 2, output: "missing qrels/<split>.tsv" },
  bm25Row("unknown split", {}, 2, 'unknown split "tset" (have: test)', ["--split", "tset"]),
  bm25Row("empty corpus file", { "col/corpus.jsonl": "\n" }, 2, "corpus.jsonl: local:$/col: the corpus file is empty"),
  bm25Row("empty queries file", { "col/queries.jsonl": "" }, 2, "queries.jsonl: local:$/col: the queries file is empty"),
  bm25Row("split file with only its header", { "col/qrels/test.tsv": HEADER }, 2, 'test.tsv: local:$/col: split "test" has no judgments'),

  // Corpus lines.
  bm25Row("duplicate document id in corpus.jsonl (had no file or line before)", { "col/corpus.jsonl": `${CORPUS}${doc("d2", "again")}\n` }, 2, 'corpus.jsonl:4: field "_id": duplicate id "d2" (first on line 2)'),
  bm25Row("document id with a space (was caught only when a run was written)", { "col/corpus.jsonl": `${doc("doc 1", "x")}\n${CORPUS}` }, 2, 'corpus.jsonl:1: field "_id": id "doc 1" contains whitespace'),
  bm25Row("document id with a tab", { "col/corpus.jsonl": `${CORPUS}${doc("d\t9", "x")}\n` }, 2, 'corpus.jsonl:4: field "_id": id "d\\t9" contains whitespace'),
  bm25Row("empty document id", { "col/corpus.jsonl": `${CORPUS}${doc("", "x")}\n` }, 2, 'corpus.jsonl:4: field "_id": is empty'),
  bm25Row("numeric document id", { "col/corpus.jsonl": `${CORPUS}{"_id": 7, "text": "x"}\n` }, 2, 'corpus.jsonl:4: field "_id": expected a string'),
  bm25Row("document without text", { "col/corpus.jsonl": `${CORPUS}{"_id": "d7"}\n` }, 2, 'corpus.jsonl:4: field "text": is missing'),
  bm25Row("corpus line that is not JSON", { "col/corpus.jsonl": `${CORPUS}{"_id": "d7", \n` }, 2, "corpus.jsonl:4: bad JSON"),
  bm25Row("corpus line that is a JSON array", { "col/corpus.jsonl": `[1, 2]\n${CORPUS}` }, 2, "corpus.jsonl:1: expected a JSON object"),

  // Queries and qrels of the split.
  bm25Row("duplicate query id", { "col/queries.jsonl": `${QUERIES}${JSON.stringify({ _id: "q1", text: "again" })}\n` }, 2, 'queries.jsonl:3: field "_id": duplicate id "q1" (first on line 1)'),
  bm25Row("query id with a space", { "col/queries.jsonl": `${JSON.stringify({ _id: "q 3", text: "x" })}\n${QUERIES}` }, 2, 'queries.jsonl:1: field "_id": id "q 3" contains whitespace'),
  bm25Row("judged query missing from queries.jsonl", { "col/qrels/test.tsv": `${QRELS}q9\td3\t1\n` }, 2, 'test.tsv: 1 judged query id(s) are not in $/col/queries.jsonl, e.g. ["q9"]'),
  bm25Row("qrels grade out of range", { "col/qrels/test.tsv": `${HEADER}q1\td1\t1\nq2\td2\t31715818\n` }, 2, 'test.tsv:3: field "score": grade 31715818 is outside -127..127'),
  bm25Row("qrels corpus-id with a trailing space", { "col/qrels/test.tsv": `${HEADER}q1\td1 \t1\n` }, 2, 'test.tsv:2: field "corpus-id": id "d1 " contains whitespace'),

  // What works.
  {
    case: "a run is written; a temp file a killed earlier i3 bm25 left beside --out is removed",
    files: { ...collection(), ".out.trec.999999999.0badf00d.tmp": "half a run" },
    args: BASE,
    exit: 0,
    output: "", // the command prints the run's path on stderr only
    after: (dir) => {
      expect(readdirSync(dir).filter((n) => n.endsWith(".tmp"))).toEqual([]);
      expect(readFileSync(join(dir, "out.trec"), "utf8")).toMatch(/^q1 Q0 d1 1 [\d.]+ bm25-k1_0\.9-b_0\.4$/m);
    },
  },
  {
    case: "a second run over the saved index, k1 and b as decimals",
    files: collection(),
    args: [...BASE, "--k", "2", "--k1", "1.2e0", "--b", ".75"],
    exit: 0,
    output: "",
    after: (dir) => expect(existsSync(join(dir, "out.trec"))).toBe(true),
  },
];

defineMatrix("i3 bm25: bad inputs", rows);
