/**
 * Bad inputs of `i3 eval QRELS RUN`: each row is the invocation, the exit code and a fragment of
 * what it must print. Errors name the file, line and field (exit 2); what trec_eval accepts is
 * accepted (exit 0).
 */
import { gzipSync } from "node:zlib";
import { defineMatrix, type MatrixRow } from "./matrix.js";

const QRELS = "q1 0 d1 1\nq1 0 d2 0\nq2 0 d3 2\n";
const RUN = "q1 Q0 d1 1 2.5 t\nq1 Q0 d2 2 1.5 t\nq2 Q0 d3 1 1 t\n";
const BEIR_HEADER = "query-id\tcorpus-id\tscore\n";

/** A row evaluating `run` (as r.trec) against `qrels` (as q.txt), with extra flags. */
function evalRow(c: string, qrels: string | Buffer, run: string | Buffer, exit: number, output: string | RegExp, flags: string[] = []): MatrixRow {
  return { case: c, files: { "q.txt": qrels, "r.trec": run }, args: ["eval", "$/q.txt", "$/r.trec", ...flags], exit, output };
}

/** A run whose second line has score `score`. */
const scored = (score: string) => `q1 Q0 d1 1 2 t\nq1 Q0 d2 2 ${score} t\n`;

const rows: MatrixRow[] = [
  // Files that cannot be read.
  { case: "missing qrels file", files: { "r.trec": RUN }, args: ["eval", "$/nope.txt", "$/r.trec"], exit: 2, output: "nope.txt: cannot open: ENOENT" },
  { case: "missing run file", files: { "q.txt": QRELS }, args: ["eval", "$/q.txt", "$/nope.trec"], exit: 2, output: "nope.trec: cannot open: ENOENT" },
  { case: "run is a folder", files: { "q.txt": QRELS, "dir/x": "" }, args: ["eval", "$/q.txt", "$/dir"], exit: 2, output: /dir: cannot (open|read): EISDIR/ },
  evalRow("invalid UTF-8 in the run", QRELS, Buffer.concat([Buffer.from("q1 Q0 d1 1 2 t\nq1 Q0 d"), Buffer.from([0xff]), Buffer.from(" 2 1 t\n")]), 2, "r.trec:2: invalid UTF-8"),
  evalRow("corrupt gzip run", QRELS, Buffer.from([0x1f, 0x8b, 8, 0, 1, 2, 3]), 2, "r.trec: cannot read gzip data"),

  // TREC run lines.
  evalRow("score that is not a number", QRELS, scored("abc"), 2, 'r.trec:2: field "score": "abc" is not a number'),
  evalRow("score Infinity (Number() syntax, not a decimal)", QRELS, scored("Infinity"), 2, 'r.trec:2: field "score": "Infinity" is not a number'),
  evalRow("score inf", QRELS, scored("inf"), 2, 'r.trec:2: field "score": "inf" is not a number'),
  evalRow("score nan", QRELS, scored("nan"), 2, 'r.trec:2: field "score": "nan" is not a number'),
  evalRow("score in hex", QRELS, scored("0x10"), 2, 'r.trec:2: field "score": "0x10" is not a number'),
  evalRow("score 1e400 overflows a double", QRELS, scored("1e400"), 2, 'r.trec:2: field "score": "1e400" is out of range'),
  evalRow("score with trailing text (atof would read 1.5)", QRELS, scored("1.5abc"), 2, 'r.trec:2: field "score": "1.5abc" is not a number'),
  evalRow("a TREC run line with 5 columns", QRELS, "q1 Q0 d1 1 2 t\nq1 Q0 d2 2 1\n", 2, "r.trec:2: expected at least 6 whitespace-separated columns", ["--run-format", "trec"]),
  evalRow("rank that is not an integer", QRELS, "q1 Q0 d1 1.5 2 t\n", 2, 'r.trec:1: field "rank": "1.5" is not an integer'),
  evalRow("a document twice for one query", QRELS, "q1 Q0 d1 1 2 t\nq2 Q0 d1 1 2 t\nq1 Q0 d1 2 1 t\n", 2, 'r.trec:3: field "docid": duplicate document "d1" for query "q1"'),
  evalRow("a run of 4 columns (neither format)", QRELS, "q1 Q0 d1 1\n", 2, "r.trec:1: unknown run format"),
  evalRow("fields after the run tag are ignored, as trec_eval does", QRELS, "q1 Q0 d1 1 2.5 t more junk\nq1\tQ0\td2\t2\t1.5\tt\tx\nq2 Q0 d3 1 1 t\n", 0, /^AP\s+\tall\t1\.0000$/m),
  evalRow("scores as atof reads decimals (.5, 3., 1e-3, +2) are accepted", QRELS, "q1 Q0 d1 1 .5 t\nq1 Q0 d2 2 1e-3 t\nq2 Q0 d3 1 +2 t\n", 0, /^P@10\s+\tall\t0\.1000$/m),

  // Empty runs: trec_eval refuses an empty results file.
  evalRow("empty run, format detected", QRELS, "", 2, "r.trec: empty run file"),
  evalRow("empty run with --run-format trec", QRELS, "", 2, "r.trec: empty run file", ["--run-format", "trec"]),
  evalRow("blank-only run with --run-format msmarco", QRELS, "\n \n", 2, "r.trec: empty run file", ["--run-format", "msmarco"]),

  // MS MARCO runs.
  evalRow("MS MARCO rank 0", QRELS, "q1\td1\t0\n", 2, 'r.trec:1: field "rank": "0" is not a rank'),
  evalRow("MS MARCO rank that is not a number", QRELS, "q1\td1\t1\nq1\td2\tx\n", 2, 'r.trec:2: field "rank"'),
  evalRow("MS MARCO pid twice for one query", QRELS, "q1\td1\t1\nq1\td1\t2\n", 2, 'r.trec:2: field "pid": duplicate document "d1"'),
  evalRow("MS MARCO two pids at rank 1 (was silently reordered)", QRELS, "q1\td1\t1\nq2\td3\t1\nq1\td2\t1\n", 2, 'r.trec:3: field "rank": rank 1 is given to two documents of query "q1"'),
  evalRow("--msmarco-official on a TREC run", QRELS, RUN, 2, "--msmarco-official needs an MS MARCO run", ["--msmarco-official"]),

  // Qrels lines.
  evalRow("grade 400000000 (swapped columns; crashed V8 before)", "q1 0 d1 1\nq1 0 d3 400000000\n", "q1 Q0 d1 1 3 t\n", 2, 'q.txt:2: field "rel": grade 400000000 is outside -127..127'),
  evalRow("grade 128, above trec_eval's documented maximum", "q1 0 d1 128\n", RUN, 2, 'q.txt:1: field "rel": grade 128 is outside -127..127'),
  evalRow("grade -128, below trec_eval's documented minimum", "q1 0 d1 1\nq1 0 d2 -128\n", RUN, 2, 'q.txt:2: field "rel": grade -128 is outside'),
  evalRow("grade beyond 2^53", "q1 0 d1 99999999999999999999\n", RUN, 2, 'q.txt:1: field "rel": "99999999999999999999" is out of range'),
  evalRow("negative grades are accepted (judged as unjudged, as trec_eval)", "q1 0 d1 1\nq1 0 d2 -1\nq2 0 d3 -127\n", RUN, 0, /^NumRel\s+\tall\t1$/m, ["-m", "NumRel"]),
  evalRow("grade that is not an integer", "q1 0 d1 0.5\n", RUN, 2, 'q.txt:1: field "rel": "0.5" is not an integer'),
  evalRow("qrels line with 3 columns", "q1 0 d1 1\nq1 0 d2\n", RUN, 2, "q.txt:2: expected 4 whitespace-separated columns (qid iter docid rel), found 3"),
  evalRow("a judgment twice", "q1 0 d1 1\nq1 0 d1 0\n", RUN, 2, 'q.txt:2: field "docid": duplicate judgment of document "d1"'),
  evalRow("docid with a no-break space (cannot be written to a TREC file)", "q1 0 d\u00a01 1\n", RUN, 2, 'q.txt:1: field "docid": id "d\u00a01" contains whitespace'),
  evalRow("empty qrels file (trec_eval refuses it)", "", RUN, 2, "q.txt: no judgments"),
  evalRow("BEIR qrels with a bad header", "query-id\tdoc\tscore\nq1\td1\t1\n", RUN, 2, "q.txt:1: bad header"),
  evalRow("BEIR qrels with an empty corpus-id", `${BEIR_HEADER}q1\t\t1\n`, RUN, 2, 'q.txt:2: field "corpus-id": is empty'),
  evalRow("BEIR qrels with a space in query-id", `${BEIR_HEADER}q 1\td1\t1\n`, RUN, 2, 'q.txt:2: field "query-id": id "q 1" contains whitespace'),
  evalRow("BEIR qrels score 1000", `${BEIR_HEADER}q1\td1\t1000\n`, RUN, 2, 'q.txt:2: field "score": grade 1000 is outside -127..127'),
  evalRow("BEIR qrels score that is not an integer", `${BEIR_HEADER}q1\td1\thigh\n`, RUN, 2, 'q.txt:2: field "score": "high" is not an integer'),
  evalRow("BEIR header only (no judgments)", BEIR_HEADER, RUN, 2, "q.txt: no judgments"),

  // Files that do not match each other.
  evalRow("no query of the run is in the qrels", QRELS, "x1 Q0 d1 1 2 t\n", 2, 'no query of the run $/r.trec (1 queries, e.g. "x1") is in the qrels'),

  // Measures and options.
  evalRow("unknown measure", QRELS, RUN, 2, 'measure "nDGC@10"', ["-m", "nDGC@10"]),
  evalRow("cutoff that is not a number", QRELS, RUN, 2, 'measure "P@ten"', ["-m", "P@ten"]),
  evalRow("a measure listed twice", QRELS, RUN, 2, 'measure "AP" is listed twice', ["-m", "AP", "-m", "AP"]),
  evalRow("--run-format that does not exist", QRELS, RUN, 2, '--run-format must be one of trec, msmarco, auto, got "tsv"', ["--run-format", "tsv"]),
  evalRow("--qrels-format that does not exist", QRELS, RUN, 2, "--qrels-format must be one of", ["--qrels-format", "csv"]),
  evalRow("-M 0", QRELS, RUN, 2, "option '-M, --depth <depth>' argument '0' is invalid. expected a positive integer", ["-M", "0"]),
  evalRow("-l -1", QRELS, RUN, 2, "option '-l, --level <level>' argument '-1' is invalid", ["-l", "-1"]),
  evalRow("-l abc", QRELS, RUN, 2, "expected a non-negative integer, got \"abc\"", ["-l", "abc"]),
  evalRow("unknown option", QRELS, RUN, 2, "unknown option '--bogus'", ["--bogus"]),
  { case: "missing run argument", files: { "q.txt": QRELS }, args: ["eval", "$/q.txt"], exit: 2, output: "missing required argument 'run'" },
  { case: "too many arguments", files: { "q.txt": QRELS, "r.trec": RUN }, args: ["eval", "$/q.txt", "$/r.trec", "$/r.trec"], exit: 2, output: "too many arguments" },
  { case: "--help documents the exit codes", args: ["eval", "--help"], exit: 0, output: "Exit status: 0 on success; 2 on a user error" },
  { case: "no command", args: [], exit: 2, output: "Usage: i3" },
  { case: "unknown command", args: ["evaluate"], exit: 2, output: "unknown command 'evaluate'" },

  // Standard input.
  { case: "run from stdin as -", files: { "q.txt": QRELS }, args: ["eval", "$/q.txt", "-", "-m", "P@1"], stdin: RUN, exit: 0, output: /^P@1\s+\tall\t1\.0000$/m },
  { case: "gzip qrels from /dev/stdin", files: { "r.trec": RUN }, args: ["eval", "/dev/stdin", "$/r.trec", "-m", "P@1"], stdin: gzipSync(QRELS), exit: 0, output: /^P@1\s+\tall\t1\.0000$/m },
  { case: "bad line on stdin names <stdin>", files: { "q.txt": QRELS }, args: ["eval", "$/q.txt", "-"], stdin: scored("abc"), exit: 2, output: '<stdin>:2: field "score"' },
  { case: "qrels and run both from stdin", args: ["eval", "-", "-"], exit: 2, output: "cannot both be read from standard input" },
];

defineMatrix("i3 eval: bad inputs", rows);
