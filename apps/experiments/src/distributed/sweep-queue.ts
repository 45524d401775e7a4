/**
 * The enqueuing side of a distributed sweep (BullMQ over Redis): puts one job per run of a sweep
 * on the queue, reports the jobs' states per run and per worker, waits until every job has
 * finished, and assembles the sweep folder from the workers' results, exactly as `runSweep` does
 * from its own runs.
 *
 * Job ids are derived from the sweep's content key, so enqueuing the same sweep again adds
 * nothing: completed runs are reused, failed ones are retried (`rerun` removes the sweep's jobs
 * first and runs everything again).
 */
import { resolve } from "node:path";
import { Queue, type Job, type JobState } from "bullmq";
import { defaultRunsDir } from "../runner/run-experiment.js";
import type { SweepRunOutcome } from "../report/sweep-metrics.js";
import type { SweepDefinition, SweepRunSpec } from "../sweep/define.js";
import { sweepKey, writeSweepFolder, type SweepResult } from "../sweep/run-sweep.js";
import { connectRedis, QUEUE_NAME } from "./connection.js";
import { sweepJob, sweepJobId, type SweepJobData, type SweepJobProgress, type SweepJobResult } from "./jobs.js";

/** A job queue handle for one sweep. */
export interface SweepQueue {
  readonly queue: Queue<SweepJobData, SweepJobResult>;
  readonly display: string;
  close(): Promise<void>;
}

/** Opens the queue at `url` and checks that Redis answers; throws naming the URL (without its password). */
export async function openSweepQueue(url: string): Promise<SweepQueue> {
  const redis = await connectRedis(url);
  const queue = new Queue<SweepJobData, SweepJobResult>(QUEUE_NAME, { connection: redis.client });
  queue.on("error", () => {}); // the client reconnects; a lasting problem surfaces in the next call
  return {
    queue,
    display: redis.display,
    close: async () => {
      await queue.close();
      await redis.close();
    },
  };
}

/** The state of one run's job. */
export interface RunJobState {
  readonly index: number;
  readonly name: string;
  readonly jobId: string;
  /** BullMQ's state; `missing` when the job is not in Redis (never enqueued, or removed). */
  readonly state: JobState | "unknown" | "missing";
  /** The worker running it (active) or that ran it (completed). */
  readonly worker?: string;
  /** The stage it is executing (active). */
  readonly stage?: string;
  readonly error?: string;
  /** Times the job was taken back from a worker that stopped answering (a killed worker). */
  readonly stalled: number;
  readonly result?: SweepJobResult;
}

function runsWithConfig(specs: readonly SweepRunSpec[]): void {
  const invalid = specs.filter((s) => !s.config);
  if (invalid.length > 0) throw new Error(`sweep: ${invalid.length} run(s) have no valid config (${invalid.map((s) => s.name).join(", ")}); nothing is enqueued`);
}

/**
 * Enqueues every run of the sweep (all must have a valid config); returns how many jobs were
 * added, reused (already completed) and retried (had failed).
 */
export async function enqueueSweep(
  q: SweepQueue,
  sweep: SweepDefinition,
  specs: readonly SweepRunSpec[],
  options: { rerun?: boolean } = {},
): Promise<{ added: number; reused: number; retried: number }> {
  runsWithConfig(specs);
  const key = sweepKey(specs);
  let added = 0;
  let reused = 0;
  let retried = 0;
  for (const [index, spec] of specs.entries()) {
    const id = sweepJobId(key, index);
    let existing = await q.queue.getJob(id);
    if (existing && options.rerun) {
      const state = await existing.getState();
      if (state === "active") throw new Error(`sweep ${sweep.name}: run ${spec.name} (job ${id}) is running on a worker; wait for it or stop that worker before --rerun`);
      await existing.remove();
      existing = undefined;
    }
    if (existing) {
      const state = await existing.getState();
      if (state === "failed") {
        await existing.retry("failed");
        retried++;
      } else if (state === "completed") reused++;
      continue;
    }
    await q.queue.add(spec.name, sweepJob(sweep.name, key, index, spec.config!), { jobId: id, attempts: 1, removeOnComplete: false, removeOnFail: false });
    added++;
  }
  return { added, reused, retried };
}

/** The state of every run's job, in sweep order. */
export async function sweepJobStates(q: SweepQueue, specs: readonly SweepRunSpec[]): Promise<RunJobState[]> {
  const key = sweepKey(specs);
  const states: RunJobState[] = [];
  for (const [index, spec] of specs.entries()) {
    const jobId = sweepJobId(key, index);
    const job = (await q.queue.getJob(jobId)) as Job<SweepJobData, SweepJobResult> | undefined;
    if (!job) {
      states.push({ index, name: spec.name, jobId, state: "missing", stalled: 0 });
      continue;
    }
    const state = await job.getState();
    const progress = typeof job.progress === "object" && job.progress !== null ? (job.progress as unknown as SweepJobProgress) : undefined;
    const result = state === "completed" ? job.returnvalue : undefined;
    const worker = result?.worker ?? (state === "active" ? progress?.worker : undefined);
    states.push({
      index,
      name: spec.name,
      jobId,
      state,
      ...(worker !== undefined ? { worker } : {}),
      ...(state === "active" && progress?.stage ? { stage: progress.stage } : {}),
      ...(state === "failed" ? { error: job.failedReason } : {}),
      stalled: job.stalledCounter ?? 0,
      ...(result ? { result } : {}),
    });
  }
  return states;
}

/** True when every job has completed or failed. */
export function allFinished(states: readonly RunJobState[]): boolean {
  return states.every((s) => s.state === "completed" || s.state === "failed");
}

/** `i3 sweep --status`: one line per run, then one per worker (what it runs now, what it finished). */
export function formatSweepStatus(sweep: SweepDefinition, states: readonly RunJobState[]): string {
  const count = (state: string) => states.filter((s) => s.state === state).length;
  const waiting = states.filter((s) => s.state === "waiting" || s.state === "prioritized" || s.state === "delayed").length;
  const lines = [
    `sweep ${sweep.name}: ${states.length} runs; ${count("completed")} completed, ${count("failed")} failed, ${count("active")} running, ${waiting} waiting, ${count("missing")} not enqueued`,
  ];
  const width = Math.max(0, ...states.map((s) => s.name.length));
  for (const s of states) {
    const detail = s.state === "active" ? `on ${s.worker ?? "?"}${s.stage ? `: ${s.stage}` : ""}` : s.state === "completed" ? `by ${s.worker}` : s.state === "failed" ? `error: ${s.error}` : "";
    lines.push(`  ${s.name.padEnd(width)}  ${s.state.padEnd(9)} ${detail}${s.stalled > 0 ? ` (taken back from a stalled worker ${s.stalled}x)` : ""}`.trimEnd());
  }
  const workers = new Map<string, { running: string[]; completed: number }>();
  for (const s of states) {
    if (s.worker === undefined) continue;
    const w = workers.get(s.worker) ?? { running: [], completed: 0 };
    if (s.state === "active") w.running.push(`${s.name}${s.stage ? ` (${s.stage})` : ""}`);
    if (s.state === "completed") w.completed++;
    workers.set(s.worker, w);
  }
  if (workers.size > 0) {
    lines.push("workers:");
    for (const [name, w] of [...workers].sort(([a], [b]) => a.localeCompare(b))) {
      lines.push(`  ${name}: ${w.completed} completed${w.running.length > 0 ? `; running ${w.running.join(", ")}` : ""}`);
    }
  }
  return `${lines.join("\n")}\n`;
}

/**
 * Polls the sweep's jobs every `intervalMs` until all have finished, telling `log` each change
 * of a run's state; returns the final states.
 */
export async function waitForSweep(q: SweepQueue, specs: readonly SweepRunSpec[], log: (line: string) => void, intervalMs = 1000): Promise<RunJobState[]> {
  const last = new Map<number, string>();
  for (;;) {
    const states = await sweepJobStates(q, specs);
    for (const s of states) {
      const shown = `${s.state}${s.worker ? ` ${s.worker}` : ""}`;
      if (last.get(s.index) !== shown) {
        last.set(s.index, shown);
        log(`${s.index + 1}/${specs.length} ${s.name}: ${s.state}${s.worker ? ` (${s.worker})` : ""}${s.error ? `: ${s.error}` : ""}`);
      }
    }
    if (states.some((s) => s.state === "missing")) throw new Error(`sweep: job(s) of ${states.filter((s) => s.state === "missing").map((s) => s.name).join(", ")} disappeared from the queue`);
    if (allFinished(states)) return states;
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

/**
 * Writes the sweep folder from finished jobs (in `runsDir`, default the workspace's runs/):
 * completed runs with the metrics their worker returned, failed runs with their error. Throws
 * listing the runs not finished yet.
 */
export async function collectSweep(
  sweep: SweepDefinition,
  specs: readonly SweepRunSpec[],
  states: readonly RunJobState[],
  options: { runsDir?: string; quiet?: boolean } = {},
): Promise<SweepResult> {
  const unfinished = states.filter((s) => s.state !== "completed" && s.state !== "failed");
  if (unfinished.length > 0) throw new Error(`sweep ${sweep.name}: ${unfinished.length} run(s) not finished: ${unfinished.map((s) => `${s.name} (${s.state})`).join(", ")}`);
  const outcomes: SweepRunOutcome[] = states.map((s, i) => {
    const spec = specs[i]!;
    if (s.state === "completed" && s.result) return { name: spec.name, changes: spec.changes, status: "ok", runDir: s.result.runDir, metrics: s.result.metrics };
    return { name: spec.name, changes: spec.changes, status: "failed", error: s.error ?? "failed" };
  });
  const extra = states.map((s) => (s.worker !== undefined ? { worker: s.worker } : {}));
  const log = (line: string) => {
    if (!options.quiet) process.stderr.write(`[sweep ${sweep.name}] ${line}\n`);
  };
  return writeSweepFolder(sweep, specs, outcomes, resolve(options.runsDir ?? defaultRunsDir()), log, extra);
}
