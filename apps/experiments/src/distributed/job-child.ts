/**
 * The child process that runs sweep jobs for `i3 worker` (one per worker, started with it and kept
 * for every job, so the toolkit's modules load once and the worker's own event loop stays free to
 * renew the jobs' locks in Redis while CPU-bound stages run here). Protocol over the IPC channel:
 * the worker sends {@link ChildRequest}s, each with its job id; the child answers each with `stage`
 * messages as stages start and one `done` or `error`. The child exits when its worker goes away (a
 * killed worker), so no orphan keeps computing.
 */
import { runExperiment } from "../runner/run-experiment.js";
import type { RunMetrics } from "../report/run-metrics.js";

/** What the worker sends. The config is the validated job config (validated again by `runExperiment`). */
export interface ChildRequest {
  readonly job: string;
  readonly config: unknown;
  readonly runsDir?: string;
  readonly cacheDir?: string;
  readonly datasetsDir?: string;
  readonly verify?: boolean;
}

/** What the child sends back (`ready` once, when its modules are loaded). */
export type ChildMessage =
  | { type: "ready" }
  | { type: "stage"; job: string; id: string }
  | { type: "done"; job: string; runDir: string; runId: string; metrics: RunMetrics }
  | { type: "error"; job: string; message: string };

function send(message: ChildMessage): Promise<void> {
  return new Promise((resolve) => {
    if (!process.send) return resolve();
    process.send(message, undefined, {}, () => resolve());
  });
}

async function handle(request: ChildRequest): Promise<void> {
  const job = request.job;
  try {
    const result = await runExperiment(request.config as Parameters<typeof runExperiment>[0], {
      ...(request.runsDir ? { runsDir: request.runsDir } : {}),
      ...(request.cacheDir ? { cacheDir: request.cacheDir } : {}),
      ...(request.datasetsDir ? { datasetsDir: request.datasetsDir } : {}),
      ...(request.verify ? { verify: true } : {}),
      hooks: { beforeStage: (id) => send({ type: "stage", job, id }) },
    });
    await send({ type: "done", job, runDir: result.runDir, runId: result.runId, metrics: result.metrics });
  } catch (error) {
    await send({ type: "error", job, message: error instanceof Error ? error.message : String(error) });
  }
}

if (process.send) {
  process.on("disconnect", () => process.exit(1));
  process.on("message", (request: ChildRequest) => void handle(request));
  void send({ type: "ready" });
}
