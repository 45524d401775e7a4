/**
 * The dual-encoder's model code for the dense stages (imported only when a stage runs):
 * training through `@i3/retrievers`' `trainDualEncoder`, and loading the saved checkpoint.
 */
import { join } from "node:path";
import { loadTokenizer, readNegativesTsv } from "@i3/data";
import { describeBackend, initBackend, installFastKernels, loadDualEncoder, saveDualEncoder } from "@i3/encoders";
import { trainDualEncoder } from "@i3/retrievers";
import type { DenseModelCode } from "../dense/model-code.js";
import { recordTraining, tokenizerFiles } from "../dense/train-output.js";
import type { DualEncoderSystemSettings } from "./settings.js";

/** Train and load for the dual-encoder system. */
export const dualEncoderCode: DenseModelCode<DualEncoderSystemSettings> = {
  async train(inputs) {
    const { kind: _kind, index: _index, retrieve: _retrieve, ...settings } = inputs.settings;
    const { from: _from, ...negatives } = settings.negatives;
    const work = join(inputs.outDir, "work");
    const trained = await trainDualEncoder({
      collection: inputs.collection,
      trainSplit: inputs.trainSplit,
      negatives: await readNegativesTsv(inputs.negativesFile),
      settings: { ...settings, negatives },
      seed: inputs.run.seed,
      device: inputs.run.device,
      workDir: work,
      log: inputs.log,
    });
    await saveDualEncoder(join(inputs.outDir, "checkpoint"), trained.model, { extraFiles: await tokenizerFiles(work) });
    trained.model.dispose();
    return recordTraining(inputs.outDir, trained);
  },
  async load(dir, settings, device) {
    const backend = await initBackend({ device });
    installFastKernels({ log: () => {} });
    const model = await loadDualEncoder(dir, { configOverrides: { pooling: settings.model.pooling } });
    return { model, tokenizer: await loadTokenizer(dir), backend: describeBackend(backend) };
  },
};
