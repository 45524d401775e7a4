/** `environment.json`: what a run ran on (node, packages, git commit, OS/CPU, tfjs backend). */
import { execFile } from "node:child_process";
import { readFile } from "node:fs/promises";
import { arch, cpus, platform, release, totalmem } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);

/** What environment.json holds. */
export interface RunEnvironment {
  node: string;
  os: { platform: string; release: string; arch: string };
  cpu: { model: string; cores: number };
  memoryGiB: number;
  git: { commit: string; dirty: boolean } | "unavailable";
  packages: Record<string, string>;
  /** The TensorFlow.js backend of the neural stages that ran, or `none`. */
  tfjsBackend: string;
}

/** Third-party packages whose versions matter for reproducing numbers. */
const TRACKED = ["@tensorflow/tfjs", "@tensorflow/tfjs-core", "@tensorflow/tfjs-backend-wasm", "@tensorflow/tfjs-node", "onnxruntime-node", "zod", "arquero", "vega", "vega-lite"];

async function version(packageJson: string): Promise<string | undefined> {
  try {
    return (JSON.parse(await readFile(packageJson, "utf8")) as { version?: string }).version;
  } catch {
    return undefined;
  }
}

async function gitState(cwd: string): Promise<RunEnvironment["git"]> {
  try {
    const { stdout: commit } = await run("git", ["rev-parse", "HEAD"], { cwd, timeout: 10_000 });
    const { stdout: status } = await run("git", ["status", "--porcelain", "--untracked-files=no"], { cwd, timeout: 10_000 });
    return { commit: commit.trim(), dirty: status.trim() !== "" };
  } catch {
    return "unavailable";
  }
}

/** Collects the environment; `root` is the workspace root (for package versions and git). */
export async function collectEnvironment(root: string, tfjsBackend = "none"): Promise<RunEnvironment> {
  const packages: Record<string, string> = {};
  for (const name of ["data", "metrics", "search", "encoders", "losses", "train", "pseudoquery", "distill"]) {
    const v = await version(join(root, "packages", name, "package.json"));
    if (v) packages[`@i3/${name}`] = v;
  }
  const app = await version(join(root, "apps", "experiments", "package.json"));
  if (app) packages["@i3/experiments"] = app;
  for (const name of TRACKED) {
    const v = await version(join(root, "node_modules", name, "package.json"));
    if (v) packages[name] = v;
  }
  const cpuList = cpus();
  return {
    node: process.version,
    os: { platform: platform(), release: release(), arch: arch() },
    cpu: { model: cpuList[0]?.model ?? "unknown", cores: cpuList.length },
    memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    git: await gitState(root),
    packages,
    tfjsBackend,
  };
}
