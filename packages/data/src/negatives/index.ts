// Hard negatives: mining from a run, per-epoch sampling schedules, and their file formats.
export { positivesOf } from "./positives-of.js";
export {
  mineHardNegatives,
  type MineHardNegativesOptions,
  type HardNegativeMining,
} from "./mine-hard-negatives.js";
export { scheduleOrder, checkScheduleKey, type NegativeSchedule, type ScheduleKey } from "./negative-schedules.js";
export { sampleNegatives, type SampleNegativesOptions, type SampledNegatives } from "./sample-negatives.js";
export { readNegativesTsv, writeNegativesTsv } from "./negatives-tsv.js";
export {
  readTevatronJsonl,
  writeTevatronJsonl,
  type TevatronJsonlSources,
  type TevatronTrainingData,
  type PassageSource,
  type QueryTextSource,
} from "./tevatron-jsonl.js";
