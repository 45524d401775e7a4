/**
 * The ONNX seq2seq source through transformers.js. `fixtures/copy-t5` (built by
 * fixtures/make-copy-t5.py) is a tiny model in the optimum/transformers.js seq2seq layout whose
 * greedy output copies its input tokens up to </s>: it runs the real loading, tokenising,
 * generation (with the KV-cache inputs) and decoding code on every test run. The real-model test needs a local
 * transformers.js export (nothing can be downloaded here): set I3_DOC2QUERY_MODEL to its folder
 * (config.json, tokenizer.json, onnx/encoder_model.onnx, onnx/decoder_model_merged.onnx),
 * e.g. a doc2query-T5 export. Without it that test is skipped with this message.
 */
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import type { Passage } from "@i3/data";
import { generatePseudoQueries, loadOnnxSeq2Seq, onnxSeq2SeqSource } from "../src/index.js";
import { MemoryCollection, tempDir } from "./helpers.js";

const MODEL_DIR = process.env.I3_DOC2QUERY_MODEL;
const SKIP_MESSAGE =
  "skipped: set I3_DOC2QUERY_MODEL to a local transformers.js seq2seq export (config.json, tokenizer.json, " +
  "onnx/encoder_model.onnx, onnx/decoder_model_merged.onnx), e.g. a doc2query-T5 model, to run it";

describe("onnxSeq2SeqSource", () => {
  it("explains what a model folder must hold", async () => {
    const dir = tempDir();
    await expect(onnxSeq2SeqSource({ modelDir: dir })).rejects.toThrow(
      /is missing config.json, tokenizer.json, onnx\/encoder_model.onnx, onnx\/decoder_model_merged.onnx \(expected a transformers.js export/,
    );
    await expect(onnxSeq2SeqSource({ modelDir: dir, dtype: "q8" })).rejects.toThrow(/onnx\/encoder_model_quantized.onnx/);
  });

  it("loads a local export offline and generates with it (copy-t5 fixture)", async () => {
    const modelDir = fileURLToPath(new URL("./fixtures/copy-t5", import.meta.url));
    const passages: Passage[] = [
      { id: "a", title: "", text: "Dense retrieval encodes queries into vectors" },
      { id: "b", title: "Keyword extraction", text: "finds phrases in text" },
      { id: "c", title: "", text: "unknown words map to nothing" },
    ];
    const src = await onnxSeq2SeqSource({ modelDir, maxNewTokens: 12, batchSize: 2 });
    try {
      expect(src.params).toMatchObject({ dtype: "fp32", maxNewTokens: 12, numBeams: 1, maxInputLength: 512, prefix: "" });
      expect(src.params.model).toMatch(/^[0-9a-f]{64}$/);
      const out = await generatePseudoQueries(new MemoryCollection("mem", passages), src, { cacheDir: tempDir() });
      expect([...out]).toEqual([
        ["a", "dense retrieval encodes queries into vectors"],
        ["b", "keyword finds phrases in text"], // source text "Keyword extraction. finds ...": "extraction." is <unk>
        ["c", "words"], // the other words are <unk>, skipped as special tokens
      ]);
    } finally {
      await src.dispose();
    }
    const short = await loadOnnxSeq2Seq({ modelDir, maxNewTokens: 3 });
    expect(await short.generate(["sampled spans of words make pseudo queries"])).toEqual(["sampled spans of"]);
    await short.dispose();
  });

  if (MODEL_DIR === undefined) console.warn(`[@i3/pseudoquery] onnx.test.ts real-model test ${SKIP_MESSAGE}`);

  it.skipIf(MODEL_DIR === undefined)(`generates queries with a local model (${MODEL_DIR === undefined ? SKIP_MESSAGE : MODEL_DIR})`, async () => {
    const passages: Passage[] = [
      { id: "a", title: "", text: "The Manhattan Project produced the first nuclear weapons during World War II." },
      { id: "b", title: "", text: "Photosynthesis converts light energy into chemical energy stored in glucose." },
    ];
    const src = await onnxSeq2SeqSource({ modelDir: MODEL_DIR!, maxNewTokens: 24, batchSize: 2 });
    try {
      const out = await generatePseudoQueries(new MemoryCollection("mem", passages), src, { cacheDir: tempDir() });
      expect([...out.keys()]).toEqual(["a", "b"]);
      for (const text of out.values()) expect(text.length).toBeGreaterThan(0);
      // greedy decoding is deterministic
      const again = await generatePseudoQueries(new MemoryCollection("mem", passages), src);
      expect(again).toEqual(out);
    } finally {
      await src.dispose();
    }
  }, 300_000);
});
