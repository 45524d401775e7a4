/**
 * Pretrained starting points of the neural stages as stage keys, without TensorFlow.js: content
 * fingerprints (streamed sha256) of the `model.init` (a Hugging Face BERT folder) and
 * `tokenizer.kind: "hf"` files (located by `@i3/retrievers/hf-files`), so that a cached
 * checkpoint is never reused after those files change. Keys of configs with neither keep their
 * old form (see {@link tokenizerKey}, {@link modelKey}).
 */
import { sha256File } from "@i3/data";
import { hfTokenizerFiles, initFolderFiles, tokenizerSourceOf } from "@i3/retrievers/hf-files";
import type { ExperimentConfig } from "../config/schema.js";

async function fingerprints(files: Iterable<[string, string]>): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const [name, path] of files) out[name] = await sha256File(path);
  return out;
}

/**
 * `config.tokenizer` as stage keys see it: unchanged for a trained vocabulary; for `hf`, the
 * sha256 of each tokenizer file instead of the path (`vocabSize` and `lowercase` do not apply:
 * the tokenizer's own files decide), so moving the files keeps the cache and editing them does not.
 */
export async function tokenizerKey(config: Pick<ExperimentConfig, "tokenizer" | "model">): Promise<unknown> {
  const source = tokenizerSourceOf(config);
  if (source === undefined) return config.tokenizer;
  return { kind: "hf", files: await fingerprints(await hfTokenizerFiles(source.path, source.field)) };
}

/**
 * `config.model` as stage keys see it: unchanged without `model.init`; with it, `init` is the
 * sha256 of its `config.json` and `model.safetensors` (not the path) and `preset` is dropped
 * (the checkpoint's config.json sets the size).
 */
export async function modelKey(config: Pick<ExperimentConfig, "model">): Promise<unknown> {
  const { init, ...model } = config.model;
  if (init === undefined) return config.model;
  const files = await initFolderFiles(init);
  return { ...model, preset: undefined, init: await fingerprints([["config.json", files.config], ["model.safetensors", files.weights]]) };
}
