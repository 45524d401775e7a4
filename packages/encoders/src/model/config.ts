/**
 * Typed encoder configuration, validation and named presets.
 *
 * Field meanings follow Hugging Face's `BertConfig` (see `../checkpoint/hfConfig.ts` for the
 * exact name mapping): `hidden` = hidden_size, `intermediate` = intermediate_size, etc.
 */

/** How a sequence is pooled into one vector. */
export type Pooling = "cls" | "mean";

/** A complete, validated encoder configuration (BERT architecture, GELU, post-LayerNorm). */
export interface EncoderConfig {
  /** Word-piece vocabulary size V. */
  readonly vocabSize: number;
  /** Hidden width H. */
  readonly hidden: number;
  /** Number of transformer layers L. */
  readonly layers: number;
  /** Attention heads A; H % A must be 0 (head width dh = H / A). */
  readonly heads: number;
  /** Feed-forward inner width (BERT: 4H). */
  readonly intermediate: number;
  /** Maximum sequence length (rows of the position-embedding table). */
  readonly maxPositions: number;
  /** Token-type (segment) vocabulary; 2 in BERT. */
  readonly typeVocabSize: number;
  /** LayerNorm epsilon, added to the variance; 1e-12 in BERT. */
  readonly layerNormEps: number;
  /** Dropout rate on embeddings, attention output and FFN output (training only). */
  readonly hiddenDropout: number;
  /** Dropout rate on attention probabilities (training only). */
  readonly attentionDropout: number;
  /** Pooled output: the [CLS] state or the attention-masked mean of token states. */
  readonly pooling: Pooling;
  /** Std of the truncated-normal weight initialiser; 0.02 in BERT. */
  readonly initializerRange: number;
}

/** Required fields of `EncoderConfig`; the rest take BERT's defaults. */
export type EncoderConfigInput = Pick<EncoderConfig, "vocabSize" | "hidden" | "layers" | "heads" | "intermediate" | "maxPositions"> &
  Partial<Omit<EncoderConfig, "vocabSize" | "hidden" | "layers" | "heads" | "intermediate" | "maxPositions">>;

/** BERT's defaults for the optional fields. */
export const ENCODER_DEFAULTS = {
  typeVocabSize: 2,
  layerNormEps: 1e-12,
  hiddenDropout: 0.1,
  attentionDropout: 0.1,
  pooling: "cls",
  initializerRange: 0.02,
} as const satisfies Partial<EncoderConfig>;

/** Architecture presets (vocabulary and positions are BERT's uncased 30522 / 512; override freely). */
export const PRESETS = {
  /** 2 layers x 128 wide, 2 heads, FFN 512 (BERT-tiny shape). */
  tiny: { layers: 2, hidden: 128, heads: 2, intermediate: 512 },
  /** 4 layers x 256 wide, 4 heads, FFN 1024 (BERT-mini shape). */
  small: { layers: 4, hidden: 256, heads: 4, intermediate: 1024 },
  /** 12 layers x 768 wide, 12 heads, FFN 3072 (bert-base). */
  base: { layers: 12, hidden: 768, heads: 12, intermediate: 3072 },
} as const;

/** Name of an architecture preset. */
export type PresetName = keyof typeof PRESETS;

/** Thrown for an invalid configuration; `problems` lists every violated rule. */
export class EncoderConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid encoder config: ${problems.join("; ")}`);
    this.name = "EncoderConfigError";
  }
}

function isPositiveInt(x: unknown): x is number {
  return typeof x === "number" && Number.isInteger(x) && x > 0;
}

/** Fills defaults and validates; throws `EncoderConfigError` listing all problems. */
export function encoderConfig(input: EncoderConfigInput): EncoderConfig {
  const cfg: EncoderConfig = { ...ENCODER_DEFAULTS, ...input };
  const problems: string[] = [];
  for (const key of ["vocabSize", "hidden", "layers", "heads", "intermediate", "maxPositions", "typeVocabSize"] as const) {
    if (!isPositiveInt(cfg[key])) problems.push(`${key} must be a positive integer, got ${String(cfg[key])}`);
  }
  if (isPositiveInt(cfg.hidden) && isPositiveInt(cfg.heads) && cfg.hidden % cfg.heads !== 0) {
    problems.push(`hidden (${cfg.hidden}) must be divisible by heads (${cfg.heads})`);
  }
  for (const key of ["hiddenDropout", "attentionDropout"] as const) {
    const r = cfg[key];
    if (!(typeof r === "number" && r >= 0 && r < 1)) problems.push(`${key} must be in [0, 1), got ${String(r)}`);
  }
  if (!(typeof cfg.layerNormEps === "number" && cfg.layerNormEps > 0)) problems.push(`layerNormEps must be > 0, got ${String(cfg.layerNormEps)}`);
  if (!(typeof cfg.initializerRange === "number" && cfg.initializerRange > 0)) {
    problems.push(`initializerRange must be > 0, got ${String(cfg.initializerRange)}`);
  }
  if (cfg.pooling !== "cls" && cfg.pooling !== "mean") problems.push(`pooling must be "cls" or "mean", got ${String(cfg.pooling)}`);
  if (problems.length > 0) throw new EncoderConfigError(problems);
  return Object.freeze(cfg);
}

/**
 * A preset architecture with BERT-uncased vocabulary/positions (30522 / 512), any field
 * overridable: `presetConfig("tiny", { vocabSize: 8000, pooling: "mean" })`.
 */
export function presetConfig(name: PresetName, overrides: Partial<EncoderConfig> = {}): EncoderConfig {
  const preset = PRESETS[name];
  if (preset === undefined) throw new EncoderConfigError([`unknown preset "${String(name)}" (known: ${Object.keys(PRESETS).join(", ")})`]);
  return encoderConfig({ vocabSize: 30522, maxPositions: 512, ...preset, ...overrides });
}

/** Head width dh = hidden / heads. */
export function headDim(cfg: EncoderConfig): number {
  return cfg.hidden / cfg.heads;
}
