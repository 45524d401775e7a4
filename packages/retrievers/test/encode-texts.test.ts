/**
 * Text-level encoding (`encodeTexts` and the trainers' `encodeQueries` / `encodePassages` /
 * `encode`), on 120 passages of the embedded default collection with tiny models that the trainers
 * return: passage vectors equal the indexing path's (`encodeCorpusVectors`) bit for bit; the
 * scores of `indexAndRetrieve`'s run are the inner products of the two sides' vectors; I3's
 * passage side is p* (the forward pass's index vectors, not p0); other batch sizes give the same
 * vectors to float rounding; progress is reported per batch; a saved and loaded checkpoint
 * encodes the same through `textEncoder`; bad input names what is wrong.
 */
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { passageText, resolveDataset, type Collection, type Passage, type Query } from "@i3/data";
import { tf } from "@i3/encoders";
import { bm25Run, buildIndex } from "@i3/search";
import {
  encodeCorpusVectors,
  encodeTexts,
  indexAndRetrieve,
  loadI3Checkpoint,
  saveI3Checkpoint,
  textEncoder,
  trainDualEncoder,
  trainI3,
  type TrainedDualEncoder,
  type TrainedI3,
} from "../src/index.js";
import { firstPassages, tempRoot } from "./helpers.js";

const root = tempRoot("i3-encode-texts-");
const quiet = () => {};
const model = { preset: { layers: 1, hidden: 32, heads: 2, intermediate: 64 }, queryMaxLength: 12, passageMaxLength: 24 } as const;
// One short epoch on the real queries (BM25 negatives): weights off their init, in seconds.
const train = { warmupEpochs: 0, epochs: 1, batchSize: 16 } as const;

let collection: Collection;
let passages: Passage[];
let queries: Query[];
let de: TrainedDualEncoder;
let i3: TrainedI3;

beforeAll(async () => {
  collection = firstPassages(await resolveDataset("default"), 120);
  passages = [];
  for await (const p of collection.corpus()) passages.push(p);
  queries = await collection.queries("dev");
  const firstStageTrainRun = bm25Run(await buildIndex(collection.corpus()), await collection.queries("train"), { k: 20 });
  const common = { collection, trainSplit: "train", firstStageTrainRun, seed: 5, log: quiet };
  de = await trainDualEncoder({ ...common, workDir: join(root, "de"), settings: { tokenizer: { vocabSize: 1500 }, model: { ...model, pooling: "mean" }, train } });
  i3 = await trainI3({ ...common, workDir: join(root, "i3"), settings: { tokenizer: { vocabSize: 1500 }, model, train } });
  expect(de.steps.length).toBeGreaterThan(0);
  expect(i3.steps.length).toBeGreaterThan(0);
}, 600_000);

function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  expect(a.length).toBe(b.length);
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i]! - b[i]!));
  return worst;
}

describe.each([
  ["dual-encoder", () => de],
  ["I3", () => i3],
] as const)("%s: the trained model's encode", (_name, trained) => {
  it("passages: exactly the indexing path's vectors (encodeCorpusVectors), rows not all alike", async () => {
    const t = trained();
    const index = await encodeCorpusVectors(t, collection, t.settings.model.passageMaxLength);
    const mine = await t.encodePassages(passages.map(passageText));
    expect(mine.count).toBe(passages.length);
    expect(mine.dim).toBe(index.dim);
    expect(Array.from(mine.vectors)).toEqual(Array.from(index.vectors));
    expect(maxAbsDiff(mine.row(0), mine.row(1))).toBeGreaterThan(1e-3);
    expect(Array.from((await t.encode(passages.map(passageText), { side: "passages" })).vectors)).toEqual(Array.from(mine.vectors));
  });

  it("queries: indexAndRetrieve's scores are encodeQueries . encodePassages", async () => {
    const t = trained();
    const run = (await indexAndRetrieve(t, { collection, splits: ["dev"], k: 5 })).get("dev")!;
    const q = await t.encodeQueries(queries.map((x) => x.text));
    const p = await t.encodePassages(passages.map(passageText));
    const at = new Map(passages.map((x, i) => [x.id, i]));
    let checked = 0;
    queries.forEach((query, qi) => {
      for (const [pid, score] of run.get(query.id)!) {
        const pv = p.row(at.get(pid)!);
        const qv = q.row(qi);
        let dot = 0;
        for (let d = 0; d < q.dim; d++) dot += qv[d]! * pv[d]!;
        expect(Math.abs(dot - score)).toBeLessThan(1e-4 * Math.max(1, Math.abs(dot)));
        checked++;
      }
    });
    expect(checked).toBe(queries.length * 5);
  });

  it("other batch sizes: the same vectors to float rounding; onProgress after each batch", async () => {
    const t = trained();
    const texts = passages.map(passageText);
    const whole = await t.encodePassages(texts);
    const progress: [number, number][] = [];
    const by7 = await t.encodePassages(texts, { batchSize: 7, onProgress: ({ done, total }) => progress.push([done, total]) });
    const by1 = await t.encodePassages(texts.slice(0, 10), { batchSize: 1 });
    expect(maxAbsDiff(by7.vectors, whole.vectors)).toBeLessThan(1e-5);
    expect(maxAbsDiff(by1.vectors, whole.vectors.subarray(0, 10 * whole.dim))).toBeLessThan(1e-5);
    const expected: [number, number][] = [];
    for (let done = 7; done < 120; done += 7) expected.push([done, 120]);
    expected.push([120, 120]);
    expect(progress).toEqual(expected);
  });
});

describe("I3's sides", () => {
  it("passages are p* (the forward pass's index vectors), not p0; queries are E_q", async () => {
    const texts = passages.slice(0, 9).map(passageText);
    const mine = await i3.encodePassages(texts, { batchSize: 9 });
    const rows = texts.map((t) => i3.tokenizer.encode(t, i3.settings.model.passageMaxLength).ids);
    const width = Math.max(...rows.map((r) => r.length));
    const ids = new Int32Array(9 * width).fill(i3.tokenizer.special.pad);
    const mask = new Int32Array(9 * width);
    rows.forEach((r, i) => {
      ids.set(r, i * width);
      mask.fill(1, i * width, i * width + r.length);
    });
    const [pStar, p0] = tf.tidy(() => {
      const out = i3.model.forwardPassages({ inputIds: tf.tensor2d(ids, [9, width], "int32"), attentionMask: tf.tensor2d(mask, [9, width], "int32") }, undefined, { logits: false });
      return [out.vectors.dataSync() as Float32Array, out.pooled.dataSync() as Float32Array];
    });
    expect(maxAbsDiff(mine.vectors, pStar)).toBeLessThan(1e-5);
    expect(maxAbsDiff(mine.vectors, p0)).toBeGreaterThan(1e-3);
    const q = await i3.encodeQueries(texts);
    expect(maxAbsDiff(q.vectors, mine.vectors)).toBeGreaterThan(1e-3);
  });
});

describe("textEncoder on a loaded checkpoint", () => {
  it("gives the trained model's vectors bit for bit", async () => {
    const dir = join(root, "i3-checkpoint");
    await saveI3Checkpoint(dir, i3);
    const loaded = await loadI3Checkpoint(dir);
    const texts = passages.slice(0, 20).map(passageText);
    const again = textEncoder(loaded, i3.settings.model);
    expect(Array.from((await again.encodePassages(texts)).vectors)).toEqual(Array.from((await i3.encodePassages(texts)).vectors));
    expect(Array.from((await again.encodeQueries(texts)).vectors)).toEqual(Array.from((await i3.encodeQueries(texts)).vectors));
    loaded.model.dispose();
  });
});

describe("encodeTexts input checks", () => {
  it("names the bad text, batch size or side", async () => {
    await expect(encodeTexts(de, ["a", 3 as unknown as string], "queries", 12)).rejects.toThrow("texts[1] is number, not a string");
    await expect(de.encodeQueries(["a"], { batchSize: 0 })).rejects.toThrow("batchSize must be a positive integer, got 0");
    await expect(de.encode(["a"], { side: "both" as "queries" })).rejects.toThrow('side must be "queries" or "passages"');
    expect((await de.encodeQueries([])).count).toBe(0);
  });
});
