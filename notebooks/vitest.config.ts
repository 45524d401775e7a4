import { i3Project } from "../vitest.shared.js";

/** The notebooks executed in Deno's Jupyter kernel by `jupyter nbconvert --execute` (notebooks/test/). */
export default i3Project("notebooks", 1_800_000);
