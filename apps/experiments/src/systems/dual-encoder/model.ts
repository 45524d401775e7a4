/**
 * The dual-encoder's model code for the dense stages (imported only when a stage runs):
 * training through `@i3/retrievers`' `trainDualEncoder`, and loading the saved checkpoint.
 */
import { join } from "node:path";
import { describeBackend } from "@i3/encoders";
import { loadDualEncoderCheckpoint, saveDualEncoderCheckpoint, startBackend, trainDualEncoder } from "@i3/retrievers";
import { trainerInputs, type DenseModelCode } from "../dense/model-code.js";
import { recordTraining } from "../dense/train-output.js";
import type { DualEncoderSystemSettings } from "./settings.js";

/** Train and load for the dual-encoder system. */
export const dualEncoderCode: DenseModelCode<DualEncoderSystemSettings> = {
  async train(inputs) {
    const trained = await trainDualEncoder(await trainerInputs(inputs));
    await saveDualEncoderCheckpoint(join(inputs.outDir, "checkpoint"), trained);
    trained.model.dispose();
    return recordTraining(inputs.outDir, trained);
  },
  async load(dir, settings, device) {
    const backend = await startBackend(device);
    const { model, tokenizer } = await loadDualEncoderCheckpoint(dir, { pooling: settings.model.pooling });
    return { model, tokenizer, backend: describeBackend(backend), backendInfo: backend };
  },
};
