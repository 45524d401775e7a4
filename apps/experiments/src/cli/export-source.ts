/**
 * What `i3 export` reads: a checkpoint folder as it is, or a run folder's trained checkpoint.
 * A run folder (it has `run.json`) names its stages in `log.jsonl`; a system's `<key>/train`
 * stage (`<key>@<seed>/train` with seeds) committed `<cache>/train/<hash>/checkpoint/`, the cache
 * being `<runs-dir>/.cache` (the run folder's grandparent's) unless `--cache-dir` says otherwise.
 * Which kind of model a checkpoint holds comes from its config.json `architectures`.
 */
import { readFile, stat } from "node:fs/promises";
import { basename, dirname, join, resolve } from "node:path";

/** The model kinds a checkpoint can hold. */
export type CheckpointKind = "dual-encoder" | "cross-encoder" | "i3" | "mice";

/** A checkpoint to export. */
export interface ExportSource {
  /** The checkpoint folder. */
  readonly checkpoint: string;
  /** The system key (with `@seed` when replicated) for a run folder; undefined for a checkpoint. */
  readonly system: string | undefined;
  /** The run folder it came from, if any. */
  readonly runDir: string | undefined;
}

async function kindOf(path: string): Promise<"file" | "dir" | undefined> {
  const info = await stat(path).catch(() => undefined);
  if (info === undefined) return undefined;
  return info.isDirectory() ? "dir" : "file";
}

/** `<key>/train` stage label -> its hash, from the stage-done / stage-cached lines of a run's log. */
async function trainedSystems(runDir: string): Promise<Map<string, string>> {
  const logPath = join(runDir, "log.jsonl");
  const text = await readFile(logPath, "utf8").catch(() => {
    throw new Error(`--onnx ${runDir}: run folder without a readable log.jsonl (${logPath})`);
  });
  const systems = new Map<string, string>();
  for (const line of text.split("\n")) {
    if (line.trim() === "") continue;
    let event: { event?: unknown; stage?: unknown; hash?: unknown };
    try {
      event = JSON.parse(line) as typeof event;
    } catch {
      continue; // a line cut by a killed run
    }
    if (event.event !== "stage-done" && event.event !== "stage-cached") continue;
    const match = typeof event.stage === "string" ? /^(.+)\/train$/.exec(event.stage) : null;
    if (match !== null && typeof event.hash === "string") systems.set(match[1]!, event.hash);
  }
  return systems;
}

/**
 * The checkpoint `path` names (see the module comment); `system` picks among a run's trained
 * systems (required when there are several). Errors name the option and the path.
 */
export async function resolveExportSource(path: string, opts: { system?: string; cacheDir?: string } = {}): Promise<ExportSource> {
  const kind = await kindOf(path);
  if (kind === undefined) throw new Error(`--onnx ${path}: no such file or folder (expected a run folder or a checkpoint folder)`);
  if (kind === "file") throw new Error(`--onnx ${path}: is a file, expected a run folder or a checkpoint folder`);
  if ((await kindOf(join(path, "run.json"))) !== "file") {
    if ((await kindOf(join(path, "config.json"))) !== "file") {
      throw new Error(`--onnx ${path}: neither a run folder (no run.json) nor a checkpoint folder (no config.json)`);
    }
    if (opts.system !== undefined) throw new Error(`--system ${opts.system}: only for a run folder, and ${path} is a checkpoint folder`);
    return { checkpoint: path, system: undefined, runDir: undefined };
  }
  const systems = await trainedSystems(path);
  const keys = [...systems.keys()];
  if (keys.length === 0) throw new Error(`--onnx ${path}: the run has no finished train stage (nothing to export)`);
  let system = opts.system;
  if (system === undefined) {
    if (keys.length > 1) throw new Error(`--onnx ${path}: the run trained several systems (${keys.join(", ")}); choose one with --system`);
    system = keys[0]!;
  }
  const hash = systems.get(system);
  if (hash === undefined) throw new Error(`--system ${system}: not a trained system of ${path} (trained: ${keys.join(", ")})`);
  const cacheDir = opts.cacheDir ?? join(dirname(dirname(resolve(path))), ".cache");
  const checkpoint = join(cacheDir, "train", hash, "checkpoint");
  if ((await kindOf(join(checkpoint, "config.json"))) !== "file") {
    throw new Error(`--onnx ${path}: ${system}'s checkpoint ${checkpoint} is missing (stage cache moved or cleaned? point --cache-dir at it)`);
  }
  return { checkpoint, system, runDir: path };
}

/** The model kind of a checkpoint folder, from config.json `architectures` (I3Retriever, BertForSequenceClassification, MiceCrossEncoder, else a dual-encoder). */
export async function checkpointKind(dir: string): Promise<CheckpointKind> {
  const configPath = join(dir, "config.json");
  let config: { architectures?: unknown };
  try {
    config = JSON.parse(await readFile(configPath, "utf8")) as typeof config;
  } catch (err) {
    throw new Error(`${configPath}: ${err instanceof Error ? err.message : String(err)}`);
  }
  const architectures = Array.isArray(config.architectures) ? config.architectures : [];
  if (architectures.includes("I3Retriever")) return "i3";
  if (architectures.includes("BertForSequenceClassification")) return "cross-encoder";
  if (architectures.includes("MiceCrossEncoder")) return "mice";
  return "dual-encoder";
}

/** Where the export goes without `--out`: `<run>/onnx-<system>` for a run, `<checkpoint>-onnx` beside a checkpoint folder. */
export function defaultExportDir(source: ExportSource): string {
  if (source.runDir !== undefined) return join(source.runDir, `onnx-${source.system!.replace(/[^A-Za-z0-9._=,+-]/g, "_")}`);
  const dir = resolve(source.checkpoint);
  return join(dirname(dir), `${basename(dir)}-onnx`);
}
