/**
 * The distributed sweep end to end on this machine: a private redis-server on 127.0.0.1, two
 * `i3 worker` processes sharing one stage cache, `i3 sweep --queue` enqueuing a BM25 sweep of
 * the tiny collection (three runs and one variant that fails at run time). The first worker to
 * start a job is killed with SIGKILL while that job runs; its job comes back after the (shortened)
 * stall timeout and the other worker runs it. The sweep must finish with the same results.csv,
 * measures and errors as the single-process `i3 sweep` of the same config file.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { readdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadSweepFile } from "../src/config/load.js";
import { connectRedis } from "../src/distributed/connection.js";
import { enqueueSweep, openSweepQueue, sweepJobStates } from "../src/distributed/sweep-queue.js";
import { expandSweep } from "../src/sweep/define.js";
import { runSweep } from "../src/sweep/run-sweep.js";
import { redisServerAvailable, startRedis, type TestRedis } from "./redis-fixture.js";
import { tempDir, writeTinyCollection } from "./runner-fixtures.js";

const cli = fileURLToPath(new URL("../src/cli/main.ts", import.meta.url));
const index = fileURLToPath(new URL("../src/index.ts", import.meta.url));
const hasRedis = redisServerAvailable();
if (!hasRedis) console.warn("distributed-sweep.test.ts: redis-server is not installed (apt-get install redis-server); skipping the distributed sweep tests");

/** A CLI process with its output collected; `waitFor` resolves when a line of stderr matches. */
interface CliProcess {
  readonly child: ChildProcess;
  stdout: string;
  stderr: string;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
}

function startCli(args: string[]): CliProcess {
  const child = spawn(process.execPath, ["--conditions=@i3/source", "--import", "tsx", cli, ...args], { stdio: ["ignore", "pipe", "pipe"] });
  const waiters: { pattern: RegExp; resolve: (m: RegExpMatchArray) => void }[] = [];
  const proc: CliProcess = {
    child,
    stdout: "",
    stderr: "",
    exited: new Promise((resolve) => child.once("exit", (code, signal) => resolve({ code, signal }))),
    waitFor(pattern, timeoutMs = 120_000) {
      const found = proc.stderr.match(pattern);
      if (found) return Promise.resolve(found);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no ${pattern} in ${timeoutMs / 1000}s; stderr:\n${proc.stderr}`)), timeoutMs);
        waiters.push({ pattern, resolve: (m) => (clearTimeout(timer), resolve(m)) });
      });
    },
  };
  child.stdout!.on("data", (chunk: Buffer) => (proc.stdout += chunk.toString()));
  child.stderr!.on("data", (chunk: Buffer) => {
    proc.stderr += chunk.toString();
    for (const w of [...waiters]) {
      const m = proc.stderr.match(w.pattern);
      if (m) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(m);
      }
    }
  });
  return proc;
}

/** Runs `i3 args` to its end. */
async function run(args: string[]): Promise<CliProcess & { code: number | null }> {
  const proc = startCli(args);
  const { code } = await proc.exited;
  return Object.assign(proc, { code });
}

/** The sweep folder a sweep command printed first on stdout. */
function sweepDirOf(stdout: string): string {
  return stdout.split("\n")[0]!.trim();
}

describe.skipIf(!hasRedis)("distributed sweep over Redis", () => {
  let redis: TestRedis;
  let root: string;
  let configFile: string;
  let datasetsDir: string;
  const workers: CliProcess[] = [];

  beforeAll(async () => {
    redis = await startRedis();
    root = await tempDir("i3-dist-");
    datasetsDir = await tempDir("i3-datasets-");
    const collection = await writeTinyCollection();
    configFile = join(root, "sweep.mts");
    await writeFile(
      configFile,
      `import { defineExperiment, defineSweep } from ${JSON.stringify(index)};
const base = defineExperiment({ name: "dist", dataset: ${JSON.stringify(`local:${collection}`)}, systems: { bm25: { kind: "bm25" } }, evaluation: { measures: ["nDCG@10", "AP", "R@100"] } });
export default defineSweep(base, {
  name: "dist-sweep",
  includeBase: true,
  grid: { "systems.bm25.k1": [0.3, 2.5] },
  variants: [{ name: "missing-split", patch: { "splits.test": "nosuch" } }],
});
`,
    );
  }, 60_000);

  afterAll(async () => {
    for (const w of workers) if (w.child.exitCode === null && w.child.signalCode === null) w.child.kill("SIGKILL");
    await redis?.stop();
  });

  it("survives a worker killed mid-job and equals the single-process sweep", async () => {
    // The single-process sweep of the same file, in this process.
    const definition = await loadSweepFile(configFile);
    const singleResult = await runSweep(definition, { runsDir: join(root, "single"), datasetsDir, quiet: true });
    expect(singleResult.runs.map((r) => r.status)).toEqual(["ok", "ok", "ok", "failed"]);
    const singleDir = singleResult.sweepDir;

    const shared = ["--cache-dir", join(root, "shared-cache"), "--datasets-dir", datasetsDir, "--stall-timeout", "2"];
    for (const name of ["w1", "w2"]) workers.push(startCli(["worker", "--queue", redis.url, "--name", name, "--runs-dir", join(root, `runs-${name}`), ...shared]));
    await Promise.all(workers.map((w) => w.waitFor(/waiting for jobs/)));

    const sweep = startCli(["sweep", configFile, "--queue", redis.url, "--runs-dir", join(root, "enqueuer")]);
    // Kill the first worker that starts a job, while the job runs (its child process is still loading).
    const first = await Promise.race(workers.map(async (w) => ({ w, match: await w.waitFor(/started job (\S+): (\S+)/) })));
    first.w.child.kill("SIGKILL");
    const killedRun = first.match[2]!;
    const survivor = workers.find((w) => w !== first.w)!;
    const survivorName = survivor === workers[0] ? "w1" : "w2";
    expect((await first.w.exited).signal).toBe("SIGKILL");

    const { code } = await sweep.exited;
    expect(code, sweep.stderr).toBe(1);
    expect(survivor.stderr).toContain(`: ${killedRun}`); // the survivor ran the killed worker's run

    const distDir = sweepDirOf(sweep.stdout);
    expect(await readFile(join(distDir, "results.csv"), "utf8")).toBe(await readFile(join(singleDir, "results.csv"), "utf8"));
    const rows = async (dir: string) => (JSON.parse(await readFile(join(dir, "metrics.json"), "utf8")) as { rows: { run: string; aggregate: unknown; error?: string }[] }).rows.map((r) => [r.run, r.aggregate, r.error]);
    expect(await rows(distDir)).toEqual(await rows(singleDir));
    const runs = (JSON.parse(await readFile(join(distDir, "sweep.json"), "utf8")) as { runs: { name: string; status: string; worker?: string; error?: string }[] }).runs;
    const singleRuns = (JSON.parse(await readFile(join(singleDir, "sweep.json"), "utf8")) as { runs: { name: string; status: string; error?: string }[] }).runs;
    expect(runs.map((r) => [r.name, r.status, r.error])).toEqual(singleRuns.map((r) => [r.name, r.status, r.error]));
    expect(runs.filter((r) => r.status === "ok")).toHaveLength(3);
    expect(runs.find((r) => r.status === "failed")!.error).toMatch(/nosuch/);
    // Every completed run was finished by the survivor: the killed worker finished nothing.
    expect(new Set(runs.filter((r) => r.status === "ok").map((r) => r.worker))).toEqual(new Set([survivorName]));

    const status = await run(["sweep", configFile, "--queue", redis.url, "--status"]);
    expect(status.code, status.stderr).toBe(0);
    expect(status.stdout).toContain("dist-sweep: 4 runs; 3 completed, 1 failed, 0 running, 0 waiting, 0 not enqueued");
    expect(status.stdout).toMatch(new RegExp(`${killedRun.replace(/[.+]/g, "\\$&")}\\s+completed by ${survivorName} \\(taken back from a stalled worker 1x\\)`));
    expect(status.stdout).toContain(`${survivorName}: 3 completed`);

    // --collect writes the same sweep folder again from the results kept in Redis, running nothing.
    const collected = await run(["sweep", configFile, "--queue", redis.url, "--collect", "--runs-dir", join(root, "collected")]);
    expect(collected.code, collected.stderr).toBe(1);
    expect(await readFile(join(sweepDirOf(collected.stdout), "results.csv"), "utf8")).toBe(await readFile(join(singleDir, "results.csv"), "utf8"));

    // The killed worker's child process stopped with it: it completed no run of its own.
    const killedName = survivorName === "w1" ? "w2" : "w1";
    const killedRunDirs = join(root, `runs-${killedName}`, killedRun);
    const statuses = await readdir(killedRunDirs).catch(() => [] as string[]);
    for (const id of statuses) expect(JSON.parse(await readFile(join(killedRunDirs, id, "run.json"), "utf8")).status).not.toBe("complete");

    // Enqueuing the same sweep again reuses the completed jobs and retries the failed one.
    const q = await openSweepQueue(redis.url);
    try {
      const runsOf = expandSweep(definition);
      expect(await enqueueSweep(q, definition, runsOf)).toEqual({ added: 0, reused: 3, retried: 1 });
      for (let i = 0; i < 600; i++) {
        const states = await sweepJobStates(q, runsOf);
        if (states[3]!.state === "failed") break;
        await new Promise((r) => setTimeout(r, 100));
      }
      const states = await sweepJobStates(q, runsOf);
      expect(states.map((st) => st.state)).toEqual(["completed", "completed", "completed", "failed"]);
      expect(states[3]!.error).toMatch(/nosuch/);
    } finally {
      await q.close();
    }
  }, 300_000);

  it("rejects a job whose config does not validate, without running it", async () => {
    const { Queue } = await import("bullmq");
    const { QUEUE_NAME } = await import("../src/distributed/connection.js");
    const queue = new Queue(QUEUE_NAME, { connection: { host: "127.0.0.1", port: redis.port } });
    const job = await queue.add("evil", { v: 1, sweep: "x", key: "0".repeat(64), index: 0, name: "evil", config: { name: "evil", systems: { s: { kind: "shell", command: "rm -rf /" } } }, configHash: "0".repeat(64) }, { jobId: "evil-0" });
    const worker = workers.find((w) => w.child.exitCode === null && w.child.signalCode === null)!;
    await worker.waitFor(/rejected job evil-0: job evil-0: its config does not validate: .*systems\.s\.kind/);
    for (let i = 0; i < 50 && (await job.getState()) !== "failed"; i++) await new Promise((r) => setTimeout(r, 100));
    expect(await job.getState()).toBe("failed");
    expect((await queue.getJob("evil-0"))!.attemptsMade).toBe(1);
    await queue.close();
  }, 60_000);

  it("fails fast with the URL (password hidden) when Redis is unreachable or refuses the password", async () => {
    const closed = await connectRedis("redis://:secret@127.0.0.1:1").then(
      () => "connected",
      (error: Error) => error.message,
    );
    expect(closed).toMatch(/^cannot reach Redis at redis:\/\/:\*\*\*@127\.0\.0\.1:1/);
    expect(closed).not.toContain("secret");
    const locked = await startRedis({ password: "right" });
    try {
      const wrong = await connectRedis(`redis://:wrong@127.0.0.1:${locked.port}`).then(
        () => "connected",
        (error: Error) => error.message,
      );
      expect(wrong).toMatch(new RegExp(`^Redis at redis://:\\*\\*\\*@127\\.0\\.0\\.1:${locked.port} refused the credentials`));
      const q = await openSweepQueue(locked.url);
      try {
        const states = await sweepJobStates(q, expandSweep(await loadSweepFile(configFile)));
        expect(states.map((st) => st.state)).toEqual(["missing", "missing", "missing", "missing"]);
      } finally {
        await q.close();
      }
    } finally {
      await locked.stop();
    }
  }, 60_000);
});
