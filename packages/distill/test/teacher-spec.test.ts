/** loadTeacher: every kind from plain data, the same scores as its factory. */
import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import { initBackend } from "@i3/encoders";
import { buildIndex } from "@i3/search";
import { bm25Teacher, loadTeacher, type TeacherSpec } from "../src/index.js";
import { PASSAGES, QUERIES, memoryCollection, tempDir, writeText } from "./helpers.js";

const CE_DIR = fileURLToPath(new URL("./fixtures/tiny-ce", import.meta.url));

beforeAll(async () => {
  await initBackend({ device: "js" });
});

describe("loadTeacher", () => {
  it("loads bm25 (with k1/b), scores, onnx-cross-encoder and cross-encoder teachers", async () => {
    const collection = memoryCollection();
    const bm25 = await loadTeacher({ kind: "bm25", k1: 1.2 }, { collection });
    const direct = bm25Teacher(await buildIndex(PASSAGES), { corpus: "memory-fp-1", k1: 1.2 });
    expect(bm25.identity).toEqual(direct.identity);
    expect(await bm25.score(QUERIES[0]!, PASSAGES)).toEqual(await direct.score(QUERIES[0]!, PASSAGES));

    const path = writeText(tempDir(), "s.tsv", "q1 d1 2\n");
    const scores = await loadTeacher({ kind: "scores", path, missing: -1 }, { collection, checkIds: { docIds: new Set(["d1"]) } });
    expect(await scores.score(QUERIES[0]!, [PASSAGES[0]!, PASSAGES[1]!])).toEqual([2, -1]);
    await expect(loadTeacher({ kind: "scores", path }, { collection, checkIds: { docIds: new Set(["d9"]) } })).rejects.toThrow(/s\.tsv:1: field "docid": unknown doc id "d1"/);

    const pair = [{ id: "p", title: "", text: "dense retrieval encodes queries and passages into vectors" }];
    const q = { id: "q", text: "what is dense retrieval" };
    const onnx = await loadTeacher({ kind: "onnx-cross-encoder", modelDir: CE_DIR }, { collection });
    const tfjs = await loadTeacher({ kind: "cross-encoder", path: CE_DIR }, { collection });
    const [a] = await onnx.score(q, pair);
    const [b] = await tfjs.score(q, pair);
    expect(Math.abs(a! - b!)).toBeLessThan(1e-5);
    await onnx.dispose();
    await tfjs.dispose();
    await expect(loadTeacher({ kind: "nope" } as unknown as TeacherSpec, { collection })).rejects.toThrow(/unknown teacher kind "nope"/);
  });
});
