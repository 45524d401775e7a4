/**
 * Pretrained starting points of the neural stages, without TensorFlow.js: where `model.init` (a
 * Hugging Face BERT folder) and a `tokenizer.kind: "hf"` tokenizer live on disk, clear errors
 * when their files are missing, and content fingerprints (streamed sha256) for the stage keys,
 * so that a cached checkpoint is never reused after those files change. Keys of configs with
 * neither keep their old form (see {@link tokenizerKey}, {@link modelKey}).
 */
import { stat } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { sha256File } from "@i3/core";

/** The settings fields that decide where a dense system starts from. */
export interface StartSettings {
  readonly tokenizer: { readonly kind: "wordpiece-trained" | "hf"; readonly path?: string | undefined };
  readonly model: { readonly init?: string | undefined };
}

/** The files of a `model.init` folder. */
export interface InitFolderFiles {
  readonly config: string;
  readonly weights: string;
}

/** The tokenizer files read from a folder (a file path adds its folder's config files). */
const TOKENIZER_MAIN_FILES = ["tokenizer.json", "vocab.txt"] as const;
const TOKENIZER_CONFIG_FILES = ["tokenizer_config.json", "special_tokens_map.json"] as const;

async function kindOf(path: string): Promise<"file" | "dir" | undefined> {
  const info = await stat(path).catch(() => undefined);
  if (info === undefined) return undefined;
  return info.isDirectory() ? "dir" : "file";
}

/**
 * `config.json` and `model.safetensors` of a `model.init` folder; throws naming `model.init`
 * and the missing file (and the conversion hint when only `pytorch_model.bin` is there).
 */
export async function initFolderFiles(dir: string): Promise<InitFolderFiles> {
  if ((await kindOf(dir)) !== "dir") throw new Error(`model.init: ${dir} is not a folder (expected a Hugging Face BERT folder with config.json and model.safetensors)`);
  const config = join(dir, "config.json");
  const weights = join(dir, "model.safetensors");
  if ((await kindOf(config)) !== "file") throw new Error(`model.init: ${config} not found (a Hugging Face BERT folder needs config.json and model.safetensors)`);
  if ((await kindOf(weights)) !== "file") {
    const bin = (await kindOf(join(dir, "pytorch_model.bin"))) === "file" ? "; only pytorch_model.bin is there: convert it to safetensors first (packages/encoders/docs/checkpoints.md)" : "";
    throw new Error(`model.init: ${weights} not found (a Hugging Face BERT folder needs config.json and model.safetensors${bin})`);
  }
  return { config, weights };
}

/** Where an `hf` tokenizer is read from, and the config field that named it (for messages). */
export interface HfTokenizerSource {
  readonly path: string;
  readonly field: string;
}

/**
 * The `hf` tokenizer of a config: `tokenizer.path`, else the `model.init` folder; undefined for
 * a trained WordPiece vocabulary. Throws when `hf` has neither (the schema refuses that too).
 */
export function hfTokenizerSource(config: StartSettings): HfTokenizerSource | undefined {
  if (config.tokenizer.kind !== "hf") return undefined;
  const source = tokenizerSourceOf({ tokenizerPath: config.tokenizer.path, init: config.model.init });
  if (source !== undefined) return source;
  throw new Error('tokenizer.path: tokenizer.kind "hf" needs tokenizer.path (or model.init, whose folder it then defaults to)');
}

/**
 * Where a Hugging Face tokenizer is read from, given an explicit tokenizer path and a
 * `model.init` folder: the path, else the folder; undefined when neither is set (a trained
 * vocabulary).
 */
export function tokenizerSourceOf(paths: { tokenizerPath?: string | undefined; init?: string | undefined }): HfTokenizerSource | undefined {
  if (paths.tokenizerPath !== undefined) return { path: paths.tokenizerPath, field: "tokenizer.path" };
  if (paths.init !== undefined) return { path: paths.init, field: "tokenizer.path (defaulting to model.init)" };
  return undefined;
}

/**
 * The files an `hf` tokenizer at `path` is read from, canonical name -> path: for a folder, those
 * of `tokenizer.json`, `vocab.txt`, `tokenizer_config.json`, `special_tokens_map.json` it holds
 * (one of the first two is required); for a file, the file itself (as `tokenizer.json` when its
 * name ends in `.json`, else as `vocab.txt`) plus its folder's two config files. `field` names
 * the config field in errors.
 */
export async function hfTokenizerFiles(path: string, field = "tokenizer.path"): Promise<Map<string, string>> {
  const kind = await kindOf(path);
  if (kind === undefined) throw new Error(`${field}: ${path} does not exist (expected a folder with tokenizer.json or vocab.txt, or one of those files)`);
  const files = new Map<string, string>();
  const folder = kind === "dir" ? path : dirname(path);
  if (kind === "file") files.set(basename(path).endsWith(".json") ? "tokenizer.json" : "vocab.txt", path);
  else {
    for (const name of TOKENIZER_MAIN_FILES) if ((await kindOf(join(path, name))) === "file") files.set(name, join(path, name));
    if (files.size === 0) throw new Error(`${field}: folder ${path} has no tokenizer.json and no vocab.txt (a Hugging Face tokenizer folder needs one of them)`);
  }
  for (const name of TOKENIZER_CONFIG_FILES) if ((await kindOf(join(folder, name))) === "file") files.set(name, join(folder, name));
  return files;
}

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
export async function tokenizerKey(config: StartSettings): Promise<unknown> {
  const source = hfTokenizerSource(config);
  if (source === undefined) return config.tokenizer;
  return { kind: "hf", files: await fingerprints(await hfTokenizerFiles(source.path, source.field)) };
}

/**
 * `config.model` as stage keys see it: unchanged without `model.init`; with it, `init` is the
 * sha256 of its `config.json` and `model.safetensors` (not the path) and `preset` is dropped
 * (the checkpoint's config.json sets the size).
 */
export async function modelKey<M extends StartSettings["model"]>(config: { readonly model: M }): Promise<unknown> {
  const { init, ...model } = config.model;
  if (init === undefined) return config.model;
  const files = await initFolderFiles(init);
  return { ...model, preset: undefined, init: await fingerprints([["config.json", files.config], ["model.safetensors", files.weights]]) };
}
