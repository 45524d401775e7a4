/**
 * MICE checkpoints: one folder in Hugging Face layout, as the other models (folder.ts).
 *
 *   <dir>/config.json          the backbone's BertConfig (toHfConfig; `num_hidden_layers` = the
 *                              backbone's L, the seed layers' range; architectures ["MiceCrossEncoder"])
 *                              + `mice` (the full resolved MiceConfig)
 *   <dir>/model.safetensors    every `Mice.namedParameters()` weight under the reference
 *                              xpmir/mice state-dict names: `embeddings.*`, `bottom_layers.<i>.*`,
 *                              `top_layers.<j>.*`, `pooler.dense.*` (headInput "pooler"), `classifier.*`
 *   <dir>/tokenizer.json ...   copied verbatim when given
 *
 * Saving is atomic; loading is strict (every parameter in the file, every file tensor a
 * parameter, unless `opts.ignore`); errors name the file.
 */
import { join } from "node:path";
import { writeDirAtomic } from "@i3/core";
import { miceConfig, MiceConfigError, type MiceConfig, type MiceConfigInput } from "../mice/config.js";
import { Mice } from "../mice/model.js";
import type { EncoderConfig } from "../model/config.js";
import { CONFIG_FILE, WEIGHTS_FILE, aboutFile, readCheckpointNamingFiles, writeFolder, type LoadOptions, type SaveOptions } from "./folder.js";
import { fromHfConfig, HfConfigError, toHfConfig } from "./hf-config.js";
import { assignWeights, CheckpointMismatchError } from "./weights.js";

/** `architectures` entry of a MICE checkpoint's config.json. */
const MICE_ARCHITECTURE = "MiceCrossEncoder";

/** Saves a `Mice` as one folder: config.json (backbone BERT config + `mice`) and model.safetensors; `opts` files copied. */
export async function saveMice(dir: string, model: Mice, opts: SaveOptions = {}): Promise<void> {
  const hfConfig = toHfConfig(model.encoder, [MICE_ARCHITECTURE], { mice: model.config });
  await writeDirAtomic(dir, (tmp) => writeFolder(tmp, hfConfig, model.namedParameters(), opts));
}

/** Loads a `Mice` saved by `saveMice` (`opts.configOverrides` apply to the BERT config; `opts.ignore` defaults to none). */
export async function loadMice(dir: string, opts: LoadOptions = {}): Promise<Mice> {
  const configPath = join(dir, CONFIG_FILE);
  const { hfConfig, weights } = await readCheckpointNamingFiles(dir);
  const section = hfConfig.mice;
  if (typeof section !== "object" || section === null || Array.isArray(section)) {
    throw new Error(`${configPath}: no "mice" section, not a MICE checkpoint (see saveMice)`);
  }
  let encoder: EncoderConfig;
  let mice: MiceConfig;
  try {
    encoder = fromHfConfig(hfConfig, opts.configOverrides);
    mice = miceConfig(section as MiceConfigInput, encoder.layers);
  } catch (err) {
    if (err instanceof MiceConfigError || err instanceof HfConfigError) throw aboutFile(err, configPath);
    throw err;
  }
  const model = new Mice(encoder, mice);
  try {
    assignWeights(model.namedParameters(), weights.tensors, { ignore: opts.ignore ?? [] });
    return model;
  } catch (err) {
    model.dispose();
    if (err instanceof CheckpointMismatchError) throw aboutFile(err, join(dir, WEIGHTS_FILE));
    throw err;
  }
}
