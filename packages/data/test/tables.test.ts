import { op } from "arquero";
import { describe, expect, it } from "vitest";
import { judgedRunTable, perQueryStats, qrelsTable, runTable, type ColumnTable, type Qrels, type Run } from "@i3/data";

type Row = Record<string, unknown>;
const rows = (t: ColumnTable) => t.objects() as Row[];

const qrels: Qrels = new Map([
  ["q1", new Map([["a", 2], ["b", 0], ["c", 1], ["z", 3]])],
  ["q2", new Map([["a", 1]])],
  ["q4", new Map([["x", 0]])],
]);
const run: Run = new Map([
  ["q1", new Map([["a", 0.5], ["b", 0.9], ["d", 0.5], ["c", 0.1]])],
  ["q3", new Map([["a", 1]])],
  ["q2", new Map([["b", 2], ["a", -1]])],
]);

describe("qrelsTable", () => {
  it("has one row per judgment", () => {
    expect(qrelsTable(qrels).objects()).toEqual([
      { qid: "q1", docid: "a", rel: 2 },
      { qid: "q1", docid: "b", rel: 0 },
      { qid: "q1", docid: "c", rel: 1 },
      { qid: "q1", docid: "z", rel: 3 },
      { qid: "q2", docid: "a", rel: 1 },
      { qid: "q4", docid: "x", rel: 0 },
    ]);
  });
});

describe("runTable", () => {
  it("ranks by score descending, ties by docid descending", () => {
    expect(runTable(run).objects()).toEqual([
      { qid: "q1", docid: "b", score: 0.9, rank: 1 },
      { qid: "q1", docid: "d", score: 0.5, rank: 2 },
      { qid: "q1", docid: "a", score: 0.5, rank: 3 },
      { qid: "q1", docid: "c", score: 0.1, rank: 4 },
      { qid: "q3", docid: "a", score: 1, rank: 1 },
      { qid: "q2", docid: "b", score: 2, rank: 1 },
      { qid: "q2", docid: "a", score: -1, rank: 2 },
    ]);
  });
});

describe("judgedRunTable", () => {
  it("adds the grade of each retrieved document, null when unjudged", () => {
    expect(judgedRunTable(run, qrels).array("rel")).toEqual([0, null, 2, 1, null, null, 1]);
  });

  it("equals arquero's own left join of the run and qrels tables", () => {
    // (arquero 7 reads a two-string `on` as [left key, right key]: pass both key lists.)
    const keys = ["qid", "docid"];
    const joined = runTable(run).join_left(qrelsTable(qrels), [keys, keys]);
    const key = (o: Row) => `${String(o.qid)}/${String(o.docid)}`;
    const byKey = new Map(rows(joined).map((o) => [key(o), o.rel ?? null]));
    const ours = rows(judgedRunTable(run, qrels));
    expect(ours.length).toBe(joined.numRows());
    for (const o of ours) expect(o.rel, key(o)).toBe(byKey.get(key(o)));
  });
});

describe("perQueryStats", () => {
  it("counts judgments, relevant, retrieved, judged-retrieved and relevant-retrieved per query", () => {
    expect(perQueryStats(qrels, run).objects()).toEqual([
      { qid: "q1", numJudged: 4, numRel: 3, numRetrieved: 4, numJudgedRetrieved: 3, numRelRetrieved: 2 },
      { qid: "q2", numJudged: 1, numRel: 1, numRetrieved: 2, numJudgedRetrieved: 1, numRelRetrieved: 1 },
      { qid: "q4", numJudged: 1, numRel: 0, numRetrieved: 0, numJudgedRetrieved: 0, numRelRetrieved: 0 },
      { qid: "q3", numJudged: 0, numRel: 0, numRetrieved: 1, numJudgedRetrieved: 0, numRelRetrieved: 0 },
    ]);
  });

  it("applies the relevance level and works without a run", () => {
    expect(perQueryStats(qrels, undefined, { relevanceLevel: 2 }).objects()).toEqual([
      { qid: "q1", numJudged: 4, numRel: 2 },
      { qid: "q2", numJudged: 1, numRel: 0 },
      { qid: "q4", numJudged: 1, numRel: 0 },
    ]);
    expect(perQueryStats(qrels, run, { relevanceLevel: 2 }).array("numRelRetrieved")).toEqual([1, 0, 0, 0]);
  });

  it("agrees with an arquero groupby/rollup over the judged run table", () => {
    const rolled = rows(
      judgedRunTable(run, qrels)
        .derive({ judged: "d => d.rel != null ? 1 : 0", relevant: "d => d.rel >= 1 ? 1 : 0" })
        .groupby("qid")
        .rollup({ numRetrieved: op.count(), numJudgedRetrieved: op.sum("judged"), numRelRetrieved: op.sum("relevant") }),
    );
    const stats = new Map(rows(perQueryStats(qrels, run)).map((o) => [o.qid, o]));
    expect(rolled.length).toBe(3);
    for (const r of rolled) {
      const s = stats.get(r.qid)!;
      expect([s.numRetrieved, s.numJudgedRetrieved, s.numRelRetrieved], String(r.qid)).toEqual([
        r.numRetrieved,
        r.numJudgedRetrieved,
        r.numRelRetrieved,
      ]);
    }
  });
});

describe("arquero through @i3/data (aq, op)", () => {
  it("builds, filters, groups and joins tables with only @i3/data imported", async () => {
    const data = await import("@i3/data");
    const { aq, op: dataOp } = data;
    expect(dataOp).toBe(op); // the same arquero the package's own tables use
    const t = aq.from([
      { qid: "q1", system: "bm25", ndcg: 0.5 },
      { qid: "q2", system: "bm25", ndcg: 0.25 },
      { qid: "q1", system: "dense", ndcg: 0.75 },
      { qid: "q2", system: "dense", ndcg: 0.5 },
    ]);
    const means = t.groupby("system").rollup({ mean: dataOp.mean("ndcg"), n: dataOp.count() }).orderby("system");
    expect(means.objects()).toEqual([
      { system: "bm25", mean: 0.375, n: 2 },
      { system: "dense", mean: 0.625, n: 2 },
    ]);
    const wide = t.groupby("qid").pivot("system", "ndcg");
    expect(wide.derive({ diff: "d => d.dense - d.bm25" }).array("diff")).toEqual([0.25, 0.25]);
    const judged = data.qrelsTable(qrels).join_left(aq.table({ qid: ["q1"], note: ["first"] }), "qid");
    expect(judged.filter(aq.escape((d: { note?: string }) => d.note === "first")).numRows()).toBe(4);
  });
});
