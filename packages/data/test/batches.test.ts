import { describe, expect, it } from "vitest";
import { TrainingBatcher, choosePositive, padTrainingBatch, queryOrder, trainingBatches } from "../src/batches/index.js";
import type { TrainingBatch, TrainingBatcherOptions } from "../src/batches/index.js";
import type { Qrels } from "../src/types.js";

/** Token ids = char codes, so alignment with ids is checkable by eye. */
const tokens = (id: string) => Int32Array.from(id, (c) => c.charCodeAt(0));

/** Six queries q0..q5, positive P<i>, pools N<i>_0..N<i>_5 (all distinct). */
function sixQueries(): Pick<TrainingBatcherOptions, "qrels" | "negatives" | "queryTokens" | "passageTokens"> {
  const qrels: Qrels = new Map();
  const negatives = new Map<string, string[]>();
  for (let i = 0; i < 6; i++) {
    qrels.set(`q${i}`, new Map([[`P${i}`, 1]]));
    negatives.set(`q${i}`, Array.from({ length: 6 }, (_, j) => `N${i}_${j}`));
  }
  return { qrels, negatives, queryTokens: tokens, passageTokens: tokens };
}

const summary = (batches: TrainingBatch[]) => batches.map((b) => ({ qids: b.qids, passageIds: b.passageIds }));

describe("TrainingBatcher: layout", () => {
  it("emits B groups of (positive, n negatives), group-major, with aligned tokens", () => {
    const batcher = new TrainingBatcher({ ...sixQueries(), negativesPerQuery: 2, batchSize: 2, seed: 7 });
    const batches = [...batcher.batches(0)];
    expect(batches).toHaveLength(3);
    expect(batcher.numBatches).toBe(3);
    for (const [index, b] of batches.entries()) {
      expect(b.index).toBe(index);
      expect(b.groupSize).toBe(3);
      expect(b.passageIds).toHaveLength(6);
      b.qids.forEach((qid, i) => {
        const k = qid.slice(1);
        expect(b.passageIds[i * 3]).toBe(`P${k}`);
        expect(b.passageIds[i * 3 + 1]?.startsWith(`N${k}_`)).toBe(true);
        expect(b.passageIds[i * 3 + 2]?.startsWith(`N${k}_`)).toBe(true);
        expect(b.queryTokens[i]).toEqual(tokens(qid));
      });
      b.passageIds.forEach((pid, j) => expect(b.passageTokens[j]).toEqual(tokens(pid)));
      expect(b.teacherScores).toBeUndefined();
    }
    // Every query exactly once per epoch.
    expect(batches.flatMap((b) => b.qids).sort()).toEqual(["q0", "q1", "q2", "q3", "q4", "q5"]);
  });

  it("keeps or drops a last partial batch", () => {
    const base = { ...sixQueries(), queries: ["q0", "q1", "q2", "q3", "q4"], negativesPerQuery: 1, batchSize: 2, seed: 1 };
    expect([...trainingBatches(base, 0)].map((b) => b.qids.length)).toEqual([2, 2, 1]);
    expect([...trainingBatches({ ...base, dropLast: true }, 0)].map((b) => b.qids.length)).toEqual([2, 2]);
  });

  it("without shuffling, follows the given query order", () => {
    const batches = [...trainingBatches({ ...sixQueries(), negativesPerQuery: 1, batchSize: 4, seed: 1, shuffle: false }, 3)];
    expect(batches.map((b) => b.qids)).toEqual([["q0", "q1", "q2", "q3"], ["q4", "q5"]]);
  });
});

describe("TrainingBatcher: determinism", () => {
  const options = { ...sixQueries(), negativesPerQuery: 2, batchSize: 2, seed: 7 };

  it("is identical for the same (seed, epoch) and differs across epochs and seeds", () => {
    const a = summary([...trainingBatches(options, 1)]);
    expect(summary([...trainingBatches(options, 1)])).toEqual(a);
    expect(summary([...new TrainingBatcher(options).batches(2)])).not.toEqual(a);
    expect(summary([...trainingBatches({ ...options, seed: 8 }, 1)])).not.toEqual(a);
  });

  it("shuffles queries with a seeded permutation per epoch", () => {
    const order = queryOrder(100, 3, 0);
    expect([...order].sort((x, y) => x - y)).toEqual(Array.from({ length: 100 }, (_, i) => i));
    expect(queryOrder(100, 3, 0)).toEqual(order);
    expect(queryOrder(100, 3, 1)).not.toEqual(order);
    expect(queryOrder(5, 3, 1, false)).toEqual(Int32Array.from([0, 1, 2, 3, 4]));
  });

  it("uses the strided schedule of the reference when asked (pool 6, n 2, epoch 1: interval 3, offset 1)", () => {
    const [batch] = [...trainingBatches({ ...options, queries: ["q0"], schedule: "strided", batchSize: 1 }, 1)];
    expect(batch?.passageIds).toEqual(["P0", "N0_1", "N0_4"]);
  });

  it("is streaming: only the first batch's passages are tokenized after one step", () => {
    let calls = 0;
    const batcher = new TrainingBatcher({
      ...options,
      passageTokens: (id) => {
        calls++;
        return tokens(id);
      },
    });
    const iterator = batcher.batches(0);
    expect(calls).toBe(0);
    iterator.next();
    expect(calls).toBe(6);
  });
});

describe("TrainingBatcher: no duplicate passage inside a batch", () => {
  // q1's pool holds q0's positive P0 and q0's negative A. Strided, n 2, epoch 0, no shuffle:
  // q0: pool [A, B, C] (len 3 > 2: interval 1, offset 0) -> A, B.
  // q1: pool [P0, A, D, E] (interval 2, offset 0) -> P0, D; P0 is a batch positive, so it is replaced
  // by the next spare in rank order that is free: A (taken by q0), then E.
  const qrels: Qrels = new Map([
    ["q0", new Map([["P0", 1]])],
    ["q1", new Map([["P1", 1]])],
  ]);
  const base = {
    qrels,
    negatives: new Map([
      ["q0", ["A", "B", "C"]],
      ["q1", ["P0", "A", "D", "E"]],
    ]),
    negativesPerQuery: 2,
    batchSize: 2,
    seed: 0,
    schedule: "strided" as const,
    shuffle: false,
    queryTokens: tokens,
    passageTokens: tokens,
  };

  it("resamples conflicting picks from the query's own pool", () => {
    const [batch] = [...trainingBatches(base, 0)];
    expect(batch?.passageIds).toEqual(["P0", "A", "B", "P1", "E", "D"]);
    expect(batch?.stats).toEqual({ replaced: 1, padded: 0, unavoidable: 0, sharedPositives: 0 });
  });

  it("counts the conflicts it cannot avoid, and pads from the corpus when it can", () => {
    const tight = { ...base, negatives: new Map([["q0", ["A", "B"]], ["q1", ["P0", "A"]]]) };
    const batcher = new TrainingBatcher(tight);
    const [batch] = [...batcher.batches(0)];
    expect(batch?.passageIds).toEqual(["P0", "A", "B", "P1", "P0", "A"]);
    expect(batch?.stats.unavoidable).toBe(2);
    expect(batcher.stats.unavoidable).toBe(2);

    const [padded] = [...trainingBatches({ ...tight, corpusIds: ["A", "B", "P0", "P1", "Z"] }, 0)];
    // Only Z is free in the corpus: one slot padded, the other conflict kept and counted.
    expect(padded?.passageIds.slice(3)).toEqual(["P1", "Z", "A"]);
    expect(padded?.stats).toEqual({ replaced: 0, padded: 1, unavoidable: 1, sharedPositives: 0 });
  });

  it("counts chosen positives that are judged positives of another query in the batch", () => {
    const shared: Qrels = new Map([
      ["q0", new Map([["P0", 1]])],
      ["q1", new Map([["P0", 1]])],
    ]);
    const [batch] = [...trainingBatches({ ...base, qrels: shared, negatives: new Map([["q0", ["A", "B"]], ["q1", ["C", "D"]]]) }, 0)];
    expect(batch?.stats.sharedPositives).toBe(2);
  });

  it("never uses a query's own positive as its negative, even when the pool lists it", () => {
    const [batch] = [
      ...trainingBatches({ ...base, queries: ["q0"], batchSize: 1, negatives: new Map([["q0", ["P0", "A", "B"]]]) }, 0),
    ];
    expect(batch?.passageIds).toEqual(["P0", "B", "A"]);
    expect(batch?.stats.replaced).toBe(1);
  });
});

describe("positives per epoch", () => {
  it("rotate visits every positive in turn (Tevatron: (hash + epoch) mod P)", () => {
    const positives = ["x", "y", "z"];
    const key = (epoch: number) => ({ seed: 5, epoch, qid: "q" });
    const chosen = [0, 1, 2].map((e) => choosePositive(positives, "rotate", key(e)));
    expect([...chosen].sort()).toEqual(positives);
    expect(choosePositive(positives, "rotate", key(3))).toBe(chosen[0]);
    // epoch e + 1 picks the positive after epoch e's, cyclically
    expect(positives.indexOf(chosen[1] as string)).toBe((positives.indexOf(chosen[0] as string) + 1) % 3);
    expect(choosePositive(positives, "first", key(2))).toBe("x");
    expect(positives).toContain(choosePositive(positives, "random", key(2)));
  });
});

describe("teacher scores", () => {
  const qrels: Qrels = new Map([["q0", new Map([["P0", 1]])]]);
  const base = {
    qrels,
    negatives: new Map([["q0", ["A", "B"]]]),
    negativesPerQuery: 2,
    batchSize: 1,
    seed: 0,
    schedule: "strided" as const,
    queryTokens: tokens,
    passageTokens: tokens,
  };

  it("are aligned with passageIds", () => {
    const teacherScores = new Map([["q0", new Map([["B", 1.5], ["P0", 9], ["A", -2]])]]);
    const [batch] = [...trainingBatches({ ...base, teacherScores }, 0)];
    expect(batch?.passageIds).toEqual(["P0", "A", "B"]);
    expect(batch?.teacherScores).toEqual(Float32Array.from([9, -2, 1.5]));
  });

  it("a missing score throws naming query and passage, or takes the fill value", () => {
    const teacherScores = new Map([["q0", new Map([["P0", 9], ["A", -2]])]]);
    expect(() => [...trainingBatches({ ...base, teacherScores }, 0)]).toThrow(/query "q0", passage "B"/);
    const [batch] = [...trainingBatches({ ...base, teacherScores, missingTeacherScore: Number.NaN }, 0)];
    expect(Number.isNaN(batch?.teacherScores?.[2])).toBe(true);
    expect(batch?.teacherScores?.[1]).toBe(-2);
  });
});

describe("validation", () => {
  it("rejects training queries without a positive, listing them", () => {
    expect(
      () => new TrainingBatcher({ ...sixQueries(), queries: ["q0", "nope"], negativesPerQuery: 1, batchSize: 1, seed: 0 }),
    ).toThrow(/1 training queries have no positive.*"nope"/);
    expect(() => new TrainingBatcher({ ...sixQueries(), queries: ["q0", "q0"], negativesPerQuery: 1, batchSize: 1, seed: 0 })).toThrow(/twice/);
    expect(() => new TrainingBatcher({ ...sixQueries(), negativesPerQuery: 1, batchSize: 0, seed: 0 })).toThrow(/batchSize/);
  });
});

describe("padTrainingBatch", () => {
  it("pads queries and passages separately on the right, with masks", () => {
    const qrels: Qrels = new Map([["q", new Map([["abc", 1]])]]);
    const [batch] = [
      ...trainingBatches(
        { qrels, negatives: new Map([["q", ["z"]]]), negativesPerQuery: 1, batchSize: 1, seed: 0, queryTokens: tokens, passageTokens: tokens },
        0,
      ),
    ];
    const padded = padTrainingBatch(batch as TrainingBatch, { padId: 0 });
    // passages "abc" and "z" as char codes, padded to the longest row (3)
    expect(padded.passages.inputIds).toEqual(Int32Array.from([97, 98, 99, 122, 0, 0]));
    expect(padded.passages.attentionMask).toEqual(Int32Array.from([1, 1, 1, 1, 0, 0]));
    expect([padded.passages.batchSize, padded.passages.seqLength]).toEqual([2, 3]);
    expect(padded.queries.inputIds).toEqual(Int32Array.from([113]));
    const fixed = padTrainingBatch(batch as TrainingBatch, { padId: -1, passageMaxLength: 4, padding: "max_length" });
    expect(fixed.passages.inputIds).toEqual(Int32Array.from([97, 98, 99, -1, 122, -1, -1, -1]));
    expect(() => padTrainingBatch(batch as TrainingBatch, { padId: 0, passageMaxLength: 2 })).toThrow(/3 tokens/);
  });
});
