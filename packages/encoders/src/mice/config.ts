/**
 * MICE configuration (Vast et al., "MICE: Minimal Interaction Cross-Encoders for efficient
 * Re-ranking", arXiv 2602.16299; reference code xpmir/mice `src/models/midFusion_modeling.py`,
 * class `MidFusionCrossEncoder` and its BERT subclass `MiniLMMidFusionCrossEncoder`).
 * "MICE-l4+3" = `{ split: 4, interactionLayers: 3 }`. Defaults are the reference's: the k
 * interaction layers are seeded from the backbone layers right after the split (reference
 * `merge_layer` .. `drop_layer` - 1), [CLS] is masked out of cross-attention
 * (`mask_cls_to_doc = True`) and the other query tokens do not attend to [CLS]
 * (`mask_query_to_cls = True`).
 */

/** What the score head reads: the query's final [CLS] state, or HF's pooler tanh(W h + b) over it. */
export type MiceHeadInput = "cls" | "pooler";

/** A complete, validated MICE configuration. */
export interface MiceConfig {
  /** l: layers query and document go through separately (shared weights); the document's layer-l states are stored. */
  readonly split: number;
  /** k: interaction layers (query self-attention + cross-attention to the document + FFN). */
  readonly interactionLayers: number;
  /** 0-based backbone layers the interaction layers are initialised from, one per interaction layer. */
  readonly seedLayers: readonly number[];
  /** [CLS] does not attend to document tokens (reference `mask_cls_to_doc`, default true). */
  readonly maskClsToDocument: boolean;
  /** Query tokens other than [CLS] do not attend to [CLS] in the interaction layers (reference `mask_query_to_cls`, default true). */
  readonly maskQueryToCls: boolean;
  /** Head input (the reference always has BERT's pooler; here it follows the source cross-encoder). */
  readonly headInput: MiceHeadInput;
}

/** Input of {@link miceConfig}: the split is required, the rest defaulted. */
export interface MiceConfigInput {
  split: number;
  /** Default: the backbone's remaining layers (L - split), as the reference without `drop_layer`. */
  interactionLayers?: number;
  /** Default: split, split + 1, ..., split + k - 1. */
  seedLayers?: readonly number[];
  maskClsToDocument?: boolean;
  maskQueryToCls?: boolean;
  /** Default "cls". */
  headInput?: MiceHeadInput;
}

/** Thrown for an invalid MICE configuration; `problems` lists every violated rule. */
export class MiceConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid MICE config: ${problems.join("; ")}`);
    this.name = "MiceConfigError";
  }
}

const isInt = (x: unknown, min: number): x is number => typeof x === "number" && Number.isInteger(x) && x >= min;

/**
 * Fills defaults for a backbone of `backboneLayers` layers and validates, reporting every
 * problem at once: 1 <= split < L (reference: `merge_layer > 0`), k >= 1, k seed layers each in
 * [0, L).
 */
export function miceConfig(input: MiceConfigInput, backboneLayers: number): MiceConfig {
  const { split } = input;
  const problems: string[] = [];
  if (!isInt(split, 1) || split >= backboneLayers) problems.push(`split must be an integer in [1, ${backboneLayers - 1}] (backbone layers ${backboneLayers}), got ${String(split)}`);
  const k = input.interactionLayers ?? input.seedLayers?.length ?? backboneLayers - split;
  if (!isInt(k, 1)) problems.push(`interactionLayers must be an integer >= 1, got ${String(k)}`);
  const seedLayers = [...(input.seedLayers ?? Array.from({ length: isInt(k, 1) ? k : 0 }, (_, i) => split + i))];
  if (isInt(k, 1) && seedLayers.length !== k) problems.push(`seedLayers has ${seedLayers.length} entries for ${k} interaction layers`);
  const bad = seedLayers.filter((s) => !isInt(s, 0) || s >= backboneLayers);
  if (bad.length > 0) problems.push(`seedLayers must be backbone layers in [0, ${backboneLayers - 1}], got ${bad.join(", ")}`);
  const cfg: MiceConfig = {
    split,
    interactionLayers: k,
    seedLayers: Object.freeze(seedLayers),
    maskClsToDocument: input.maskClsToDocument ?? true,
    maskQueryToCls: input.maskQueryToCls ?? true,
    headInput: input.headInput ?? "cls",
  };
  for (const key of ["maskClsToDocument", "maskQueryToCls"] as const) {
    if (typeof cfg[key] !== "boolean") problems.push(`${key} must be a boolean, got ${String(cfg[key])}`);
  }
  if (cfg.headInput !== "cls" && cfg.headInput !== "pooler") problems.push(`headInput must be "cls" or "pooler", got ${String(cfg.headInput)}`);
  if (problems.length > 0) throw new MiceConfigError(problems);
  return Object.freeze(cfg);
}
