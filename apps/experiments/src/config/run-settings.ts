/**
 * Run-level settings, shared by every system of an experiment: the split names, the device, the
 * inference engine, the seed and how runs are evaluated. Systems read these (never the whole experiment config),
 * so this module imports no system and the registry can import it without a cycle.
 */
import { parseDatasetName } from "@i3/data";
import { parseMeasure } from "@i3/metrics";
import { INFERENCE_SETTINGS, type InferenceSetting } from "@i3/retrievers/settings";
import { z } from "zod";

/** Measures reported when a config names none (the same as `i3 eval`). */
export const DEFAULT_MEASURES = ["AP", "nDCG@10", "RR@10", "R@100", "R@1000", "P@10"] as const;

/** Split keys of a config: the roles a split plays (training, model selection, final evaluation). */
export const SPLIT_KEYS = ["train", "dev", "test"] as const;
/** One split key. */
export type SplitKey = (typeof SPLIT_KEYS)[number];

/** A name used in folder and file names: letters, digits and `. _ = , + -`. */
export const slugSchema = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._=,+-]*$/, "expected a name of letters, digits and . _ = , + - (no spaces or slashes)");

/** A measure name in ir_measures syntax, checked against `@i3/metrics`' parser when the config loads. */
export const measureSchema = z
  .string()
  .min(1)
  .superRefine((name, ctx) => {
    try {
      parseMeasure(name);
    } catch (error) {
      ctx.addIssue({ code: "custom", message: `unknown measure "${name}": ${(error as Error).message}` });
    }
  });

/** Query splits of the dataset used for training, model selection and the final evaluation. */
export const splitsSchema = z
  .strictObject({
    train: z.string().default("train"),
    dev: z.string().default("dev"),
    test: z.string().default("test"),
  })
  .default({ train: "train", dev: "dev", test: "test" });

/** A dataset registry name (`default`, `msmarco-passage`, `beir/<name>`, `local:<dir>`), checked by `@i3/data`'s parser when the config loads. */
export const datasetNameSchema = z
  .string()
  .min(1)
  .superRefine((name, ctx) => {
    try {
      parseDatasetName(name);
    } catch (error) {
      ctx.addIssue({ code: "custom", message: (error as Error).message });
    }
  });

/**
 * One dataset evaluated out of domain (zero-shot): `"beir/cranfield"` or
 * `{ dataset: "beir/cranfield", split: "test" }`. Every system is evaluated on its `split`
 * (default `test`) with the models trained on the experiment's `dataset`.
 */
export const outOfDomainEntrySchema = z
  .union([datasetNameSchema, z.strictObject({ dataset: datasetNameSchema, split: z.string().min(1).default("test") })])
  .transform((entry) => (typeof entry === "string" ? { dataset: entry, split: "test" } : entry));

/** The resolved `outOfDomain` entry: a dataset and the split of it evaluated. */
export interface OutOfDomainDataset {
  readonly dataset: string;
  readonly split: string;
}

/** Where tensors run: `auto` picks the fastest installed TensorFlow.js backend. */
export const deviceSchema = z.enum(["auto", "gpu", "cpu", "wasm", "wasm+onnxruntime", "js"]).default("auto");

/**
 * Which engine runs inference with trained models in the index, retrieve and re-rank stages:
 * `auto` (absent: onnxruntime-node when it loads, TensorFlow.js when it does not or when
 * `device` is a GPU), `onnxruntime` or `tfjs` (the model's forward pass on `device`, as before
 * the setting existed). Training and teacher scoring always run on TensorFlow.js.
 */
export const inferenceSchema = z.enum(INFERENCE_SETTINGS).optional();

/** Paired significance tests against the baseline. */
export const significanceSchema = z
  .strictObject({
    tests: z.array(z.enum(["t", "randomization"])).min(1).default(["t", "randomization"]),
    alpha: z.number().gt(0).lt(1).default(0.05),
    permutations: z.number().int().positive().default(10_000),
    /** Holm family: `measure` (when absent: the systems compared on one measure) or `all` (every system and measure). */
    family: z.enum(["measure", "all"]).optional(),
  })
  .default({ tests: ["t", "randomization"], alpha: 0.05, permutations: 10_000 });

/** What is measured and how (trec_eval flags in the comments). */
export const evaluationSchema = z
  .strictObject({
    /** Split keys (of `splits`) evaluated. */
    splits: z.array(z.enum(SPLIT_KEYS)).min(1).default(["test"]),
    measures: z.array(measureSchema).min(1).default([...DEFAULT_MEASURES]),
    /** The measure of the bar chart and the sweep summary. */
    mainMeasure: z.string().default("nDCG@10"),
    /** [-c] average over every qrels query (missing = 0). */
    allQueries: z.boolean().default(false),
    /** [-l] minimum grade for binary measures. */
    relevanceLevel: z.number().int().nonnegative().default(1),
    /** [-M] ranking depth. */
    depth: z.number().int().positive().optional(),
    /** BEIR: drop retrieved documents whose id equals the query id. */
    removeSelfHits: z.boolean().default(false),
    significance: significanceSchema,
  })
  .default({
    splits: ["test"],
    measures: [...DEFAULT_MEASURES],
    mainMeasure: "nDCG@10",
    allQueries: false,
    relevanceLevel: 1,
    removeSelfHits: false,
    significance: { tests: ["t", "randomization"], alpha: 0.05, permutations: 10_000 },
  });

/** The resolved split names. */
export type Splits = z.output<typeof splitsSchema>;
/** The resolved evaluation settings. */
export type EvaluationSettings = z.output<typeof evaluationSchema>;
/** A device name. */
export type Device = z.output<typeof deviceSchema>;

/** What every system's stages may read of the experiment besides their own settings. */
export interface RunSettings {
  /** Registry name of the dataset. */
  readonly dataset: string;
  readonly splits: Splits;
  readonly seed: number;
  readonly device: Device;
  /** The config's `inference`, `auto` when absent. */
  readonly inference: InferenceSetting;
  readonly evaluation: EvaluationSettings;
}
