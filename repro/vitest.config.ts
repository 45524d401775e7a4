import { i3Project } from "../vitest.shared.js";

/** The tests of `npm run repro` (repro/test/): the row list against the README, the comparison, one real row. */
export default i3Project("repro", 120_000);
