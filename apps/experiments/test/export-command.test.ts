/**
 * `i3 export --onnx`: a tiny trained run's dual-encoder exported from the run folder (default
 * and given `--out`, replaced atomically), equal to the checkpoint's own vectors through
 * onnxruntime; I3, cross-encoder and MICE checkpoint folders exported by kind; bad paths and an
 * ambiguous run exit 2 with a message naming them, leaving an existing export untouched.
 */
import { mkdir, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { encodeBatch, encodePairs, loadTokenizer, saveTokenizer, trainWordPiece, type EncodedBatch } from "@i3/data";
import { CrossEncoder, I3Retriever, initBackend, loadDualEncoder, Mice, presetConfig, saveCrossEncoder, saveI3Retriever, saveMice, tf } from "@i3/encoders";
import * as ort from "onnxruntime-node";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { buildProgram, main } from "../src/cli/main.js";
import { runExperiment } from "../src/runner/run-experiment.js";
import { TINY_NEURAL_BUDGET, tempDir, writeTinyCollection } from "./runner-fixtures.js";

let root: string;
let runDir: string;
let collectionDir: string;
let texts: string[];

/** Captures what the CLI writes on stdout and stderr. */
function capture(): { out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  vi.spyOn(process.stdout, "write").mockImplementation((chunk: string | Uint8Array) => (out.push(String(chunk)), true));
  vi.spyOn(process.stderr, "write").mockImplementation((chunk: string | Uint8Array) => (err.push(String(chunk)), true));
  return { out, err };
}

afterEach(() => {
  vi.restoreAllMocks();
  process.exitCode = undefined;
});

beforeAll(async () => {
  root = await tempDir("i3-export-");
  collectionDir = await writeTinyCollection();
  const runsDir = join(root, "runs");
  const result = await runExperiment(
    {
      name: "tiny-export",
      dataset: `local:${collectionDir}`,
      systems: { bm25: { kind: "bm25" }, "dual-encoder": { kind: "dual-encoder", ...TINY_NEURAL_BUDGET } },
      device: "wasm",
      evaluation: { measures: ["nDCG@10"], significance: { permutations: 100 } },
    },
    { runsDir, datasetsDir: join(root, "datasets"), quiet: true },
  );
  runDir = result.runDir;
  texts = (await readFile(join(collectionDir, "corpus.jsonl"), "utf8"))
    .trim()
    .split("\n")
    .map((l) => (JSON.parse(l) as { text: string }).text);
}, 600_000);

function feeds(b: EncodedBatch): Record<string, ort.Tensor> {
  const dims = [b.batchSize, b.seqLength];
  const int64 = (a: Int32Array) => new ort.Tensor("int64", BigInt64Array.from(a, (x) => BigInt(x)), dims);
  return { input_ids: int64(b.inputIds), attention_mask: int64(b.attentionMask), token_type_ids: int64(b.tokenTypeIds) };
}

function inputs(b: EncodedBatch) {
  const shape: [number, number] = [b.batchSize, b.seqLength];
  return {
    inputIds: tf.tensor2d(b.inputIds, shape, "int32"),
    attentionMask: tf.tensor2d(b.attentionMask, shape, "int32"),
    tokenTypeIds: tf.tensor2d(b.tokenTypeIds, shape, "int32"),
  };
}

/** The tfjs output of `forward` on batch `b` as a Float32Array, every tensor freed. */
function tfOutput(b: EncodedBatch, forward: (x: ReturnType<typeof inputs>) => tf.Tensor): Float32Array {
  const x = inputs(b);
  const v = forward(x);
  const data = v.dataSync() as Float32Array;
  tf.dispose([v, x.inputIds, x.attentionMask, x.tokenTypeIds]);
  return data;
}

/** max |onnx - expected| over the batches. */
async function maxDiff(onnxFile: string, output: string, batches: EncodedBatch[], expected: (b: EncodedBatch) => Float32Array): Promise<number> {
  const session = await ort.InferenceSession.create(onnxFile);
  let worst = 0;
  for (const b of batches) {
    const got = (await session.run(feeds(b)))[output]!.data as Float32Array;
    const want = expected(b);
    expect(got.length).toBe(want.length);
    got.forEach((v, i) => (worst = Math.max(worst, Math.abs(v - want[i]!))));
  }
  await session.release();
  return worst;
}

describe("i3 export --onnx", () => {
  it("exports a run's trained dual-encoder (default folder and --out, replaced atomically) with the checkpoint's vectors", async () => {
    const io = capture();
    await buildProgram().parseAsync(["node", "i3", "export", "--onnx", runDir]);
    const defaultOut = join(runDir, "onnx-dual-encoder");
    expect(io.out.join("")).toBe(`${defaultOut}\n`);
    expect((await readdir(defaultOut)).sort()).toEqual(["config.json", "onnx", "special_tokens_map.json", "tokenizer.json", "tokenizer_config.json", "vocab.txt"]);

    const out = join(root, "exports", "de");
    await mkdir(out, { recursive: true });
    await writeFile(join(out, "stale.txt"), "from an earlier export");
    await buildProgram().parseAsync(["node", "i3", "export", "--onnx", runDir, "--out", out, "--system", "dual-encoder"]);
    expect(await readdir(join(root, "exports"))).toEqual(["de"]); // no temp or old folder left beside it
    expect((await readdir(out)).includes("stale.txt")).toBe(false);
    expect(await readdir(join(out, "onnx"))).toEqual(["model.onnx"]);
    const config = JSON.parse(await readFile(join(out, "config.json"), "utf8")) as Record<string, unknown>;
    expect(config).toMatchObject({ i3_pooling: "mean", hidden_size: 16, i3_onnx: { kind: "dual-encoder", files: { model: "onnx/model.onnx" } } });

    // The trained checkpoint, loaded by the toolkit, against the exported file.
    const checkpoint = io.err.join("").match(/from (\S+): onnx/)![1]!;
    await initBackend({ device: "wasm" });
    const model = await loadDualEncoder(checkpoint);
    const tok = await loadTokenizer(checkpoint);
    const batches = [encodeBatch(tok, texts.slice(0, 7), { maxLength: 16 }), encodeBatch(tok, texts.slice(7, 10).map((t) => t.split(" ").slice(0, 3).join(" ")), { maxLength: 8 })];
    const diff = await maxDiff(join(out, "onnx", "model.onnx"), "sentence_embedding", batches, (b) => tfOutput(b, (x) => model.encodePassages(x)));
    vi.restoreAllMocks();
    process.stdout.write(`i3 export parity (trained tiny dual-encoder): ${diff.toExponential(2)}\n`);
    expect(diff).toBeLessThan(1e-4);
    model.dispose();
  });

  it("exports I3, cross-encoder and MICE checkpoint folders by their kind", async () => {
    capture();
    await initBackend({ device: "wasm" });
    const tok = await trainWordPiece(texts, { vocabSize: 120, minFrequency: 1 });
    const tokDir = join(root, "tok");
    await saveTokenizer(tok, tokDir);
    const extraFiles = (await readdir(tokDir)).map((f) => join(tokDir, f));
    const cfg = presetConfig("tiny", { vocabSize: tok.vocabSize, maxPositions: 32, hidden: 16, heads: 2, intermediate: 32, layers: 1 });

    const i3 = new I3Retriever(cfg, { slots: 6, specialTokens: { cls: tok.special.cls!, sep: tok.special.sep!, mask: tok.special.mask! }, interactor: { input: "tokens" } }, { seed: 3, shared: false });
    await saveI3Retriever(join(root, "i3-ckpt"), i3, { extraFiles });
    await buildProgram().parseAsync(["node", "i3", "export", "--onnx", join(root, "i3-ckpt")]);
    expect((await readdir(join(root, "i3-ckpt-onnx", "onnx"))).sort()).toEqual(["passage.onnx", "query.onnx"]);
    const batches = [encodeBatch(tok, texts.slice(0, 5), { maxLength: 12 })];
    const pStar = (b: EncodedBatch) => tfOutput(b, (x) => i3.encodePassages(x));
    expect(await maxDiff(join(root, "i3-ckpt-onnx", "onnx", "passage.onnx"), "sentence_embedding", batches, pStar)).toBeLessThan(1e-4);
    i3.dispose();

    const ce = new CrossEncoder(cfg, { seed: 4 });
    await saveCrossEncoder(join(root, "ce-ckpt"), ce, { extraFiles });
    await buildProgram().parseAsync(["node", "i3", "export", "--onnx", join(root, "ce-ckpt"), "--out", join(root, "ce-onnx")]);
    expect(await readdir(join(root, "ce-onnx", "onnx"))).toEqual(["model.onnx"]);
    const pairs = [encodePairs(tok, texts.slice(0, 4), texts.slice(4, 8), { maxLength: 16 })];
    const scores = (b: EncodedBatch) => tfOutput(b, (x) => ce.forward(x));
    expect(await maxDiff(join(root, "ce-onnx", "onnx", "model.onnx"), "logits", pairs, scores)).toBeLessThan(1e-4);

    const ce2 = new CrossEncoder({ ...cfg, layers: 2 }, { seed: 5 });
    const mice = Mice.fromCrossEncoder(ce2, { split: 1 });
    ce2.dispose();
    await saveMice(join(root, "mice-ckpt"), mice, { extraFiles });
    await buildProgram().parseAsync(["node", "i3", "export", "--onnx", join(root, "mice-ckpt")]);
    expect((await readdir(join(root, "mice-ckpt-onnx", "onnx"))).sort()).toEqual(["passage.onnx", "query.onnx"]);
    const docStates = (b: EncodedBatch) => tfOutput(b, (x) => tf.tidy(() => mice.encodeDocuments({ inputIds: x.inputIds, attentionMask: x.attentionMask }).states));
    expect(await maxDiff(join(root, "mice-ckpt-onnx", "onnx", "passage.onnx"), "document_states", batches, docStates)).toBeLessThan(1e-4);
    ce.dispose();
    mice.dispose();
  });

  it("exits 2 naming a missing path, a file, an unknown system, a run of several systems and a checkpoint without tokenizer, leaving an earlier export as it was", async () => {
    const missing = join(root, "no-such-run");
    const io = capture();
    await main(["node", "i3", "export", "--onnx", missing]);
    expect(process.exitCode).toBe(2);
    expect(io.err.join("")).toContain(`--onnx ${missing}: no such file or folder`);

    io.err.length = 0;
    process.exitCode = undefined;
    await main(["node", "i3", "export", "--onnx", join(runDir, "run.json")]);
    expect(process.exitCode).toBe(2);
    expect(io.err.join("")).toContain(`--onnx ${join(runDir, "run.json")}: is a file`);

    io.err.length = 0;
    process.exitCode = undefined;
    await main(["node", "i3", "export", "--onnx", runDir, "--system", "bm25"]);
    expect(process.exitCode).toBe(2);
    expect(io.err.join("")).toContain(`--system bm25: not a trained system of ${runDir} (trained: dual-encoder)`);

    // A run whose log names two trained systems needs --system.
    const twoSystems = join(root, "runs", "two", "20260101-000000-abcdef12");
    await mkdir(twoSystems, { recursive: true });
    await writeFile(join(twoSystems, "run.json"), "{}");
    const line = (stage: string) => JSON.stringify({ event: "stage-done", stage, hash: "0".repeat(64) });
    await writeFile(join(twoSystems, "log.jsonl"), `${line("de/train")}\n${line("i3/train")}\n`);
    io.err.length = 0;
    process.exitCode = undefined;
    await main(["node", "i3", "export", "--onnx", twoSystems]);
    expect(process.exitCode).toBe(2);
    expect(io.err.join("")).toContain(`--onnx ${twoSystems}: the run trained several systems (de, i3); choose one with --system`);

    const bare = join(root, "bare-ckpt");
    await mkdir(bare, { recursive: true });
    await writeFile(join(bare, "config.json"), JSON.stringify({ architectures: ["BertModel"] }));
    const earlier = join(root, "earlier-export");
    await mkdir(earlier, { recursive: true });
    await writeFile(join(earlier, "keep.txt"), "an earlier export");
    io.err.length = 0;
    process.exitCode = undefined;
    await main(["node", "i3", "export", "--onnx", bare, "--out", earlier]);
    expect(process.exitCode).toBe(2);
    expect(io.err.join("")).toContain(`${join(bare, "tokenizer.json")} not found`);
    expect(await readdir(earlier)).toEqual(["keep.txt"]);
    await rm(bare, { recursive: true });
  });
});
