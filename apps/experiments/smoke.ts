import { runExperiment } from "./src/runner/run-experiment.js";
const r = await runExperiment({ name: "smoke", systems: ["bm25"], baseline: "bm25" }, { runsDir: "/tmp/i3smoke/runs" });
console.log(r.runDir, r.stages, r.metrics.splits.test?.systems.bm25?.aggregate);
