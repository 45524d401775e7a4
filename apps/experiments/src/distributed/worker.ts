/**
 * `i3 worker`: pulls sweep jobs from the Redis queue (a BullMQ Worker) and runs them in a child
 * process of this checkout ({@link JobChild}), with this machine's runs, cache and datasets
 * folders. A job is validated before anything runs (`validateSweepJob`); an invalid one fails
 * at once with its reason and is not retried.
 *
 * Faults: BullMQ holds a lock on each active job, renewed by this process every `stallSeconds / 2`.
 * A worker that dies (kill -9, a lost machine) stops renewing; after `stallSeconds` another
 * worker's stalled-job check moves the job back to the waiting list and some worker runs it again
 * (its stages already committed to a shared cache are reused). A job taken back more than
 * {@link MAX_STALLED} times fails. A run that throws fails its job with the error; the other jobs
 * go on.
 */
import { fork, type ChildProcess } from "node:child_process";
import { extname } from "node:path";
import { fileURLToPath } from "node:url";
import { UnrecoverableError, Worker, type Job } from "bullmq";
import { hostTag } from "../runner/cache.js";
import { connectRedis, QUEUE_NAME } from "./connection.js";
import type { ChildMessage, ChildRequest } from "./job-child.js";
import { validateSweepJob, type SweepJobData, type SweepJobProgress, type SweepJobResult } from "./jobs.js";
import type { RunMetrics } from "../report/run-metrics.js";

/** Times a job may be taken back from a stalled worker before it fails. */
export const MAX_STALLED = 3;

/** Options of {@link startWorker}. */
export interface WorkerOptions {
  /** `redis://` or `rediss://` URL. */
  queue: string;
  /** Shown in `i3 sweep --status` (default `<host>-<pid>`). */
  name?: string;
  /** Jobs at once (default 1). */
  concurrency?: number;
  /** Seconds without a lock renewal after which a job counts as stalled and goes back to the queue (default 30). */
  stallSeconds?: number;
  runsDir?: string;
  cacheDir?: string;
  datasetsDir?: string;
  verify?: boolean;
  /** Lines for stderr. */
  log?: (line: string) => void;
}

/** A running worker. */
export interface RunningWorker {
  readonly name: string;
  /** Stops taking jobs, waits for the running ones, disconnects. */
  close(): Promise<void>;
}

/** Connects to the queue (failing fast when Redis is unreachable) and starts processing jobs. */
export async function startWorker(options: WorkerOptions): Promise<RunningWorker> {
  const name = options.name ?? `${hostTag()}-${process.pid}`;
  const stallMs = Math.round((options.stallSeconds ?? 30) * 1000);
  const log = options.log ?? ((line: string) => process.stderr.write(`[worker ${name}] ${line}\n`));
  const redis = await connectRedis(options.queue, (error) => log(`Redis: ${error.message}`));
  const child = new JobChild();
  try {
    await child.start();
  } catch (error) {
    await redis.close();
    throw error;
  }
  const processor = async (job: Job<SweepJobData, SweepJobResult>): Promise<SweepJobResult> => {
    let config;
    try {
      ({ config } = validateSweepJob(job.data, job.id ?? "?"));
    } catch (error) {
      log(`rejected job ${job.id}: ${(error as Error).message}`);
      throw new UnrecoverableError((error as Error).message);
    }
    log(`started job ${job.id}: ${config.name}`);
    const started = performance.now();
    let executed = 0;
    await job.updateProgress({ worker: name, executed } satisfies SweepJobProgress);
    const result = await child.run(
      {
        job: job.id ?? `${job.data.key}-${job.data.index}`,
        config,
        ...(options.runsDir ? { runsDir: options.runsDir } : {}),
        ...(options.cacheDir ? { cacheDir: options.cacheDir } : {}),
        ...(options.datasetsDir ? { datasetsDir: options.datasetsDir } : {}),
        ...(options.verify ? { verify: true } : {}),
      },
      (stage) => {
        executed++;
        void job.updateProgress({ worker: name, stage, executed } satisfies SweepJobProgress).catch(() => {});
      },
    ).catch((error: Error) => {
      log(`job ${job.id} failed: ${error.message}`);
      throw error;
    });
    const seconds = (performance.now() - started) / 1000;
    log(`finished job ${job.id}: ${config.name} in ${seconds.toFixed(1)}s`);
    return { worker: name, ...result, seconds };
  };
  const worker = new Worker<SweepJobData, SweepJobResult>(QUEUE_NAME, processor, {
    connection: redis.client,
    name,
    autorun: false,
    concurrency: options.concurrency ?? 1,
    lockDuration: stallMs,
    stalledInterval: stallMs,
    maxStalledCount: MAX_STALLED,
  });
  worker.on("error", (error) => log(`queue error: ${error.message}`));
  await worker.waitUntilReady();
  void worker.run();
  log(`waiting for jobs on ${redis.display} (queue ${QUEUE_NAME}, concurrency ${options.concurrency ?? 1}, stall timeout ${stallMs / 1000}s)`);
  return {
    name,
    close: async () => {
      await worker.close();
      child.stop();
      await redis.close();
    },
  };
}

/** The child module next to this one, in the same form (`.ts` under tsx, `.js` when compiled). */
function childModule(): string {
  const here = fileURLToPath(import.meta.url);
  return fileURLToPath(new URL(`./job-child${extname(here)}`, import.meta.url));
}

interface Pending {
  resolve(result: { runDir: string; runId: string; metrics: RunMetrics }): void;
  reject(error: Error): void;
  onStage(id: string): void;
}

/**
 * The worker's child process (see job-child.ts): forked with this process's Node flags (so the
 * same loader), kept for every job, forked again for the next job if it dies. A job whose child
 * dies fails with the child's exit status.
 */
export class JobChild {
  private child: ChildProcess | undefined;
  private ready: Promise<void> | undefined;
  private readonly pending = new Map<string, Pending>();

  /** Forks the child if there is none and resolves once its modules are loaded. */
  start(): Promise<void> {
    if (this.child && this.ready) return this.ready;
    const child = fork(childModule(), [], { stdio: ["ignore", "inherit", "inherit", "ipc"] });
    this.child = child;
    this.ready = new Promise((resolve, reject) => {
      child.on("message", (message: ChildMessage) => {
        if (message.type === "ready") return resolve();
        const waiting = this.pending.get(message.job);
        if (!waiting) return;
        if (message.type === "stage") waiting.onStage(message.id);
        else {
          this.pending.delete(message.job);
          if (message.type === "done") waiting.resolve({ runDir: message.runDir, runId: message.runId, metrics: message.metrics });
          else waiting.reject(new Error(message.message));
        }
      });
      child.once("exit", (code, signal) => {
        if (this.child === child) this.child = undefined;
        const error = new Error(`the worker's run process ended (${signal ?? `exit code ${code}`})`);
        reject(error);
        for (const [job, waiting] of this.pending) {
          this.pending.delete(job);
          waiting.reject(error);
        }
      });
    });
    return this.ready;
  }

  /** Runs one job's experiment in the child; rejects with the run's error, or when the child dies. */
  async run(request: ChildRequest, onStage: (id: string) => void): Promise<{ runDir: string; runId: string; metrics: RunMetrics }> {
    await this.start();
    const child = this.child!;
    if (this.pending.has(request.job)) throw new Error(`job ${request.job} is already running in this worker`);
    return new Promise((resolve, reject) => {
      this.pending.set(request.job, { resolve, reject, onStage });
      child.send(request);
    });
  }

  /** Stops the child (after the worker has finished its jobs). */
  stop(): void {
    this.child?.disconnect();
    this.child = undefined;
  }
}
