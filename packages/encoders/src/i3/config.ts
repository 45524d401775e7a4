/**
 * I3 configuration: every architectural variant of the I3 retriever (Dong et al., CIKM 2023,
 * arXiv 2306.02371; reference code Deriq-Qian-Dong/III-Retriever) as a switch. Defaults are
 * the final reference code's choices (`src/modeling.py`, `script/train_dual_encoder.sh`):
 * m = 32 slots, 1 reconstructor layer cross-attending to p0 only (`memory: "pooled"`, the
 * passage's pooled vector: [CLS] with CLS pooling, as the reference), a 1-layer interactor over
 * [p0 ; mean(Z)], an untied MLM decoder. The reference's `n_head_layers` sets both depths. The paper's figure variant is
 * `{ reconstructor: { memory: "tokens" }, interactor: { input: "tokens" } }`.
 */

/** Token ids the slot sequence is built from ([CLS] [MASK] ... [MASK] [SEP]). */
export interface I3SpecialTokens {
  readonly cls: number;
  readonly sep: number;
  readonly mask: number;
}

/**
 * What the reconstructor's cross-attention reads: every passage token state (`tokens`) or the
 * pooled passage vector p0 (`pooled`; the paper calls it the [CLS] state, which it is with CLS
 * pooling). `"cls"` is accepted on input as a deprecated alias of `"pooled"`.
 */
export type ReconstructorMemory = "tokens" | "pooled";
/** What the interactor layer runs over. */
export type InteractorInput = "tokens" | "pooled";

/** A complete, validated I3 configuration. */
export interface I3Config {
  /** m: pseudo-query slots, [CLS] + (m - 2) [MASK] + [SEP] (reference `generated_query_len` 32). */
  readonly slots: number;
  readonly specialTokens: I3SpecialTokens;
  readonly reconstructor: {
    /** Decoder-style layers, 1..3 (reference `n_head_layers` = 1; the paper explores up to 3). */
    readonly layers: number;
    /** `tokens`: cross-attend to all of H_p (paper, Fig. 2); `pooled`: only to p0 (final reference code). */
    readonly memory: ReconstructorMemory;
  };
  readonly interactor: {
    /** false: p* = p0 (the reconstructor then only shapes the encoder through L_rec). */
    readonly enabled: boolean;
    /** `tokens`: over [H_p ; Z] (paper); `pooled`: over [p0 ; mean(Z)] (final reference code). */
    readonly input: InteractorInput;
    /** Encoder layers, 1..3 (reference `d_head`, `n_head_layers` deep; default 1 as `train_dual_encoder.sh`). */
    readonly layers: number;
  };
  readonly mlmHead: {
    /** Decoder weight = E_p's word embeddings (true) or its own [H, V] matrix (false, reference). */
    readonly tied: boolean;
  };
}

/** Input of {@link i3Config}: special tokens required, everything else defaulted. */
export interface I3ConfigInput {
  slots?: number;
  specialTokens: I3SpecialTokens;
  /** `memory: "cls"` is read as `"pooled"` (deprecated name; checkpoints saved before the rename hold it). */
  reconstructor?: Partial<Omit<I3Config["reconstructor"], "memory">> & { memory?: ReconstructorMemory | "cls" };
  interactor?: Partial<I3Config["interactor"]>;
  mlmHead?: Partial<I3Config["mlmHead"]>;
}

/** The final reference code's choices (see the module comment). */
export const I3_DEFAULTS = {
  slots: 32,
  reconstructor: { layers: 1, memory: "pooled" },
  interactor: { enabled: true, input: "pooled", layers: 1 },
  mlmHead: { tied: false },
} as const;

/** Thrown for an invalid I3 configuration; `problems` lists every violated rule. */
export class I3ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid I3 config: ${problems.join("; ")}`);
    this.name = "I3ConfigError";
  }
}

/** `obj` without its `undefined` fields (an explicit `undefined` takes the default). */
function definedFields<T extends object>(obj: T | undefined): Partial<T> {
  return Object.fromEntries(Object.entries(obj ?? {}).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/**
 * Fills defaults and validates (reports every problem at once). `reconstructor.memory: "cls"`
 * (the name before it was called `pooled`) is read as `"pooled"`.
 */
export function i3Config(input: I3ConfigInput): I3Config {
  const reconstructor = { ...I3_DEFAULTS.reconstructor, ...definedFields(input.reconstructor) };
  const cfg: I3Config = {
    slots: input.slots ?? I3_DEFAULTS.slots,
    specialTokens: { ...input.specialTokens },
    reconstructor: { ...reconstructor, memory: reconstructor.memory === "cls" ? "pooled" : reconstructor.memory },
    interactor: { ...I3_DEFAULTS.interactor, ...definedFields(input.interactor) },
    mlmHead: { ...I3_DEFAULTS.mlmHead, ...definedFields(input.mlmHead) },
  };
  const problems: string[] = [];
  const int = (x: unknown, min: number) => typeof x === "number" && Number.isInteger(x) && x >= min;
  if (!int(cfg.slots, 2)) problems.push(`slots must be an integer >= 2 ([CLS] and [SEP]), got ${String(cfg.slots)}`);
  for (const k of ["cls", "sep", "mask"] as const) {
    if (!int(cfg.specialTokens?.[k], 0)) problems.push(`specialTokens.${k} must be a token id >= 0, got ${String(cfg.specialTokens?.[k])}`);
  }
  const layers = cfg.reconstructor.layers;
  if (!(int(layers, 1) && layers <= 3)) problems.push(`reconstructor.layers must be 1, 2 or 3, got ${String(layers)}`);
  if (cfg.reconstructor.memory !== "tokens" && cfg.reconstructor.memory !== "pooled") {
    problems.push(`reconstructor.memory must be "tokens" or "pooled", got ${String(cfg.reconstructor.memory)}`);
  }
  const interactorLayers = cfg.interactor.layers;
  if (!(int(interactorLayers, 1) && interactorLayers <= 3)) problems.push(`interactor.layers must be 1, 2 or 3, got ${String(interactorLayers)}`);
  if (cfg.interactor.input !== "tokens" && cfg.interactor.input !== "pooled") {
    problems.push(`interactor.input must be "tokens" or "pooled", got ${String(cfg.interactor.input)}`);
  }
  if (typeof cfg.interactor.enabled !== "boolean") problems.push(`interactor.enabled must be a boolean`);
  if (typeof cfg.mlmHead.tied !== "boolean") problems.push(`mlmHead.tied must be a boolean`);
  if (problems.length > 0) throw new I3ConfigError(problems);
  return Object.freeze(cfg);
}
