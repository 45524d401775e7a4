/**
 * What a distributed sweep job carries, and how a worker checks it. A job is data only: the run's
 * resolved config as JSON, its content hash, and where it sits in its sweep. A worker validates the
 * config with the app's own schema (`parseExperiment`) and runs only its own checkout's code; a job
 * whose envelope or config does not validate, or whose config resolves to another hash in the
 * worker's checkout (a different toolkit version), is rejected, never run.
 */
import { z } from "zod";
import { configHash, parseExperiment } from "../config/define.js";
import { slugSchema } from "../config/run-settings.js";
import type { ExperimentConfig } from "../config/schema.js";
import type { RunMetrics } from "../report/run-metrics.js";

const hexSchema = z.string().regex(/^[0-9a-f]{64}$/, "expected 64 hex digits");

/** The envelope of a job (the config itself is checked by `parseExperiment`). */
export const sweepJobSchema = z.strictObject({
  /** Format version of this envelope. */
  v: z.literal(1),
  /** The sweep's name. */
  sweep: slugSchema,
  /** The sweep's content key (`sweepKey`). */
  key: hexSchema,
  /** Position of the run in the expanded sweep. */
  index: z.number().int().nonnegative(),
  /** The run's name (also the config's `name`). */
  name: slugSchema,
  /** The resolved config, as JSON. */
  config: z.record(z.string(), z.unknown()),
  /** `configHash(config)` on the enqueuing machine. */
  configHash: hexSchema,
});

/** A job's data. */
export type SweepJobData = z.output<typeof sweepJobSchema>;

/** What a worker returns for a completed job (stored in Redis until the sweep is collected). */
export interface SweepJobResult {
  /** The worker that ran it (`--name`, default `<host>-<pid>`). */
  readonly worker: string;
  /** The run folder on the worker's machine. */
  readonly runDir: string;
  readonly runId: string;
  readonly metrics: RunMetrics;
  readonly seconds: number;
}

/** What a worker reports while a job runs (BullMQ job progress). */
export interface SweepJobProgress {
  readonly worker: string;
  /** The stage being executed, e.g. `bm25/retrieve:test`; absent before the first one. */
  readonly stage?: string;
  /** Stages executed so far in this attempt (cached ones are not counted). */
  readonly executed: number;
}

/** The BullMQ job id of run `index` of the sweep with key `key` (no `:`, which BullMQ reserves). */
export function sweepJobId(key: string, index: number): string {
  return `${key.slice(0, 24)}-${index}`;
}

/** The job of one run. */
export function sweepJob(sweep: string, key: string, index: number, config: ExperimentConfig): SweepJobData {
  return { v: 1, sweep, key, index, name: config.name, config: JSON.parse(JSON.stringify(config)) as Record<string, unknown>, configHash: configHash(config) };
}

/**
 * Checks a received job and returns its config, validated by this checkout's schema; throws
 * naming the job and the first problem.
 */
export function validateSweepJob(data: unknown, jobId: string): { job: SweepJobData; config: ExperimentConfig } {
  const envelope = sweepJobSchema.safeParse(data);
  if (!envelope.success) {
    const issue = envelope.error.issues[0]!;
    throw new Error(`job ${jobId}: not a sweep job: ${issue.path.join(".") || "(root)"}: ${issue.message}`);
  }
  const job = envelope.data;
  let config: ExperimentConfig;
  try {
    config = parseExperiment(job.config, `job ${jobId}`);
  } catch (error) {
    throw new Error(`job ${jobId}: its config does not validate: ${(error as Error).message}`, { cause: error });
  }
  if (config.name !== job.name) throw new Error(`job ${jobId}: the config is named "${config.name}", the job "${job.name}"`);
  const hash = configHash(config);
  if (hash !== job.configHash) {
    throw new Error(
      `job ${jobId}: the config resolves to hash ${hash.slice(0, 12)} in this worker's checkout, ${job.configHash.slice(0, 12)} where it was enqueued; run the same toolkit version on every machine`,
    );
  }
  return { job, config };
}
