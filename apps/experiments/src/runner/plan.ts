/**
 * The stage plan of an experiment: which stage instances run, in dependency order.
 * data -> bm25:<split> (BM25 system and/or train negatives) -> negatives -> pseudo-queries ->
 * train:<sys> -> index:<sys> -> retrieve:<sys>:<split> -> evaluate:<sys>:<split>; the report is
 * written by the runner from the evaluate outputs.
 */
import type { ExperimentConfig } from "../config/schema.js";
import type { StageSpec } from "./stage.js";
import { bm25Stage } from "./stages/bm25.js";
import { dataStage } from "./stages/data.js";
import { evaluateStage } from "./stages/evaluate.js";
import { negativesStage } from "./stages/negatives.js";
import { indexStage, pseudoQueriesStage, retrieveStage, trainStage } from "./stages/neural.js";

/** The ordered stage instances for `config`. */
export function planStages(config: ExperimentConfig): StageSpec[] {
  const splits = config.evaluation.splits;
  const neural = config.systems.filter((s) => s !== "bm25");
  const plan: StageSpec[] = [dataStage() as StageSpec];
  const bm25Splits = new Set<"train" | "dev" | "test">();
  if (config.systems.includes("bm25")) splits.forEach((s) => bm25Splits.add(s));
  if (neural.length > 0) bm25Splits.add("train");
  for (const key of ["train", "dev", "test"] as const) if (bm25Splits.has(key)) plan.push(bm25Stage(key) as StageSpec);
  if (neural.length > 0) {
    plan.push(negativesStage() as StageSpec, pseudoQueriesStage() as StageSpec);
    for (const system of neural) {
      plan.push(trainStage(system) as StageSpec, indexStage(system) as StageSpec);
      for (const key of splits) plan.push(retrieveStage(system, key) as StageSpec);
    }
  }
  for (const system of config.systems) for (const key of splits) plan.push(evaluateStage(system, key) as StageSpec);
  return plan;
}
