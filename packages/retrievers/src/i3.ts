/**
 * The I3 trainer (Dong et al., CIKM 2023, arXiv 2306.02371; reference code
 * Deriq-Qian-Dong/III-Retriever `src/train_dual_encoder.py`): the dual-encoder trainer's phases
 * with I3's model and objective (`@i3/encoders`' `I3Retriever` and `i3Loss`),
 *
 *   L = L_contrastive(q, p*) + beta * L_rec(MLM(Z), target tokens),
 *
 * the backbone and the heads (reconstructor, interactor, MLM head) as two optimizer groups, the
 * heads at `optimizer.headLrMultiplier` x the backbone's lr (with `optimizer.mlmHeadLr:
 * "backbone"` the MLM head in a third group at the backbone's lr, the reference's grouping).
 * `model.init` may name a BERT folder (the towers start there) or an I3 checkpoint (every I3
 * weight starts there: the reference's `warm_start_from`). Indexing and retrieval are the
 * dual-encoder's (`./retrieve.ts`): the index holds p*, queries are encoded by E_q alone.
 */
import { padTrainingBatch, type I3Tokenizer } from "@i3/data";
import {
  betaAt,
  i3Config,
  i3Loss,
  I3Retriever,
  IGNORE_INDEX,
  loadI3Retriever,
  reconstructionTargets,
  tf,
  type BackendInfo,
  type EncoderConfig,
  type I3ConfigInput,
  type NamedParam,
} from "@i3/encoders";
import { initFolderKind } from "./hf-files.js";
import { firstRelevantQueries } from "@i3/pseudoquery";
import type { TrainDualEncoderInputs } from "./dual-encoder.js";
import { distillationPhase, distillationSetup, distillationTerm } from "./distillation.js";
import { toTensors } from "./token-batches.js";
import { textEncoder, type TextEncoder } from "./encode-texts.js";
import { cropPhase, queryPhase, runPhases, type Phase, type PhaseStep } from "./phases.js";
import { prepareTraining } from "./prepare.js";
import { i3SettingsSchema, parseSettings, reconstructionWeight, type I3Settings, type I3SettingsInput } from "./settings.js";
import { loadStartTowers } from "./start.js";
import type { ResumePoint } from "./training-checkpoints.js";

/** Inputs of {@link trainI3}: the dual-encoder trainer's, I3 settings, and optional reconstruction targets. */
export interface TrainI3Inputs extends Omit<TrainDualEncoderInputs, "settings"> {
  settings?: I3SettingsInput;
  /**
   * pid -> reconstruction target text (e.g. `@i3/pseudoquery` output): the targets of the
   * warm-up and (unless `losses.reconstruction.targets` is `training-queries`) of fine-tuning.
   * Absent: each passage's own crop in the warm-up, then the first training query judging it
   * relevant (`@i3/pseudoquery`'s `firstRelevantQueries`) in fine-tuning.
   */
  targets?: ReadonlyMap<string, string>;
}

/**
 * What {@link trainI3} produced: the trained model, ready to use (`encodeQueries` gives E_q(q),
 * `encodePassages` the index vectors p*, ./encode-texts.ts).
 */
export interface TrainedI3 extends TextEncoder {
  model: I3Retriever;
  tokenizer: I3Tokenizer;
  /** The settings it was trained with, defaults filled in. */
  settings: I3Settings;
  backend: BackendInfo;
  /** One record per optimizer step, warm-up then real queries; `metrics` has `contrastive`, `reconstruction` and `beta`. */
  steps: PhaseStep[];
  /** Wall time of this call's training (after a resume: of the part run by this call). */
  trainSeconds: number;
  /** The checkpoint this call continued from (with `checkpoints`). */
  resumedFrom?: ResumePoint;
}

/** pid -> reconstruction labels [m] (word pieces without [CLS]/[SEP], -100 padded). */
function targetLabels(tokenizer: I3Tokenizer, texts: Iterable<readonly [string, string]>, m: number): Map<string, Int32Array> {
  const { cls, sep } = tokenizer.special;
  const labels = new Map<string, Int32Array>();
  for (const [pid, text] of texts) labels.set(pid, reconstructionTargets(tokenizer.encode(text, m + 2).ids, m, { cls: cls!, sep: sep! }));
  return labels;
}

/** The reference's reconstruction target for a passage without a pseudo-query (`dataset_factory.py`). */
export const REFERENCE_FALLBACK_TARGET = "what";

/** One training phase: these queries, negatives, reconstruction targets, beta, and trainable groups. */
interface I3Phase extends Phase {
  labels: Map<string, Int32Array>;
  /** Labels of a passage without a target (absent: ignored, no L_rec from it). */
  fallback?: Int32Array;
  beta: (epoch: number) => number;
  freezeBackbone: boolean;
}

/**
 * Trains an I3 retriever phase by phase as `trainDualEncoder`: the tokenizer and towers of
 * `settings.tokenizer` / `settings.model` (heads fresh from `seed` either way);
 * `train.warmupEpochs` on cropped pseudo-queries with L_rec on `targets` (default: each passage's
 * crop) at beta = `losses.reconstruction.weight` (only the heads train with
 * `i3.warmupFreezeBackbone`); then `train.epochs` on the real training queries with hard
 * negatives and L_rec at the scheduled beta on the targets `losses.reconstruction.targets` says
 * (absent: `targets`, else the real training query of each judged passage; `pseudo-queries`:
 * `targets` for every passage, "what" when missing, as the reference). With
 * `losses.reconstruction: false`, beta = 0 throughout (no L_rec). With `losses.klDistillation` /
 * `losses.marginMse`, the real-query phase adds the distillation loss over `teacherScores`'
 * lists, s = E_q(q) . p* (./distillation.ts). With `model.init` an I3 checkpoint,
 * the model starts from every weight saved there (its heads must match `i3`). Writes the tokenizer and one
 * log per phase into `workDir`. With `checkpoints`, saves its state there and continues from it
 * (./training-checkpoints.ts).
 */
export async function trainI3(inputs: TrainI3Inputs): Promise<TrainedI3> {
  const settings = parseSettings(i3SettingsSchema, inputs.settings);
  const log = inputs.log ?? ((m: string) => process.stderr.write(`[i3] ${m}\n`));
  const { backend, passages, corpusIds, tokenizer, config, passageTokens } = await prepareTraining({
    collection: inputs.collection,
    workDir: inputs.workDir,
    device: inputs.device,
    settings,
    log,
    checkTokenizer: (t) => {
      const { cls, sep, mask } = t.special;
      if (cls === undefined || sep === undefined || mask === undefined) throw new Error(`trainI3: the tokenizer (${t.source}) needs [CLS], [SEP] and [MASK] tokens`);
    },
  });
  const { cls, sep, mask, pad } = tokenizer.special as { cls: number; sep: number; mask: number; pad: number };
  const { i3, optimizer, model: modelSettings } = settings;
  const m = i3.slots;
  const reconstruction = { ...(settings.losses.reconstruction || { schedule: "constant" as const, targets: undefined }), weight: reconstructionWeight(settings.losses) };
  if (reconstruction.targets === "pseudo-queries" && inputs.targets === undefined) {
    throw new Error('trainI3: losses.reconstruction.targets "pseudo-queries" needs pseudo-query targets (inputs.targets; in the runner a pseudoQueries.kind other than "none")');
  }
  const kd = distillationSetup("trainI3", settings, inputs.teacherScores);

  const phases: I3Phase[] = [];
  if (settings.train.warmupEpochs > 0) {
    const { phase, crops } = cropPhase(passages, tokenizer, settings, inputs.seed);
    const ownCrops = crops.map((q) => [q.id.slice("crop:".length), q.text] as const);
    phases.push({
      ...phase,
      labels: targetLabels(tokenizer, inputs.targets ?? ownCrops, m),
      beta: () => reconstruction.weight,
      freezeBackbone: i3.warmupFreezeBackbone,
    });
  }
  if (settings.train.epochs > 0) {
    const { phase } = await queryPhase(inputs.collection, inputs.trainSplit, inputs, tokenizer, settings, log);
    const realQueries = async () => [...(await firstRelevantQueries(inputs.collection, inputs.trainSplit))].map(([pid, q]) => [pid, q.text] as const);
    const texts = reconstruction.targets === "training-queries" ? await realQueries() : (inputs.targets ?? (await realQueries()));
    phases.push({
      ...(kd !== undefined ? distillationPhase(phase, kd, log) : phase),
      labels: targetLabels(tokenizer, texts, m),
      ...(reconstruction.targets === "pseudo-queries" ? { fallback: targetLabels(tokenizer, [["", REFERENCE_FALLBACK_TARGET]], m).get("")! } : {}),
      beta: (epoch) => betaAt(reconstruction, epoch),
      freezeBackbone: false,
    });
  }

  const ignored = new Int32Array(m).fill(IGNORE_INDEX);
  const { model, ...run } = await runPhases({
    trainer: "i3",
    caller: "trainI3",
    inputs,
    settings,
    backend,
    tokenizer,
    corpusIds,
    passageTokens,
    phases,
    labels: (phase) => phase.labels,
    log,
    createModel: async () => {
      const { enabled, input, layers } = i3.interactor;
      const heads: I3ConfigInput = {
        slots: m,
        specialTokens: { cls, sep, mask },
        reconstructor: i3.reconstructor,
        interactor: { enabled, input, ...(layers !== undefined ? { layers } : {}) },
        mlmHead: i3.mlmHead,
      };
      if (modelSettings.init !== undefined && (await initFolderKind(modelSettings.init)) === "i3") {
        return warmStart(modelSettings.init, config, heads, modelSettings.sharedTowers, log);
      }
      const towers = modelSettings.init !== undefined ? await loadStartTowers(modelSettings.init, config, modelSettings.sharedTowers) : undefined;
      return new I3Retriever(config, heads, { shared: modelSettings.sharedTowers, seed: inputs.seed, ...(towers !== undefined ? { towers } : {}) });
    },
    groups: (model, phase) => {
      const headVars = new Set(model.variableGroups().heads);
      // The reference's fast group is `'head' in name`: c_head and d_head, not the MLM head `cls.*`.
      const mlmAtBackboneLr = optimizer.mlmHeadLr === "backbone";
      const isMlm = (p: NamedParam) => mlmAtBackboneLr && headVars.has(p.variable) && p.name.startsWith("cls.");
      const backboneParams: NamedParam[] = model.namedParameters().filter((p) => !headVars.has(p.variable));
      const headParams: NamedParam[] = model.namedParameters().filter((p) => headVars.has(p.variable) && !isMlm(p));
      const mlmParams: NamedParam[] = model.namedParameters().filter(isMlm);
      return [
        ...(phase.freezeBackbone ? [] : [{ name: "backbone", params: backboneParams, lr: optimizer.lr, weightDecay: optimizer.weightDecay }]),
        { name: "heads", params: headParams, lr: optimizer.lr * optimizer.headLrMultiplier, weightDecay: optimizer.weightDecay },
        ...(mlmAtBackboneLr ? [{ name: "mlm-head", params: mlmParams, lr: optimizer.lr, weightDecay: optimizer.weightDecay }] : []),
      ];
    },
    describe: (phase, totalSteps) =>
      `${phase.name}: ${config.layers}x${config.hidden} I3 (m=${m}, reconstructor ${i3.reconstructor.layers}x${i3.reconstructor.memory}, ` +
      `interactor ${i3.interactor.enabled ? `${i3.interactor.layers ?? 1}x${i3.interactor.input}` : "off"}), ${phase.queries.length} queries, ${phase.epochs} epochs, ` +
      `${totalSteps} steps, ${phase.labels.size} passages with targets${phase.freezeBackbone ? ", backbone frozen" : ""}`,
    lossFn: (model, phase) => (batch, ctx) => {
      const padded = padTrainingBatch(batch, { padId: pad, queryMaxLength: modelSettings.queryMaxLength, passageMaxLength: modelSettings.passageMaxLength });
      const rows = new Int32Array(batch.passageIds.length * m);
      batch.passageIds.forEach((pid, i) => rows.set(phase.labels.get(pid) ?? phase.fallback ?? ignored, i * m));
      const beta = phase.beta(ctx.epoch);
      const terms = i3Loss(model, toTensors(padded.queries), toTensors(padded.passages), rows, {
        beta,
        temperature: settings.losses.contrastive.temperature,
        forward: { training: true, seed: ctx.seed, step: ctx.step },
      });
      ctx.report("contrastive", terms.contrastive);
      ctx.report("reconstruction", terms.reconstruction);
      ctx.report("beta", beta);
      tf.dispose([terms.contrastive, terms.reconstruction].filter((t) => t !== terms.total));
      if (kd === undefined || phase.name !== "queries") return terms.total;
      const forward = { training: true, seed: ctx.seed, step: ctx.step };
      const distill = distillationTerm({
        setup: kd,
        qids: batch.qids,
        q: model.encodeQueries(toTensors(padded.queries), forward),
        encodePassages: (rows) => model.encodePassages(rows, forward),
        passageTokens,
        padId: pad,
        passageMaxLength: modelSettings.passageMaxLength,
        seed: inputs.seed,
        epoch: ctx.epoch,
        report: ctx.report,
      });
      return tf.tidy(() => tf.add(terms.total, distill) as tf.Scalar);
    },
  });
  return { model, tokenizer, settings, backend, ...run, ...textEncoder({ model, tokenizer }, settings.model) };
}

/**
 * The I3 retriever saved in `dir` (`saveI3Retriever`) as the start of training: every weight as
 * saved (towers and heads), `pooling` from `config`. Its heads (slots, special tokens,
 * reconstructor, interactor, MLM head) and towers (shared or not) must be those the settings
 * describe; a difference throws naming both.
 */
async function warmStart(dir: string, config: EncoderConfig, heads: I3ConfigInput, sharedTowers: boolean, log: (message: string) => void): Promise<I3Retriever> {
  const model = await loadI3Retriever(dir, { configOverrides: { pooling: config.pooling } });
  const wanted = i3Config(heads);
  const problems: string[] = [];
  if (JSON.stringify(model.config) !== JSON.stringify(wanted)) problems.push(`its I3 heads are ${JSON.stringify(model.config)}, the settings say ${JSON.stringify(wanted)}`);
  if (model.shared !== sharedTowers) problems.push(`its towers are ${model.shared ? "shared" : "separate"}, model.sharedTowers is ${sharedTowers}`);
  if (problems.length > 0) {
    model.dispose();
    throw new Error(`model.init: the I3 checkpoint ${dir} does not match the settings: ${problems.join("; ")}`);
  }
  log(`continuing from the I3 checkpoint ${dir} (towers and heads)`);
  return model;
}
