/**
 * A pre-trained seq2seq query generator in ONNX (e.g. a doc2query-T5 export, Nogueira & Lin
 * 2019 "From doc2query to docTTTTTquery"; the I3 authors used Flan-T5 generations), run locally
 * through transformers.js (`@huggingface/transformers` v4: `AutoTokenizer` +
 * `AutoModelForSeq2SeqLM` on onnxruntime-node). Nothing is downloaded: remote models are
 * disabled and the folder must hold a transformers.js-style export:
 *
 *   <dir>/config.json, tokenizer.json, tokenizer_config.json, [generation_config.json]
 *   <dir>/onnx/encoder_model.onnx, onnx/decoder_model_merged.onnx   (dtype fp32; q8: *_quantized.onnx)
 *
 * (`optimum-cli export onnx --task text2text-generation-with-past` writes this layout once the
 * .onnx files are moved into `onnx/`.)
 *
 * Decoding is greedy or beam search only: transformers.js samples with `Math.random`, which
 * cannot be seeded, and sources must be deterministic per seed. The library is imported
 * lazily, so the other sources never load onnxruntime.
 */
import { createHash } from "node:crypto";
import { readFile, readdir, stat } from "node:fs/promises";
import { basename, dirname, join, resolve } from "node:path";
import type { Passage } from "@i3/data";
import { oneLine, sourceText } from "../text.js";
import type { PseudoQuerySource, SourceGenerateOptions } from "../types.js";

/** Options of {@link onnxSeq2SeqSource} and {@link loadOnnxSeq2Seq}. */
export interface OnnxSeq2SeqOptions {
  /** The model folder (see the module comment). */
  modelDir: string;
  /** Weight variant: `fp32` (default) reads `*.onnx`, `q8` `*_quantized.onnx`, `fp16` `*_fp16.onnx`. */
  dtype?: "fp32" | "fp16" | "q8" | "int8" | "uint8" | "q4";
  /** Generated tokens at most. Default 64. */
  maxNewTokens?: number;
  /** Beam width; 1 = greedy. Default 1. */
  numBeams?: number;
  /** Input tokens at most (truncation). Default 512. */
  maxInputLength?: number;
  /** Text put before each passage (some models expect a task prompt). Default "". */
  prefix?: string;
  /** Passages per generate call. Default 8. */
  batchSize?: number;
  /** Source name. Default `onnx-seq2seq`. */
  name?: string;
}

/** A loaded generator: texts in, one query each out. */
export interface OnnxSeq2Seq {
  generate(texts: readonly string[]): Promise<string[]>;
  dispose(): Promise<void>;
}

interface TokenizerLike {
  (texts: string[], opts: Record<string, unknown>): Record<string, unknown>;
  batch_decode(ids: unknown, opts: Record<string, unknown>): string[];
}
interface ModelLike {
  generate(opts: Record<string, unknown>): Promise<unknown>;
  dispose(): Promise<unknown>;
}

/** Throws a clear error when `dir` is not a usable transformers.js seq2seq export. */
async function checkModelDir(dir: string, dtype: string): Promise<void> {
  const isFile = async (p: string) => (await stat(p).catch(() => undefined))?.isFile() ?? false;
  const suffix = dtype === "fp32" ? "" : dtype === "q8" ? "_quantized" : `_${dtype}`;
  const needed = ["config.json", "tokenizer.json", join("onnx", `encoder_model${suffix}.onnx`), join("onnx", `decoder_model_merged${suffix}.onnx`)];
  const missing: string[] = [];
  for (const f of needed) if (!(await isFile(join(dir, f)))) missing.push(f);
  if (missing.length > 0) {
    throw new Error(`onnx seq2seq model folder ${dir} is missing ${missing.join(", ")} (expected a transformers.js export: config.json, tokenizer.json, onnx/encoder_model${suffix}.onnx, onnx/decoder_model_merged${suffix}.onnx)`);
  }
}

/** SHA-256 over config.json and the names, sizes and mtimes of the folder's files (cache identity). */
async function folderFingerprint(dir: string): Promise<string> {
  const h = createHash("sha256");
  h.update(await readFile(join(dir, "config.json")));
  for (const sub of [".", "onnx"]) {
    const names = (await readdir(join(dir, sub)).catch(() => [] as string[])).sort();
    for (const n of names) {
      const s = await stat(join(dir, sub, n));
      if (s.isFile()) h.update(`${sub}/${n}:${s.size}:${Math.floor(s.mtimeMs)};`);
    }
  }
  return h.digest("hex");
}

/** Loads tokenizer and model from a local folder with remote loading disabled (see the module comment). */
export async function loadOnnxSeq2Seq(options: OnnxSeq2SeqOptions): Promise<OnnxSeq2Seq> {
  const dir = resolve(options.modelDir);
  const dtype = options.dtype ?? "fp32";
  await checkModelDir(dir, dtype);
  const hf = await import("@huggingface/transformers");
  hf.env.allowRemoteModels = false;
  hf.env.allowLocalModels = true;
  hf.env.localModelPath = dirname(dir);
  const id = basename(dir);
  const tokenizer = (await hf.AutoTokenizer.from_pretrained(id, { local_files_only: true })) as unknown as TokenizerLike;
  const model = (await hf.AutoModelForSeq2SeqLM.from_pretrained(id, { local_files_only: true, dtype, device: "cpu" })) as unknown as ModelLike;
  const maxNewTokens = options.maxNewTokens ?? 64;
  const numBeams = options.numBeams ?? 1;
  const maxInputLength = options.maxInputLength ?? 512;
  const prefix = options.prefix ?? "";
  return {
    async generate(texts) {
      if (texts.length === 0) return [];
      const inputs = tokenizer(
        texts.map((t) => prefix + t),
        { padding: true, truncation: true, max_length: maxInputLength },
      );
      const output = await model.generate({ ...inputs, max_new_tokens: maxNewTokens, num_beams: numBeams, do_sample: false, num_return_sequences: 1 });
      return tokenizer.batch_decode(output, { skip_special_tokens: true });
    },
    async dispose() {
      await model.dispose();
    },
  };
}

/**
 * A {@link PseudoQuerySource} running a local ONNX seq2seq model (see the module comment). The
 * model loads on first use; `params` include a fingerprint of the folder.
 */
export async function onnxSeq2SeqSource(options: OnnxSeq2SeqOptions): Promise<PseudoQuerySource & { dispose(): Promise<void> }> {
  const dir = resolve(options.modelDir);
  const dtype = options.dtype ?? "fp32";
  await checkModelDir(dir, dtype);
  const batchSize = options.batchSize ?? 8;
  let loaded: Promise<OnnxSeq2Seq> | undefined;
  return {
    name: options.name ?? "onnx-seq2seq",
    params: {
      model: await folderFingerprint(dir),
      dtype,
      maxNewTokens: options.maxNewTokens ?? 64,
      numBeams: options.numBeams ?? 1,
      maxInputLength: options.maxInputLength ?? 512,
      prefix: options.prefix ?? "",
    },
    async *generate(passages: Iterable<Passage> | AsyncIterable<Passage>, { onProgress }: SourceGenerateOptions) {
      const generator = await (loaded ??= loadOnnxSeq2Seq({ ...options, modelDir: dir }));
      let batch: Passage[] = [];
      let done = 0;
      const run = async (): Promise<[string, string][]> => {
        const texts = await generator.generate(batch.map(sourceText));
        const out = batch.map((p, i) => [p.id, oneLine(texts[i] ?? "")] as [string, string]);
        done += batch.length;
        batch = [];
        onProgress?.(done);
        return out;
      };
      for await (const p of passages) {
        batch.push(p);
        if (batch.length >= batchSize) yield* await run();
      }
      if (batch.length > 0) yield* await run();
    },
    async dispose() {
      if (loaded !== undefined) await (await loaded).dispose();
    },
  };
}
