/**
 * I3 retriever checkpoints: one folder in Hugging Face layout.
 *
 *   <dir>/config.json          the towers' BertConfig (toHfConfig, architectures ["I3Retriever"])
 *                              + `i3` (the full resolved I3Config) + `shared_towers`
 *   <dir>/model.safetensors    every `I3Retriever.namedParameters()` weight under the reference
 *                              III-Retriever state-dict names: `lm_p.*`, `lm_q.*` (separate
 *                              towers only), `c_head.*`, `d_head.*` (interactor on only),
 *                              `cls.predictions.*` (no `decoder.weight` when the MLM head is
 *                              tied: it is `lm_p.embeddings.word_embeddings.weight`)
 *   <dir>/tokenizer.json ...   copied verbatim when given
 *
 * Saving is atomic as for the other folders (folder.ts). Loading is strict: every model
 * parameter must be in the file and every file tensor must be a model parameter (nothing is
 * ignored unless `opts.ignore` says so, e.g. `lm_p.pooler.*` of a converted reference
 * checkpoint); errors name the file and list every offending parameter.
 */
import { join } from "node:path";
import { writeDirAtomic } from "@i3/core";
import { i3Config, I3ConfigError, type I3Config, type I3ConfigInput } from "../i3/config.js";
import { I3Retriever } from "../i3/retriever.js";
import type { EncoderConfig } from "../model/config.js";
import { CONFIG_FILE, WEIGHTS_FILE, aboutFile, readCheckpointNamingFiles, writeFolder, type LoadOptions, type SaveOptions } from "./folder.js";
import { fromHfConfig, HfConfigError, toHfConfig } from "./hf-config.js";
import { assignWeights, CheckpointMismatchError } from "./weights.js";

/** `architectures` entry of an I3 checkpoint's config.json. */
const I3_ARCHITECTURE = "I3Retriever";

function sameEncoderConfig(a: EncoderConfig, b: EncoderConfig): boolean {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  return [...keys].every((k) => (a as unknown as Record<string, unknown>)[k] === (b as unknown as Record<string, unknown>)[k]);
}

/**
 * Saves an `I3Retriever` as one folder: config.json (BERT config of the towers + `i3` +
 * `shared_towers`) and model.safetensors (reference state-dict names); `opts` files copied.
 */
export async function saveI3Retriever(dir: string, model: I3Retriever, opts: SaveOptions = {}): Promise<void> {
  for (const [name, tower] of [["query", model.queryEncoder], ["passage", model.passageEncoder]] as const) {
    if (!sameEncoderConfig(tower.config, model.encoder)) {
      throw new Error(`saveI3Retriever: the ${name} tower's config differs from the retriever's encoder config; config.json holds one BERT config for both`);
    }
  }
  const hfConfig = toHfConfig(model.encoder, [I3_ARCHITECTURE], { i3: model.config, shared_towers: model.shared });
  await writeDirAtomic(dir, (tmp) => writeFolder(tmp, hfConfig, model.namedParameters(), opts));
}

/**
 * Loads an `I3Retriever` saved by `saveI3Retriever`: towers and heads are built from
 * config.json (`opts.configOverrides` apply to the BERT config), then every weight is assigned
 * strictly (`opts.ignore` defaults to none). `shared_towers`, when absent, is inferred from the
 * absence of `lm_q.*` weights.
 */
export async function loadI3Retriever(dir: string, opts: LoadOptions = {}): Promise<I3Retriever> {
  const configPath = join(dir, CONFIG_FILE);
  const weightsPath = join(dir, WEIGHTS_FILE);
  const { hfConfig, weights } = await readCheckpointNamingFiles(dir);
  const section = hfConfig.i3;
  if (typeof section !== "object" || section === null || Array.isArray(section)) {
    throw new Error(`${configPath}: no "i3" section, not an I3 retriever checkpoint (see saveI3Retriever)`);
  }
  let i3: I3Config;
  let encoder: EncoderConfig;
  try {
    i3 = i3Config(section as I3ConfigInput);
    encoder = fromHfConfig(hfConfig, opts.configOverrides);
  } catch (err) {
    if (err instanceof I3ConfigError || err instanceof HfConfigError) throw aboutFile(err, configPath);
    throw err;
  }
  if (i3.slots > encoder.maxPositions) throw new Error(`${configPath}: i3.slots ${i3.slots} exceed max_position_embeddings ${encoder.maxPositions}`);
  const flag = hfConfig.shared_towers;
  if (flag !== undefined && typeof flag !== "boolean") throw new Error(`${configPath}: "shared_towers" must be a boolean, got ${JSON.stringify(flag)}`);
  const shared = flag ?? ![...weights.tensors.keys()].some((n) => n.startsWith("lm_q."));
  const model = new I3Retriever(encoder, i3, { shared });
  try {
    assignWeights(model.namedParameters(), weights.tensors, { ignore: opts.ignore ?? [] });
    return model;
  } catch (err) {
    model.dispose();
    if (err instanceof CheckpointMismatchError) throw aboutFile(err, weightsPath);
    throw err;
  }
}
