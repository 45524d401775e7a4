/**
 * The optional PyTorch CPU peer of the training benchmark (`peers/torch_training_step.py`): runs
 * it when a python3 with torch is present (Debian's python3-torch; `I3_BENCH_PYTHON` picks the
 * interpreter), never in CI, and returns its step times or why it is absent.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const SCRIPT = join(dirname(fileURLToPath(import.meta.url)), "peers", "torch_training_step.py");

/** One thread count's median step. */
export interface PeerRow {
  threads: number;
  stepMs: number;
  stepsMs: number[];
}

/** What the peer measured, or `peer: "absent"` and why. */
export type PeerResult = { peer: string; torch: string; config: string; step: string; rows: PeerRow[] } | { peer: "absent"; reason: string };

/** Runs the PyTorch peer for `config` at `threads` (e.g. [2, 1]) with `steps` timed steps each. */
export function runPytorchPeer(config: string, threads: number[], steps: number): PeerResult {
  if (process.env["CI"] !== undefined) return { peer: "absent", reason: "not run in CI" };
  const python = process.env["I3_BENCH_PYTHON"] ?? "python3";
  const dir = mkdtempSync(join(tmpdir(), "i3-peer-"));
  try {
    const out = join(dir, "peer.json");
    const args = [SCRIPT, "--config", config, "--threads", threads.join(","), "--steps", String(steps), "--out", out];
    const r = spawnSync(python, args, { encoding: "utf8", stdio: ["ignore", "ignore", "pipe"] });
    if (r.error !== undefined) return { peer: "absent", reason: `${python}: ${r.error.message}` };
    if (r.status !== 0) {
      const last = r.stderr.trim().split("\n").at(-1) ?? "";
      return { peer: "absent", reason: `${python} exited with ${r.status}: ${last}` };
    }
    return JSON.parse(readFileSync(out, "utf8")) as PeerResult;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
