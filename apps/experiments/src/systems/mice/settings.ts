/**
 * The MICE system's settings (Vast et al., arXiv 2602.16299; `@i3/encoders` Mice,
 * `@i3/retrievers` trainMice). The model settings keep `MiceConfigInput`'s names (`split` = l,
 * `interactionLayers` = k, `seedLayers`) and `FromCrossEncoderOptions`' `copyHead`, one name from
 * config to model. Checked at load against the `from` cross-encoder's size
 * ({@link miceSettingsIssues}): the MICE config must be valid for that backbone, and the lengths
 * must fit its positions.
 */
import { miceConfig, MiceConfigError } from "@i3/encoders/mice-config";
import { PRESETS } from "@i3/encoders/model-config";
import { crossEncoderOptimizerSettingsSchema } from "@i3/retrievers/settings";
import { z } from "zod";

const positiveInt = z.number().int().positive();
const weight = z.number().nonnegative();

/** The distillation objective: MarginMSE (the paper's; default, weight 1) and/or listwise KL (T default 1). */
const objectiveSchema = z
  .strictObject({
    marginMse: z.strictObject({ weight: weight.default(1) }).optional(),
    kl: z.strictObject({ weight: weight.default(1), temperature: z.number().positive().default(1) }).optional(),
  })
  .refine((o) => o.marginMse !== undefined || o.kl !== undefined, { message: "objective needs marginMse and/or kl (e.g. { marginMse: { weight: 1 } })" })
  .default({ marginMse: { weight: 1 } });

/** The MICE system's settings in a config. */
export const miceSettings = z.strictObject({
  kind: z.literal("mice"),
  /** The `cross-encoder` system of this config MICE starts from (same seed's replicate) and distils (its trained checkpoint is the teacher). */
  from: z.string().min(1),
  /** What it re-ranks: the top `depth` of system `from`'s run on each evaluated split. */
  rerank: z.strictObject({ from: z.string().min(1).default("bm25"), depth: positiveInt.default(100) }).prefault({}),
  /** l: layers query and document go through separately; the document's layer-l states are stored. */
  split: positiveInt,
  /** k: interaction layers (absent: the backbone's L - l). */
  interactionLayers: positiveInt.optional(),
  /** The 0-based backbone layers the interaction layers are initialised from (absent: l, ..., l + k - 1). */
  seedLayers: z.array(z.number().int().nonnegative()).min(1).optional(),
  /** Start the score head from the cross-encoder's classifier (default false: fresh, as the reference). */
  copyHead: z.boolean().default(false),
  objective: objectiveSchema,
  /**
   * Distillation lists: the teacher scores each training query's judged positives and the top
   * `depth` of `rerank.from`'s train-split run (positives removed), once; each epoch draws
   * 1 positive + `perQuery` negatives per query from that pool (seeded).
   */
  negatives: z.strictObject({ depth: positiveInt.default(100), perQuery: positiveInt.default(7) }).prefault({}),
  /** Token lengths, [CLS] and [SEP] included: query and passage are tokenised alone (the passage length is the stored states'). */
  model: z.strictObject({ queryMaxLength: positiveInt.default(32), passageMaxLength: positiveInt.default(128) }).prefault({}),
  /** The cross-encoder system's optimizer settings, lr 1e-3 as there (small models trained briefly; the score head starts fresh). */
  optimizer: crossEncoderOptimizerSettingsSchema.unwrap().safeExtend({ lr: z.number().positive().default(1e-3) }).prefault({}),
  /** `epochs` over the teacher-scored queries, `batchSize` queries per step; `checkpointEverySteps` (absent = 100) only for resuming, not in the key. */
  train: z
    .strictObject({ epochs: z.number().int().nonnegative().default(1), batchSize: positiveInt.default(8), checkpointEverySteps: positiveInt.optional() })
    .prefault({}),
  /** The document-state store: element type (float16 default) and passages per encoding batch (not in the key). */
  states: z.strictObject({ dtype: z.enum(["float16", "float32"]).default("float16"), batchSize: positiveInt.default(32) }).prefault({}),
  /** Re-ranking: candidates per forward pass (not in the key). */
  score: z.strictObject({ batchSize: positiveInt.default(32) }).prefault({}),
});

/** The resolved settings of a MICE system. */
export type MiceSystemSettings = z.output<typeof miceSettings>;

/** What MICE reads of its `from` cross-encoder's settings. */
interface CrossEncoderShape {
  readonly kind: string;
  readonly model?: { readonly preset?: string | { readonly layers: number }; readonly init?: string; readonly maxLength?: number };
}

/**
 * The backbone layers of a cross-encoder system's settings: the preset's (`@i3/encoders`
 * PRESETS) or the custom size's; undefined with `model.init` (known once its config is read).
 */
export function crossEncoderLayers(ce: CrossEncoderShape): number | undefined {
  if (ce.model?.init !== undefined) return undefined;
  const preset = ce.model?.preset ?? "tiny";
  return typeof preset === "string" ? PRESETS[preset as keyof typeof PRESETS]?.layers : preset.layers;
}

/** Maximum positions of every preset (BERT's 512, `@i3/encoders` DEFAULTS). */
const PRESET_POSITIONS = 512;

/**
 * Problems of a MICE system's settings against its `from` cross-encoder (`{ field, message }`,
 * the field dotted inside the system's settings): the MICE config (split in [1, L - 1], k seed
 * layers inside the backbone; with the default seed layers l + k <= L) and the lengths.
 */
export function miceSettingsIssues(settings: MiceSystemSettings, from: CrossEncoderShape): { field: string; message: string }[] {
  const layers = crossEncoderLayers(from);
  const issues: { field: string; message: string }[] = [];
  if (layers !== undefined) {
    const { split, interactionLayers, seedLayers } = settings;
    if (split >= layers) issues.push({ field: "split", message: `split ${split} must be below the ${layers} layers of cross-encoder "${settings.from}" (1 <= l < L)` });
    else if (interactionLayers !== undefined && seedLayers === undefined && split + interactionLayers > layers) {
      issues.push({
        field: "interactionLayers",
        message: `split + interactionLayers = ${split} + ${interactionLayers} > ${layers} layers of cross-encoder "${settings.from}": the default seed layers l..l+k-1 run past the backbone (give seedLayers to reuse layers)`,
      });
    } else {
      try {
        miceConfig({ split, ...(interactionLayers !== undefined ? { interactionLayers } : {}), ...(seedLayers !== undefined ? { seedLayers } : {}) }, layers);
      } catch (err) {
        if (!(err instanceof MiceConfigError)) throw err;
        issues.push({ field: seedLayers !== undefined ? "seedLayers" : "interactionLayers", message: `${err.problems.join("; ")} (cross-encoder "${settings.from}")` });
      }
    }
  }
  for (const key of ["queryMaxLength", "passageMaxLength"] as const) {
    if (from.model?.init === undefined && settings.model[key] > PRESET_POSITIONS) {
      issues.push({ field: `model.${key}`, message: `${settings.model[key]} exceeds the backbone's ${PRESET_POSITIONS} positions` });
    }
  }
  return issues;
}
