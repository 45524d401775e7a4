/**
 * `i3 export --onnx RUN_OR_CHECKPOINT [--out DIR] [--system KEY] [--cache-dir DIR]`: a trained
 * dual-encoder, I3 retriever, cross-encoder or MICE (checkpoint folder) as an ONNX folder (`@i3/encoders`' exporters and
 * `saveOnnxExport`: config.json, onnx/*.onnx, the checkpoint's tokenizer files), written
 * atomically. Prints the folder on stdout.
 */
import { stat } from "node:fs/promises";
import { join } from "node:path";
import {
  crossEncoderToOnnx,
  dualEncoderToOnnx,
  i3RetrieverToOnnx,
  initBackend,
  loadCrossEncoder,
  loadDualEncoder,
  loadI3Retriever,
  loadMice,
  miceToOnnx,
  saveOnnxExport,
  type OnnxExport,
} from "@i3/encoders";
import { checkFolderOption } from "./options.js";
import { checkpointKind, defaultExportDir, resolveExportSource, type CheckpointKind } from "./export-source.js";

/** Flags of `i3 export`, as commander parses them. */
export interface ExportCommandOptions {
  onnx: string;
  out?: string;
  system?: string;
  cacheDir?: string;
}

/** Tokenizer files copied from the checkpoint (tokenizer.json required, the rest when present). */
const TOKENIZER_FILES = ["tokenizer.json", "tokenizer_config.json", "special_tokens_map.json", "vocab.txt"] as const;

async function tokenizerFiles(checkpoint: string): Promise<string[]> {
  const present: string[] = [];
  for (const name of TOKENIZER_FILES) {
    const path = join(checkpoint, name);
    if ((await stat(path).catch(() => undefined))?.isFile()) present.push(path);
  }
  if (!present.some((p) => p.endsWith("tokenizer.json"))) throw new Error(`${join(checkpoint, "tokenizer.json")} not found: the export needs the checkpoint's tokenizer`);
  return present;
}

/** Loads a model with `load`, converts it with `toOnnx`, and frees it. */
async function exportWith<M extends { dispose(): void }>(load: () => Promise<M>, toOnnx: (model: M) => OnnxExport): Promise<OnnxExport> {
  const model = await load();
  try {
    return toOnnx(model);
  } finally {
    model.dispose();
  }
}

/** Loads the checkpoint of `kind` and exports it (the model is freed afterwards). */
async function exportModel(kind: CheckpointKind, checkpoint: string): Promise<OnnxExport> {
  if (kind === "i3") return exportWith(() => loadI3Retriever(checkpoint), i3RetrieverToOnnx);
  if (kind === "cross-encoder") return exportWith(() => loadCrossEncoder(checkpoint), crossEncoderToOnnx);
  if (kind === "mice") return exportWith(() => loadMice(checkpoint), miceToOnnx);
  return exportWith(() => loadDualEncoder(checkpoint), dualEncoderToOnnx);
}

/** Runs `i3 export`; returns the folder written. */
export async function exportCommand(options: ExportCommandOptions): Promise<string> {
  await checkFolderOption("--out", options.out);
  await checkFolderOption("--cache-dir", options.cacheDir);
  const source = await resolveExportSource(options.onnx, { system: options.system, cacheDir: options.cacheDir });
  const kind = await checkpointKind(source.checkpoint);
  const files = await tokenizerFiles(source.checkpoint);
  await initBackend({ device: "auto" });
  const exported = await exportModel(kind, source.checkpoint);
  const out = options.out ?? defaultExportDir(source);
  await saveOnnxExport(out, exported, files);
  process.stderr.write(`i3 export: ${kind} from ${source.checkpoint}: ${Object.keys(exported.files).map((f) => `onnx/${f}.onnx`).join(", ")}\n`);
  process.stdout.write(`${out}\n`);
  return out;
}
