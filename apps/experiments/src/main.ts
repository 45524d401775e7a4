/**
 * The README's main job (`npm start`): runs `experiments/default.ts` through the cached stage
 * runner — on the embedded default collection (built at first use, offline), BM25 and a
 * dual-encoder trained from scratch, evaluated trec_eval-exactly on the test split with paired
 * significance tests against BM25 — and prints the comparison table. The run folder (config,
 * environment with the TensorFlow.js backend, logs, run files, metrics.json, report.md/html)
 * is printed first; stage outputs are cached, so a second `npm start` is quick.
 */
import { fileURLToPath } from "node:url";
import { runCommand } from "./cli/run-command.js";

const config = fileURLToPath(new URL("../../../experiments/default.ts", import.meta.url));
await runCommand(config, {});
