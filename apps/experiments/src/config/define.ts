/** `defineExperiment` and `parseExperiment`: validate a config and fill its defaults. */
import { stableHash } from "@i3/core";
import { ConfigError, formatZodError } from "./errors.js";
import { experimentSchema, type ExperimentConfig, type ExperimentInput } from "./schema.js";

/**
 * Validates `input` (strict: unknown fields and wrong types are errors) and returns the resolved
 * config with every default filled. Throws a {@link ConfigError} whose lines read
 * `config error at <path>: <reason>`; `source` (e.g. the file) prefixes the message.
 */
export function parseExperiment(input: unknown, source?: string): ExperimentConfig {
  const result = experimentSchema.safeParse(input, { reportInput: true });
  if (!result.success) throw new ConfigError(formatZodError(result.error), source);
  return result.data;
}

/** Declares an experiment in `experiments/*.ts` (typed by the schema); returns the resolved config. */
export function defineExperiment(input: ExperimentInput): ExperimentConfig {
  return parseExperiment(input);
}

/** The config hash: sha256 of the canonical JSON of the resolved config. */
export function configHash(config: ExperimentConfig): string {
  return stableHash(config);
}
