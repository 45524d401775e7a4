// Seeded, machine-independent randomness for data pipelines.
export { fmix32, fnv1a32, hashString, deriveSeed } from "./hashString.js";
export { mulberry32 } from "./mulberry32.js";
export { SeededRandom } from "./SeededRandom.js";
