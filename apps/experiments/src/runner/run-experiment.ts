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
 *   runs/<system>-<split>.trec      (out of domain: runs/<system>-<dataset>-<split>.trec)
 *   metrics.json       aggregates, CIs, per-query values per system, significance vs the baseline
 *   report.md, report.html
 * runs/.cache/<stage>/<hash>/   stage outputs shared by every run and sweep
 * ```
 */
import { readFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { copyFileAtomic, writeFileAtomic } from "@i3/core";
import { defaultDatasetsDir, findWorkspaceRoot, resolveDataset } from "@i3/data";
import { configHash, parseExperiment } from "../config/define.js";
import type { ExperimentConfig, ExperimentInput, SplitKey } from "../config/schema.js";
import { buildRunMetrics, outOfDomainKey, type ReplicateEvaluation, type RunMetrics } from "../report/run-metrics.js";
import { writeRunReport } from "../report/run-report.js";
import { StageCache } from "./cache.js";
import { collectEnvironment } from "./environment.js";
import type { SystemDefinition } from "../systems/system.js";
import { planExperiment, type Plan } from "./plan.js";
import { createRunDir, findResumableRun, readRunStatus, writeRunStatus, type RunStatus } from "./run-dir.js";
import { RunLog } from "./run-log.js";
import { stageHash, stageLabel, stageServices, type RunServices, type StageRef, type StageResult, type StageSpec } from "./stage.js";
import { requireOutOfDomainSplit, requireSplits, type DataOutput } from "./stages/data.js";
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
  /** System definitions that replace the registry's of the same kind (tests plug in fakes this way). */
  systems?: readonly SystemDefinition[];
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
  /** The stage's label, e.g. `i3/train` or `bm25/retrieve:test`. */
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
  const services = stageServices(datasetsDir, config.dataset, (name) => resolveDataset(name, { datasetsDir }));

  const results = new Map<StageSpec, StageResult>();
  const summaries: StageSummary[] = [];
  let backend = "none";
  try {
    const plan = planExperiment(config, options.systems);
    for (const spec of plan.stages) {
      const result = await executeStage(spec, services, cache, results, log, options.hooks, options.verify ?? false);
      results.set(spec, result);
      // A missing split fails right after the data stages (planned first), before any training.
      if (spec === plan.data) requireSplits(result.output as DataOutput, neededSplits(config, plan));
      const ood = plan.outOfDomain.findIndex((d) => d.data === spec);
      if (ood >= 0) requireOutOfDomainSplit(result.output as DataOutput, ood);
      summaries.push({ id: stageLabel(spec.ref), stage: spec.ref.stage, hash: result.hash, cached: result.cached, seconds: result.seconds });
    }
    const backends = [...plan.systems.values()].flatMap((s) => s.replicates.flatMap((r) => (r.trained ? [resultOf(results, r.trained).output.backend] : [])));
    if (backends.length > 0) backend = [...new Set(backends)].join(", ");
    const metrics = await finishRun(config, runId, dir, plan, results);
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

/** The split keys a plan reads: every evaluated split, and the train split when a system trains. */
function neededSplits(config: ExperimentConfig, plan: Plan): SplitKey[] {
  const trains = [...plan.systems.values()].some((s) => s.replicates.some((r) => r.trained !== undefined));
  return [...config.evaluation.splits, ...(trains ? (["train"] as const) : [])];
}

/** The result of a stage that ran earlier in this plan. */
function resultOf<O>(results: ReadonlyMap<StageSpec, StageResult>, spec: StageSpec<O>): StageResult<O> {
  const result = results.get(spec as StageSpec);
  if (!result) throw new Error(`stage ${stageLabel(spec.ref)} has not run (plan order bug)`);
  return result as StageResult<O>;
}

async function executeStage(
  spec: StageSpec,
  servicesOf: (ref: StageRef) => RunServices,
  cache: StageCache,
  results: ReadonlyMap<StageSpec, StageResult>,
  log: RunLog,
  hooks: RunHooks | undefined,
  verify: boolean,
): Promise<StageResult> {
  const id = stageLabel(spec.ref);
  const stage = spec.ref.stage;
  const services = servicesOf(spec.ref);
  const inputs = Object.fromEntries(Object.entries(spec.needs).map(([role, upstream]) => [role, resultOf(results, upstream as StageSpec)]));
  const key = await spec.key(services);
  const upstream = Object.fromEntries(Object.entries(inputs).map(([role, r]) => [role, r.hash]));
  const hash = stageHash(spec, key, upstream);
  const short = hash.slice(0, 12);
  const existing = await cache.read(stage, hash, {
    verify,
    warn: (w) => log.event("stage-cache-warning", { stage: id, hash, kind: w.kind, action: w.action, problem: w.problem }, `${id}: ${w.message}`),
  });
  if (existing) {
    log.event("stage-cached", { stage: id, hash }, `${id}: cached (${stage}/${short})`);
    return { ref: spec.ref, hash, dir: cache.folder(stage, hash), output: existing.output, cached: true, seconds: 0 };
  }
  log.event("stage-start", { stage: id, hash }, `${id}: running (${stage}/${short})`);
  const started = performance.now();
  let executed = false;
  try {
    const manifest = await cache.commit(stage, hash, async (tempDir, workDir) => {
      executed = true;
      await hooks?.beforeStage?.(id);
      const output = await spec.run({
        dir: tempDir,
        workDir,
        inputs,
        services,
        log: (message) => log.event("stage-log", { stage: id, message }, `${id}: ${message}`),
      });
      await hooks?.beforeCommit?.(id, tempDir);
      return { stage, id, hash, key, upstream, output, seconds: (performance.now() - started) / 1000 };
    });
    const seconds = (performance.now() - started) / 1000;
    log.event("stage-done", { stage: id, hash, seconds, executed }, `${id}: done in ${seconds.toFixed(1)}s`);
    return { ref: spec.ref, hash, dir: cache.folder(stage, hash), output: manifest.output, cached: !executed, seconds };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    log.event("stage-failed", { stage: id, hash, error: message });
    throw new Error(`stage ${id} failed: ${message}`, { cause: error });
  }
}

/** A dataset registry name as a file-name part: `beir/cranfield` -> `beir-cranfield` (characters other than letters, digits, `.`, `_` and `-` become `-`). */
export function datasetSlug(dataset: string): string {
  return dataset.replace(/[^A-Za-z0-9._-]+/g, "-").replace(/^-+|-+$/g, "");
}

/**
 * Copies each system's evaluated run files (`runs/<system>-<split>.trec`; out of domain:
 * `runs/<system>-<dataset slug>-<split>.trec`) and training logs into the run folder (one per seed,
 * `-seed<s>` in the name, when the config has several), builds and writes metrics.json.
 */
async function finishRun(config: ExperimentConfig, runId: string, dir: string, plan: Plan, results: ReadonlyMap<StageSpec, StageResult>): Promise<RunMetrics> {
  const evaluations = new Map<string, Map<string, ReplicateEvaluation[]>>();
  const trainingLogs: Record<string, string> = {};
  for (const [system, planned] of plan.systems) {
    const files = new Map<string, ReplicateEvaluation[]>();
    const several = planned.replicates.length > 1;
    for (const replicate of planned.replicates) {
      const suffix = several ? `-seed${replicate.seed}` : "";
      for (const [key, evaluation] of replicate.evaluations) {
        const run = resultOf(results, replicate.runs.get(key)!);
        await copyFileAtomic(join(run.dir, run.output.run), join(dir, "runs", `${system}-${config.splits[key]}${suffix}.trec`));
        const result = resultOf(results, evaluation);
        const file = JSON.parse(await readFile(join(result.dir, result.output.evaluation), "utf8")) as EvaluationFile;
        files.set(key, [...(files.get(key) ?? []), { seed: replicate.seed, file }]);
      }
      const trained = replicate.trained ? resultOf(results, replicate.trained) : undefined;
      if (trained?.output.trainingLog) {
        const target = `training-log-${system}${suffix}.jsonl`;
        await copyFileAtomic(join(trained.dir, trained.output.trainingLog), join(dir, target));
        if (trainingLogs[system] === undefined) trainingLogs[system] = target;
      }
    }
    for (const replicate of planned.replicates) {
      const suffix = several ? `-seed${replicate.seed}` : "";
      for (const [dataset, { run: runStage, evaluation }] of replicate.outOfDomain) {
        const run = resultOf(results, runStage);
        const result = resultOf(results, evaluation);
        const file = JSON.parse(await readFile(join(result.dir, result.output.evaluation), "utf8")) as EvaluationFile;
        await copyFileAtomic(join(run.dir, run.output.run), join(dir, "runs", `${system}-${datasetSlug(dataset)}-${file.split}${suffix}.trec`));
        const key = outOfDomainKey(dataset, file.split);
        files.set(key, [...(files.get(key) ?? []), { seed: replicate.seed, file }]);
      }
    }
    evaluations.set(system, files);
  }
  const metrics = buildRunMetrics(config, runId, evaluations, trainingLogs);
  await writeFileAtomic(join(dir, "metrics.json"), `${JSON.stringify(metrics)}\n`);
  return metrics;
}
