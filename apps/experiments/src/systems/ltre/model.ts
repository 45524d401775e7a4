/**
 * LTRe's model code for its stages (imported only when a stage runs): the start model's query
 * tower loaded from the `from` system's checkpoint (a dual-encoder's E_q, or I3's), trained by
 * `@i3/retrievers`' `trainLtre` against `from`'s index, saved alone with its tokenizer; and
 * retrieval with it from the same index at the same precision.
 */
import { join } from "node:path";
import type { BertEncoder } from "@i3/encoders";
import type { Collection, I3Tokenizer, Query, Run } from "@i3/data";
import {
  describeInference,
  loadDualEncoderCheckpoint,
  loadI3Checkpoint,
  loadQueryTowerCheckpoint,
  openDenseInference,
  retrieveLtre,
  saveQueryTowerCheckpoint,
  startBackend,
  trainLtre,
  type LtreSettingsInput,
} from "@i3/retrievers";
import type { IndexPrecisionSettings } from "@i3/retrievers/settings";
import { DenseIndex, type SearchKernelReport } from "@i3/search";
import type { RunSettings } from "../../config/run-settings.js";
import type { TrainedModelOutput } from "../../runner/stage.js";
import { recordTraining } from "../dense/train-output.js";
import { logSearchKernel } from "../dense/encode.js";

/** The query tower of a `from` checkpoint, with its tokenizer; `dispose` frees the whole loaded model. */
async function loadStartQueryTower(fromKind: string, dir: string): Promise<{ queryEncoder: BertEncoder; tokenizer: I3Tokenizer; dispose(): void }> {
  if (fromKind === "dual-encoder") {
    const { model, tokenizer } = await loadDualEncoderCheckpoint(dir);
    return { queryEncoder: model.queryEncoder, tokenizer, dispose: () => model.dispose() };
  }
  if (fromKind === "i3") {
    const { model, tokenizer } = await loadI3Checkpoint(dir);
    return { queryEncoder: model.queryEncoder, tokenizer, dispose: () => model.dispose() };
  }
  throw new Error(`ltre: cannot start from a system of kind "${fromKind}" (expected dual-encoder or i3)`);
}

/** Mean seconds per step of a train stage's summary (`trainSeconds / steps`), when it has both. */
function secondsPerStep(summary: Record<string, unknown> | undefined): number | null {
  const steps = summary?.["steps"];
  const seconds = summary?.["trainSeconds"];
  return typeof steps === "number" && typeof seconds === "number" && steps > 0 ? seconds / steps : null;
}

/**
 * The train stage: trains the start model's query tower with LTRe against the index at
 * `indexPath`, saves it into `checkpoint/`, writes `training-log.jsonl` (loss, lr, training
 * MRR@10, appended relevant passages and the retrieval time of each step), and returns the
 * summary with the training cost: seconds per step of LTRe and of its per-step retrieval (over
 * the steps this execution ran: after a resume, those after the checkpoint), beside the `from`
 * system's training (its summary's trainSeconds / steps: the dual-encoder's or I3's hard-negative
 * training, as recorded when that stage ran). The training state goes to `workDir/checkpoints`
 * (`train.checkpointEverySteps`, default 100); a call that finds it there continues from it.
 */
export async function trainLtreStage(args: {
  fromKind: string;
  startCheckpoint: string;
  startSummary: Record<string, unknown> | undefined;
  indexPath: string;
  collection: Collection;
  trainSplit: string;
  queryMaxLength: number;
  settings: LtreSettingsInput;
  run: RunSettings;
  outDir: string;
  /** The train stage's work folder (`StageContext.workDir`): outlives a killed process. */
  workDir: string;
  log(message: string): void;
}): Promise<TrainedModelOutput> {
  await startBackend(args.run.device);
  const start = await loadStartQueryTower(args.fromKind, args.startCheckpoint);
  try {
    const index = await DenseIndex.load(args.indexPath);
    const trained = await trainLtre({
      start,
      index,
      collection: args.collection,
      trainSplit: args.trainSplit,
      queryMaxLength: args.queryMaxLength,
      settings: args.settings,
      seed: args.run.seed,
      device: args.run.device,
      workDir: join(args.outDir, "work"),
      // In the stage's work folder, which outlives a killed run: the next run continues from there.
      checkpoints: { dir: join(args.workDir, "checkpoints") },
      log: args.log,
    });
    await saveQueryTowerCheckpoint(join(args.outDir, "checkpoint"), trained);
    trained.queryEncoder.dispose();
    const output = await recordTraining(args.outDir, trained);
    const steps = trained.stepsRun;
    const ltrePerStep = steps > 0 ? trained.trainSeconds / steps : null;
    const fromPerStep = secondsPerStep(args.startSummary);
    const cost = {
      ltreSecondsPerStep: ltrePerStep,
      ltreRetrievalSecondsPerStep: steps > 0 ? trained.retrievalSeconds / steps : null,
      fromSecondsPerStep: fromPerStep,
      ltreOverFromStepTime: ltrePerStep !== null && fromPerStep !== null ? ltrePerStep / fromPerStep : null,
    };
    args.log(
      `training cost: ${ltrePerStep?.toFixed(3) ?? "-"} s/step (retrieval ${cost.ltreRetrievalSecondsPerStep?.toFixed(3) ?? "-"} s), ` +
        `${args.fromKind} training ${fromPerStep?.toFixed(3) ?? "-"} s/step`,
    );
    return { ...output, summary: { ...output.summary, trainingQueries: trained.queries, retrievalSeconds: trained.retrievalSeconds, cost } };
  } finally {
    start.dispose();
  }
}

/**
 * The retrieve stage: `queries` encoded by the trained query tower on the engine `inference`
 * selects (logged), searched in the index held at `precision`; the run and that engine.
 */
export async function retrieveLtreStage(args: {
  checkpoint: string;
  indexPath: string;
  queries: readonly Query[];
  queryMaxLength: number;
  depth: number;
  precision: IndexPrecisionSettings;
  seed: number;
  device: RunSettings["device"];
  inference: RunSettings["inference"];
  log(message: string): void;
}): Promise<{ run: Run; inference: string; searchKernel?: string }> {
  const backend = await startBackend(args.device);
  const trained = await loadQueryTowerCheckpoint(args.checkpoint);
  try {
    const engine = await openDenseInference(trained.queryEncoder, trained.tokenizer, { inference: args.inference, backend, log: args.log });
    try {
      const index = await DenseIndex.load(args.indexPath);
      let searchKernel: string | undefined;
      const onSearch = (kernel: SearchKernelReport) => (searchKernel = logSearchKernel(kernel, args.log));
      const run = await retrieveLtre(trained, index, args.queries, { queryMaxLength: args.queryMaxLength, k: args.depth, precision: args.precision, seed: args.seed, inference: engine, onSearch });
      return { run, inference: describeInference(engine.info), ...(searchKernel !== undefined ? { searchKernel } : {}) };
    } finally {
      await engine.dispose();
    }
  } finally {
    trained.queryEncoder.dispose();
  }
}
