import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mulberry32Float as rng } from "@i3/core";
import type { Passage } from "@i3/data";
import {
  DenseIndex,
  encodeCorpusSharded,
  Float16Store,
  readShardedManifest,
  ShardedDenseIndex,
  ShardedIndexWriter,
  toFloat16,
  type DenseDtype,
  type DenseResult,
  type SearchKernel,
  type TfLike,
} from "../src/dense/index.js";
import { folderContents } from "../../../test-support/folder-contents.js";

/**
 * Components k/64, |k| <= levels: every inner product (dim <= 256) is a multiple of 2^-12 below
 * 2^8, exact in float32 whatever the summation order or block, and exact in float16 storage, so
 * sharded and unsharded searches must agree exactly, ties included, on every kernel.
 */
function dyadic(n: number, dim: number, rand: () => number, levels = 64): Float32Array {
  const out = new Float32Array(n * dim);
  for (let i = 0; i < out.length; i++) out[i] = Math.round((rand() * 2 - 1) * levels) / 64;
  return out;
}

function plain(results: DenseResult[]): { ids: string[]; indices: number[]; scores: number[] }[] {
  return results.map((r) => ({ ids: r.ids, indices: Array.from(r.indices), scores: Array.from(r.scores) }));
}

const root = await mkdtemp(join(tmpdir(), "i3-sharded-"));
afterAll(() => rm(root, { recursive: true, force: true }));

const DIM = 16;
const COUNT = 2500;
const SHARD = 700; // shards of 700, 700, 700, 400
const encoder = { description: "test vectors", fingerprint: "fp-1" };

/** Ids whose string order differs from row order; the tie rule (id descending) is then visible. */
const ids = Array.from({ length: COUNT }, (_, i) => `p${(i * 7919) % 10007}`);
const rand = rng(17);
const vectors = dyadic(COUNT, DIM, rand);
// Planted ties across every shard border: rows on both sides of 700, 1400 and 2100 hold the
// all-ones vector, so the all-ones query scores them highest (16) and equal; a second group, one
// level lower, straddles the same borders with the value 0.5 everywhere.
for (const row of [699, 700, 1399, 1400, 2099, 2100]) vectors.fill(1, row * DIM, (row + 1) * DIM);
for (const row of [698, 701, 1398, 1401, 2098, 2101]) vectors.fill(0.5, row * DIM, (row + 1) * DIM);
const NQ = 9;
const queries = new Float32Array(NQ * DIM);
queries.set(dyadic(NQ - 2, DIM, rand), 0);
queries.fill(1, (NQ - 2) * DIM, (NQ - 1) * DIM); // all ones: the planted ties on top
queries.fill(-1, (NQ - 1) * DIM); // all minus ones: the planted rows last

async function writeSharded(dir: string, dtype: DenseDtype, batch = 333): Promise<void> {
  const writer = await ShardedIndexWriter.open(dir, { dim: DIM, dtype, shardSize: SHARD, encoder, backend: "test" });
  for (let i = 0; i < COUNT; i += batch) {
    const n = Math.min(batch, COUNT - i);
    await writer.append(ids.slice(i, i + n), vectors.subarray(i * DIM, (i + n) * DIM));
  }
  await writer.finish();
}

describe("sharded search equals the unsharded search", () => {
  const dirs = { float32: join(root, "f32"), float16: join(root, "f16") };
  let tf: TfLike;

  beforeAll(async () => {
    await writeSharded(dirs.float32, "float32");
    await writeSharded(dirs.float16, "float16");
    const tfjs = await import("@tensorflow/tfjs-core");
    await import("@tensorflow/tfjs-backend-cpu");
    await tfjs.setBackend("cpu");
    tf = tfjs as unknown as TfLike;
  });

  it("writes fixed-size shards and a complete manifest", async () => {
    const m = await readShardedManifest(dirs.float16);
    expect(m.status).toBe("complete");
    expect(m.shards.map((s) => s.count)).toEqual([700, 700, 700, 400]);
    expect(m.shards[0]!.bytes.vectors).toBe(700 * DIM * 2);
    expect(m.count).toBe(COUNT);
  });

  const unsharded: Record<DenseDtype, DenseIndex> = {
    float32: DenseIndex.fromVectors(ids, vectors, DIM),
    float16: DenseIndex.fromStore(ids, new Float16Store(toFloat16(vectors), DIM)),
  };

  for (const dtype of ["float32", "float16"] as const) {
    for (const kernel of ["js", "onnx", "tf"] as const satisfies readonly SearchKernel[]) {
      it(`${dtype}, ${kernel} kernel: identical ids, rows and scores at k = 1, 10, 1000, whole shards and small chunks`, async () => {
        const index = await ShardedDenseIndex.open(dirs[dtype], { verify: true });
        const options = { kernel, ...(kernel === "tf" ? { tf } : {}) };
        for (const k of [1, 10, 1000]) {
          const expected = plain(unsharded[dtype].search(queries, k, options));
          // Whole shards per read, and a bound that forces chunks of fewer rows than a shard.
          // A bound that leaves room for about 300 rows per read (the reserve is 1/8 of a small bound): 3 chunks per shard.
          const { bytes } = index.plan(NQ, k, { ...options, blockSize: 64, maxMemoryBytes: 2 ** 30 });
          const tight = Math.ceil(((bytes.shardIds + bytes.lists + bytes.kernel + 300 * DIM * (dtype === "float16" ? 2 : 4)) * 8) / 7) + 8;
          const plan = index.plan(NQ, k, { ...options, blockSize: 64, maxMemoryBytes: tight });
          expect(plan.chunkRows).toBeGreaterThanOrEqual(300);
          expect(plan.chunkRows).toBeLessThan(350);
          expect(plan.bytes.total).toBeLessThanOrEqual(tight);
          for (const extra of [{}, { blockSize: 64, maxMemoryBytes: tight }]) {
            const got = await index.search(queries, k, { ...options, ...extra });
            expect(plain(got)).toEqual(expected);
          }
          expect(index.lastKernel?.kernel).toBe(kernel);
        }
        // The planted ties: the all-ones query's top 6 are the six rows across the borders, by id descending.
        const top = (await index.search(queries, 6, options))[NQ - 2]!;
        const planted = [699, 700, 1399, 1400, 2099, 2100].map((r) => ids[r]!).sort().reverse();
        expect(top.ids).toEqual(planted);
        expect(Array.from(top.scores)).toEqual(Array(6).fill(16));
      });
    }
  }

  it("searchToRun gives the same run as the unsharded index", async () => {
    const index = await ShardedDenseIndex.open(dirs.float32);
    const qids = Array.from({ length: NQ }, (_, i) => `q${i}`);
    expect(await index.searchToRun(qids, queries, 20, { kernel: "js", maxMemoryBytes: 200_000 })).toEqual(unsharded.float32.searchToRun(qids, queries, 20, { kernel: "js" }));
  });
});

describe("the memory bound", () => {
  it("splits maxMemoryBytes into buffer, kernel, shard ids, lists and reserve, and rejects a bound below one block", async () => {
    const dir = join(root, "plan");
    await writeSharded(dir, "float16");
    const index = await ShardedDenseIndex.open(dir);
    const plan = index.plan(NQ, 10, { kernel: "js", maxMemoryBytes: 50_000 });
    const m = await readShardedManifest(dir);
    // Hand-computed: largest ids file + offsets (4 x 701) + ranks (4 x 700) + permutation flags (700); lists 9 x 10 x 28.
    expect(plan.bytes.shardIds).toBe(Math.max(...m.shards.map((s) => s.bytes.ids)) + 4 * 701 + 4 * 700 + 700);
    expect(plan.bytes.lists).toBe(NQ * 10 * 28);
    expect(plan.bytes.buffer).toBe(plan.chunkRows * DIM * 2);
    // js kernel, float16: decoded block (B x 16 x 4) + scores (min(64, 9) x B x 4).
    expect(plan.bytes.kernel).toBe(plan.blockSize * DIM * 4 + NQ * plan.blockSize * 4);
    // onnx kernel, float16: (decoded block + scores + TopK's (k + 1) values and indices) x 2 for the arena, + scores and TopK copied out.
    const onnx = index.plan(NQ, 10, { kernel: "onnx", blockSize: 64, maxMemoryBytes: 2 ** 30 });
    expect(onnx.bytes.kernel).toBe(2 * (64 * DIM * 4 + NQ * 64 * 4 + NQ * 11 * 12) + NQ * 64 * 4 + NQ * 11 * 12);
    expect(onnx.bytes.reserve).toBe(16 * 2 ** 20);
    expect(plan.bytes.reserve).toBe(Math.floor(50_000 / 8));
    expect(plan.bytes.total).toBe(plan.bytes.buffer + plan.bytes.kernel + plan.bytes.shardIds + plan.bytes.lists + plan.bytes.reserve);
    expect(plan.bytes.total).toBeLessThanOrEqual(50_000);
    expect(plan.chunkRows).toBeGreaterThanOrEqual(plan.blockSize);
    // One more chunk row would not fit.
    expect(plan.chunkRows).toBeLessThan(SHARD);
    expect(plan.bytes.total + DIM * 2).toBeGreaterThan(50_000);
    const floor = plan.bytes.shardIds + plan.bytes.lists;
    expect(() => index.plan(NQ, 10, { kernel: "js", maxMemoryBytes: floor })).toThrow(new RegExp(`maxMemoryBytes ${floor} is below the \\d+ bytes one block of 1 rows needs`));
    expect(() => index.plan(NQ, 10, { kernel: "js", maxMemoryBytes: 0 })).toThrow(/maxMemoryBytes must be a positive integer/);
  });
});

describe("the writer", () => {
  it("resumes after a crash mid-shard: completed shards kept, the partial one redone, stray files removed, identical files", async () => {
    const once = join(root, "once");
    const resumed = join(root, "resumed");
    await writeSharded(once, "float16", 250);
    let writer = await ShardedIndexWriter.open(resumed, { dim: DIM, dtype: "float16", shardSize: SHARD, encoder, backend: "test" });
    await writer.append(ids.slice(0, 1000), vectors.subarray(0, 1000 * DIM));
    await writer.append(ids.slice(1000, 1500), vectors.subarray(1000 * DIM, 1500 * DIM));
    expect(writer.completedCount).toBe(1400);
    await writer.close(); // the crash: shard 2 half written (a .tmp file)
    expect((await readdir(resumed)).filter((f) => f.endsWith(".tmp"))).toEqual(["shard-00002.f16.tmp"]);
    // A crash between renaming a shard's files and listing it in the manifest leaves unlisted files.
    await writeFile(join(resumed, "shard-00002.ids"), "x\n");
    await expect(writer.append(["late"], new Float32Array(DIM))).rejects.toThrow(/the writer stopped/);

    writer = await ShardedIndexWriter.open(resumed, { dim: DIM, dtype: "float16", shardSize: SHARD, encoder, backend: "test" });
    expect(writer.completedCount).toBe(1400);
    expect((await readdir(resumed)).filter((f) => f.startsWith("shard-00002"))).toEqual([]);
    await writer.append(ids.slice(1400), vectors.subarray(1400 * DIM));
    await writer.finish();
    expect(await folderContents(resumed)).toEqual(await folderContents(once));
  });

  it("stores float16 bit patterns as they are: the same files as from the float32 values they round", async () => {
    const fromBits = join(root, "bits");
    const bits = toFloat16(vectors);
    const writer = await ShardedIndexWriter.open(fromBits, { dim: DIM, dtype: "float16", shardSize: SHARD, encoder, backend: "test" });
    for (let i = 0; i < COUNT; i += 333) await writer.append(ids.slice(i, i + 333), bits.subarray(i * DIM, Math.min(COUNT, i + 333) * DIM));
    await writer.finish();
    expect(await folderContents(fromBits)).toEqual(await folderContents(join(root, "f16")));
    const f32 = await ShardedIndexWriter.open(join(root, "bits32"), { dim: 1, encoder, backend: "test" });
    await expect(f32.append(["a"], new Uint16Array(1))).rejects.toThrow(/float16 bits \(a Uint16Array\) given to a float32 index/);
    const inf = await ShardedIndexWriter.open(join(root, "bitsinf"), { dim: 2, dtype: "float16", encoder, backend: "test" });
    await expect(inf.append(["a"], Uint16Array.of(0, 0x7c00))).rejects.toThrow(/row 0 \(id "a"\): component 1 is float16 bits 0x7c00/);
  });

  it("refuses other settings, a changed shard, a complete index and a non-empty folder; finds ids repeated across shards", async () => {
    const dir = join(root, "checks");
    const writer = await ShardedIndexWriter.open(dir, { dim: DIM, shardSize: 4, encoder, backend: "test" });
    await writer.append(["a", "b", "c", "d", "e"], dyadic(5, DIM, rng(1)));
    await writer.close();
    await expect(ShardedIndexWriter.open(dir, { dim: 8, shardSize: 4, encoder, backend: "test" })).rejects.toThrow(/manifest\.json: field "dim": the folder was started with 16/);
    await expect(ShardedIndexWriter.open(dir, { dim: DIM, shardSize: 4, encoder: { ...encoder, fingerprint: "other" }, backend: "test" })).rejects.toThrow(/field "encoder.fingerprint"/);
    await expect(ShardedDenseIndex.open(dir)).rejects.toThrow(/field "status": "building"/);
    const vec = join(dir, "shard-00000.f32");
    const bytes = await readFile(vec);
    bytes[0] = bytes[0]! ^ 1;
    await writeFile(vec, bytes);
    await expect(ShardedIndexWriter.open(dir, { dim: DIM, shardSize: 4, encoder, backend: "test" })).rejects.toThrow(/shard-00000\.f32: field "sha256"/);
    await writeFile(vec, bytes.subarray(1));
    await expect(ShardedIndexWriter.open(dir, { dim: DIM, shardSize: 4, encoder, backend: "test", verifyOnResume: false })).rejects.toThrow(/shard-00000\.f32: field "byteLength": expected 256 bytes/);

    const dup = join(root, "dup");
    const w = await ShardedIndexWriter.open(dup, { dim: 2, shardSize: 2, encoder, backend: "test" });
    await expect(w.append(["x", "x"], new Float32Array(4))).rejects.toThrow(/row 1 \(id "x"\): field "id" is a duplicate/);
    const w2 = await ShardedIndexWriter.open(dup, { dim: 2, shardSize: 2, encoder, backend: "test" });
    await w2.append(["x", "y", "z", "x"], new Float32Array(8));
    await expect(w2.finish()).rejects.toThrow(/id "x" is in .*shard-00000\.ids line 1 and in .*shard-00001\.ids line 2/);

    const full = join(root, "f32");
    await expect(ShardedIndexWriter.open(full, { dim: DIM, shardSize: SHARD, encoder, backend: "test" })).rejects.toThrow(/field "status": the index is complete/);
    const other = join(root, "other");
    await writeSharded(join(other, "inner"), "float32");
    await expect(ShardedIndexWriter.open(other, { dim: DIM, encoder, backend: "test" })).rejects.toThrow(/manifest\.json: field "\(file\)": missing, and the folder is not empty/);
    await expect(ShardedIndexWriter.open(join(root, "nan"), { dim: 2, encoder, backend: "test" }).then((x) => x.append(["n"], new Float32Array([0, NaN])))).rejects.toThrow(
      /row 0 \(id "n"\): component 1 is NaN/,
    );
  });
});

describe("encodeCorpusSharded", () => {
  /** A tiny deterministic "model": each passage's vector from its text's character codes, batch-independent. */
  function tinyModel(): { encode: (batch: Passage[]) => Promise<Float32Array>; encoded: string[] } {
    const encoded: string[] = [];
    return {
      encoded,
      encode: async (batch) => {
        const out = new Float32Array(batch.length * 8);
        batch.forEach((p, i) => {
          encoded.push(p.id);
          for (let c = 0; c < p.text.length; c++) out[i * 8 + (c % 8)]! += (p.text.charCodeAt(c) % 17) / 16;
        });
        return out;
      },
    };
  }
  const corpus: Passage[] = Array.from({ length: 230 }, (_, i) => ({ id: `d${(i * 37) % 1009}`, title: "", text: `passage ${i} ${"ab".repeat(i % 7)}` }));

  it("interrupted after shard 1 and resumed: the encoder skips the completed shards, the folder equals one pass", async () => {
    const options = { dim: 8, dtype: "float16" as const, shardSize: 50, batchSize: 16, encoder, backend: "test" };
    const one = tinyModel();
    const onePass = await encodeCorpusSharded(corpus, one.encode, { ...options, out: join(root, "enc-once") });
    expect(onePass.shards.map((s) => s.count)).toEqual([50, 50, 50, 50, 30]);
    expect(one.encoded).toEqual(corpus.map((p) => p.id));

    const model = tinyModel();
    let calls = 0;
    const crashing = async (batch: Passage[]) => {
      if (++calls === 6) throw new Error("killed"); // batches 1-4 fill shard 0 (16+16+16+2), 5 starts shard 1
      return model.encode(batch);
    };
    const out = join(root, "enc-resumed");
    await expect(encodeCorpusSharded(corpus, crashing, { ...options, out })).rejects.toThrow("killed");
    expect((await readShardedManifest(out)).shards.length).toBe(1);
    const again = tinyModel();
    await encodeCorpusSharded(corpus, again.encode, { ...options, out });
    expect(again.encoded).toEqual(corpus.slice(50).map((p) => p.id));
    expect(await folderContents(out)).toEqual(await folderContents(join(root, "enc-once")));
    // Complete: returned as it is, nothing encoded.
    const idle = tinyModel();
    await encodeCorpusSharded(corpus, idle.encode, { ...options, out });
    expect(idle.encoded).toEqual([]);
  });

  it("refuses to resume over a changed corpus", async () => {
    const options = { dim: 8, shardSize: 50, batchSize: 16, encoder, backend: "test" };
    const out = join(root, "enc-changed");
    let calls = 0;
    const model = tinyModel();
    await expect(
      encodeCorpusSharded(corpus, async (b) => {
        if (++calls === 5) throw new Error("killed");
        return model.encode(b);
      }, { ...options, out }),
    ).rejects.toThrow("killed");
    const changed = corpus.map((p, i) => (i === 7 ? { ...p, id: "zz" } : p));
    await expect(encodeCorpusSharded(changed, tinyModel().encode, { ...options, out })).rejects.toThrow(/passage #7: field "id" is "zz", but .*shard-00000\.ids line 8 has "d259"/);
  });
});
