/**
 * `buildShardedDenseIndex` with a tiny random dual encoder: interrupted after the first shard and
 * resumed, the folder equals one uninterrupted pass, and its search equals the unsharded index's.
 */
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { passageText, resolveDataset, trainWordPiece, type Collection, type I3Tokenizer } from "@i3/data";
import { DualEncoder, encoderConfig, initBackend } from "@i3/encoders";
import { DenseIndex, readShardedManifest, ShardedDenseIndex } from "@i3/search";
import { buildDenseIndex, buildShardedDenseIndex, encodeRows, type DenseRetriever } from "../src/index.js";
import { firstPassages, tempRoot } from "./helpers.js";
import { folderContents } from "../../../test-support/folder-contents.js";

const root = tempRoot("i3-sharded-");
let collection: Collection;
let tok: I3Tokenizer;

beforeAll(async () => {
  await initBackend({ device: "wasm" });
  collection = firstPassages(await resolveDataset("default"), 130);
  const texts: string[] = [];
  for await (const p of collection.corpus()) texts.push(passageText(p));
  tok = await trainWordPiece(texts, { vocabSize: 800, minFrequency: 1 });
}, 120_000);

describe("buildShardedDenseIndex", () => {
  it("resumes after an interruption in shard 2 to the files of one pass, and searches as the unsharded index", async () => {
    const model = new DualEncoder(encoderConfig({ vocabSize: tok.vocabSize, hidden: 32, layers: 1, heads: 2, intermediate: 64, maxPositions: 64, pooling: "mean" }), { seed: 3 });
    const retriever: DenseRetriever = { model, tokenizer: tok };
    // shardSize = 3 batches, so the sharded and the single-folder writers feed the encoder the same batches.
    const options = { passageMaxLength: 32, batchSize: 16, shardSize: 48, description: "tiny", backend: "tfjs wasm" };
    const once = join(root, "once");
    const m = await buildShardedDenseIndex(retriever, collection, { ...options, out: once });
    expect(m.shards.map((s) => s.count)).toEqual([48, 48, 34]);

    // The interruption: the corpus fails at passage 70 (shard 0 complete, shard 1 partial).
    const failing: Collection = {
      ...collection,
      async *corpus() {
        let i = 0;
        for await (const p of collection.corpus()) {
          if (i++ === 70) throw new Error("interrupted");
          yield p;
        }
      },
    };
    const resumed = join(root, "resumed");
    await expect(buildShardedDenseIndex(retriever, failing, { ...options, out: resumed })).rejects.toThrow("interrupted");
    expect((await readShardedManifest(resumed)).shards.length).toBe(1);
    await buildShardedDenseIndex(retriever, collection, { ...options, out: resumed });
    expect(await folderContents(resumed)).toEqual(await folderContents(once));

    const single = join(root, "single");
    await buildDenseIndex(retriever, collection, { ...options, out: single });
    const queries = await collection.queries("dev");
    const rows = queries.slice(0, 10).map((q) => tok.encode(q.text, 16).ids);
    expect(rows.length).toBeGreaterThan(0);
    const vectors = await encodeRows(retriever, rows, 16, "queries");
    const expected = (await DenseIndex.load(single)).search(vectors, 20, { kernel: "js" });
    const sharded = await ShardedDenseIndex.open(resumed, { verify: true });
    expect(await sharded.search(vectors, 20, { kernel: "js", maxMemoryBytes: 2 ** 20 })).toEqual(expected);
    model.dispose();
  }, 300_000);
});
