/**
 * Toolkit figures against a peer measured in the same benchmark run (issue 14's table): each
 * benchmark that runs a peer puts {@link PeerComparison}s under `peerComparisons` in its JSON, and
 * `npm run bench` collects them into `bench/out/ratios.json` with a printed table. A ratio is
 * always toolkit / peer in the direction where > 1 means the toolkit is faster.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

/** One figure of the toolkit beside the same work done by a peer, in one run. */
export interface PeerComparison {
  /** The work, e.g. "encode passages, small (4x256), 128 tokens". */
  readonly work: string;
  /** The toolkit's path that ran, e.g. "onnxruntime-node 1.21, 2 threads". */
  readonly ours: string;
  readonly oursValue: number;
  /** The peer, e.g. "PyTorch 1.13 CPU, 2 threads"; values absent when the peer could not run. */
  readonly peer: string;
  readonly peerValue: number | null;
  /** Unit of both values, e.g. "passages/s" or "s". */
  readonly unit: string;
  /** true for throughputs (higher is faster), false for times. */
  readonly higherIsFaster: boolean;
  /** toolkit speed / peer speed (> 1: the toolkit is faster); null without a peer value. */
  readonly speedRatio: number | null;
  /** The speed ratio the issue asks for (e.g. 2 for "at least 2x PyTorch"), when there is one. */
  readonly target?: number;
  /** speedRatio >= target; null without a peer value or target. */
  readonly targetMet: boolean | null;
}

/** A comparison with its speed ratio and target check computed (values as measured, unrounded). */
export function peerComparison(args: Omit<PeerComparison, "speedRatio" | "targetMet">): PeerComparison {
  const { oursValue, peerValue, higherIsFaster, target } = args;
  const speedRatio = peerValue === null || peerValue === 0 || oursValue === 0 ? null : higherIsFaster ? oursValue / peerValue : peerValue / oursValue;
  return { ...args, speedRatio, targetMet: speedRatio === null || target === undefined ? null : speedRatio >= target };
}

/** Every `peerComparisons` entry of the JSON files in `outDir` (top level, or in a list's rows), with the benchmark that wrote it. */
export function collectPeerComparisons(outDir: string): Array<PeerComparison & { bench: string }> {
  const rows: Array<PeerComparison & { bench: string }> = [];
  for (const file of readdirSync(outDir).filter((f) => f.endsWith(".json") && f !== "ratios.json").sort()) {
    // An object with `peerComparisons`, or a list of rows each of which may have them (training).
    const data = JSON.parse(readFileSync(join(outDir, file), "utf8")) as unknown;
    const holders = (Array.isArray(data) ? data : [data]) as Array<{ peerComparisons?: PeerComparison[] } | null>;
    for (const holder of holders) for (const c of holder?.peerComparisons ?? []) rows.push({ bench: file.slice(0, -".json".length), ...c });
  }
  return rows;
}

/** The comparisons as a Markdown table (ratio to two decimals; "peer absent" when it could not run). */
export function formatPeerComparisons(rows: ReadonlyArray<PeerComparison & { bench: string }>): string {
  const fmt = (v: number) => (Math.abs(v) >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toPrecision(3));
  const lines = ["| bench | work | toolkit | peer | speed ratio | target |", "|---|---|---|---|---:|---|"];
  for (const r of rows) {
    const peer = r.peerValue === null ? `${r.peer}: peer absent` : `${r.peer}: ${fmt(r.peerValue)} ${r.unit}`;
    const target = r.target === undefined ? "" : `>= ${r.target}x: ${r.targetMet === null ? "not measured" : r.targetMet ? "met" : "not met"}`;
    lines.push(`| ${r.bench} | ${r.work} | ${r.ours}: ${fmt(r.oursValue)} ${r.unit} | ${peer} | ${r.speedRatio === null ? "" : r.speedRatio.toFixed(2)} | ${target} |`);
  }
  return `${lines.join("\n")}\n`;
}
