// Seeded, machine-independent randomness: one generator (mulberry32) and the seed derivations.
export { mulberry32Uint32, mulberry32Float } from "./mulberry32.js";
export { seedFromParts, seedFromCoordinates, seedFromName } from "./seeds.js";
export { SeededRandom } from "./seeded-random.js";
