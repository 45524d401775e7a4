/** `i3 worker --queue URL`: runs distributed sweep jobs until stopped (SIGINT / SIGTERM finish the running job first; a second signal exits at once). */
import { startWorker } from "../distributed/worker.js";
import { checkFolderOption } from "./options.js";
import { folderOptions } from "./run-command.js";

/** Flags of `i3 worker`. */
export interface WorkerCommandOptions {
  queue: string;
  name?: string;
  concurrency?: number;
  stallTimeout?: number;
  runsDir?: string;
  cacheDir?: string;
  datasetsDir?: string;
  verify?: boolean;
}

/** Starts the worker and resolves when it has been stopped by a signal. */
export async function workerCommand(options: WorkerCommandOptions): Promise<void> {
  await checkFolderOption("--runs-dir", options.runsDir);
  await checkFolderOption("--cache-dir", options.cacheDir);
  await checkFolderOption("--datasets-dir", options.datasetsDir);
  if (options.name !== undefined && !/^[A-Za-z0-9][A-Za-z0-9._@-]*$/.test(options.name)) {
    throw new Error(`--name ${options.name}: expected letters, digits and . _ @ - (no spaces)`);
  }
  const worker = await startWorker({
    queue: options.queue,
    ...(options.name !== undefined ? { name: options.name } : {}),
    ...(options.concurrency !== undefined ? { concurrency: options.concurrency } : {}),
    ...(options.stallTimeout !== undefined ? { stallSeconds: options.stallTimeout } : {}),
    ...folderOptions(options),
    ...(options.verify ? { verify: true } : {}),
  });
  await new Promise<void>((resolve) => {
    let stopping = false;
    const stop = (signal: string) => {
      if (stopping) process.exit(130);
      stopping = true;
      process.stderr.write(`[worker ${worker.name}] ${signal}: finishing the running job, then exiting (again to exit now)\n`);
      void worker.close().then(resolve);
    };
    process.on("SIGINT", () => stop("SIGINT"));
    process.on("SIGTERM", () => stop("SIGTERM"));
  });
}
