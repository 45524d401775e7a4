/**
 * `planRunStatus(config, options)`: what `i3 run` would do, without doing it (`i3 run --dry-run`,
 * like `make -n`): every stage of the plan with its cache hash and whether the stage cache
 * already holds it. Hashes are computed exactly as the runner computes them (a stage's key and
 * its upstream stages' hashes), so a stage listed as cached is reused by the real run. Nothing
 * is written: no run folder, no cache entry.
 */
import { join, resolve } from "node:path";
import { defaultDatasetsDir, resolveDataset } from "@i3/data";
import { parseExperiment } from "../config/define.js";
import type { ExperimentConfig, ExperimentInput } from "../config/schema.js";
import type { SystemDefinition } from "../systems/system.js";
import { StageCache } from "./cache.js";
import { planExperiment } from "./plan.js";
import { defaultRunsDir } from "./run-experiment.js";
import { stageHash, stageLabel, stageServices, type StageSpec } from "./stage.js";

/** One planned stage and whether the cache holds it. */
export interface PlannedStage {
  /** The stage's label, e.g. `i3@2/train` or `bm25/retrieve:test`. */
  readonly id: string;
  readonly stage: string;
  readonly hash: string;
  /** True when `<cacheDir>/<stage>/<hash>/` holds a committed, readable entry. */
  readonly cached: boolean;
}

/** Options of {@link planRunStatus}: the folders `runExperiment` would use. */
export interface DryRunOptions {
  runsDir?: string;
  cacheDir?: string;
  datasetsDir?: string;
  systems?: readonly SystemDefinition[];
}

/** Every stage of `input`'s plan, in execution order, with its hash and cache status. */
export async function planRunStatus(input: ExperimentConfig | ExperimentInput, options: DryRunOptions = {}): Promise<PlannedStage[]> {
  const config = parseExperiment(input);
  const runsDir = resolve(options.runsDir ?? defaultRunsDir());
  const cache = new StageCache(resolve(options.cacheDir ?? join(runsDir, ".cache")));
  const datasetsDir = resolve(options.datasetsDir ?? defaultDatasetsDir());
  const services = stageServices(datasetsDir, config.dataset, (name) => resolveDataset(name, { datasetsDir }));
  const hashes = new Map<StageSpec, string>();
  const planned: PlannedStage[] = [];
  for (const spec of planExperiment(config, options.systems).stages) {
    const upstream = Object.fromEntries(Object.entries(spec.needs).map(([role, up]) => [role, hashes.get(up as StageSpec)!]));
    const hash = stageHash(spec, await spec.key(services(spec.ref)), upstream);
    hashes.set(spec, hash);
    const cached = (await cache.read(spec.ref.stage, hash, { readOnly: true })) !== undefined;
    planned.push({ id: stageLabel(spec.ref), stage: spec.ref.stage, hash, cached });
  }
  return planned;
}

/** The dry run as text: one line per stage (`cached` or `to run`, label, stage/hash), then a count. */
export function formatRunStatus(stages: readonly PlannedStage[]): string {
  const width = Math.max(0, ...stages.map((s) => s.id.length));
  const lines = stages.map((s) => `${s.cached ? "cached" : "to run"}  ${s.id.padEnd(width)}  ${s.stage}/${s.hash.slice(0, 12)}`);
  const toRun = stages.filter((s) => !s.cached).length;
  lines.push(`${stages.length - toRun} of ${stages.length} stages cached; ${toRun} to run`);
  return `${lines.join("\n")}\n`;
}
