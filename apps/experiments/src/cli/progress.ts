/**
 * Progress on stderr for long CLI work, through cli-progress (a well-kept progress-bar library):
 * a live bar on a terminal, and plain throttled lines otherwise (CI logs, pipes).
 */
import { SingleBar, Presets } from "cli-progress";

/** A progress reporter for one stage of known or unknown size. */
export interface StageProgress {
  update(done: number): void;
  stop(): void;
}

/** Starts reporting `label`; `total` undefined means an open-ended count. */
export function startProgress(label: string, total?: number): StageProgress {
  if (process.stderr.isTTY && total !== undefined) {
    const bar = new SingleBar(
      { format: `${label} [{bar}] {value}/{total} {percentage}% eta {eta_formatted}`, stream: process.stderr, hideCursor: true },
      Presets.shades_classic,
    );
    bar.start(total, 0);
    return { update: (done) => bar.update(done), stop: () => bar.stop() };
  }
  const start = Date.now();
  let last = start;
  let latest = 0;
  const line = (done: number) => {
    const seconds = ((Date.now() - start) / 1000).toFixed(1);
    process.stderr.write(`${label}: ${done}${total !== undefined ? `/${total}` : ""} (${seconds}s)\n`);
  };
  return {
    update(done) {
      latest = done;
      const now = Date.now();
      if (now - last >= 2000) {
        last = now;
        line(done);
      }
    },
    stop: () => line(latest),
  };
}
