/**
 * @i3/experiments: typed experiment configs, the cached stage runner, ablation sweeps and
 * reports. See docs/runner.md.
 *
 * ```ts
 * import { defineExperiment, defineSweep, runExperiment, runSweep } from "@i3/experiments";
 * const base = defineExperiment({ name: "bm25-default", systems: { bm25: { kind: "bm25" } } });
 * const result = await runExperiment(base);            // runs/bm25-default/<run-id>/
 * await runSweep(defineSweep(base, { grid: { "systems.bm25.k1": [0.6, 1.2] } }));
 * ```
 */
export { DEFAULT_MEASURES, SPLIT_KEYS, type SplitKey, type RunSettings } from "./config/run-settings.js";
export { experimentSchema, type ExperimentConfig, type ExperimentInput } from "./config/schema.js";
export { SYSTEMS, SYSTEM_KINDS, systemDefinition, systemSettingsSchema, type SystemKind, type SystemSettings, type SystemSettingsInput } from "./systems/registry.js";
export {
  defineSystem,
  type SystemDefinition,
  type SystemRole,
  type SystemReference,
  type SystemStages,
  type PlanContext,
  type EvaluationTarget,
  type DenseIndexOutput,
} from "./systems/system.js";
export { defineExperiment, parseExperiment, configHash } from "./config/define.js";
export { ConfigError, formatZodError } from "./config/errors.js";
export { setPath, mergePatch } from "./config/patch.js";
export { loadConfigFile, loadExperimentFile, loadSweepFile, type LoadedConfig } from "./config/load.js";

export { runExperiment, defaultRunsDir, type RunOptions, type RunHooks, type RunResult, type StageSummary } from "./runner/run-experiment.js";
export { planExperiment, runSettingsOf, outOfDomainRunSettings, type Plan, type PlannedSystem, type PlannedDataset } from "./runner/plan.js";
export { StageCache, MANIFEST, hostTag, type StageManifest, type StageRecord, type CachedFile, type CacheReadOptions, type CacheWarning } from "./runner/cache.js";
export {
  defineStage,
  stageLabel,
  type StageSpec,
  type StageRef,
  type StageContext,
  type StageResult,
  type StageNeeds,
  type StageInputs,
  type RunServices,
  type RunFileOutput,
  type TrainedModelOutput,
} from "./runner/stage.js";
export { collectEnvironment, type RunEnvironment } from "./runner/environment.js";
export { parseLog, type LogRecord } from "./runner/run-log.js";
export { readRunStatus, type RunStatus } from "./runner/run-dir.js";

export { defineSweep, expandSweep, isSweepDefinition, type SweepDefinition, type SweepSpec, type SweepVariant, type SweepRunSpec } from "./sweep/define.js";
export { runSweep, mapWithConcurrency, type SweepOptions, type SweepResult } from "./sweep/run-sweep.js";

export { buildRunMetrics, outOfDomainKey, type RunMetrics, type SplitMetrics, type SystemMetrics } from "./report/run-metrics.js";
export { writeRunReport, readRunMetrics } from "./report/run-report.js";
export { compareSystemPairs, formatComparisons, latestRunMetrics, PAIR_TEST_DEFAULTS, systemPerQuery, type SystemPair } from "./report/run-pairs.js";
export { buildSweepMetrics, sweepSplits, type SweepMetrics, type SweepRow, type SweepRunOutcome, type SweepSplitResults } from "./report/sweep-metrics.js";
export { writeSweepReport, sweepTable } from "./report/sweep-report.js";
export { baselineMarkers, comparePairs, compareWithBaseline, markersOf, type ComparedPair, type Comparison } from "./report/significance.js";
export { barChartSvg, lossChartSvg, renderVegaLiteSvg } from "./report/charts.js";
