/**
 * Teacher (b): any cross-encoder exported to ONNX, run locally through transformers.js
 * (`@huggingface/transformers` v4: `AutoModelForSequenceClassification` on onnxruntime-node).
 * Score s(q, p) = the model's logit for `label` on the pair input `[CLS] q [SEP] p [SEP]`
 * (monoBERT, Nogueira & Cho 2019, "Passage Re-ranking with BERT"; e.g. an MS MARCO MiniLM
 * cross-encoder export, num_labels = 1). Nothing is downloaded: remote models are disabled and the
 * folder must hold a transformers.js-style export:
 *
 *   <dir>/config.json, tokenizer.json, [tokenizer_config.json]
 *   <dir>/onnx/model.onnx          (dtype fp32; q8: model_quantized.onnx, fp16: model_fp16.onnx)
 *
 * (`optimum-cli export onnx --task text-classification` writes this once model.onnx is moved
 * into `onnx/`; test/fixtures/make-tiny-ce.py builds the tiny one the tests use.) The passage
 * side is `title text` (`@i3/data` passageText).
 *
 * The pair ids are the toolkit's own (`@i3/data` loadTokenizer on the folder's tokenizer files +
 * encodePairs), not transformers.js' tokenizer call: the same tokenizer library reads the same
 * files, but transformers.js 4.3.1 cuts a pair longer than `max_length` after adding the special
 * tokens (query kept whole, final [SEP] dropped), where HF tokenizers' `longest_first` and
 * encodePairs cut the longer text first and keep every special token (docs/bugs-and-fixes.md).
 * The library is imported lazily, so the other teachers never load onnxruntime.
 */
import { stat } from "node:fs/promises";
import { basename, dirname, join, resolve } from "node:path";
import type * as HF from "@huggingface/transformers";
import { sha256File } from "@i3/core";
import { encodePairs, loadTokenizer, type EncodedBatch, type Passage, type Query } from "@i3/data";
import { checkTeacherScores, type Teacher } from "./teacher.js";

/** Options of {@link onnxCrossEncoderTeacher}. */
export interface OnnxCrossEncoderOptions {
  /** The model folder (see the module comment). */
  modelDir: string;
  /** Weight variant: `fp32` (default) reads `onnx/model.onnx`, `q8` `model_quantized.onnx`, `fp16` `model_fp16.onnx`. */
  dtype?: "fp32" | "fp16" | "q8";
  /**
   * Pair tokens at most, special tokens included: the longer of query and passage is cut first
   * (HF tokenizers' `longest_first`). Default 512; never more than `tokenizer_config.json`'s
   * `model_max_length`.
   */
  maxLength?: number;
  /** Pairs per model call. Default 32. */
  batchSize?: number;
  /** Which logit is the score. Default 0 with one label, 1 (the "relevant" class) with two. */
  label?: number;
}

interface TensorLike {
  data: ArrayLike<number>;
  dims: number[];
}
type Transformers = typeof HF;
interface ModelLike {
  (inputs: Record<string, unknown>): Promise<{ logits: TensorLike }>;
  dispose(): Promise<unknown>;
}

const WEIGHT_FILE = { fp32: "model.onnx", fp16: "model_fp16.onnx", q8: "model_quantized.onnx" } as const;

/** Throws a clear error when `dir` is not a usable transformers.js sequence-classification export. */
async function checkModelDir(dir: string, dtype: keyof typeof WEIGHT_FILE): Promise<string[]> {
  const isFile = async (p: string) => (await stat(p).catch(() => undefined))?.isFile() ?? false;
  const needed = ["config.json", "tokenizer.json", join("onnx", WEIGHT_FILE[dtype])];
  const missing: string[] = [];
  for (const f of needed) if (!(await isFile(join(dir, f)))) missing.push(f);
  if (missing.length > 0) {
    throw new Error(`onnx cross-encoder folder ${dir} is missing ${missing.join(", ")} (expected a transformers.js export: config.json, tokenizer.json, onnx/${WEIGHT_FILE[dtype]})`);
  }
  if (await isFile(join(dir, "tokenizer_config.json"))) needed.push("tokenizer_config.json");
  return needed;
}

/** The model inputs of an encoded pair batch, as transformers.js int64 tensors. */
function pairFeeds(hf: Transformers, enc: EncodedBatch): Record<string, unknown> {
  const dims = [enc.batchSize, enc.seqLength];
  const int64 = (a: Int32Array) => new hf.Tensor("int64", BigInt64Array.from(a, (x) => BigInt(x)), dims);
  return { input_ids: int64(enc.inputIds), attention_mask: int64(enc.attentionMask), token_type_ids: int64(enc.tokenTypeIds) };
}

/**
 * Loads an ONNX cross-encoder teacher from a local folder with remote loading disabled (see the
 * module comment). Its identity holds the sha256 of every file it reads, the dtype, label,
 * maxLength and the truncation rule.
 */
export async function onnxCrossEncoderTeacher(options: OnnxCrossEncoderOptions): Promise<Teacher> {
  const dir = resolve(options.modelDir);
  const dtype = options.dtype ?? "fp32";
  const files = await checkModelDir(dir, dtype);
  const maxLength = options.maxLength ?? 512;
  const batchSize = options.batchSize ?? 32;
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new RangeError(`onnxCrossEncoderTeacher: batchSize must be a positive integer, got ${batchSize}`);
  const hashes: Record<string, string> = {};
  for (const f of files.sort()) hashes[f.split("\\").join("/")] = await sha256File(join(dir, f));

  const hf = await import("@huggingface/transformers");
  hf.env.allowRemoteModels = false;
  hf.env.allowLocalModels = true;
  hf.env.localModelPath = dirname(dir);
  const tokenizer = await loadTokenizer(dir);
  // transformers.js' tokenizer call capped max_length at model_max_length; so does this teacher.
  const modelMax = tokenizer.config.model_max_length;
  const pairMax = typeof modelMax === "number" && modelMax > 0 ? Math.min(maxLength, modelMax) : maxLength;
  if (!(pairMax >= tokenizer.numSpecialTokens.pair)) {
    throw new RangeError(`onnxCrossEncoderTeacher: ${dir}'s tokenizer cannot encode pairs of at most ${pairMax} tokens (its pair template adds ${tokenizer.numSpecialTokens.pair} special tokens)`);
  }
  const model = (await hf.AutoModelForSequenceClassification.from_pretrained(basename(dir), { local_files_only: true, dtype, device: "cpu" })) as unknown as ModelLike;
  let label = options.label;

  return {
    kind: "onnx-cross-encoder",
    identity: { kind: "onnx-cross-encoder", files: hashes, dtype, maxLength, label: label ?? null, truncation: "longest-first" },
    async score(query: Query, passages: readonly Passage[]): Promise<number[]> {
      const scores: number[] = [];
      for (let start = 0; start < passages.length; start += batchSize) {
        const batch = passages.slice(start, start + batchSize);
        const enc = encodePairs(tokenizer, batch.map(() => query.text), batch, { maxLength: pairMax });
        const { logits } = await model(pairFeeds(hf, enc));
        const [rows, labels] = logits.dims as [number, number];
        label ??= labels === 1 ? 0 : 1;
        if (label < 0 || label >= labels) throw new Error(`onnx cross-encoder ${dir}: label ${label} out of range (the model has ${labels} outputs)`);
        for (let r = 0; r < rows; r++) scores.push(Number(logits.data[r * labels + label]));
      }
      return checkTeacherScores("onnx-cross-encoder", query, passages, scores);
    },
    async dispose() {
      await model.dispose();
    },
  };
}
