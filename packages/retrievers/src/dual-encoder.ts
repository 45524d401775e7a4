/**
 * The dual-encoder trainer (Tevatron-style; DPR, Karpukhin et al. 2020): a WordPiece vocabulary
 * trained on the corpus (or a Hugging Face tokenizer), towers from scratch (or from a Hugging
 * Face BERT checkpoint, `model.init`), a crop warm-up phase, then the real training queries with
 * hard negatives, each phase with the in-batch + hard-negative contrastive loss (DPR eq. 2) and
 * AdamW; with `losses.klDistillation` / `losses.marginMse`, the real-query phase adds the
 * distillation loss over teacher-scored candidate lists (./distillation.ts).
 */
import { padTrainingBatch, type Collection, type I3Tokenizer } from "@i3/data";
import { DualEncoder, tf, type BackendInfo, type Device } from "@i3/encoders";
import { contrastiveLoss } from "@i3/losses";
import { distillationPhase, distillationSetup, distillationTerm, type TeacherScoredLists } from "./distillation.js";
import { toTensors } from "./token-batches.js";
import { textEncoder, type TextEncoder } from "./encode-texts.js";
import { cropPhase, queryPhase, runPhases, type NegativesSource, type Phase, type PhaseStep } from "./phases.js";
import { prepareTraining } from "./prepare.js";
import { dualEncoderSettingsSchema, parseSettings, type DualEncoderSettings, type DualEncoderSettingsInput } from "./settings.js";
import { loadStartTowers } from "./start.js";
import type { ResumePoint, TrainingCheckpointOptions } from "./training-checkpoints.js";

/** Inputs of {@link trainDualEncoder}. */
export interface TrainDualEncoderInputs extends NegativesSource {
  collection: Collection;
  /** The split whose queries and qrels train the model. */
  trainSplit: string;
  /** The settings (defaults fill in what is not given; see `dualEncoderSettingsSchema`). */
  settings?: DualEncoderSettingsInput;
  /** Seeds the towers, the crops, the batches and dropout. */
  seed: number;
  /** TensorFlow.js device (default `auto`). */
  device?: Device;
  /** Folder for the tokenizer (`tokenizer/`) and one training log per phase (`train-<phase>.jsonl`). */
  workDir: string;
  log?: (message: string) => void;
  /**
   * Save the training state into `checkpoints.dir` every `checkpoints.everySteps` optimizer steps
   * of a phase (default `train.checkpointEverySteps`) and at each phase's end, and continue from
   * the checkpoint found there at start, bit-identical to an uninterrupted run (same weights, same
   * `steps`). A folder written by a run with other settings, seed or data is refused (an error).
   * See ./training-checkpoints.ts.
   */
  checkpoints?: TrainingCheckpointOptions;
  /** Called after each optimizer step, before that step's checkpoint; throwing aborts training (the model is disposed). */
  onStep?: (step: PhaseStep) => void | Promise<void>;
  /**
   * The teacher's scores (query id -> SimLM `kd_train.jsonl` record, `@i3/distill`
   * cachedTeacherScores / loadKdTrain): required with `losses.klDistillation` or
   * `losses.marginMse`, refused without. The real-query phase then trains on the scored queries only.
   */
  teacherScores?: TeacherScoredLists;
}

/**
 * What {@link trainDualEncoder} produced: the trained model, ready to use (`encodeQueries` /
 * `encodePassages` / `encode` turn texts into vectors at the settings' lengths, ./encode-texts.ts).
 */
export interface TrainedDualEncoder extends TextEncoder {
  model: DualEncoder;
  tokenizer: I3Tokenizer;
  /** The settings it was trained with, defaults filled in. */
  settings: DualEncoderSettings;
  backend: BackendInfo;
  /** One record per optimizer step, warm-up then real queries (empty with 0 epochs: an untrained model). */
  steps: PhaseStep[];
  /** Wall time of this call's training (after a resume: of the part run by this call). */
  trainSeconds: number;
  /** The checkpoint this call continued from (with `checkpoints`). */
  resumedFrom?: ResumePoint;
}

/**
 * Trains a dual-encoder: the tokenizer and towers `settings.tokenizer` / `settings.model` say,
 * `train.warmupEpochs` on cropped pseudo-queries (`train.cropWords` words of every passage), then
 * `train.epochs` on the real training queries with hard negatives (given, or mined from
 * `firstStageTrainRun` with `settings.negatives`). Deterministic for settings and seed on the
 * cpu/wasm backends. Writes the tokenizer and one log per phase into `workDir`. With
 * `checkpoints`, saves its state there and continues from it (./training-checkpoints.ts). With a
 * distillation loss, the real-query phase adds it over `teacherScores`' lists (./distillation.ts).
 */
export async function trainDualEncoder(inputs: TrainDualEncoderInputs): Promise<TrainedDualEncoder> {
  const settings = parseSettings(dualEncoderSettingsSchema, inputs.settings);
  const log = inputs.log ?? ((m: string) => process.stderr.write(`[dual-encoder] ${m}\n`));
  const kd = distillationSetup("trainDualEncoder", settings, inputs.teacherScores);
  const { backend, passages, corpusIds, tokenizer, config, passageTokens } = await prepareTraining({
    collection: inputs.collection,
    workDir: inputs.workDir,
    device: inputs.device,
    settings,
    log,
  });

  const phases: Phase[] = [];
  if (settings.train.warmupEpochs > 0) phases.push(cropPhase(passages, tokenizer, settings, inputs.seed).phase);
  if (settings.train.epochs > 0) {
    const { phase } = await queryPhase(inputs.collection, inputs.trainSplit, inputs, tokenizer, settings, log);
    phases.push(kd !== undefined ? distillationPhase(phase, kd, log) : phase);
  }

  const { model: modelSettings, optimizer } = settings;
  const { model, ...run } = await runPhases({
    trainer: "dual-encoder",
    caller: "trainDualEncoder",
    inputs,
    settings,
    backend,
    tokenizer,
    corpusIds,
    passageTokens,
    phases,
    log,
    createModel: async () => {
      const towers = modelSettings.init !== undefined ? await loadStartTowers(modelSettings.init, config, modelSettings.sharedTowers) : undefined;
      return new DualEncoder(config, { shared: modelSettings.sharedTowers, seed: inputs.seed, ...(towers !== undefined ? { towers } : {}) });
    },
    groups: (model) => [{ name: "backbone", params: model.namedParameters(), lr: optimizer.lr, weightDecay: optimizer.weightDecay }],
    describe: (phase, totalSteps) => `${phase.name}: ${config.layers}x${config.hidden} encoder, ${phase.queries.length} queries, ${phase.epochs} epochs, ${totalSteps} steps`,
    lossFn: (model, phase) => (batch, ctx) => {
      const padded = padTrainingBatch(batch, {
        padId: tokenizer.special.pad,
        queryMaxLength: modelSettings.queryMaxLength,
        passageMaxLength: modelSettings.passageMaxLength,
      });
      const opts = { training: true, seed: ctx.seed, step: ctx.step };
      const q = model.encodeQueries(toTensors(padded.queries), opts);
      const p = model.encodePassages(toTensors(padded.passages), opts);
      const contrastive = contrastiveLoss(q, p, { temperature: settings.losses.contrastive.temperature });
      if (kd === undefined || phase.name !== "queries") return contrastive;
      ctx.report("contrastive", contrastive);
      const distill = distillationTerm({
        setup: kd,
        qids: batch.qids,
        q,
        encodePassages: (rows) => model.encodePassages(rows, opts),
        passageTokens,
        padId: tokenizer.special.pad,
        passageMaxLength: modelSettings.passageMaxLength,
        seed: inputs.seed,
        epoch: ctx.epoch,
        report: ctx.report,
      });
      return tf.tidy(() => tf.add(contrastive, distill) as tf.Scalar);
    },
  });
  return { model, tokenizer, settings, backend, ...run, ...textEncoder({ model, tokenizer }, settings.model) };
}
