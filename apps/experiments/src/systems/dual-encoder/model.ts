/**
 * The dual-encoder's model code for the dense stages (imported only when a stage runs):
 * training through `@i3/retrievers`' `trainDualEncoder`, and loading the saved checkpoint.
 */
import { join } from "node:path";
import { readNegativesTsv } from "@i3/data";
import { describeBackend } from "@i3/encoders";
import { loadDualEncoderCheckpoint, saveDualEncoderCheckpoint, startBackend, trainDualEncoder } from "@i3/retrievers";
import type { DenseModelCode } from "../dense/model-code.js";
import { recordTraining } from "../dense/train-output.js";
import type { DualEncoderSystemSettings } from "./settings.js";

/** Train and load for the dual-encoder system. */
export const dualEncoderCode: DenseModelCode<DualEncoderSystemSettings> = {
  async train(inputs) {
    const { kind: _kind, index: _index, retrieve: _retrieve, ...settings } = inputs.settings;
    const { from: _from, ...negatives } = settings.negatives;
    const trained = await trainDualEncoder({
      collection: inputs.collection,
      trainSplit: inputs.trainSplit,
      negatives: await readNegativesTsv(inputs.negativesFile),
      settings: { ...settings, negatives },
      seed: inputs.run.seed,
      device: inputs.run.device,
      workDir: join(inputs.outDir, "work"),
      // In the stage's work folder, which outlives a killed run: the next run continues from there.
      checkpoints: { dir: join(inputs.workDir, "checkpoints"), everySteps: settings.train.checkpointEverySteps },
      log: inputs.log,
    });
    await saveDualEncoderCheckpoint(join(inputs.outDir, "checkpoint"), trained);
    trained.model.dispose();
    return recordTraining(inputs.outDir, trained);
  },
  async load(dir, settings, device) {
    const backend = await startBackend(device);
    const { model, tokenizer } = await loadDualEncoderCheckpoint(dir, { pooling: settings.model.pooling });
    return { model, tokenizer, backend: describeBackend(backend) };
  },
};
