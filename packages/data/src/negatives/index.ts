// Hard negatives: mining from a run, per-epoch sampling schedules, and their file formats.
export { positivesOf } from "./positivesOf.js";
export {
  mineHardNegatives,
  type MineHardNegativesOptions,
  type HardNegativeMining,
} from "./mineHardNegatives.js";
export { scheduleOrder, checkScheduleKey, type NegativeSchedule, type ScheduleKey } from "./negativeSchedules.js";
export { sampleNegatives, type SampleNegativesOptions, type SampledNegatives } from "./sampleNegatives.js";
export { readNegativesTsv, writeNegativesTsv } from "./negativesTsv.js";
export {
  readTevatronJsonl,
  writeTevatronJsonl,
  type TevatronJsonlSources,
  type TevatronTrainingData,
  type PassageSource,
  type QueryTextSource,
} from "./tevatronJsonl.js";
