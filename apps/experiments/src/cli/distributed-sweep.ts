/** `i3 sweep CONFIG --queue URL [--status | --collect | --detach | --rerun]`: the distributed side of `i3 sweep`. */
import { collectSweep, enqueueSweep, formatSweepStatus, openSweepQueue, sweepJobStates, waitForSweep } from "../distributed/sweep-queue.js";
import type { SweepDefinition, SweepRunSpec } from "../sweep/define.js";
import type { SweepResult } from "../sweep/run-sweep.js";

/** Flags of the distributed sweep. */
export interface DistributedSweepOptions {
  queue: string;
  runsDir?: string;
  status?: boolean;
  collect?: boolean;
  detach?: boolean;
  rerun?: boolean;
}

/**
 * Enqueues the sweep, waits for every job and writes the sweep folder (returned); `--status`
 * prints the jobs' states, `--collect` only writes the folder, `--detach` only enqueues (both
 * of those print to stderr and return undefined when there is no folder to show).
 */
export async function distributedSweep(sweep: SweepDefinition, runs: readonly SweepRunSpec[], options: DistributedSweepOptions): Promise<SweepResult | undefined> {
  const modes = (["status", "collect", "detach"] as const).filter((flag) => options[flag]);
  if (modes.length > 1) throw new Error(`sweep: --${modes[0]} and --${modes[1]} exclude each other`);
  if (options.rerun && (options.status || options.collect)) throw new Error(`sweep: --rerun enqueues again; it cannot go with --${options.status ? "status" : "collect"}`);
  const log = (line: string) => process.stderr.write(`[sweep ${sweep.name}] ${line}\n`);
  const q = await openSweepQueue(options.queue);
  try {
    if (options.status) {
      process.stdout.write(formatSweepStatus(sweep, await sweepJobStates(q, runs)));
      return undefined;
    }
    if (options.collect) return await collectSweep(sweep, runs, await sweepJobStates(q, runs), options.runsDir ? { runsDir: options.runsDir } : {});
    const { added, reused, retried } = await enqueueSweep(q, sweep, runs, { rerun: options.rerun ?? false });
    log(`${runs.length} runs on ${q.display}: ${added} enqueued, ${reused} already complete, ${retried} failed before and retried`);
    if (options.detach) {
      log(`detached; follow with: i3 sweep CONFIG --queue URL --status; write the report with --collect`);
      return undefined;
    }
    const states = await waitForSweep(q, runs, log);
    return await collectSweep(sweep, runs, states, options.runsDir ? { runsDir: options.runsDir } : {});
  } finally {
    await q.close();
  }
}
