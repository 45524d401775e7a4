import { i3Project } from "../vitest.shared.js";

/** Tests of the benchmark helpers (bench/test/); the benchmarks themselves never run in tests. */
export default i3Project("bench");
