/**
 * Where a Hugging Face starting point lives on disk, without TensorFlow.js (importable as
 * `@i3/retrievers/hf-files`, e.g. to fingerprint the files for a cache key): the files of a
 * `model.init` BERT folder and of an `hf` tokenizer, with errors naming the setting and the file.
 */
import { readFile, stat } from "node:fs/promises";
import { basename, dirname, join } from "node:path";

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

/** Where an `hf` tokenizer is read from, and the setting that named it (for messages). */
export interface HfTokenizerSource {
  readonly path: string;
  readonly field: string;
}

/**
 * Where the tokenizer of these settings is read from: for `tokenizer.kind: "hf"`,
 * `tokenizer.path`, else the `model.init` folder; undefined for a WordPiece vocabulary trained on
 * the corpus. Throws when `hf` has neither (the settings schemas refuse that too).
 */
export function tokenizerSourceOf(settings: {
  tokenizer: { kind: "wordpiece-trained" | "hf"; path?: string | undefined };
  model: { init?: string | undefined };
}): HfTokenizerSource | undefined {
  if (settings.tokenizer.kind !== "hf") return undefined;
  if (settings.tokenizer.path !== undefined) return { path: settings.tokenizer.path, field: "tokenizer.path" };
  if (settings.model.init !== undefined) return { path: settings.model.init, field: "tokenizer.path (defaulting to model.init)" };
  throw new Error('tokenizer.path: tokenizer.kind "hf" needs tokenizer.path (or model.init, whose folder it then defaults to)');
}

/**
 * The files an `hf` tokenizer at `path` is read from, canonical name -> path: for a folder, those
 * of `tokenizer.json`, `vocab.txt`, `tokenizer_config.json`, `special_tokens_map.json` it holds
 * (one of the first two is required); for a file, the file itself (as `tokenizer.json` when its
 * name ends in `.json`, else as `vocab.txt`) plus its folder's two config files. `field` names
 * the setting in errors.
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

/**
 * What a `model.init` folder holds: `i3`, an I3 retriever checkpoint (`@i3/encoders`'
 * `saveI3Retriever`, as `trainI3` saves it: config.json with an `i3` section), or `bert`, a
 * Hugging Face BERT folder. Reads config.json only; throws as {@link initFolderFiles}.
 */
export async function initFolderKind(dir: string): Promise<"bert" | "i3"> {
  const { config } = await initFolderFiles(dir);
  let json: unknown;
  try {
    json = JSON.parse(await readFile(config, "utf8"));
  } catch (err) {
    throw new Error(`model.init: ${config}: ${(err as Error).message}`, { cause: err });
  }
  const section = (json as { i3?: unknown } | null)?.i3;
  return typeof section === "object" && section !== null ? "i3" : "bert";
}
