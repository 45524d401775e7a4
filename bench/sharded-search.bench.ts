/**
 * `npm run bench -- sharded-search`: a dense index past 2^32 values, on disk, searched shard by
 * shard within a memory bound (`ShardedDenseIndex`, @i3/search).
 *
 * Build: `I3_BENCH_SHARDED_DOCS` (6,000,000) x 768-d float16 rows (4.6e9 values > 2^32 = 4.29e9;
 * 9.2 GB) written through `ShardedIndexWriter` in default shards (< 2^31 bytes each). Values:
 * 65,536 seeded standard normal draws (mulberry32 + Box-Muller, bench/gaussian.ts) rounded to
 * float16 form a table, and each component is a table entry picked by a seeded xorshift32 stream
 * (cheap, and Gaussian-distributed); ids `p<row>` in row order. The folder is
 * `I3_BENCH_SHARDED_DIR` (default the OS temp folder) `/i3-sharded-bench`, removed afterwards
 * unless `I3_BENCH_SHARDED_KEEP=1`; a kept complete folder with the same settings is reused
 * (build time then not measured).
 *
 * Search: `I3_BENCH_SHARDED_QUERIES` (64) seeded Gaussian queries, k = 10 and k = 100, on the
 * default kernel (onnx when it loads) with `maxMemoryBytes` = `I3_BENCH_SHARDED_MEMORY_MB` (512)
 * MiB, each k in a fresh child process so that its peak RSS (`process.resourceUsage().maxRSS`) is
 * the search's alone. The child's baseline is its RSS after loading the runtime and searching a
 * tiny in-memory index once; the JSON records peak RSS, baseline, the plan (buffer, kernel, ids,
 * lists bytes) and whether peak - baseline stayed within the bound. Queries/s = queries / wall
 * seconds of the whole search (reading the shards included). Writes `bench/out/sharded-search.json`;
 * speed never fails the run.
 */
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { mulberry32Float, SeededRandom } from "@i3/core";
import { DenseIndex, readShardedManifest, ShardedDenseIndex, ShardedIndexWriter, toFloat16 } from "@i3/search";
import { gaussianValues } from "./gaussian.js";
import { machineInfo, writeBenchJson } from "./output.js";
import { timedAsync } from "./timing.js";

const DOCS = Number(process.env.I3_BENCH_SHARDED_DOCS ?? 6_000_000);
const DIM = 768;
const QUERIES = Number(process.env.I3_BENCH_SHARDED_QUERIES ?? 64);
const MEMORY = Number(process.env.I3_BENCH_SHARDED_MEMORY_MB ?? 512) * 2 ** 20;
const KEEP = process.env.I3_BENCH_SHARDED_KEEP === "1";
const DIR = join(process.env.I3_BENCH_SHARDED_DIR ?? tmpdir(), "i3-sharded-bench");
const KS = [10, 100];
const SEED = 20261206;
const BATCH = 16_384;
const encoder = { description: `bench/sharded-search.bench.ts synthetic Gaussian float16, seed ${SEED}`, fingerprint: `synthetic:${SEED}:${DOCS}x${DIM}` };

/** Seeded queries (the same in every process). */
function queries(): Float32Array {
  const random = new SeededRandom(SEED + 1);
  return gaussianValues(QUERIES * DIM, () => random.float());
}

/** Writes the synthetic index (float16 bits straight from the table); returns wall and CPU seconds. */
async function build(): Promise<{ wall: number; cpu: number; reused: boolean }> {
  if (existsSync(join(DIR, "manifest.json"))) {
    const m = await readShardedManifest(DIR);
    if (m.status === "complete" && m.encoder.fingerprint === encoder.fingerprint) return { wall: 0, cpu: 0, reused: true };
  }
  const rand = mulberry32Float(SEED);
  const table = toFloat16(gaussianValues(65536, rand));
  let state = SEED >>> 0 || 1;
  const t = await timedAsync(async () => {
    const writer = await ShardedIndexWriter.open(DIR, { dim: DIM, dtype: "float16", encoder, backend: "synthetic (no encoder)" });
    // A resumed folder: regenerate the skipped rows' stream positions by drawing them (cheap), then continue.
    const bits = new Uint16Array(BATCH * DIM);
    for (let start = 0; start < DOCS; start += BATCH) {
      const n = Math.min(BATCH, DOCS - start);
      for (let i = 0; i < n * DIM; i++) {
        state ^= state << 13;
        state ^= state >>> 17;
        state ^= state << 5;
        bits[i] = table[state & 0xffff]!;
      }
      if (start + n <= writer.completedCount) continue;
      const ids = Array.from({ length: n }, (_, i) => `p${start + i}`);
      const skip = Math.max(0, writer.completedCount - start);
      await writer.append(ids.slice(skip), bits.subarray(skip * DIM, n * DIM));
      if (((start / BATCH) | 0) % 40 === 0) console.log(`  built ${start + n} / ${DOCS} rows`);
    }
    await writer.finish();
  });
  return { wall: t.wall, cpu: t.cpu, reused: false };
}

/** Child mode: one search at `k`, printed as JSON on the last stdout line. */
async function child(k: number): Promise<void> {
  const q = queries();
  // Baseline: the runtime loaded and a tiny search run once, before any shard is read.
  DenseIndex.fromVectors(["a", "b"], new Float32Array(2 * DIM).fill(0.5), DIM).search(q.subarray(0, DIM), 1);
  const baselineRss = process.memoryUsage().rss;
  const index = await ShardedDenseIndex.open(DIR);
  const plan = index.plan(QUERIES, k, { maxMemoryBytes: MEMORY });
  const t = await timedAsync(() => index.search(q, k, { maxMemoryBytes: MEMORY }));
  const peakRss = process.resourceUsage().maxRSS * 1024;
  const first = t.value[0]!;
  console.log(
    JSON.stringify({
      k,
      kernel: index.lastKernel,
      plan: { chunkRows: plan.chunkRows, blockSize: plan.blockSize, queryBlockSize: plan.queryBlockSize, bytes: plan.bytes },
      wall: t.wall,
      cpu: t.cpu,
      queriesPerSec: QUERIES / t.wall,
      baselineRss,
      peakRss,
      peakAboveBaseline: peakRss - baselineRss,
      withinBound: peakRss - baselineRss <= MEMORY,
      firstQueryTop: first.ids.slice(0, 3).map((id, i) => [id, first.scores[i]]),
    }),
  );
}

async function main(): Promise<void> {
  const started = Date.now();
  console.log(`sharded-search: ${DOCS} x ${DIM} float16 = ${(DOCS * DIM) / 1e9} G values (2^32 = ${2 ** 32 / 1e9} G), ${(DOCS * DIM * 2) / 1e9} GB in ${DIR}`);
  const built = await build();
  const manifest = await readShardedManifest(DIR);
  console.log(`  index: ${manifest.shards.length} shards of ${manifest.shardSize} rows${built.reused ? " (reused)" : `, built in ${built.wall.toFixed(0)} s`}`);
  const searches: unknown[] = [];
  for (const k of KS) {
    const r = spawnSync(process.execPath, ["--conditions=@i3/source", "--import", "tsx", fileURLToPath(import.meta.url), "--child", String(k)], {
      encoding: "utf8",
      stdio: ["ignore", "pipe", "inherit"],
      env: process.env,
    });
    const last = r.stdout.trim().split("\n").pop() ?? "";
    if (r.status !== 0 || !last.startsWith("{")) throw new Error(`sharded-search: the k=${k} search process failed (status ${r.status}): ${r.stdout.slice(-2000)}`);
    const result = JSON.parse(last) as { queriesPerSec: number; peakRss: number; baselineRss: number; withinBound: boolean };
    console.log(
      `  k=${k}: ${result.queriesPerSec.toFixed(2)} q/s, peak RSS ${(result.peakRss / 2 ** 20).toFixed(0)} MiB (baseline ${(result.baselineRss / 2 ** 20).toFixed(0)} MiB, bound ${MEMORY / 2 ** 20} MiB above it: ${result.withinBound ? "within" : "EXCEEDED"})`,
    );
    searches.push(result);
  }
  const out = await writeBenchJson("sharded-search", {
    machine: machineInfo(),
    settings: { docs: DOCS, dim: DIM, dtype: "float16", values: DOCS * DIM, valuesOver2Pow32: DOCS * DIM > 2 ** 32, queries: QUERIES, ks: KS, maxMemoryBytes: MEMORY, seed: SEED },
    index: { shards: manifest.shards.length, shardSize: manifest.shardSize, bytes: manifest.shards.reduce((s, x) => s + x.bytes.vectors + x.bytes.ids + x.bytes.ranks, 0) },
    build: built,
    searches,
    totalSeconds: (Date.now() - started) / 1000,
  });
  if (!KEEP) await rm(DIR, { recursive: true, force: true });
  console.log(`wrote ${out}${KEEP ? ` (index kept in ${DIR})` : ""}`);
}

const childAt = process.argv.indexOf("--child");
if (childAt >= 0) await child(Number(process.argv[childAt + 1]));
else await main();
