/**
 * Training progress on the terminal: a `cli-progress` bar when stderr is a TTY, otherwise
 * plain lines at most every `intervalMs` (plus the first and the last), so CI logs and
 * redirected output stay readable.
 */
import cliProgress from "cli-progress";

/** What a progress update shows. */
export interface ProgressState {
  readonly step: number;
  readonly epoch: number;
  readonly loss: number;
  /** Learning rate of the first group. */
  readonly lr: number;
  readonly stepsPerSec: number;
  /** Undefined when examples cannot be counted. */
  readonly examplesPerSec?: number;
}

/** Receives progress updates. */
export interface ProgressReporter {
  update(state: ProgressState): void;
  /** Final update and cleanup. */
  stop(): void;
}

/** `auto`: bar on a TTY, lines otherwise; `off`: silent. */
export type ProgressMode = "auto" | "bar" | "lines" | "off";

function fmt(s: ProgressState): { loss: string; lr: string; sps: string; eps: string } {
  return {
    loss: Number.isFinite(s.loss) ? s.loss.toFixed(4) : String(s.loss),
    lr: s.lr.toExponential(2),
    sps: s.stepsPerSec.toFixed(2),
    eps: s.examplesPerSec === undefined ? "-" : s.examplesPerSec.toFixed(1),
  };
}

/** Creates a reporter for a run of `totalSteps` optimizer steps (undefined when unknown). */
export function createProgress(mode: ProgressMode, totalSteps: number | undefined, opts: { intervalMs?: number; stream?: NodeJS.WriteStream } = {}): ProgressReporter {
  const stream = opts.stream ?? process.stderr;
  const resolved = mode === "auto" ? (stream.isTTY ? "bar" : "lines") : mode;
  if (resolved === "off") return { update() {}, stop() {} };
  if (resolved === "bar") {
    const known = totalSteps !== undefined;
    const bar = new cliProgress.SingleBar(
      {
        stream,
        format: `${known ? "{bar} {value}/{total}" : "step {value}"} | epoch {epoch} | loss {loss} | lr {lr} | {sps} steps/s | {eps} ex/s`,
        hideCursor: true,
        clearOnComplete: false,
      },
      cliProgress.Presets.shades_classic,
    );
    let started = false;
    return {
      update(s) {
        const payload = { epoch: s.epoch, ...fmt(s) };
        if (!started) {
          bar.start(totalSteps ?? 0, s.step, payload);
          started = true;
        } else bar.update(s.step, payload);
      },
      stop() {
        if (started) bar.stop();
      },
    };
  }
  const intervalMs = opts.intervalMs ?? 10_000;
  let lastAt = -Infinity;
  let pending: ProgressState | undefined;
  const print = (s: ProgressState) => {
    const f = fmt(s);
    stream.write(`step ${s.step}${totalSteps !== undefined ? `/${totalSteps}` : ""} epoch ${s.epoch} loss ${f.loss} lr ${f.lr} ${f.sps} steps/s ${f.eps} ex/s\n`);
  };
  return {
    update(s) {
      const now = performance.now();
      if (now - lastAt >= intervalMs) {
        print(s);
        lastAt = now;
        pending = undefined;
      } else pending = s;
    },
    stop() {
      if (pending !== undefined) print(pending);
      pending = undefined;
    },
  };
}
