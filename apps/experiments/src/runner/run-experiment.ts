/**
 * `runExperiment(config, options)`: executes an experiment's stage plan with the stage cache and
 * writes its run folder:
 *
 * ```
 * runs/<experiment>/<run-id>/
 *   config.json        resolved config (defaults filled)
 *   environment.json   node, packages, git commit, OS/CPU, tfjs backend (`none` without neural stages)
 *   log.jsonl          stage events with hashes and timings
 *   run.json           status (running | failed | complete), for --resume
 *   runs/<system>-<split>.trec
 *   metrics.json       aggregates, CIs, per-query values per system, significance vs the baseline
 *   report.md, report.html
 * runs/.cache/<stage>/<hash>/   stage outputs shared by every run and sweep
 * ```
 */
import { copyFile, mkdir, readFile, rename, rm } from "node:fs/promises";
import { join, resolve } from "node:path";
import { randomBytes } from "node:crypto";
import { defaultDatasetsDir, findWorkspaceRoot, resolveDataset, writeFileAtomic, type Collection } from "@i3/data";
import { configHash, parseExperiment } from "../config/define.js";
import type { ExperimentConfig, ExperimentInput } from "../config/schema.js";
import { stableHash } from "../config/canonical.js";
import { buildRunMetrics, type RunMetrics } from "../report/run-metrics.js";
import { writeRunReport } from "../report/run-report.js";
import { StageCache } from "./cache.js";
import { collectEnvironment } from "./environment.js";
import { loadNeuralStages, type NeuralStages, type TrainOutputs } from "./neural.js";
import { planStages } from "./plan.js";
import { createRunDir, findResumableRun, readRunStatus, writeRunStatus, type RunStatus } from "./run-dir.js";
import { RunLog } from "./run-log.js";
import type { RunServices, StageResult, StageSpec } from "./stage.js";
import type { RunFileOutput } from "./stages/bm25.js";
import type { SplitKey } from "./stages/data.js";
import type { EvaluationFile } from "./stages/evaluate.js";

/** Test and tooling hooks (e.g. simulating a crash). */
export interface RunHooks {
  /** Called before a stage executes (not when cached). Throwing aborts the run. */
  beforeStage?(id: string): void | Promise<void>;
  /** Called after a stage wrote its outputs, before they are committed to the cache. */
  beforeCommit?(id: string, tempDir: string): void | Promise<void>;
}

/** Options of {@link runExperiment}. */
export interface RunOptions {
  /** Root of run folders (default: `<workspace>/runs`). */
  runsDir?: string;
  /** Stage cache (default: `<runsDir>/.cache`). */
  cacheDir?: string;
  /** Datasets folder (default: the workspace's `datasets/` or `$I3_DATASETS_DIR`). */
  datasetsDir?: string;
  /**
   * `true`: continue the latest unfinished run of this config (a new run when there is none);
   * a path: continue that run folder (its config must be the same).
   */
  resume?: boolean | string;
  /** Neural stage implementation (default: `@i3/train`'s `experimentStages`). */
  neural?: NeuralStages;
  /** No stderr lines (log.jsonl is still written). */
  quiet?: boolean;
  hooks?: RunHooks;
  /** A shared cache object (sweeps share one so concurrent runs execute a stage once). */
  cache?: StageCache;
  /** Hash every file of each reused cache entry (`--verify`); default: sizes, and hashes of files modified since their entry was written. */
  verify?: boolean;
}

/** One stage as it went in this run. */
export interface StageSummary {
  readonly id: string;
  readonly stage: string;
  readonly hash: string;
  readonly cached: boolean;
  readonly seconds: number;
}

/** Result of {@link runExperiment}. */
export interface RunResult {
  readonly config: ExperimentConfig;
  readonly configHash: string;
  readonly runId: string;
  readonly runDir: string;
  readonly stages: StageSummary[];
  readonly metrics: RunMetrics;
}

/** The default runs folder: `<workspace>/runs`, or `./runs` outside a workspace. */
export function defaultRunsDir(cwd = process.cwd()): string {
  return join(findWorkspaceRoot(cwd) ?? cwd, "runs");
}

/** Runs (or resumes) an experiment; throws with the failing stage named, after recording it in run.json. */
export async function runExperiment(input: ExperimentConfig | ExperimentInput, options: RunOptions = {}): Promise<RunResult> {
  const config = parseExperiment(input);
  const hash = configHash(config);
  const runsDir = resolve(options.runsDir ?? defaultRunsDir());
  const cache = options.cache ?? new StageCache(resolve(options.cacheDir ?? join(runsDir, ".cache")));
  const datasetsDir = resolve(options.datasetsDir ?? defaultDatasetsDir());
  const experimentDir = join(runsDir, config.name);

  const { runId, dir } = await openRunDir(experimentDir, hash, options.resume);
  const log = new RunLog(join(dir, "log.jsonl"), config.name, options.quiet);
  const previous = await readRunStatus(dir);
  const status: RunStatus = {
    experiment: config.name,
    runId,
    configHash: hash,
    status: "running",
    startedAt: previous?.startedAt ?? new Date().toISOString(),
    updatedAt: new Date().toISOString(),
  };
  await writeRunStatus(dir, status);
  await writeFileAtomic(join(dir, "config.json"), `${JSON.stringify(config, null, 2)}\n`);
  log.event(previous ? "resume" : "start", { runId, configHash: hash, runDir: dir }, `${previous ? "resuming" : "run"} ${dir}`);

  const root = findWorkspaceRoot() ?? process.cwd();
  let collection: Promise<Collection> | undefined;
  let neural: Promise<NeuralStages> | undefined;
  const services: RunServices = {
    datasetsDir,
    collection: () => (collection ??= resolveDataset(config.dataset, { datasetsDir })),
    neural: () => (neural ??= options.neural ? Promise.resolve(options.neural) : loadNeuralStages()),
  };

  const results = new Map<string, StageResult>();
  const summaries: StageSummary[] = [];
  let backend = "none";
  try {
    for (const spec of planStages(config)) {
      const result = await executeStage(spec, config, services, cache, results, log, options.hooks, options.verify ?? false);
      results.set(spec.id, result);
      summaries.push({ id: result.id, stage: result.stage, hash: result.hash, cached: result.cached, seconds: result.seconds });
      const trained = result.stage === "train" ? (result.output as TrainOutputs).backend : undefined;
      if (trained) backend = trained;
    }
    const metrics = await finishRun(config, runId, dir, results);
    await writeRunReport(dir, metrics);
    await writeFileAtomic(join(dir, "environment.json"), `${JSON.stringify(await collectEnvironment(root, backend), null, 2)}\n`);
    await writeRunStatus(dir, { ...status, status: "complete", updatedAt: new Date().toISOString() });
    log.event("complete", {}, `done: ${join(dir, "report.html")}`);
    return { config, configHash: hash, runId, runDir: dir, stages: summaries, metrics };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    await writeFileAtomic(join(dir, "environment.json"), `${JSON.stringify(await collectEnvironment(root, backend), null, 2)}\n`);
    await writeRunStatus(dir, { ...status, status: "failed", error: message, updatedAt: new Date().toISOString() });
    log.event("failed", { error: message }, `failed: ${message} (continue with --resume ${dir})`);
    throw error;
  }
}

async function openRunDir(experimentDir: string, hash: string, resume: RunOptions["resume"]): Promise<{ runId: string; dir: string }> {
  if (typeof resume === "string") {
    const dir = resolve(resume);
    const status = await readRunStatus(dir);
    if (!status) throw new Error(`--resume ${dir}: no run.json there; not a run folder`);
    if (status.configHash !== hash) {
      throw new Error(`--resume ${dir}: the config changed since that run started (hash ${status.configHash.slice(0, 8)}, now ${hash.slice(0, 8)}); start a new run instead`);
    }
    return { runId: status.runId, dir };
  }
  if (resume) {
    const found = await findResumableRun(experimentDir, hash);
    if (found) return found;
  }
  return createRunDir(experimentDir, hash);
}

async function executeStage(
  spec: StageSpec,
  config: ExperimentConfig,
  services: RunServices,
  cache: StageCache,
  results: ReadonlyMap<string, StageResult>,
  log: RunLog,
  hooks: RunHooks | undefined,
  verify: boolean,
): Promise<StageResult> {
  const inputs: Record<string, StageResult> = {};
  for (const [role, id] of Object.entries(spec.needs)) {
    const upstream = results.get(id);
    if (!upstream) throw new Error(`stage ${spec.id}: upstream stage ${id} has not run (plan order bug)`);
    inputs[role] = upstream;
  }
  const key = await spec.key(config, services);
  const upstream = Object.fromEntries(Object.entries(inputs).map(([role, r]) => [role, r.hash]));
  const hash = stableHash({ stage: spec.stage, version: spec.version, key, upstream });
  const short = hash.slice(0, 12);
  const existing = await cache.read(spec.stage, hash, {
    verify,
    warn: (w) => log.event("stage-cache-warning", { stage: spec.id, hash, kind: w.kind, action: w.action, problem: w.problem }, `${spec.id}: ${w.message}`),
  });
  if (existing) {
    log.event("stage-cached", { stage: spec.id, hash }, `${spec.id}: cached (${spec.stage}/${short})`);
    return { id: spec.id, stage: spec.stage, hash, dir: cache.folder(spec.stage, hash), output: existing.output, cached: true, seconds: 0 };
  }
  log.event("stage-start", { stage: spec.id, hash }, `${spec.id}: running (${spec.stage}/${short})`);
  const started = performance.now();
  let executed = false;
  try {
    const manifest = await cache.commit(spec.stage, hash, async (tempDir) => {
      executed = true;
      await hooks?.beforeStage?.(spec.id);
      const output = await spec.run({
        dir: tempDir,
        config,
        inputs,
        services,
        log: (message) => log.event("stage-log", { stage: spec.id, message }, `${spec.id}: ${message}`),
      });
      await hooks?.beforeCommit?.(spec.id, tempDir);
      return { stage: spec.stage, id: spec.id, hash, key, upstream, output, seconds: (performance.now() - started) / 1000 };
    });
    const seconds = (performance.now() - started) / 1000;
    log.event("stage-done", { stage: spec.id, hash, seconds, executed }, `${spec.id}: done in ${seconds.toFixed(1)}s`);
    return { id: spec.id, stage: spec.stage, hash, dir: cache.folder(spec.stage, hash), output: manifest.output, cached: !executed, seconds };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    log.event("stage-failed", { stage: spec.id, hash, error: message });
    throw new Error(`stage ${spec.id} failed: ${message}`, { cause: error });
  }
}

/** Copies run files and training logs into the run folder, builds and writes metrics.json. */
async function finishRun(config: ExperimentConfig, runId: string, dir: string, results: ReadonlyMap<string, StageResult>): Promise<RunMetrics> {
  const evaluations = new Map<string, Map<string, EvaluationFile>>();
  for (const result of results.values()) {
    const parts = result.id.split(":");
    const kind = parts[0];
    // bm25:<key> and retrieve:<system>:<key> hold run files; only evaluated splits are copied.
    const runOf = kind === "bm25" ? { system: "bm25", key: parts[1]! } : kind === "retrieve" ? { system: parts[1]!, key: parts[2]! } : undefined;
    if (runOf && (config.evaluation.splits as string[]).includes(runOf.key)) {
      const target = join(dir, "runs", `${runOf.system}-${config.splits[runOf.key as SplitKey]}.trec`);
      await copyAtomically(join(result.dir, (result.output as RunFileOutput).run), target);
    }
    if (kind === "evaluate") {
      const [, system, key] = parts as [string, string, string];
      const file = JSON.parse(await readFile(join(result.dir, "evaluation.json"), "utf8")) as EvaluationFile;
      if (!evaluations.has(system)) evaluations.set(system, new Map());
      evaluations.get(system)!.set(key, file);
    }
  }
  const trainingLogs: Record<string, string> = {};
  for (const result of results.values()) {
    const out = result.output as TrainOutputs;
    if (result.stage !== "train" || !out.trainingLog) continue;
    const system = result.id.split(":")[1]!;
    const target = `training-log-${system}.jsonl`;
    await copyAtomically(join(result.dir, out.trainingLog), join(dir, target));
    trainingLogs[system] = target;
  }
  const metrics = buildRunMetrics(config, runId, evaluations, trainingLogs);
  await writeFileAtomic(join(dir, "metrics.json"), `${JSON.stringify(metrics)}\n`);
  return metrics;
}

/** Copies a file through a temp name and a rename. */
async function copyAtomically(from: string, to: string): Promise<void> {
  await mkdir(join(to, ".."), { recursive: true });
  const temp = `${to}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`;
  try {
    await copyFile(from, temp);
    await rename(temp, to);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
}
