/**
 * The optional PyTorch CPU peer of the training benchmark (`peers/torch_training_step.py`): runs
 * it with the interpreter {@link pythonWith} finds (also the encoding peer's), never in CI, and
 * returns its step times or why it is absent.
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

/**
 * The interpreter of the PyTorch peers: `I3_BENCH_PYTHON`, else the first `python3` on the PATH,
 * then Debian's `/usr/bin/python3`, that imports every one of `modules` (a pyenv shim earlier on
 * the PATH may lack torch); or why none does.
 */
export function pythonWith(modules: readonly string[]): { python: string } | { absent: string } {
  const chosen = process.env["I3_BENCH_PYTHON"];
  const onPath = (process.env["PATH"] ?? "").split(delimiter).filter((dir) => dir !== "").map((dir) => join(dir, "python3"));
  const candidates = chosen !== undefined ? [chosen] : [...onPath, "/usr/bin/python3"];
  const seen = new Set<string>();
  const reasons: string[] = [];
  for (const candidate of candidates) {
    if (chosen === undefined && !existsSync(candidate)) continue;
    const real = existsSync(candidate) ? realpathSync(candidate) : candidate;
    if (seen.has(real)) continue;
    seen.add(real);
    const r = spawnSync(candidate, ["-c", `import ${modules.join(", ")}`], { encoding: "utf8", stdio: ["ignore", "ignore", "pipe"] });
    if (r.status === 0) return { python: candidate };
    reasons.push(`${candidate}: ${r.error?.message ?? r.stderr.trim().split("\n").at(-1) ?? `exit ${r.status}`}`);
  }
  return { absent: reasons.length > 0 ? reasons.join("; ") : `no python3 imports ${modules.join(", ")} (install python3-torch, or set I3_BENCH_PYTHON)` };
}

/** Runs the PyTorch peer for `config` at `threads` (e.g. [2, 1]) with `steps` timed steps each. */
export function runPytorchPeer(config: string, threads: number[], steps: number): PeerResult {
  if (process.env["CI"] !== undefined) return { peer: "absent", reason: "not run in CI" };
  const found = pythonWith(["torch"]);
  if ("absent" in found) return { peer: "absent", reason: found.absent };
  const { python } = found;
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
