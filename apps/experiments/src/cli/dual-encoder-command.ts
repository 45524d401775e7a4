/**
 * `i3 dual-encoder --dataset D`: `i3 run` on the default dual-encoder config — BM25 and a
 * dual-encoder (every setting at its schema default unless a flag sets it) trained on the train
 * split with BM25 hard negatives, evaluated on the evaluation split against BM25. It goes
 * through the runner, so its stages are cached and its run folder is a normal one.
 */
import { parseExperiment } from "../config/define.js";
import type { ExperimentConfig } from "../config/schema.js";
import { runAndPrint } from "./run-command.js";

/** Flags of `i3 dual-encoder`. */
export interface DualEncoderCommandOptions {
  dataset: string;
  trainSplit: string;
  evalSplit: string;
  runsDir?: string;
  cacheDir?: string;
  datasetsDir?: string;
  preset?: string;
  epochs?: number;
  batchSize?: number;
  negatives?: number;
  lr?: number;
  passageMaxLength?: number;
  seed?: number;
  device?: string;
  inference?: string;
}

/** The config `i3 dual-encoder` runs (exported for tests and for `--print-config`-style reuse). */
export function dualEncoderCommandConfig(options: DualEncoderCommandOptions): ExperimentConfig {
  const defined = (entries: Record<string, unknown>) => Object.fromEntries(Object.entries(entries).filter(([, v]) => v !== undefined));
  return parseExperiment(
    {
      name: `dual-encoder-${options.dataset.replace(/[^A-Za-z0-9._-]+/g, "_")}`,
      dataset: options.dataset,
      splits: { train: options.trainSplit, test: options.evalSplit },
      systems: {
        bm25: { kind: "bm25" },
        "dual-encoder": {
          kind: "dual-encoder",
          model: defined({ preset: options.preset, passageMaxLength: options.passageMaxLength }),
          train: defined({ epochs: options.epochs, batchSize: options.batchSize }),
          negatives: defined({ perQuery: options.negatives }),
          optimizer: defined({ lr: options.lr }),
        },
      },
      baseline: "bm25",
      ...defined({ seed: options.seed, device: options.device, inference: options.inference }),
      evaluation: { splits: ["test"] },
    },
    "i3 dual-encoder",
  );
}

/** Runs the dual-encoder config as `i3 run` does and prints the run folder and the results table. */
export async function dualEncoderCommand(options: DualEncoderCommandOptions): Promise<void> {
  await runAndPrint(dualEncoderCommandConfig(options), options);
}
