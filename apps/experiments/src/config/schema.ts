/**
 * The experiment config schema (zod 4): one source of truth for the TypeScript types
 * (`ExperimentInput` = what a config file may write, `ExperimentConfig` = the resolved config with
 * every default filled) and for runtime validation. Every object is strict: an unknown field is an
 * error, never silently ignored. Run-level settings live in ./run-settings.ts; each system's
 * settings (and their defaults) live in its own folder, gathered by the registry.
 */
import { z } from "zod";
import { systemDefinition, systemSettingsSchema } from "../systems/registry.js";
import { datasetNameSchema, deviceSchema, evaluationSchema, inferenceSchema, outOfDomainEntrySchema, slugSchema, splitsSchema } from "./run-settings.js";

export { DEFAULT_MEASURES, SPLIT_KEYS, type OutOfDomainDataset, type SplitKey, type RunSettings } from "./run-settings.js";

/** A system's key in `systems`: starts with a letter (so object key order is the order written). */
export const systemKeySchema = z
  .string()
  .regex(/^[A-Za-z][A-Za-z0-9._-]*$/, "expected a system key of letters, digits and . _ - starting with a letter");

/** A whole experiment. */
export const experimentSchema = z
  .strictObject({
    name: slugSchema,
    description: z.string().optional(),
    /** Registry name: `default`, `msmarco-passage`, `beir/<name>`, `local:<dir>`. */
    dataset: datasetNameSchema.default("default"),
    splits: splitsSchema,
    /**
     * Out-of-domain (zero-shot) evaluation: datasets every system is also evaluated on, with the
     * models trained on `dataset` (nothing is trained on them): `["beir/cranfield", { dataset:
     * "default", split: "dev" }]` (split default `test`). Absent, so configs without it keep
     * their config hash and stage keys.
     */
    outOfDomain: z.array(outOfDomainEntrySchema).min(1).optional(),
    /** The systems compared, by key, in report order: `{ bm25: { kind: "bm25" }, de: { kind: "dual-encoder", ... } }`. */
    systems: z
      .record(systemKeySchema, systemSettingsSchema)
      .refine((systems) => Object.keys(systems).length > 0, "list at least one system")
      .prefault({ bm25: { kind: "bm25" } }),
    /** The system every other is compared with (default: the first). */
    baseline: z.string().optional(),
    device: deviceSchema,
    /** Absent (`auto`), so configs written before it existed keep their config hash. */
    inference: inferenceSchema,
    seed: z.number().int().nonnegative().default(42),
    /**
     * Replicates: every system is run once per seed (training, pseudo-queries, sampling), and
     * each measure is reported as the mean over seeds with its standard deviation; significance
     * tests pair the per-query values averaged over seeds. Absent: one run with `seed`.
     */
    seeds: z.array(z.number().int().nonnegative()).min(1).optional(),
    evaluation: evaluationSchema,
  })
  .superRefine((config, ctx) => {
    const keys = Object.keys(config.systems);
    if (config.seeds !== undefined && new Set(config.seeds).size !== config.seeds.length) {
      ctx.addIssue({ code: "custom", path: ["seeds"], message: `seeds repeat a value: [${config.seeds.join(", ")}]` });
    }
    config.outOfDomain?.forEach(({ dataset }, i) => {
      if (dataset === config.dataset) {
        ctx.addIssue({ code: "custom", path: ["outOfDomain", i], message: `"${dataset}" is the training dataset (dataset); evaluate its splits with evaluation.splits` });
      } else if (config.outOfDomain!.findIndex((other) => other.dataset === dataset) !== i) {
        ctx.addIssue({ code: "custom", path: ["outOfDomain", i], message: `"${dataset}" is listed twice` });
      }
    });
    if (config.baseline !== undefined && !keys.includes(config.baseline)) {
      ctx.addIssue({ code: "custom", path: ["baseline"], message: `baseline "${config.baseline}" is not one of systems [${keys.join(", ")}]` });
    }
    if (!config.evaluation.measures.includes(config.evaluation.mainMeasure)) {
      ctx.addIssue({ code: "custom", path: ["evaluation", "mainMeasure"], message: `"${config.evaluation.mainMeasure}" is not one of evaluation.measures` });
    }
    for (const [key, settings] of Object.entries(config.systems)) {
      const definition = systemDefinition(settings.kind);
      let referencesValid = true;
      for (const ref of definition.references(settings as never)) {
        const path = ["systems", key, ...ref.field.split(".")];
        const target = config.systems[ref.system];
        if (target === undefined) {
          ctx.addIssue({ code: "custom", path, message: `names system "${ref.system}", which is not one of systems [${keys.join(", ")}]` });
        } else if (!ref.roles.includes(systemDefinition(target.kind).role)) {
          const role = systemDefinition(target.kind).role;
          ctx.addIssue({ code: "custom", path, message: `names system "${ref.system}" (a ${role} system); expected a ${ref.roles.join(" or ")} system` });
        } else if (ref.kinds !== undefined && !ref.kinds.includes(target.kind)) {
          ctx.addIssue({ code: "custom", path, message: `names system "${ref.system}" (kind ${target.kind}); expected a system of kind ${ref.kinds.join(" or ")}` });
        }
        if (target === undefined || !ref.roles.includes(systemDefinition(target.kind).role) || (ref.kinds !== undefined && !ref.kinds.includes(target.kind))) referencesValid = false;
      }
      if (referencesValid && definition.issues !== undefined) {
        for (const issue of definition.issues(settings as never, (system) => config.systems[system]!)) {
          ctx.addIssue({ code: "custom", path: ["systems", key, ...issue.field.split(".")], message: issue.message });
        }
      }
    }
  })
  .transform((config) => ({ ...config, baseline: config.baseline ?? Object.keys(config.systems)[0]! }));

/** What a config file writes (defaults optional). */
export type ExperimentInput = z.input<typeof experimentSchema>;
/** The resolved config: every default filled in. */
export type ExperimentConfig = z.output<typeof experimentSchema>;

/** The seeds an experiment runs each system with: `seeds`, or `[seed]`. */
export function replicateSeeds(config: Pick<ExperimentConfig, "seed" | "seeds">): number[] {
  return config.seeds ?? [config.seed];
}
