/**
 * `npm run bench -- eval`: trec_eval-style evaluation at MS MARCO dev scale.
 *
 * Generates, deterministically (seeded), a synthetic TREC run of 7,000 queries x 1,000 documents
 * (7M lines, 4-decimal scores with ties) and graded qrels (0-3, a few per query, some not
 * retrieved) into a temp dir, then times loading both files with `@i3/data`'s `loadRun` /
 * `loadQrels` and evaluating 10 measures with `@i3/metrics`' `evaluate`. Writes
 * `bench/out/eval.json` atomically: {lines, queries, measures, seconds, linesPerSec, loadSeconds,
 * evalSeconds, ...}. Speed never fails the run.
 */
import { closeSync, mkdtempSync, openSync, rmSync, writeSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { writeFileAtomicSync } from "@i3/core";
import { loadQrels, loadRun } from "@i3/data";
import { evaluate, Xoshiro128 } from "@i3/metrics";

const QUERIES = Number(process.env.I3_BENCH_EVAL_QUERIES ?? 7000);
const DEPTH = 1000;
const COLLECTION = 8_841_823; // MS MARCO passage count: ids look like real pids
const MEASURES = ["AP", "AP@100", "nDCG@10", "nDCG", "RR@10", "P@10", "R@100", "R@1000", "Bpref", "Judged@10"];

/** Writes the run and qrels files; returns the number of run lines. */
function generate(runPath: string, qrelsPath: string): number {
  const rng = new Xoshiro128(20260101);
  const runFd = openSync(runPath, "w");
  const qrelsFd = openSync(qrelsPath, "w");
  let lines = 0;
  try {
    for (let q = 0; q < QUERIES; q++) {
      const qid = String(1_000_000 + q * 37);
      // ids base + r * stride (mod N) are distinct for r < 1000 since stride is coprime with N
      const base = Math.floor(rng.nextFloat() * COLLECTION);
      const stride = 7919;
      const parts: string[] = [];
      let score = 30 + rng.nextFloat() * 10;
      for (let r = 0; r < DEPTH; r++) {
        const pid = (base + r * stride) % COLLECTION;
        parts.push(`${qid} Q0 ${pid} ${r + 1} ${score.toFixed(4)} bench\n`);
        if (rng.nextFloat() < 0.9) score -= rng.nextFloat() * 0.01; // ~10% tied with the previous
      }
      writeSync(runFd, parts.join(""));
      lines += DEPTH;
      const judged = 1 + (rng.nextUint32() % 4);
      const qparts: string[] = [];
      const seen = new Set<number>();
      for (let j = 0; j < judged; j++) {
        // 70% among the retrieved (skewed to the top ranks), the rest beyond rank 1000
        const r = rng.nextFloat() < 0.7 ? Math.floor(rng.nextFloat() ** 2 * DEPTH) : DEPTH + j;
        if (seen.has(r)) continue;
        seen.add(r);
        qparts.push(`${qid} 0 ${(base + r * stride) % COLLECTION} ${rng.nextUint32() % 4}\n`);
      }
      writeSync(qrelsFd, qparts.join(""));
    }
  } finally {
    closeSync(runFd);
    closeSync(qrelsFd);
  }
  return lines;
}

function seconds(start: bigint): number {
  return Number(process.hrtime.bigint() - start) / 1e9;
}

const dir = mkdtempSync(join(tmpdir(), "i3-bench-eval-"));
try {
  const runPath = join(dir, "run.trec");
  const qrelsPath = join(dir, "qrels.trec");
  let t = process.hrtime.bigint();
  const lines = generate(runPath, qrelsPath);
  const generateSeconds = seconds(t);

  t = process.hrtime.bigint();
  const run = await loadRun(runPath);
  const runLoadSeconds = seconds(t);
  t = process.hrtime.bigint();
  const qrels = await loadQrels(qrelsPath);
  const loadSeconds = seconds(t) + runLoadSeconds;

  t = process.hrtime.bigint();
  const ev = evaluate(qrels, run, MEASURES);
  const evalSeconds = seconds(t);

  const total = loadSeconds + evalSeconds;
  const result = {
    lines,
    queries: ev.queries.length,
    measures: MEASURES,
    seconds: Number(total.toFixed(3)),
    linesPerSec: Math.round(lines / total),
    loadSeconds: Number(loadSeconds.toFixed(3)),
    runLoadSeconds: Number(runLoadSeconds.toFixed(3)),
    evalSeconds: Number(evalSeconds.toFixed(3)),
    evalLinesPerSec: Math.round(lines / evalSeconds),
    generateSeconds: Number(generateSeconds.toFixed(3)),
    aggregate: Object.fromEntries([...ev.aggregate].map(([k, v]) => [k, Number(v.toFixed(4))])),
    node: process.version,
  };
  const outDir = join(dirname(fileURLToPath(import.meta.url)), "out");
  mkdirSync(outDir, { recursive: true });
  const out = join(outDir, "eval.json");
  writeFileAtomicSync(out, JSON.stringify(result, null, 2) + "\n");
  console.log(
    `eval: ${lines} lines, ${result.queries} queries, ${MEASURES.length} measures: load ${result.loadSeconds}s ` +
      `+ evaluate ${result.evalSeconds}s = ${result.seconds}s (${result.linesPerSec} lines/s) -> ${out}`,
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
