/**
 * `npm run bench -- eval`: trec_eval-style evaluation at MS MARCO dev scale, beside trec_eval.
 *
 * Generates, deterministically (seeded), a synthetic TREC run of 7,000 queries x 1,000 documents
 * (7M lines, 4-decimal scores with ties) and graded qrels (0-3, a few per query, some not
 * retrieved) into a temp dir, then measures, with the 6 measures `i3 eval` reports by default:
 *
 * - the library calls: `@i3/data`'s `loadTrecRunPacked` + `loadQrels` and `@i3/metrics`'
 *   `evaluate` (what `i3 eval` runs), and the Map route (`loadRun` + `evaluate`) once;
 * - the whole command as a user runs it: `node apps/experiments/bin/i3.js eval QRELS RUN` (what
 *   `npx i3` starts), with whichever route the bin takes (compiled `dist/` when current, else the
 *   sources through tsx: recorded as `route`), and forced onto the sources (`I3_FROM_SOURCE=1`),
 *   so the start-up cost is visible; `npx i3 --help` vs `node bin/i3.js --help` gives npx's own;
 * - the peer, trec_eval, when `I3_TREC_EVAL` names its binary or `trec_eval` is on PATH
 *   (`peer: "absent"` otherwise), on the same files: `-m map -m ndcg_cut.10 -m recip_rank
 *   -m recall.100,1000 -m P.10`. Those are i3's AP, nDCG@10, R@100, R@1000, P@10; trec_eval has no
 *   RR cutoff (`-M 10` would cut every measure), so `recip_rank` stands for RR@10 at the same cost.
 *   The four-decimal values of the five shared measures are compared (`peerAgrees`).
 *
 * Commands run interleaved (trec_eval, i3, i3 from source; `I3_BENCH_EVAL_REPS` rounds, default 5);
 * each records its wall seconds and, on Linux, its CPU seconds (user + system, from
 * /proc/self/stat's children times). Medians and the ratio i3 / trec_eval are in
 * `bench/out/eval.json`. Speed never fails the run.
 */
import { spawnSync } from "node:child_process";
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync, writeSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { loadQrels, loadRun, loadTrecRunPacked } from "@i3/data/formats";
import { evaluate, Xoshiro128 } from "@i3/metrics";
import { currentCompiledCli } from "../apps/experiments/bin/compiled.js";
import { DEFAULT_EVAL_MEASURES } from "../apps/experiments/src/cli/eval-command.js";
import { machineInfo, writeBenchJson } from "./output.js";
import { peerComparison } from "./peer-ratios.js";
import { median, timedAsync, type Timing } from "./timing.js";

const QUERIES = Number(process.env["I3_BENCH_EVAL_QUERIES"] ?? 7000);
const REPS = Number(process.env["I3_BENCH_EVAL_REPS"] ?? 5);
const DEPTH = 1000;
const COLLECTION = 8_841_823; // MS MARCO passage count: ids look like real pids
const MEASURES = [...DEFAULT_EVAL_MEASURES];
/** trec_eval's flags for the same measures (recip_rank for RR@10: see the header). */
const PEER_FLAGS = ["-m", "map", "-m", "ndcg_cut.10", "-m", "recip_rank", "-m", "recall.100,1000", "-m", "P.10"];
/** i3 name -> trec_eval name, for the measures both compute identically. */
const SHARED = { AP: "map", "nDCG@10": "ndcg_cut_10", "R@100": "recall_100", "R@1000": "recall_1000", "P@10": "P_10" };

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const bin = join(root, "apps", "experiments", "bin", "i3.js");

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

/** trec_eval's binary: `I3_TREC_EVAL`, else `trec_eval` on PATH, else undefined. */
function findPeer(): string | undefined {
  const named = process.env["I3_TREC_EVAL"];
  if (named) {
    if (!existsSync(named)) throw new Error(`I3_TREC_EVAL names ${named}, which does not exist`);
    return named;
  }
  for (const dir of (process.env["PATH"] ?? "").split(delimiter)) {
    if (dir !== "" && existsSync(join(dir, "trec_eval"))) return join(dir, "trec_eval");
  }
  return undefined;
}

/** What `trec_eval -v` prints (on stderr), e.g. `trec_eval version 9.0.7` (the 9.0.8 tag still says 9.0.7). */
function peerVersion(binary: string): string {
  const r = spawnSync(binary, ["-v"], { encoding: "utf8" });
  return `${r.stdout}${r.stderr}`.trim();
}

/** CPU seconds (user + system) of this process's waited-for children so far; undefined off Linux. */
function childrenCpu(): number | undefined {
  try {
    const fields = readFileSync("/proc/self/stat", "utf8").split(") ")[1]!.split(" ");
    return (Number(fields[13]) + Number(fields[14])) / 100; // cutime, cstime (fields 16, 17; USER_HZ = 100)
  } catch {
    return undefined;
  }
}

/** Runs a command to completion; returns its stdout and timing (throws when it fails). */
function runCommand(cmd: string, args: string[], env: NodeJS.ProcessEnv = process.env): { stdout: string } & Timing {
  const c0 = childrenCpu();
  const t0 = performance.now();
  const r = spawnSync(cmd, args, { encoding: "utf8", env, maxBuffer: 1 << 26 });
  const wall = (performance.now() - t0) / 1000;
  const c1 = childrenCpu();
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(" ")} failed (${r.status}): ${r.stderr}`);
  return { stdout: r.stdout, wall, cpu: c0 === undefined || c1 === undefined ? Number.NaN : c1 - c0 };
}

/** Aggregate lines `name<TAB>all<TAB>value` of trec_eval-style output -> name -> printed value. */
function aggregates(stdout: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of stdout.split("\n")) {
    const [name, qid, value] = line.split("\t").map((s) => s.trim());
    if (name && qid === "all" && value !== undefined) out.set(name, value);
  }
  return out;
}

/** Medians of a list of timings. */
function medians(samples: Timing[]): { wall: number; cpu: number; walls: number[]; cpus: number[] } {
  const round = (x: number) => Number(x.toFixed(3));
  return {
    wall: round(median(samples.map((s) => s.wall))),
    cpu: round(median(samples.map((s) => s.cpu))),
    walls: samples.map((s) => round(s.wall)),
    cpus: samples.map((s) => round(s.cpu)),
  };
}

/** Which way `bin/i3.js` runs the CLI now: compiled `dist/` (current) or the TypeScript sources. */
function route(): "dist" | "source" {
  return process.env["I3_FROM_SOURCE"] || currentCompiledCli() === undefined ? "source" : "dist";
}

const dir = mkdtempSync(join(tmpdir(), "i3-bench-eval-"));
try {
  const runPath = join(dir, "run.trec");
  const qrelsPath = join(dir, "qrels.trec");
  const lines = generate(runPath, qrelsPath);

  // Library calls, in this process: the packed route (what i3 eval runs) REPS times, the Map route once.
  const library: { load: Timing; evaluate: Timing }[] = [];
  let aggregate: ReadonlyMap<string, number> = new Map();
  for (let rep = 0; rep < REPS; rep++) {
    const load = await timedAsync(async () => Promise.all([loadQrels(qrelsPath), loadTrecRunPacked(runPath)]));
    const ev = await timedAsync(async () => evaluate(load.value[0], load.value[1], MEASURES));
    aggregate = ev.value.aggregate;
    library.push({ load, evaluate: ev });
  }
  const mapLoad = await timedAsync(async () => Promise.all([loadQrels(qrelsPath), loadRun(runPath)]));
  const mapEval = await timedAsync(async () => evaluate(mapLoad.value[0], mapLoad.value[1], MEASURES));

  // Whole commands, interleaved.
  const peer = findPeer();
  const peerRuns: Timing[] = [];
  const i3Runs: Timing[] = [];
  const i3SourceRuns: Timing[] = [];
  let peerAgrees: boolean | undefined;
  let i3Output = "";
  for (let rep = 0; rep < REPS; rep++) {
    if (peer !== undefined) {
      const p = runCommand(peer, [...PEER_FLAGS, qrelsPath, runPath]);
      peerRuns.push(p);
      if (rep === 0) {
        const theirs = aggregates(p.stdout);
        const ours = aggregates(runCommand(process.execPath, [bin, "eval", qrelsPath, runPath]).stdout);
        peerAgrees = Object.entries(SHARED).every(([i3Name, trecName]) => ours.get(i3Name) !== undefined && ours.get(i3Name) === theirs.get(trecName));
      }
    }
    const mine = runCommand(process.execPath, [bin, "eval", qrelsPath, runPath]);
    i3Output = mine.stdout;
    i3Runs.push(mine);
    i3SourceRuns.push(runCommand(process.execPath, [bin, "eval", qrelsPath, runPath], { ...process.env, I3_FROM_SOURCE: "1" }));
  }
  const helpNode: Timing[] = [];
  const helpNpx: Timing[] = [];
  for (let rep = 0; rep < REPS; rep++) {
    helpNode.push(runCommand(process.execPath, [bin, "--help"]));
    helpNpx.push(runCommand("npx", ["--no-install", "i3", "--help"]));
  }

  const i3 = medians(i3Runs);
  const i3Source = medians(i3SourceRuns);
  const trecEval = peer === undefined ? undefined : medians(peerRuns);
  const ratio = (x: number, y: number) => Number((x / y).toFixed(3));
  const result = {
    lines,
    queries: QUERIES,
    measures: MEASURES,
    reps: REPS,
    library: {
      load: medians(library.map((l) => l.load)),
      evaluate: medians(library.map((l) => l.evaluate)),
      mapRoute: { load: medians([mapLoad]), evaluate: medians([mapEval]) },
    },
    command: {
      i3: { ...i3, route: route(), command: "node apps/experiments/bin/i3.js eval QRELS RUN" },
      i3FromSource: { ...i3Source, command: "I3_FROM_SOURCE=1 node apps/experiments/bin/i3.js eval QRELS RUN" },
      helpNode: medians(helpNode),
      helpNpx: medians(helpNpx),
    },
    peer:
      trecEval === undefined
        ? "absent"
        : {
            binary: "trec_eval",
            version: peerVersion(peer!),
            flags: PEER_FLAGS.join(" "),
            ...trecEval,
            agrees: peerAgrees,
            ratioWall: ratio(i3.wall, trecEval.wall),
            ratioCpu: ratio(i3.cpu, trecEval.cpu),
            ratioWallFromSource: ratio(i3Source.wall, trecEval.wall),
          },
    aggregate: Object.fromEntries([...aggregate].map(([k, v]) => [k, Number(v.toFixed(4))])),
    i3Aggregate: Object.fromEntries(aggregates(i3Output)),
    machine: machineInfo(),
    // i3 eval's time against trec_eval's (issue 14's target: at most half, i.e. a speed ratio >= 2).
    peerComparisons: [
      peerComparison({
        work: `evaluate a ${lines}-line TREC run (${QUERIES} queries), ${MEASURES.length} measures, whole command`,
        ours: `i3 eval (${route()})`,
        oursValue: i3.wall,
        peer: trecEval === undefined ? "trec_eval" : `trec_eval (${peerVersion(peer!)})`,
        peerValue: trecEval === undefined ? null : trecEval.wall,
        unit: "s",
        higherIsFaster: false,
        target: 2,
      }),
    ],
  };
  const out = await writeBenchJson("eval", result);
  const peerText = trecEval === undefined ? "trec_eval absent (set I3_TREC_EVAL)" : `trec_eval ${trecEval.wall}s (cpu ${trecEval.cpu}s); ratio ${ratio(i3.wall, trecEval.wall)} wall, ${ratio(i3.cpu, trecEval.cpu)} cpu; values agree: ${peerAgrees}`;
  console.log(
    `eval: ${lines} lines, ${MEASURES.length} measures; library: load ${result.library.load.wall}s + evaluate ${result.library.evaluate.wall}s; ` +
      `i3 eval (${result.command.i3.route}) ${i3.wall}s (cpu ${i3.cpu}s), from source ${i3Source.wall}s; ${peerText} -> ${out}`,
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
