/**
 * The README's main job (`npm start`): runs `experiments/default.ts` through the cached stage
 * runner — on the embedded default collection (built at first use, offline), BM25 and a
 * dual-encoder trained from scratch, evaluated trec_eval-exactly on the test split with paired
 * significance tests against BM25 — and prints the comparison table. The run folder (config,
 * environment with the TensorFlow.js backend, logs, run files, metrics.json, report.md/html)
 * is printed first; stage outputs are cached, so a second `npm start` is quick.
 *
 * Flags after `--` are `i3 run`'s (`npm start -- --runs-dir /tmp/runs`, `npm start -- --resume`),
 * with its errors and exit codes: this is `i3 run experiments/default.ts`.
 */
import { fileURLToPath } from "node:url";
import { main } from "./cli/main.js";

const config = fileURLToPath(new URL("../../../experiments/default.ts", import.meta.url));
await main([process.argv[0]!, process.argv[1]!, "run", config, ...process.argv.slice(2)]);
