/** kd_train.jsonl: written then read back identically; malformed files fail naming file:line:field. */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { kdTrainLine, loadKdTrain, readKdTrain, writeKdTrain, type KdRecord } from "../src/index.js";
import { tempDir, writeText } from "./helpers.js";

const RECORDS: KdRecord[] = [
  { queryId: "q1", query: "what is dense retrieval", positives: [{ docId: "d1", score: 11.25 }], negatives: [{ docId: "d2", score: -0.1 }, { docId: "d5", score: 1e-7 }] },
  { queryId: "q2", positives: [{ docId: "d3", score: 0.1 + 0.2 }, { docId: "d4", score: -3 }], negatives: [] },
  { queryId: "1000", query: "tab\there \"quoted\" ünïcödé", positives: [{ docId: "7", score: Number.MAX_VALUE }], negatives: [{ docId: "8", score: -Number.MIN_VALUE }] },
];

async function readAll(path: string, opts = {}): Promise<KdRecord[]> {
  const out: KdRecord[] = [];
  for await (const r of readKdTrain(path, opts)) out.push(r);
  return out;
}

describe("kd_train.jsonl", () => {
  it("round-trips: what writeKdTrain writes, readKdTrain reads back identically (plain and gzip)", async () => {
    const dir = tempDir();
    for (const name of ["kd_train.jsonl", "kd_train.jsonl.gz"]) {
      const path = join(dir, name);
      await writeKdTrain(path, RECORDS);
      expect(await readAll(path)).toEqual(RECORDS);
      expect([...(await loadKdTrain(path)).keys()]).toEqual(["q1", "q2", "1000"]);
    }
    // SimLM's field names, doc_id and score side by side, query only when known.
    const first = readFileSync(join(dir, "kd_train.jsonl"), "utf8").split("\n")[0]!;
    expect(JSON.parse(first)).toEqual({ query_id: "q1", query: "what is dense retrieval", positives: { doc_id: ["d1"], score: [11.25] }, negatives: { doc_id: ["d2", "d5"], score: [-0.1, 1e-7] } });
    expect(kdTrainLine(RECORDS[1]!)).toBe('{"query_id":"q2","positives":{"doc_id":["d3","d4"],"score":[0.30000000000000004,-3]},"negatives":{"doc_id":[],"score":[]}}');
  });

  it("reads SimLM-style integer ids as decimal strings and skips blank lines", async () => {
    const path = writeText(tempDir(), "kd.jsonl", '{"query_id": 3, "query": "x", "positives": {"doc_id": [17], "score": [1.5]}, "negatives": {"doc_id": ["18"], "score": [0]}}\n\n');
    expect(await readAll(path)).toEqual([{ queryId: "3", query: "x", positives: [{ docId: "17", score: 1.5 }], negatives: [{ docId: "18", score: 0 }] }]);
  });

  const good = (over: Record<string, unknown> = {}) => JSON.stringify({ query_id: "q1", positives: { doc_id: ["d1"], score: [1] }, negatives: { doc_id: ["d2"], score: [0.5] }, ...over });
  const cases: [string, string, RegExp][] = [
    ["malformed JSON", `${good()}\n{"query_id": "q2",`, /kd\.jsonl:2: not valid JSON/],
    ["bare NaN (Python json.dumps)", `${good()}\n{"query_id": "q2", "positives": {"doc_id": ["d1"], "score": [1]}, "negatives": {"doc_id": ["d2", "d3"], "score": [0.5, NaN]}}`, /kd\.jsonl:2: field "negatives\.score\[1\]": NaN is not a finite number/],
    ["bare -Infinity", `{"query_id": "q2", "positives": {"doc_id": ["d1"], "score": [-Infinity]}, "negatives": {"doc_id": [], "score": []}}`, /kd\.jsonl:1: field "positives\.score\[0\]": -Infinity is not a finite number/],
    ["a score that is a string", good({ negatives: { doc_id: ["d2"], score: ["0.5"] } }), /kd\.jsonl:1: field "negatives\.score\[0\]": expected a finite number, got "0\.5"/],
    ["missing query_id", JSON.stringify({ positives: { doc_id: ["d1"], score: [1] }, negatives: { doc_id: [], score: [] } }), /kd\.jsonl:1: field "query_id": expected a non-empty string id/],
    ["doc_id / score lengths differ", good({ positives: { doc_id: ["d1", "d3"], score: [1] } }), /kd\.jsonl:1: field "positives\.score": has 1 entries but positives\.doc_id has 2/],
    ["no positive", good({ positives: { doc_id: [], score: [] } }), /kd\.jsonl:1: field "positives\.doc_id": is empty/],
    ["a doc id twice in a line", good({ negatives: { doc_id: ["d2", "d1"], score: [0.5, 0.2] } }), /kd\.jsonl:1: field "negatives\.doc_id\[1\]": doc id "d1" is listed twice \(also positives\.doc_id\[0\]\)/],
    ["a query id on two lines", `${good()}\n\n${good()}`, /kd\.jsonl:3: field "query_id": query id "q1" is also on line 1/],
    ["an unknown field", good({ negative: { doc_id: [], score: [] } }), /kd\.jsonl:1: field "negative": unknown field/],
    ["not an object", "[1, 2]", /kd\.jsonl:1: expected a JSON object per line/],
  ];
  it.each(cases)("rejects %s, naming file:line:field", async (_name, text, message) => {
    const path = writeText(tempDir(), "kd.jsonl", `${text}\n`);
    await expect(readAll(path)).rejects.toThrow(message);
  });

  it("rejects unknown query and doc ids when id sets are given", async () => {
    const path = writeText(tempDir(), "kd.jsonl", `${good()}\n`);
    await expect(readAll(path, { queryIds: new Set(["q9"]) })).rejects.toThrow(/kd\.jsonl:1: field "query_id": unknown query id "q1"/);
    await expect(readAll(path, { docIds: new Set(["d1"]) })).rejects.toThrow(/kd\.jsonl:1: field "negatives\.doc_id\[0\]": unknown doc id "d2"/);
    expect(await readAll(path, { queryIds: new Set(["q1"]), docIds: new Set(["d1", "d2"]) })).toHaveLength(1);
  });

  it("refuses to write what it could not read back, leaving the target untouched", async () => {
    const dir = tempDir();
    const path = join(dir, "kd_train.jsonl");
    await writeKdTrain(path, RECORDS);
    const before = readFileSync(path, "utf8");
    const bad: KdRecord = { queryId: "q9", positives: [{ docId: "d1", score: NaN }], negatives: [] };
    await expect(writeKdTrain(path, [RECORDS[0]!, bad])).rejects.toThrow(/kd_train\.jsonl:2: field "positives\.score\[0\]": NaN is not a finite number/);
    await expect(writeKdTrain(path, [RECORDS[0]!, RECORDS[0]!])).rejects.toThrow(/kd_train\.jsonl:2: field "query_id": query id "q1" is also on line 1/);
    expect(readFileSync(path, "utf8")).toBe(before);
  });
});
