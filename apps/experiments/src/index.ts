/**
 * @i3/experiments: typed experiment configs, the cached stage runner, ablation sweeps and
 * reports. See docs/runner.md. The training and retrieval recipes are `@i3/retrievers`'.
 *
 * ```ts
 * import { defineExperiment, defineSweep, runExperiment, runSweep } from "@i3/experiments";
 * const base = defineExperiment({ name: "bm25-default", systems: ["bm25"] });
 * const result = await runExperiment(base);            // runs/bm25-default/<run-id>/
 * await runSweep(defineSweep(base, { grid: { "firstStage.k1": [0.6, 1.2] } }));
 * ```
 */
export {
  DEFAULT_MEASURES,
  SYSTEM_KINDS,
  experimentSchema,
  type ExperimentConfig,
  type ExperimentInput,
  type SystemKind,
} from "./config/schema.js";
export { defineExperiment, parseExperiment, configHash } from "./config/define.js";
export { ConfigError, formatZodError } from "./config/errors.js";
export { canonicalJson, stableHash } from "./config/canonical.js";
export { setPath, mergePatch } from "./config/patch.js";
export { loadConfigFile, loadExperimentFile, loadSweepFile, type LoadedConfig } from "./config/load.js";

export { runExperiment, defaultRunsDir, type RunOptions, type RunHooks, type RunResult, type StageSummary } from "./runner/run-experiment.js";
export { planStages } from "./runner/plan.js";
export { StageCache, MANIFEST, type StageManifest } from "./runner/cache.js";
export { NotAvailableError, type StageSpec, type StageContext, type StageResult, type RunServices } from "./runner/stage.js";
export {
  loadNeuralStages,
  type NeuralStages,
  type TrainInputs,
  type TrainOutputs,
  type IndexInputs,
  type IndexOutputs,
  type RetrieveInputs,
} from "./runner/neural.js";
export { collectEnvironment, type RunEnvironment } from "./runner/environment.js";
export { parseLog, type LogRecord } from "./runner/run-log.js";
export { readRunStatus, type RunStatus } from "./runner/run-dir.js";

export { defineSweep, expandSweep, isSweepDefinition, type SweepDefinition, type SweepSpec, type SweepVariant, type SweepRunSpec } from "./sweep/define.js";
export { runSweep, mapWithConcurrency, type SweepOptions, type SweepResult } from "./sweep/run-sweep.js";

export { buildRunMetrics, type RunMetrics, type SplitMetrics, type SystemMetrics } from "./report/run-metrics.js";
export { writeRunReport, readRunMetrics } from "./report/run-report.js";
export { buildSweepMetrics, type SweepMetrics, type SweepRow, type SweepRunOutcome } from "./report/sweep-metrics.js";
export { writeSweepReport, sweepTable } from "./report/sweep-report.js";
export { compareWithBaseline, markersOf, MARKERS, type Comparison } from "./report/significance.js";
export { meanConfidenceInterval, studentTQuantile, type MeanInterval } from "./report/stats.js";
export { barChartSvg, lossChartSvg, renderVegaLiteSvg } from "./report/charts.js";
export { experimentStages, dualEncoderSettingsFromConfig, i3SettingsFromConfig } from "./systems/neuralStages.js";
