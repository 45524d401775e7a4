/**
 * I3's model code for the dense stages (imported only when a stage runs): training through
 * `@i3/retrievers`' `trainI3` with the pseudo-queries stage's targets, and loading the saved
 * checkpoint.
 */
import { join } from "node:path";
import { describeBackend } from "@i3/encoders";
import { readGeneratedTsv } from "@i3/pseudoquery";
import { loadI3Checkpoint, saveI3Checkpoint, startBackend, trainI3 } from "@i3/retrievers";
import type { StageResult } from "../../runner/stage.js";
import { trainerInputs, type DenseModelCode } from "../dense/model-code.js";
import { recordTraining } from "../dense/train-output.js";
import type { PseudoQueriesOutput } from "./pseudo-queries-stage.js";
import type { I3SystemSettings } from "./settings.js";

/** Train and load for the I3 system. */
export const i3Code: DenseModelCode<I3SystemSettings> = {
  async train(inputs) {
    const pseudo = inputs.inputs["pseudoQueries"] as StageResult<PseudoQueriesOutput>;
    const targets = pseudo.output.file !== undefined ? await readGeneratedTsv(join(pseudo.dir, pseudo.output.file)) : undefined;
    const trained = await trainI3({ ...(await trainerInputs(inputs)), ...(targets !== undefined ? { targets } : {}) });
    await saveI3Checkpoint(join(inputs.outDir, "checkpoint"), trained);
    trained.model.dispose();
    return recordTraining(inputs.outDir, trained);
  },
  async load(dir, _settings, device) {
    const backend = await startBackend(device);
    const { model, tokenizer } = await loadI3Checkpoint(dir);
    return { model, tokenizer, backend: describeBackend(backend), backendInfo: backend };
  },
};
