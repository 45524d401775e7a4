/**
 * The two cross-encoder teachers against their source model. `fixtures/tiny-ce` (built by
 * fixtures/make-tiny-ce.py) is one tiny random BERT cross-encoder as PyTorch computed it
 * (expected.json: pairs and logits), as an ONNX export (onnx/model.onnx, run through
 * transformers.js) and as HF safetensors (run by `@i3/encoders`' CrossEncoder on TensorFlow.js).
 * Both teachers must reproduce PyTorch's logits from the texts: tokenizer, pair layout, model.
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import { encodePairs, loadTokenizer, type Passage, type Query } from "@i3/data";
import { initBackend } from "@i3/encoders";
import { loadCrossEncoderTeacher, onnxCrossEncoderTeacher, type Teacher } from "../src/index.js";
import { tempDir } from "./helpers.js";

const DIR = fileURLToPath(new URL("./fixtures/tiny-ce", import.meta.url));
const expected = JSON.parse(readFileSync(`${DIR}/expected.json`, "utf8")) as { pairs: [string, string][]; input_ids: number[][]; logits: number[] };

/** Scores every fixture pair, grouped by query as a teacher sees them. */
async function scorePairs(teacher: Teacher): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < expected.pairs.length; ) {
    const q = expected.pairs[i]![0];
    const group: Passage[] = [];
    while (i < expected.pairs.length && expected.pairs[i]![0] === q) {
      group.push({ id: `p${i}`, title: "", text: expected.pairs[i]![1] });
      i++;
    }
    const query: Query = { id: q, text: q };
    out.push(...(await teacher.score(query, group)));
  }
  return out;
}

function maxAbsDiff(a: readonly number[], b: readonly number[]): number {
  expect(a).toHaveLength(b.length);
  return Math.max(...a.map((x, i) => Math.abs(x - b[i]!)));
}

describe("onnxCrossEncoderTeacher (transformers.js, local files only)", () => {
  it("explains what a model folder must hold", async () => {
    await expect(onnxCrossEncoderTeacher({ modelDir: tempDir() })).rejects.toThrow(/is missing config\.json, tokenizer\.json, onnx\/model\.onnx \(expected a transformers\.js export/);
    await expect(onnxCrossEncoderTeacher({ modelDir: DIR, dtype: "q8" })).rejects.toThrow(/is missing onnx\/model_quantized\.onnx/);
  });

  it("scores pairs as the PyTorch source model does, batch size independent", async () => {
    const teacher = await onnxCrossEncoderTeacher({ modelDir: DIR, batchSize: 1 });
    const batched = await onnxCrossEncoderTeacher({ modelDir: DIR, batchSize: 8 });
    try {
      const scores = await scorePairs(teacher);
      expect(maxAbsDiff(scores, expected.logits)).toBeLessThan(1e-5);
      expect(maxAbsDiff(await scorePairs(batched), expected.logits)).toBeLessThan(1e-5);
      expect(teacher.identity).toMatchObject({ kind: "onnx-cross-encoder", dtype: "fp32", maxLength: 512 });
      expect(Object.keys(teacher.identity.files as object)).toEqual(["config.json", "onnx/model.onnx", "tokenizer.json", "tokenizer_config.json"]);
    } finally {
      await teacher.dispose();
      await batched.dispose();
    }
  });
});

describe("loadCrossEncoderTeacher (@i3/encoders CrossEncoder on TensorFlow.js)", () => {
  beforeAll(async () => {
    await initBackend({ device: "js" });
  });

  it("tokenises pairs as the fixture did ([CLS] q [SEP] p [SEP])", async () => {
    const tok = await loadTokenizer(DIR);
    expected.pairs.forEach(([q, p], i) => {
      const enc = encodePairs(tok, [q], [p], { maxLength: 64 });
      expect([...enc.inputIds]).toEqual(expected.input_ids[i]);
    });
  });

  it("scores pairs as the PyTorch source model does", async () => {
    const teacher = await loadCrossEncoderTeacher(DIR, { batchSize: 3 });
    try {
      expect(maxAbsDiff(await scorePairs(teacher), expected.logits)).toBeLessThan(1e-5);
      expect(teacher.identity).toMatchObject({ kind: "cross-encoder", maxLength: 160 });
    } finally {
      await teacher.dispose();
    }
  });
});
