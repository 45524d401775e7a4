/**
 * Inference through onnxruntime-node against the TensorFlow.js forward pass, on real text (the
 * embedded default collection's passages and queries, a WordPiece vocabulary trained on them,
 * weights moved off their init values by seeded noise): the dual-encoder (shared cls, separate
 * mean), I3's query vectors and p* (reference and paper variants), a query tower alone (LTRe) and
 * the cross-encoder's scores agree to 1e-4; the tfjs engine reproduces `encodeTokenRows` and
 * `@i3/distill`'s cross-encoder teacher bit for bit (what the stages ran before); an index built
 * and searched on onnxruntime ranks as the tfjs one does; `auto` keeps a GPU backend on tfjs;
 * sessions and tensors are freed.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { crossEncoderTeacher } from "@i3/distill";
import { passageText, resolveDataset, trainWordPiece, type I3Tokenizer, type Passage, type Query, type Run } from "@i3/data";
import { BertEncoder, CrossEncoder, DualEncoder, I3Retriever, encoderConfig, initBackend, tf, type BackendInfo, type EncoderConfig, type Pooling } from "@i3/encoders";
import { DenseIndex } from "@i3/search";
import {
  buildDenseIndex,
  encodeTokenRows,
  openCrossEncoderInference,
  openDenseInference,
  queryTowerRetriever,
  retrieveDense,
  type DenseInferenceModel,
  type DenseRetriever,
} from "../src/index.js";
import { firstPassages, tempRoot } from "./helpers.js";

const root = tempRoot("i3-inference-");
let tok: I3Tokenizer;
let passages: Passage[];
let queries: Query[];
/** Passage token rows (up to 48 tokens: rows of many lengths, so most are padded) and query rows (16). */
let passageRows: Int32Array[];
let queryRows: Int32Array[];

beforeAll(async () => {
  await initBackend({ device: "wasm" });
  const collection = await resolveDataset("default");
  passages = [];
  for await (const p of collection.corpus()) if (passages.length < 150) passages.push(p);
  queries = (await collection.queries("dev")).slice(0, 40);
  tok = await trainWordPiece(passages.map(passageText), { vocabSize: 1500, minFrequency: 1 });
  passageRows = passages.slice(0, 70).map((p) => tok.encode(passageText(p), 48).ids);
  queryRows = queries.map((q) => tok.encode(q.text, 16).ids);
}, 120_000);

function config(pooling: Pooling): EncoderConfig {
  return encoderConfig({ vocabSize: tok.vocabSize, hidden: 32, layers: 2, heads: 4, intermediate: 64, maxPositions: 64, pooling });
}

/** Adds seeded N(0, 0.2) noise to every parameter (a fresh init leaves biases 0 and gains 1). */
function perturb(model: { namedParameters(): { variable: tf.Variable }[] }, seed: number): void {
  const seen = new Set<tf.Variable>();
  model.namedParameters().forEach((p, i) => {
    if (seen.has(p.variable)) return;
    seen.add(p.variable);
    tf.tidy(() => p.variable.assign(tf.add(p.variable, tf.randomNormal(p.variable.shape, 0, 0.2, "float32", seed + i))));
  });
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i]! - b[i]!));
  return worst;
}

/** The largest |onnxruntime - tfjs| of `model`'s vectors for `rows` on `side`, in batches of 32 (a partial last one). */
async function parity(model: DenseInferenceModel, rows: Int32Array[], maxLength: number, side: "queries" | "passages"): Promise<number> {
  const ort = await openDenseInference(model, tok, { inference: "onnxruntime" });
  const tfjs = await openDenseInference(model, tok, { inference: "tfjs" });
  expect([ort.info.engine, tfjs.info.engine]).toEqual(["onnxruntime", "tfjs"]);
  const [a, b] = [await ort.encode(rows, maxLength, side, 32), await tfjs.encode(rows, maxLength, side, 32)];
  await Promise.all([ort.dispose(), tfjs.dispose()]);
  // The vectors are not all alike (a broken export giving one constant row would match nothing).
  expect(maxAbsDiff(a.subarray(0, ort.dim), a.subarray(ort.dim, 2 * ort.dim))).toBeGreaterThan(1e-2);
  const diff = maxAbsDiff(a, b);
  process.stdout.write(`inference parity ${model.constructor.name} ${side}: max |onnxruntime - tfjs| = ${diff.toExponential(2)}\n`);
  return diff;
}

describe("dense inference: onnxruntime vs TensorFlow.js on real text", () => {
  it("dual-encoder, shared towers, cls pooling; the tfjs engine is encodeTokenRows bit for bit", async () => {
    const de = new DualEncoder(config("cls"), { seed: 2 });
    perturb(de, 20);
    expect(await parity(de, passageRows, 48, "passages")).toBeLessThan(1e-4);
    expect(await parity(de, queryRows, 16, "queries")).toBeLessThan(1e-4);
    const tfjs = await openDenseInference(de, tok, { inference: "tfjs" });
    expect(await tfjs.encode(passageRows, 48, "passages")).toEqual(encodeTokenRows({ model: de, tokenizer: tok }, passageRows, 48, "passages"));
    de.dispose();
  });

  it("dual-encoder, separate towers, mean pooling: each side runs its own tower", async () => {
    const de = new DualEncoder(config("mean"), { shared: false, seed: 3 });
    perturb(de, 30);
    expect(await parity(de, passageRows, 48, "passages")).toBeLessThan(1e-4);
    expect(await parity(de, queryRows, 16, "queries")).toBeLessThan(1e-4);
    const ort = await openDenseInference(de, tok, { inference: "onnxruntime" });
    const asQueries = await ort.encode(queryRows, 16, "queries");
    const asPassages = await ort.encode(queryRows, 16, "passages");
    expect(maxAbsDiff(asQueries, asPassages)).toBeGreaterThan(1e-2);
    await ort.dispose();
    de.dispose();
  });

  const special = () => ({ cls: tok.special.cls!, sep: tok.special.sep!, mask: tok.special.mask! });
  for (const [name, i3] of [
    ["reference (pooled memory, pooled interactor)", {}],
    ["paper (tokens memory, tokens interactor)", { reconstructor: { memory: "tokens" as const }, interactor: { input: "tokens" as const } }],
  ] as const) {
    it(`I3 ${name}: query vectors and p*`, async () => {
      const model = new I3Retriever(config("cls"), { slots: 8, specialTokens: special(), ...i3 }, { seed: 5 });
      perturb(model, 50);
      expect(await parity(model, passageRows, 48, "passages")).toBeLessThan(1e-4);
      expect(await parity(model, queryRows, 16, "queries")).toBeLessThan(1e-4);
      model.dispose();
    });
  }

  it("a query tower alone (LTRe): queries only", async () => {
    const tower = new BertEncoder(config("cls"), { seed: 6 });
    perturb(tower, 60);
    expect(await parity(tower, queryRows, 16, "queries")).toBeLessThan(1e-4);
    const tfjs = await openDenseInference(tower, tok, { inference: "tfjs" });
    expect(await tfjs.encode(queryRows, 16, "queries")).toEqual(encodeTokenRows(queryTowerRetriever(tower, tok), queryRows, 16, "queries"));
    for (const engine of ["tfjs", "onnxruntime"] as const) {
      const inference = await openDenseInference(tower, tok, { inference: engine });
      await expect(inference.encode(passageRows, 48, "passages")).rejects.toThrow(/a query tower encodes no passages/);
      await inference.dispose();
    }
    tower.dispose();
  });
});

describe("cross-encoder inference", () => {
  it("scores pairs as @i3/distill's teacher does (tfjs: bit for bit; onnxruntime: to 1e-4)", async () => {
    const ce = new CrossEncoder(config("cls"), { seed: 4, pooler: true });
    perturb(ce, 40);
    const candidates = passages.slice(0, 45);
    const teacher = crossEncoderTeacher(ce, tok, {}, { maxLength: 40, batchSize: 16 });
    const opts = { maxLength: 40, batchSize: 16 };
    const tfjs = await openCrossEncoderInference(ce, tok, { ...opts, inference: "tfjs" });
    const ort = await openCrossEncoderInference(ce, tok, { ...opts, inference: "onnxruntime" });
    expect(ort.info.engine).toBe("onnxruntime");
    for (const query of queries.slice(0, 3)) {
      const expected = await teacher.score(query, candidates);
      expect(await tfjs.score(query, candidates)).toEqual(expected);
      const onnx = await ort.score(query, candidates);
      expect(maxAbsDiff(onnx, expected)).toBeLessThan(1e-4);
      expect(Math.max(...onnx) - Math.min(...onnx)).toBeGreaterThan(1e-2);
    }
    await Promise.all([tfjs.dispose(), ort.dispose()]);
    ce.dispose();
  });

  it("refuses a bad batch size or length", async () => {
    const ce = new CrossEncoder(config("cls"), { seed: 4 });
    await expect(openCrossEncoderInference(ce, tok, { maxLength: 40, batchSize: 0 })).rejects.toThrow(/batchSize must be a positive integer, got 0/);
    await expect(openCrossEncoderInference(ce, tok, { maxLength: 0 })).rejects.toThrow(/maxLength must be a positive integer, got 0/);
    ce.dispose();
  });
});

/** Each query's documents best first (score descending, ties by id descending, as evaluators order them). */
function ranked(run: Run): Map<string, [string, number][]> {
  return new Map([...run].map(([qid, docs]) => [qid, [...docs].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? 1 : -1))]));
}

describe("an index built and searched on onnxruntime", () => {
  it("ranks as the tfjs one: scores within 1e-4, the same order wherever scores are not near-tied", async () => {
    const de = new DualEncoder(config("mean"), { seed: 8 });
    perturb(de, 80);
    const retriever: DenseRetriever = { model: de, tokenizer: tok };
    const collection = firstPassages(await resolveDataset("default"), passages.length);
    const runs: Run[] = [];
    for (const engine of ["tfjs", "onnxruntime"] as const) {
      const inference = await openDenseInference(de, tok, { inference: engine });
      const out = `${root}/index-${engine}`;
      const manifest = await buildDenseIndex(retriever, collection, { out, passageMaxLength: 48, batchSize: 32, description: "test", backend: engine, inference });
      expect(manifest.count).toBe(passages.length);
      const searched: string[] = [];
      runs.push(await retrieveDense(retriever, await DenseIndex.load(out), queries, { queryMaxLength: 16, k: 20, inference, onSearch: (kernel) => searched.push(kernel.kernel) }));
      // One setting decides both: the engine that encoded the queries names the kernel that searched.
      expect(searched).toEqual([engine === "onnxruntime" ? "onnx" : "tf"]);
      await inference.dispose();
    }
    const [tfjsRun, ortRun] = runs.map(ranked) as [Map<string, [string, number][]>, Map<string, [string, number][]>];
    let compared = 0;
    for (const [qid, a] of tfjsRun) {
      const b = ortRun.get(qid)!;
      // The top 19 of both (the 20th may differ when its score ties the 21st's).
      for (let i = 0; i < a.length - 1; i++) {
        const tfjsScore = a[i]![1];
        expect(Math.abs(b[i]![1] - tfjsScore)).toBeLessThan(1e-4);
        const nearTie = Math.abs(tfjsScore - a[i + 1]![1]) < 1e-4 || (i > 0 && Math.abs(tfjsScore - a[i - 1]![1]) < 1e-4);
        if (!nearTie) {
          expect(b[i]![0]).toBe(a[i]![0]);
          compared++;
        }
      }
    }
    expect(compared).toBeGreaterThan(queries.length * 15);
    de.dispose();
  }, 120_000);
});

describe("engine selection and resources", () => {
  it("auto runs onnxruntime with threads = cores (or as given), and keeps a GPU backend on tfjs", async () => {
    const de = new DualEncoder(config("cls"), { seed: 9 });
    const logged: string[] = [];
    const auto = await openDenseInference(de, tok, { log: (m) => logged.push(m) });
    expect(auto.info).toMatchObject({ requested: "auto", engine: "onnxruntime", onnxruntime: { threads: (await import("node:os")).availableParallelism() } });
    expect(logged).toEqual([expect.stringMatching(/^inference=onnxruntime onnxruntime-node=\d+\.\d+\.\d+ threads=\d+ requested=auto$/)]);
    const one = await openDenseInference(de, tok, { threads: 1 });
    expect(one.info.onnxruntime?.threads).toBe(1);
    const gpu = { requested: "gpu", backend: "tensorflow", device: "gpu", tfjsVersion: tf.version_core, threads: 1, fallbackReasons: [] } satisfies BackendInfo;
    const onGpu = await openDenseInference(de, tok, { backend: gpu });
    expect(onGpu.info).toMatchObject({ engine: "tfjs", reason: expect.stringMatching(/GPU/) });
    await expect(openDenseInference(de, tok, { threads: 0, inference: "onnxruntime" })).rejects.toThrow(/threads must be a positive integer, got 0/);
    await expect(openDenseInference(de, tok, { inference: "torch" as never })).rejects.toThrow(/unknown inference "torch"; expected one of auto, onnxruntime, tfjs/);
    await Promise.all([auto.dispose(), one.dispose(), onGpu.dispose()]);
    de.dispose();
  });

  it("leaves no tensor behind; a disposed engine refuses to encode, and dispose is idempotent", async () => {
    const de = new DualEncoder(config("cls"), { seed: 10 });
    const ce = new CrossEncoder(config("cls"), { seed: 10 });
    for (const engine of ["tfjs", "onnxruntime"] as const) {
      const dense = await openDenseInference(de, tok, { inference: engine });
      const cross = await openCrossEncoderInference(ce, tok, { inference: engine, maxLength: 40 });
      const before = tf.memory().numTensors;
      await dense.encode(passageRows, 48, "passages", 32);
      await cross.score(queries[0]!, passages.slice(0, 40));
      expect(tf.memory().numTensors).toBe(before);
      await dense.dispose();
      await cross.dispose();
      await dense.dispose();
      await expect(dense.encode(queryRows, 16, "queries")).rejects.toThrow(/DenseInference.encode: this inference engine was disposed/);
      await expect(cross.score(queries[0]!, passages.slice(0, 2))).rejects.toThrow(/CrossEncoderInference.score: this inference engine was disposed/);
    }
    // The model is the caller's: still usable after the engines are gone.
    expect(encodeTokenRows({ model: de, tokenizer: tok }, queryRows.slice(0, 2), 16, "queries").length).toBe(64);
    de.dispose();
    ce.dispose();
  });
});
