import { mkdtemp, readFile, readdir, rm, writeFile, truncate } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Passage } from "@i3/data";
import { DenseIndex, DenseIndexError, encodeCorpus, fromFloat16, toFloat16, type EncodeCorpusOptions } from "../src/dense/index.js";

const DIM = 6;
/** A deterministic "encoder": component d of passage i is ((i * 7 + d * 3) % 11 - 5) / 4 + tiny. */
function vectorOf(p: Passage): number[] {
  const i = Number(p.id.slice(1));
  return Array.from({ length: DIM }, (_, d) => ((i * 7 + d * 3) % 11) / 4 - 1.25 + d * 0.001);
}
async function encode(batch: Passage[]): Promise<Float32Array> {
  return Float32Array.from(batch.flatMap(vectorOf));
}
function passages(n: number): Passage[] {
  return Array.from({ length: n }, (_, i) => ({ id: `p${i}`, title: "", text: `text ${i}` }));
}
async function* streamOf(items: Passage[]): AsyncGenerator<Passage> {
  for (const p of items) yield p;
}
const enc = { description: "test encoder", fingerprint: "abc123" };

let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "i3-dense-"));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

const opts = (out: string, extra: Partial<EncodeCorpusOptions> = {}): EncodeCorpusOptions => ({
  out,
  dim: DIM,
  batchSize: 4,
  encoder: enc,
  backend: "test-backend",
  ...extra,
});

describe("encodeCorpus + DenseIndex.load", () => {
  it("writes a float32 index that loads back exactly", async () => {
    const out = join(root, "f32");
    const progress: number[] = [];
    const manifest = await encodeCorpus(streamOf(passages(10)), encode, opts(out, { onProgress: (n) => progress.push(n) }));
    expect(progress).toEqual([4, 8, 10]);
    expect(manifest).toMatchObject({ format: "i3-dense-index", version: 1, dim: DIM, count: 10, dtype: "float32", metric: "ip", byteOrder: "little", backend: "test-backend", encoder: enc });
    expect((await readdir(out)).sort()).toEqual(["ids.txt", "manifest.json", "vectors.bin"]);
    expect(await readFile(join(out, "ids.txt"), "utf8")).toBe(passages(10).map((p) => p.id + "\n").join(""));
    expect((await readFile(join(out, "vectors.bin"))).length).toBe(10 * DIM * 4);
    const index = await DenseIndex.load(out);
    expect(index.count).toBe(10);
    expect(index.dim).toBe(DIM);
    expect(index.ids).toEqual(passages(10).map((p) => p.id));
    expect(index.manifest).toEqual(manifest);
    for (const p of passages(10)) expect(Array.from(index.vector(Number(p.id.slice(1))))).toEqual(Array.from(Float32Array.from(vectorOf(p))));
  });

  it("writes float16 rows rounded to nearest even; expand and per-block loads search alike", async () => {
    const out = join(root, "f16");
    await encodeCorpus(passages(9), encode, opts(out, { dtype: "float16", batchSize: 5 }));
    expect((await readFile(join(out, "vectors.bin"))).length).toBe(9 * DIM * 2);
    const expanded = await DenseIndex.load(out);
    const perBlock = await DenseIndex.load(out, { float16: "per-block" });
    expect(expanded.dtype).toBe("float32");
    expect(perBlock.dtype).toBe("float16");
    for (let i = 0; i < 9; i++) {
      const want = Array.from(fromFloat16(toFloat16(Float32Array.from(vectorOf({ id: `p${i}`, title: "", text: "" })))));
      expect(Array.from(expanded.vector(i))).toEqual(want);
      expect(Array.from(perBlock.vector(i))).toEqual(want);
    }
    const queries = new Float32Array([1, 0, -1, 0.5, 0, 2, 0, 1, 1, 1, 1, 1]);
    expect(perBlock.search(queries, 4, { blockSize: 2 })).toEqual(expanded.search(queries, 4));
  });

  it("replaces an existing index and leaves no temporary folders", async () => {
    const out = join(root, "replace");
    await encodeCorpus(passages(3), encode, opts(out));
    await encodeCorpus(passages(5), encode, opts(out));
    expect((await DenseIndex.load(out)).count).toBe(5);
    expect((await readdir(root)).filter((f) => f.startsWith("."))).toEqual([]);
  });

  it("leaves the target untouched when encoding fails", async () => {
    const out = join(root, "fail");
    await encodeCorpus(passages(3), encode, opts(out));
    const bad = async (batch: Passage[]) => (batch[0]!.id === "p4" ? new Float32Array(1) : encode(batch));
    await expect(encodeCorpus(passages(8), bad, opts(out))).rejects.toThrow(/returned 1 values for 4 passages x dim 6/);
    expect((await DenseIndex.load(out)).count).toBe(3);
    expect((await readdir(root)).filter((f) => f.startsWith("."))).toEqual([]);
  });

  it("rejects bad passages and encoder outputs", async () => {
    const out = join(root, "bad");
    const dup = [...passages(2), { id: "p1", title: "", text: "" }];
    await expect(encodeCorpus(dup, encode, opts(out))).rejects.toThrow(/passage #2: field "id" "p1" is a duplicate/);
    await expect(encodeCorpus([{ id: "a\nb", title: "", text: "" }], encode, opts(out))).rejects.toThrow(/line break/);
    const nan = async (b: Passage[]) => new Float32Array(b.length * DIM).fill(NaN);
    await expect(encodeCorpus(passages(2), nan, opts(out))).rejects.toThrow(/passage #0 \(id "p0"\): component 0 is NaN/);
    const huge = async (b: Passage[]) => new Float32Array(b.length * DIM).fill(1e5);
    await expect(encodeCorpus(passages(2), huge, opts(out, { dtype: "float16" }))).rejects.toThrow(/overflows float16/);
    await expect(encodeCorpus(passages(2), encode, opts(out, { dim: 0 }))).rejects.toThrow(/dim must be a positive integer/);
  });

  it("writes an empty index", async () => {
    const out = join(root, "empty");
    await encodeCorpus([], encode, opts(out));
    const index = await DenseIndex.load(out);
    expect(index.count).toBe(0);
  });

  describe("load validation names the file and the field", () => {
    async function fresh(name: string): Promise<string> {
      const out = join(root, name);
      await encodeCorpus(passages(4), encode, opts(out));
      return out;
    }
    async function editManifest(dir: string, edit: (m: Record<string, unknown>) => void): Promise<void> {
      const path = join(dir, "manifest.json");
      const m = JSON.parse(await readFile(path, "utf8")) as Record<string, unknown>;
      edit(m);
      await writeFile(path, JSON.stringify(m));
    }
    const loadError = async (dir: string): Promise<DenseIndexError> => {
      try {
        await DenseIndex.load(dir);
      } catch (err) {
        expect(err).toBeInstanceOf(DenseIndexError);
        return err as DenseIndexError;
      }
      throw new Error("load did not fail");
    };

    it("manifest fields", async () => {
      const dir = await fresh("v-manifest");
      await editManifest(dir, (m) => (m.dtype = "int8"));
      let e = await loadError(dir);
      expect(e.file).toBe(join(dir, "manifest.json"));
      expect(e.field).toBe("dtype");
      expect(e.message).toMatch(/manifest\.json: field "dtype": expected "float32" or "float16", got "int8"/);
      await editManifest(dir, (m) => ((m.dtype = "float32"), (m.dim = 2.5)));
      e = await loadError(dir);
      expect(e.field).toBe("dim");
      await editManifest(dir, (m) => ((m.dim = DIM), (m.version = 9)));
      expect((await loadError(dir)).field).toBe("version");
      await editManifest(dir, (m) => ((m.version = 1), (m.files = { vectors: "../x", ids: "ids.txt" })));
      expect((await loadError(dir)).field).toBe("files.vectors");
      await editManifest(dir, (m) => ((m.files = { vectors: "vectors.bin", ids: "ids.txt" }), delete m.encoder));
      expect((await loadError(dir)).field).toBe("encoder");
      await writeFile(join(dir, "manifest.json"), "{ nope");
      expect((await loadError(dir)).message).toMatch(/manifest\.json: field "\(root\)": invalid JSON/);
    });

    it("vectors size", async () => {
      const dir = await fresh("v-vectors");
      await truncate(join(dir, "vectors.bin"), 10);
      const e = await loadError(dir);
      expect(e.file).toBe(join(dir, "vectors.bin"));
      expect(e.field).toBe("byteLength");
      expect(e.message).toMatch(/expected 96 bytes \(count 4 x dim 6 x 4 for float32, from manifest\.json\), found 10/);
    });

    it("ids count, empties and duplicates", async () => {
      const dir = await fresh("v-ids");
      await editManifest(dir, (m) => (m.count = 5));
      let e = await loadError(dir);
      expect(e.file).toBe(join(dir, "ids.txt"));
      expect(e.message).toMatch(/field "count": 4 lines, but manifest\.json says count 5/);
      await editManifest(dir, (m) => (m.count = 4));
      await writeFile(join(dir, "ids.txt"), "p0\np1\np0\np3\n");
      e = await loadError(dir);
      expect(e.file).toBe(join(dir, "ids.txt") + ":3");
      expect(e.message).toMatch(/field "id": duplicate id "p0"/);
      await writeFile(join(dir, "ids.txt"), "p0\np1\np2\np3");
      expect((await loadError(dir)).message).toMatch(/truncated/);
    });

    it("missing folder", async () => {
      const e = await loadError(join(root, "does-not-exist"));
      expect(e.message).toMatch(/manifest\.json: field "\(file\)": cannot read/);
    });
  });
});
