/**
 * Pretrained starting points of the dense systems as stage keys, without TensorFlow.js: content
 * fingerprints (streamed sha256) of the `model.init` (a Hugging Face BERT folder) and
 * `tokenizer.kind: "hf"` files (located by `@i3/retrievers/hf-files`), so that a cached
 * checkpoint is never reused after those files change, and moving them keeps the cache; and the
 * other settings whose key form keeps older caches valid (`trainKey`, `i3HeadsKey`, `inferenceKey`).
 */
import { sha256File } from "@i3/core";
import { hfTokenizerFiles, initFolderFiles, tokenizerSourceOf } from "@i3/retrievers/hf-files";
import type { TokenizerSettings } from "@i3/retrievers/settings";

/** The settings fields that decide where a dense system starts from. */
export interface StartSettings {
  readonly tokenizer: TokenizerSettings;
  readonly model: { readonly init?: string | undefined };
}

async function fingerprints(files: Iterable<[string, string]>): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const [name, path] of files) out[name] = await sha256File(path);
  return out;
}

/**
 * `tokenizer` as stage keys see it: unchanged for a trained vocabulary; for `hf`, the sha256 of
 * each tokenizer file instead of the path (`vocabSize` and `lowercase` do not apply: the
 * tokenizer's own files decide).
 */
export async function tokenizerKey(settings: StartSettings): Promise<unknown> {
  const source = tokenizerSourceOf(settings);
  if (source === undefined) return settings.tokenizer;
  return { kind: "hf", files: await fingerprints(await hfTokenizerFiles(source.path, source.field)) };
}

/**
 * `model` as stage keys see it: unchanged without `model.init`; with it, `init` is the sha256 of
 * its `config.json` and `model.safetensors` (not the path) and `preset` is dropped (the
 * checkpoint's config.json sets the size).
 */
export async function modelKey<M extends StartSettings["model"]>(settings: { readonly model: M }): Promise<unknown> {
  const { init, ...model } = settings.model;
  if (init === undefined) return settings.model;
  const files = await initFolderFiles(init);
  return { ...model, preset: undefined, init: await fingerprints([["config.json", files.config], ["model.safetensors", files.weights]]) };
}

/**
 * `train` as stage keys see it: without `checkpointEverySteps`, which only says how often the
 * train stage saves its state for a resume. A resumed run is bit-identical to an uninterrupted
 * one, so the interval never changes the stage's output: changing it keeps the cache, and the
 * keys stay those computed before the setting existed.
 */
export function trainKey<T extends { readonly checkpointEverySteps?: number | undefined }>(train: T): Omit<T, "checkpointEverySteps"> {
  const { checkpointEverySteps: _interval, ...key } = train;
  return key;
}

/**
 * I3's `i3` settings as stage keys see them: `reconstructor.memory` under the name it had before
 * `"pooled"` (`"cls"`), so the models cached before the rename keep their keys (the setting and
 * the model are unchanged; only the name is).
 */
export function i3HeadsKey<I extends { readonly reconstructor: { readonly memory: string } }>(i3: I): I {
  const { memory } = i3.reconstructor;
  return { ...i3, reconstructor: { ...i3.reconstructor, memory: memory === "pooled" ? "cls" : memory } };
}

/**
 * I3's `losses` as stage keys see them: `reconstruction: false` (no L_rec) as the absent field it
 * was before L_rec became the default, so models trained without it keep their keys.
 */
export function lossesKey<L extends { readonly reconstruction?: unknown }>(losses: L): L | Omit<L, "reconstruction"> {
  if (losses.reconstruction !== false) return losses;
  const { reconstruction: _off, ...key } = losses;
  return key;
}

/**
 * The run's `inference` as the keys of the stages that run a trained model (index, retrieve,
 * re-rank) see it: absent for `tfjs`, so the stages cached before the setting existed (computed
 * on TensorFlow.js) keep their keys as tfjs results; `{ inference }` otherwise (`auto`, the
 * default, or `onnxruntime`), so a cached tfjs index is never reused as an onnxruntime one.
 */
export function inferenceKey(run: { readonly inference: string }): { inference?: string } {
  return run.inference === "tfjs" ? {} : { inference: run.inference };
}
