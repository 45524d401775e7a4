/**
 * The two cross-encoder teachers against their source model. `fixtures/tiny-ce` (built by
 * fixtures/make-tiny-ce.py) is one tiny random BERT cross-encoder as PyTorch computed it
 * (expected.json: pairs and logits), as an ONNX export (onnx/model.onnx, run through
 * transformers.js) and as HF safetensors (run by `@i3/encoders`' CrossEncoder on TensorFlow.js).
 * Both teachers must reproduce PyTorch's logits from the texts: tokenizer, pair layout, model.
 * On pairs longer than maxLength the ONNX teacher must feed the longest-first cut, with ids
 * written out by hand here from the fixture's whole-word vocabulary.
 */
import { readFileSync } from "node:fs";
import { basename, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import * as hf from "@huggingface/transformers";
import { beforeAll, describe, expect, it } from "vitest";
import { encodePairs, loadTokenizer, type I3Tokenizer, type Passage, type Query } from "@i3/data";
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
      expect(teacher.identity).toMatchObject({ kind: "onnx-cross-encoder", dtype: "fp32", maxLength: 512, truncation: "longest-first" });
      expect(Object.keys(teacher.identity.files as object)).toEqual(["config.json", "onnx/model.onnx", "tokenizer.json", "tokenizer_config.json"]);
    } finally {
      await teacher.dispose();
      await batched.dispose();
    }
  });
});

describe("onnxCrossEncoderTeacher on pairs longer than maxLength: longest-first, every [SEP] kept", () => {
  const vocab = (JSON.parse(readFileSync(`${DIR}/tokenizer.json`, "utf8")) as { model: { vocab: Record<string, number> } }).model.vocab;
  const [CLS, SEP] = [vocab["[CLS]"]!, vocab["[SEP]"]!];
  const words = (text: string) => text.split(" ").map((w) => vocab[w]!);
  const LONG_Q = "how does a cross encoder work"; // 6 tokens
  const LONG_P = "a cross encoder reads the query and the passage together"; // 10 tokens
  // [query, passage, maxLength, query tokens kept, passage tokens kept], by hand from HF
  // tokenizers' truncate_encodings (utils/truncation.rs): budget = maxLength - 3.
  const CASES: [string, string, number, number, number][] = [
    [LONG_Q, "teachers score candidates", 64, 6, 3], // fits: untouched
    [LONG_Q, LONG_P, 15, 6, 6], // budget 12: only the longer passage is cut, to the query's length
    [LONG_Q, LONG_P, 12, 4, 5], // budget 9: both cut, 9 / 2 each, the longer passage keeps the odd token
    ["what is dense retrieval", "bm25 counts matching terms", 10, 3, 4], // tie 4 / 4, budget 7: the second keeps the odd token
    [LONG_Q, "teachers score candidates", 8, 3, 2], // budget 5: the longer query cut to 3, then 3 / 2
  ];
  let model: ((inputs: Record<string, unknown>) => Promise<{ logits: hf.Tensor }>) & { dispose(): Promise<unknown> };
  let tok: I3Tokenizer;

  /** Logits of the fixture's ONNX model (transformers.js, unpadded) on ids given by hand. */
  async function reference(ids: number[], typeIds: number[]): Promise<number> {
    const t = (a: number[]) => new hf.Tensor("int64", BigInt64Array.from(a, (x) => BigInt(x)), [1, a.length]);
    const { logits } = await model({ input_ids: t(ids), attention_mask: t(ids.map(() => 1)), token_type_ids: t(typeIds) });
    return Number(logits.data[0]);
  }

  beforeAll(async () => {
    await initBackend({ device: "js" });
    tok = await loadTokenizer(DIR);
    hf.env.allowRemoteModels = false;
    hf.env.allowLocalModels = true;
    hf.env.localModelPath = dirname(DIR);
    model = (await hf.AutoModelForSequenceClassification.from_pretrained(basename(DIR), { local_files_only: true, dtype: "fp32", device: "cpu" })) as unknown as typeof model;
    return () => model.dispose();
  });

  it("scores [CLS] q' [SEP] p' [SEP] (type ids 0 then 1) as the model does, as encodePairs and the TensorFlow.js teacher do", async () => {
    for (const [q, p, maxLength, nq, np] of CASES) {
      const what = `${JSON.stringify(q)} / ${JSON.stringify(p)} at ${maxLength}`;
      const ids = [CLS, ...words(q).slice(0, nq), SEP, ...words(p).slice(0, np), SEP];
      const typeIds = [...Array<number>(nq + 2).fill(0), ...Array<number>(np + 1).fill(1)];
      const ours = encodePairs(tok, [q], [p], { maxLength });
      expect([...ours.inputIds], what).toEqual(ids);
      expect([...ours.tokenTypeIds], what).toEqual(typeIds);
      const expected = await reference(ids, typeIds);
      const onnx = await onnxCrossEncoderTeacher({ modelDir: DIR, maxLength });
      const tfjs = await loadCrossEncoderTeacher(DIR, { maxLength });
      try {
        const passage: Passage = { id: "p", title: "", text: p };
        const [got] = await onnx.score({ id: "q", text: q }, [passage]);
        expect(Math.abs(got! - expected), what).toBeLessThan(1e-5);
        const [viaTfjs] = await tfjs.score({ id: "q", text: q }, [passage]);
        expect(Math.abs(viaTfjs! - expected), what).toBeLessThan(1e-5);
      } finally {
        await onnx.dispose();
        await tfjs.dispose();
      }
    }
  });

  it("cuts each pair of a padded batch on its own; maxLength is capped at model_max_length (64) as before", async () => {
    const teacher = await onnxCrossEncoderTeacher({ modelDir: DIR, maxLength: 12, batchSize: 8 });
    const passages: Passage[] = [LONG_P, "teachers score candidates", "why"].map((text, i) => ({ id: `p${i}`, title: "", text }));
    const q = words(LONG_Q);
    const rows: [number[], number[]][] = [
      [[CLS, ...q.slice(0, 4), SEP, ...words(LONG_P).slice(0, 5), SEP], [0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1]],
      [[CLS, ...q, SEP, ...words("teachers score candidates"), SEP], [0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1]],
      [[CLS, ...q, SEP, ...words("why"), SEP], [0, 0, 0, 0, 0, 0, 0, 0, 1, 1]],
    ];
    const huge = await onnxCrossEncoderTeacher({ modelDir: DIR }); // maxLength 512 > the model's 64 positions
    const at64 = await onnxCrossEncoderTeacher({ modelDir: DIR, maxLength: 64 });
    try {
      const got = await teacher.score({ id: "q", text: LONG_Q }, passages);
      for (const [i, [ids, typeIds]] of rows.entries()) expect(Math.abs(got[i]! - (await reference(ids, typeIds)))).toBeLessThan(1e-5);
      const long: Passage = { id: "long", title: "", text: Array<string>(40).fill("dense retrieval").join(" ") }; // 80 tokens
      const query: Query = { id: "q", text: LONG_Q };
      expect(await huge.score(query, [long])).toEqual(await at64.score(query, [long]));
    } finally {
      await teacher.dispose();
      await huge.dispose();
      await at64.dispose();
    }
  });

  it("scores pairs that fit exactly as transformers.js' own tokenizer call did (the old path)", async () => {
    const hfTok = await hf.AutoTokenizer.from_pretrained(basename(DIR), { local_files_only: true });
    const teacher = await onnxCrossEncoderTeacher({ modelDir: DIR });
    try {
      for (let i = 0; i < expected.pairs.length; i += 2) {
        const [[q, p1], [, p2]] = [expected.pairs[i]!, expected.pairs[i + 1]!];
        const inputs = hfTok([q, q], { text_pair: [p1, p2], padding: true, truncation: true, max_length: 512 }) as unknown as Record<string, unknown>;
        const { logits } = await model(inputs);
        const got = await teacher.score({ id: q, text: q }, [p1, p2].map((text, j) => ({ id: `p${j}`, title: "", text })));
        expect(got).toEqual(Array.from(logits.data as Float32Array, Number));
      }
    } finally {
      await teacher.dispose();
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
