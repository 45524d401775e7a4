/**
 * Teacher (a): a cross-encoder trained in this project (`@i3/encoders` CrossEncoder, monoBERT,
 * Nogueira & Cho 2019): s(q, p) = w . BERT([CLS] q [SEP] p [SEP])[CLS] + b, computed in eval mode
 * (no dropout) on pair inputs built by the project's tokenizer (`@i3/data` encodePairs: token
 * types 0 then 1, longest-first truncation to `maxLength`). Passages are `title text`. Runs on
 * whatever TensorFlow.js backend is initialised (`initBackend`); every batch is scored inside
 * `tf.tidy`, so no tensor outlives a call. `@i3/encoders` (TensorFlow.js) is imported only when a
 * cross-encoder teacher scores or loads, so the other teachers never load it.
 */
import { join } from "node:path";
import { sha256File } from "@i3/core";
import { encodePairs, loadTokenizer, passageText, type I3Tokenizer, type Passage, type Query } from "@i3/data";
import type { CrossEncoder } from "@i3/encoders";
import { checkTeacherScores, type Teacher } from "./teacher.js";

/** Options of {@link crossEncoderTeacher}. */
export interface CrossEncoderTeacherOptions {
  /** Pair tokens at most. Default 160 (`@i3/data` DEFAULT_ENCODING_CONFIG.pairMaxLength). */
  maxLength?: number;
  /** Pairs per forward pass. Default 32. */
  batchSize?: number;
}

/**
 * A teacher over an in-memory model and its tokenizer. `identity` must name the weights (e.g. the
 * checkpoint's hashes, or the training run's key); `dispose` frees the model.
 */
export function crossEncoderTeacher(model: CrossEncoder, tokenizer: I3Tokenizer, identity: Record<string, unknown>, opts: CrossEncoderTeacherOptions = {}): Teacher {
  const maxLength = opts.maxLength ?? 160;
  const batchSize = opts.batchSize ?? 32;
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new RangeError(`crossEncoderTeacher: batchSize must be a positive integer, got ${batchSize}`);
  return {
    kind: "cross-encoder",
    identity: { kind: "cross-encoder", ...identity, tokenizer: tokenizer.fingerprint, maxLength },
    async score(query: Query, passages: readonly Passage[]): Promise<number[]> {
      const { tf } = await import("@i3/encoders");
      const scores: number[] = [];
      for (let start = 0; start < passages.length; start += batchSize) {
        const batch = passages.slice(start, start + batchSize);
        const enc = encodePairs(tokenizer, batch.map(() => query.text), batch.map((p) => passageText(p)), { maxLength });
        const values = tf.tidy(() => {
          const shape: [number, number] = [enc.batchSize, enc.seqLength];
          const out = model.forward({
            inputIds: tf.tensor2d(enc.inputIds, shape, "int32"),
            attentionMask: tf.tensor2d(enc.attentionMask, shape, "int32"),
            tokenTypeIds: tf.tensor2d(enc.tokenTypeIds, shape, "int32"),
          });
          return out.dataSync();
        });
        for (const v of values) scores.push(v);
      }
      return checkTeacherScores("cross-encoder", query, passages, scores);
    },
    async dispose() {
      model.dispose();
    },
  };
}

/**
 * Loads a cross-encoder checkpoint folder (HF BertForSequenceClassification layout: config.json,
 * model.safetensors, tokenizer.json; `@i3/encoders` loadCrossEncoder, `@i3/data` loadTokenizer)
 * as a teacher whose identity is the sha256 of those files.
 */
export async function loadCrossEncoderTeacher(dir: string, opts: CrossEncoderTeacherOptions = {}): Promise<Teacher> {
  const files = ["config.json", "model.safetensors"];
  const hashes: Record<string, string> = {};
  for (const f of files) hashes[f] = await sha256File(join(dir, f));
  const tokenizer = await loadTokenizer(dir);
  const { loadCrossEncoder } = await import("@i3/encoders");
  const model = await loadCrossEncoder(dir, { configOverrides: { hiddenDropout: 0, attentionDropout: 0 } });
  return crossEncoderTeacher(model, tokenizer, { files: hashes }, opts);
}
