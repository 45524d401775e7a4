/**
 * Bad inputs of `i3 run CONFIG` and `i3 sweep CONFIG`: config files that do not validate (each
 * caught when the config loads, before any stage runs, with the path of the field), references
 * between systems, and splits the collection does not have (caught right after the data stage,
 * before any training).
 */
import { defineMatrix, type MatrixRow } from "./matrix.js";

const doc = (id: string, text: string) => JSON.stringify({ _id: id, title: "", text });
const COLLECTION = {
  "col/corpus.jsonl": [doc("d1", "lobster roll maine butter"), doc("d2", "linux kernel driver module"), doc("d3", "espresso coffee grinder bean")].join("\n") + "\n",
  "col/queries.jsonl": `${JSON.stringify({ _id: "q1", text: "lobster butter" })}\n${JSON.stringify({ _id: "q2", text: "kernel module" })}\n`,
  "col/qrels/test.tsv": "query-id\tcorpus-id\tscore\nq1\td1\t1\nq2\td2\t1\n",
};

/** A config file `c.ts` exporting `body` (a JS object literal), run with `i3 run`. */
function configRow(c: string, body: string, output: string | RegExp, exit = 2): MatrixRow {
  return {
    case: c,
    files: { ...COLLECTION, "c.ts": `export default ${body};\n` },
    args: ["run", "$/c.ts", "--runs-dir", "$/runs", "--datasets-dir", "$/datasets"],
    exit,
    output,
  };
}

/** The collection beside the config file (file contents are not `$/`-substituted). */
const DATASET = `dataset: "local:" + new URL("./col", import.meta.url).pathname`;
const BM25 = `bm25: { kind: "bm25" }`;

const rows: MatrixRow[] = [
  configRow("unknown top-level field", `{ name: "x", lr: 1e-4 }`, "config error at lr: unknown field"),
  configRow("unknown field inside a system", `{ name: "x", systems: { ${BM25}, de: { kind: "dual-encoder", model: { poolng: "cls" } } } }`, "config error at systems.de.model.poolng: unknown field"),
  configRow("an I3 switch written on a dual-encoder", `{ name: "x", systems: { ${BM25}, de: { kind: "dual-encoder", i3: { slots: 8 } } } }`, "config error at systems.de.i3: unknown field"),
  configRow("unknown system kind", `{ name: "x", systems: { c: { kind: "colbert" } } }`, 'config error at systems.c.kind: expected "bm25" | "dual-encoder" | "i3" | "ltre" | "rrf" | "cross-encoder" | "mice", got "colbert"'),
  configRow("system without a kind", `{ name: "x", systems: { b: { k1: 1 } } }`, "config error at systems.b.kind"),
  configRow("no systems", `{ name: "x", systems: {} }`, "config error at systems: list at least one system"),
  configRow("system key starting with a digit", `{ name: "x", systems: { "2nd": { kind: "bm25" } } }`, "config error at systems.2nd: expected a system key"),
  configRow("wrong enum value", `{ name: "x", systems: { ${BM25}, de: { kind: "dual-encoder", model: { pooling: "max" } } } }`, 'config error at systems.de.model.pooling: expected "cls" | "mean", got "max"'),
  configRow("wrong type", `{ name: "x", seed: "1" }`, 'config error at seed: expected number, got string "1"'),
  configRow("out-of-range BM25 b", `{ name: "x", systems: { bm25: { kind: "bm25", b: 2 } } }`, "config error at systems.bm25.b: Too big"),
  configRow("a measure name with a typo (checked at load, not after training)", `{ name: "x", evaluation: { measures: ["nDCG@1O"] } }`, 'config error at evaluation.measures[0]: unknown measure "nDCG@1O"'),
  configRow("main measure not among the measures", `{ name: "x", evaluation: { measures: ["AP"], mainMeasure: "nDCG@10" } }`, 'config error at evaluation.mainMeasure: "nDCG@10" is not one of evaluation.measures'),
  configRow("baseline that is not a system", `{ name: "x", baseline: "dual-encoder" }`, 'config error at baseline: baseline "dual-encoder" is not one of systems [bm25]'),
  configRow("hard negatives from a system the config lacks", `{ name: "x", systems: { de: { kind: "dual-encoder" } } }`, 'config error at systems.de.negatives.from: names system "bm25", which is not one of systems [de]'),
  configRow("fusing a system the config lacks", `{ name: "x", systems: { ${BM25}, h: { kind: "rrf", fuse: ["bm25", "dense"] } } }`, 'config error at systems.h.fuse.1: names system "dense"'),
  configRow("negatives toRank below fromRank", `{ name: "x", systems: { ${BM25}, de: { kind: "dual-encoder", negatives: { fromRank: 10, toRank: 5 } } } }`, "config error at systems.de.negatives.toRank: must be >= negatives.fromRank"),
  configRow("model.init with a trained vocabulary", `{ name: "x", systems: { ${BM25}, de: { kind: "dual-encoder", model: { init: "bert" } } } }`, 'config error at systems.de.tokenizer.kind: model.init needs tokenizer.kind "hf"'),
  configRow("repeated seeds", `{ name: "x", seeds: [1, 1] }`, "config error at seeds: seeds repeat a value: [1, 1]"),
  configRow("a run name with a slash", `{ name: "a/b" }`, "config error at name: expected a name of letters"),
  configRow("an evaluated split key that does not exist", `{ name: "x", evaluation: { splits: ["validation"] } }`, 'config error at evaluation.splits[0]: expected "train" | "dev" | "test", got "validation"'),
  configRow("a split name the collection lacks (caught after the data stage)", `{ name: "x", ${DATASET}, splits: { test: "tset" } }`, /has no split "tset" \(splits\.test\); it has: test/),
  configRow("a dense system's train split the collection lacks (caught before training)", `{ name: "x", ${DATASET}, systems: { ${BM25}, de: { kind: "dual-encoder" } } }`, /has no split "train" \(splits\.train\); it has: test/),
  configRow("an unknown dataset", `{ name: "x", dataset: "scifactt" }`, 'unknown dataset "scifactt"'),
  configRow("an unknown out-of-domain dataset", `{ name: "x", outOfDomain: ["beir/scifact", "cranfield"] }`, 'config error at outOfDomain[1]: unknown dataset "cranfield"'),
  configRow("an out-of-domain split the collection lacks (caught after its data stage)", `{ name: "x", outOfDomain: [{ ${DATASET}, split: "dev" }] }`, /outOfDomain\[0\]\.split: dataset local:.* has no split "dev"; it has: test/),
  configRow("a valid config runs", `{ name: "ok", ${DATASET}, evaluation: { measures: ["nDCG@10"] } }`, /\|bm25 \(baseline\)\|/, 0),
  { case: "config file missing", args: ["run", "$/none.ts", "--runs-dir", "$/runs"], exit: 2, output: "none.ts: config file not found" },
  { case: "config file without a default export", files: { "c.ts": "export const x = 1;\n" }, args: ["run", "$/c.ts"], exit: 2, output: "c.ts: no default export" },
  { case: "no config file given", args: ["run"], exit: 2, output: "run: give a config file" },
  { case: "a sweep given to i3 run", files: { "s.ts": 'export default { kind: "sweep", name: "s", base: { name: "x" }, grid: {}, variants: [], includeBase: true, concurrency: 1 };\n' }, args: ["run", "$/s.ts"], exit: 2, output: "declares a sweep" },
  {
    case: "a sweep whose variant path has a typo stops before any run",
    files: {
      "s.ts": 'export default { kind: "sweep", name: "s", base: { name: "x", systems: { bm25: { kind: "bm25" } } }, grid: {}, variants: [{ name: "t", patch: { "systems.bm25.k2": 1 } }], includeBase: true, concurrency: 1 };\n',
    },
    args: ["sweep", "$/s.ts", "--runs-dir", "$/runs"],
    exit: 2,
    output: "1 variant(s) do not validate; nothing was run:\nsweep run x--t: config error at systems.bm25.k2: unknown field",
  },
];

defineMatrix("i3 run / i3 sweep: bad configs", rows);
