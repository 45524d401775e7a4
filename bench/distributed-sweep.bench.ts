/**
 * `npm run bench -- distributed-sweep`: wall time of one sweep run by 1 and by 2 local `i3 worker`
 * processes over a private Redis (issue 17, item 7), and their ratio.
 *
 * The sweep: BM25 on BEIR SciFact (found through the datasets registry, e.g. `I3_DATASETS_PATH`;
 * the tiny built-in test collection is not worth distributing), a grid of k1 x b = 8 runs. For each
 * worker count: a fresh redis-server (127.0.0.1, free port, no persistence), fresh runs and stage
 * cache folders (the workers share the cache, as machines share a folder), the workers started and
 * ready before the clock starts; the time runs from `i3 sweep --queue` starting to its exit (the
 * sweep folder written). Both sweeps must give the same results.csv, or the benchmark fails.
 * Writes `bench/out/distributed-sweep.json`. Needs `redis-server` (Debian package); skipped with
 * a message without it. Figures taken while other work shares the machine are not publishable.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import { loadavg, tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { datasetFolder } from "@i3/data";
import { machineInfo, writeBenchJson } from "./output.js";

const here = dirname(fileURLToPath(import.meta.url));
const cli = join(here, "..", "apps", "experiments", "src", "cli", "main.ts");
const index = join(here, "..", "apps", "experiments", "src", "index.ts");
const GRID = { "systems.bm25.k1": [0.6, 0.9, 1.2, 1.5], "systems.bm25.b": [0.4, 0.75] };

interface Proc {
  child: ChildProcess;
  stdout: string;
  stderr: string;
  exited: Promise<number | null>;
}

function start(args: string[]): Proc {
  const child = spawn(process.execPath, ["--conditions=@i3/source", "--import", "tsx", cli, ...args], { stdio: ["ignore", "pipe", "pipe"] });
  const proc: Proc = { child, stdout: "", stderr: "", exited: new Promise((resolve) => child.once("exit", (code) => resolve(code))) };
  child.stdout!.on("data", (c: Buffer) => (proc.stdout += c.toString()));
  child.stderr!.on("data", (c: Buffer) => (proc.stderr += c.toString()));
  return proc;
}

async function until(proc: Proc, text: string, timeoutMs = 300_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!proc.stderr.includes(text)) {
    if (proc.child.exitCode !== null) throw new Error(`process exited before "${text}":\n${proc.stderr}`);
    if (Date.now() > deadline) throw new Error(`no "${text}" in ${timeoutMs / 1000}s:\n${proc.stderr}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => resolve(typeof address === "object" && address ? address.port : 0));
    });
  });
}

async function startRedis(dir: string): Promise<{ url: string; stop: () => void }> {
  const port = await freePort();
  const child = spawn("redis-server", ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", dir], { stdio: ["ignore", "pipe", "inherit"] });
  await new Promise<void>((resolve, reject) => {
    let out = "";
    child.stdout!.on("data", (c: Buffer) => {
      out += c.toString();
      if (out.includes("Ready to accept connections")) resolve();
    });
    child.once("exit", (code) => reject(new Error(`redis-server exited (${code}): ${out}`)));
  });
  return { url: `redis://127.0.0.1:${port}`, stop: () => child.kill("SIGTERM") };
}

/** One timed sweep with `n` workers; returns seconds and the results.csv text. */
async function measure(n: number, root: string, configFile: string): Promise<{ seconds: number; csv: string; perWorker: Record<string, number>; loadAtStart: number[] }> {
  const dir = await mkdtemp(join(root, `w${n}-`));
  const redis = await startRedis(dir);
  const workers: Proc[] = [];
  try {
    for (let i = 1; i <= n; i++) workers.push(start(["worker", "--queue", redis.url, "--name", `w${i}`, "--runs-dir", join(dir, `runs-w${i}`), "--cache-dir", join(dir, "cache")]));
    await Promise.all(workers.map((w) => until(w, "waiting for jobs")));
    const loadAtStart = loadavg();
    const began = performance.now();
    const sweep = start(["sweep", configFile, "--queue", redis.url, "--runs-dir", join(dir, "sweep")]);
    const code = await sweep.exited;
    const seconds = (performance.now() - began) / 1000;
    if (code !== 0) throw new Error(`i3 sweep --queue exited ${code}:\n${sweep.stderr}`);
    const sweepDir = sweep.stdout.split("\n")[0]!.trim();
    const runs = (JSON.parse(await readFile(join(sweepDir, "sweep.json"), "utf8")) as { runs: { worker?: string }[] }).runs;
    const perWorker: Record<string, number> = {};
    for (const r of runs) if (r.worker) perWorker[r.worker] = (perWorker[r.worker] ?? 0) + 1;
    return { seconds, csv: await readFile(join(sweepDir, "results.csv"), "utf8"), perWorker, loadAtStart };
  } finally {
    for (const w of workers) w.child.kill("SIGTERM");
    await Promise.all(workers.map((w) => w.exited));
    redis.stop();
  }
}

if (spawnSync("redis-server", ["--version"]).status !== 0) {
  console.log("distributed-sweep: redis-server is not installed (apt-get install redis-server); skipped");
  process.exit(0);
}
if (datasetFolder("beir/scifact") === undefined) {
  console.log("distributed-sweep: beir/scifact not found (set I3_DATASETS_PATH); skipped");
  process.exit(0);
}
const root = await mkdtemp(join(tmpdir(), "i3-bench-dist-"));
const configFile = join(root, "sweep.mts");
await writeFile(
  configFile,
  `import { defineExperiment, defineSweep } from ${JSON.stringify(index)};
const base = defineExperiment({ name: "scifact-bm25", dataset: "beir/scifact", systems: { bm25: { kind: "bm25" } }, evaluation: { measures: ["nDCG@10", "R@100"], removeSelfHits: true } });
export default defineSweep(base, { name: "scifact-bm25-grid", grid: ${JSON.stringify(GRID)} });
`,
);
try {
  const one = await measure(1, root, configFile);
  console.log(`1 worker: ${one.seconds.toFixed(1)} s`);
  const two = await measure(2, root, configFile);
  console.log(`2 workers: ${two.seconds.toFixed(1)} s (runs per worker: ${JSON.stringify(two.perWorker)})`);
  if (two.csv !== one.csv) throw new Error("the 2-worker sweep's results.csv differs from the 1-worker sweep's");
  const ratio = two.seconds / one.seconds;
  console.log(`wall time 2 workers / 1 worker: ${ratio.toFixed(2)}`);
  const out = await writeBenchJson("distributed-sweep", {
    benchmark: "distributed-sweep",
    writtenAt: new Date().toISOString(),
    machine: machineInfo(),
    sweep: { dataset: "beir/scifact", system: "bm25", grid: GRID, runs: 8 },
    oneWorker: { seconds: one.seconds, runsPerWorker: one.perWorker, loadAtStart: one.loadAtStart },
    twoWorkers: { seconds: two.seconds, runsPerWorker: two.perWorker, loadAtStart: two.loadAtStart },
    wallTimeRatio: ratio,
    resultsIdentical: true,
  });
  console.log(`wrote ${out}`);
} finally {
  await rm(root, { recursive: true, force: true });
}
