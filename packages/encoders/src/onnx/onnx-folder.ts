/**
 * Writes an export as one folder that onnxruntime and transformers.js load directly:
 *
 *   <dir>/config.json            OnnxExport.config (BERT config + `i3_onnx`)
 *   <dir>/onnx/<name>.onnx       each graph (model.onnx, or query.onnx + passage.onnx)
 *   <dir>/tokenizer.json ...     the tokenizer files given, copied by base name
 *
 * transformers.js reads `onnx/model.onnx` by default and `onnx/query.onnx` with
 * `model_file_name: "query"`. Atomic: written to a sibling temp folder, then renamed over `dir`.
 */
import { copyFile, mkdir, writeFile } from "node:fs/promises";
import { basename, join } from "node:path";
import { writeDirAtomic } from "@i3/core";
import type { OnnxExport } from "./onnx-export.js";

/** Sub-folder of the ONNX files (transformers.js' layout). */
export const ONNX_SUBFOLDER = "onnx";

/** Writes `exported` and copies `tokenizerFiles` into `dir` (replaced atomically); returns the paths written. */
export async function saveOnnxExport(dir: string, exported: OnnxExport, tokenizerFiles: readonly string[] = []): Promise<string[]> {
  const written: string[] = [];
  await writeDirAtomic(dir, async (tmp) => {
    await writeFile(join(tmp, "config.json"), JSON.stringify(exported.config, null, 2) + "\n");
    await mkdir(join(tmp, ONNX_SUBFOLDER));
    for (const [name, bytes] of Object.entries(exported.files)) {
      await writeFile(join(tmp, ONNX_SUBFOLDER, `${name}.onnx`), bytes);
      written.push(join(dir, ONNX_SUBFOLDER, `${name}.onnx`));
    }
    for (const f of tokenizerFiles) await copyFile(f, join(tmp, basename(f)));
  });
  return [join(dir, "config.json"), ...written, ...tokenizerFiles.map((f) => join(dir, basename(f)))];
}
