/**
 * The optional PyTorch CPU peer of the training benchmark (`peers/torch_training_step.py`): runs
 * it with the first `python3` on the PATH that imports torch (Debian's python3-torch; a pyenv shim
 * earlier on the PATH may lack it) or with `I3_BENCH_PYTHON`, never in CI, and returns its step
 * times or why it is absent.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, realpathSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, dirname, join } from "node:path";
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

/** `I3_BENCH_PYTHON`, else the first python3 on the PATH that imports torch; undefined if none. */
function pythonWithTorch(): string | undefined {
  const chosen = process.env["I3_BENCH_PYTHON"];
  if (chosen !== undefined) return chosen;
  const seen = new Set<string>();
  for (const dir of (process.env["PATH"] ?? "").split(delimiter)) {
    const candidate = join(dir, "python3");
    if (dir === "" || !existsSync(candidate)) continue;
    const real = realpathSync(candidate);
    if (seen.has(real)) continue;
    seen.add(real);
    if (spawnSync(candidate, ["-c", "import torch"], { stdio: "ignore" }).status === 0) return candidate;
  }
  return undefined;
}

/** Runs the PyTorch peer for `config` at `threads` (e.g. [2, 1]) with `steps` timed steps each. */
export function runPytorchPeer(config: string, threads: number[], steps: number): PeerResult {
  if (process.env["CI"] !== undefined) return { peer: "absent", reason: "not run in CI" };
  const python = pythonWithTorch();
  if (python === undefined) return { peer: "absent", reason: "no python3 on the PATH imports torch (install python3-torch, or set I3_BENCH_PYTHON)" };
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
