/**
 * I3's model code for the dense stages (imported only when a stage runs): training through
 * `@i3/retrievers`' `trainI3` with the pseudo-queries stage's targets, and loading the saved
 * checkpoint.
 */
import { join } from "node:path";
import { loadTokenizer, readNegativesTsv } from "@i3/data";
import { describeBackend, initBackend, installFastKernels, loadI3Retriever, saveI3Retriever } from "@i3/encoders";
import { readGeneratedTsv } from "@i3/pseudoquery";
import { trainI3 } from "@i3/retrievers";
import type { StageResult } from "../../runner/stage.js";
import type { DenseModelCode } from "../dense/model-code.js";
import { recordTraining, tokenizerFiles } from "../dense/train-output.js";
import type { PseudoQueriesOutput } from "./pseudo-queries-stage.js";
import type { I3SystemSettings } from "./settings.js";

/** Train and load for the I3 system. */
export const i3Code: DenseModelCode<I3SystemSettings> = {
  async train(inputs) {
    const { kind: _kind, index: _index, retrieve: _retrieve, pseudoQueries: _pq, ...settings } = inputs.settings;
    const { from: _from, ...negatives } = settings.negatives;
    const pseudo = inputs.inputs["pseudoQueries"] as StageResult<PseudoQueriesOutput>;
    const targets = pseudo.output.file !== undefined ? await readGeneratedTsv(join(pseudo.dir, pseudo.output.file)) : undefined;
    const work = join(inputs.outDir, "work");
    const trained = await trainI3({
      collection: inputs.collection,
      trainSplit: inputs.trainSplit,
      negatives: await readNegativesTsv(inputs.negativesFile),
      settings: { ...settings, negatives },
      seed: inputs.run.seed,
      device: inputs.run.device,
      workDir: work,
      log: inputs.log,
      ...(targets !== undefined ? { targets } : {}),
    });
    await saveI3Retriever(join(inputs.outDir, "checkpoint"), trained.model, { extraFiles: await tokenizerFiles(work) });
    trained.model.dispose();
    return recordTraining(inputs.outDir, trained);
  },
  async load(dir, _settings, device) {
    const backend = await initBackend({ device });
    installFastKernels({ log: () => {} });
    return { model: await loadI3Retriever(dir), tokenizer: await loadTokenizer(dir), backend: describeBackend(backend) };
  },
};
