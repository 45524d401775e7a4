/**
 * The `inference` setting through the runner with the real neural stages on the tiny
 * collection: the same experiment run with `tfjs`, then with `onnxruntime` on the same cache,
 * reuses every trained model (train stages cached), re-computes the dual-encoder's index and
 * retrieval on onnxruntime (recorded in their outputs) with the tfjs run's ranking (scores within
 * 1e-4, the same order wherever scores are not near-tied), and LTRe reuses its training and its
 * tfjs index (the same stage hash as the first run's index), encoding only its queries anew.
 */
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { loadTrecRun, type Run } from "@i3/data";
import type { ExperimentInput } from "../src/config/schema.js";
import { runExperiment, type RunOptions, type RunResult } from "../src/runner/run-experiment.js";
import { TINY_NEURAL_BUDGET, tempDir, writeTinyCollection } from "./runner-fixtures.js";

let opts: RunOptions;
let collectionDir: string;

beforeAll(async () => {
  collectionDir = await writeTinyCollection();
  opts = { runsDir: await tempDir(), datasetsDir: await tempDir("i3-datasets-"), quiet: true };
});

function config(inference: "tfjs" | "onnxruntime"): ExperimentInput {
  return {
    name: `tiny-inference-${inference}`,
    dataset: `local:${collectionDir}`,
    systems: {
      bm25: { kind: "bm25" },
      "dual-encoder": { kind: "dual-encoder", ...TINY_NEURAL_BUDGET },
      "de-ltre": { kind: "ltre", from: "dual-encoder", ltre: { depth: 10 }, optimizer: { lr: 1e-3 }, train: { epochs: 1, batchSize: 4 } },
    },
    device: "wasm",
    inference,
    evaluation: { measures: ["nDCG@10"], significance: { permutations: 100 } },
  } as ExperimentInput;
}

const stage = (result: RunResult, id: string) => result.stages.find((s) => s.id === id)!;
const cached = (result: RunResult, id: string) => stage(result, id).cached;
const manifest = async (result: RunResult, id: string) =>
  (JSON.parse(await readFile(join(opts.runsDir!, ".cache", stage(result, id).stage, stage(result, id).hash, "manifest.json"), "utf8")) as { output: Record<string, unknown> }).output;
const runFile = (result: RunResult, id: string) => loadTrecRun(join(opts.runsDir!, ".cache", stage(result, id).stage, stage(result, id).hash, "run.trec"));

/** Each query's documents best first (score descending, ties by id descending). */
function ranked(run: Run): Map<string, [string, number][]> {
  return new Map([...run].map(([qid, docs]) => [qid, [...docs].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? 1 : -1))]));
}

describe("runner: inference on onnxruntime vs tfjs", () => {
  it("reuses the trained models, recomputes index and retrieval on onnxruntime with tfjs' ranking, and keeps LTRe's tfjs index", async () => {
    const tfjs = await runExperiment(config("tfjs"), opts);
    const ort = await runExperiment(config("onnxruntime"), opts);
    for (const id of ["dual-encoder/train", "de-ltre/train", "dual-encoder[tfjs]/index"]) expect([id, cached(ort, id)]).toEqual([id, true]);
    for (const id of ["dual-encoder/index", "dual-encoder/retrieve:test", "de-ltre/retrieve:test"]) expect([id, cached(ort, id)]).toEqual([id, false]);
    expect(stage(ort, "dual-encoder[tfjs]/index").hash).toBe(stage(tfjs, "dual-encoder/index").hash);
    expect(tfjs.stages.map((s) => s.id)).not.toContain("dual-encoder[tfjs]/index");

    expect(await manifest(ort, "dual-encoder/index")).toMatchObject({ inference: expect.stringMatching(/^inference=onnxruntime onnxruntime-node=\S+ threads=\d+ requested=onnxruntime$/) });
    // Retrieval also records the exact-search kernel: onnxruntime's with onnxruntime, tfjs' matMul with tfjs.
    const onnxKernel = expect.stringMatching(/^onnxruntime-node \S+ \(Gemm \+ TopK, \d+ threads\)$/);
    expect(await manifest(ort, "dual-encoder/retrieve:test")).toMatchObject({ inference: expect.stringMatching(/^inference=onnxruntime /), searchKernel: onnxKernel });
    expect(await manifest(ort, "de-ltre/retrieve:test")).toMatchObject({ inference: expect.stringMatching(/^inference=onnxruntime /), searchKernel: onnxKernel });
    expect(await manifest(tfjs, "dual-encoder/retrieve:test")).toMatchObject({ searchKernel: "tfjs matMul (wasm backend)" });
    expect(await manifest(tfjs, "dual-encoder/index")).toMatchObject({ inference: expect.stringMatching(/^inference=tfjs \(backend=wasm .*\) requested=tfjs$/) });

    for (const id of ["dual-encoder/retrieve:test", "de-ltre/retrieve:test"]) {
      const [a, b] = [ranked(await runFile(tfjs, id)), ranked(await runFile(ort, id))];
      expect([...b.keys()]).toEqual([...a.keys()]);
      let compared = 0;
      for (const [qid, docs] of a) {
        const other = b.get(qid)!;
        expect(other).toHaveLength(docs.length);
        for (let i = 0; i < docs.length; i++) {
          expect(Math.abs(other[i]![1] - docs[i]![1])).toBeLessThan(1e-4);
          const nearTie = (i > 0 && Math.abs(docs[i]![1] - docs[i - 1]![1]) < 1e-4) || (i + 1 < docs.length && Math.abs(docs[i]![1] - docs[i + 1]![1]) < 1e-4);
          if (!nearTie) {
            expect(other[i]![0]).toBe(docs[i]![0]);
            compared++;
          }
        }
      }
      expect(compared).toBeGreaterThan(a.size * 10);
    }
  }, 900_000);
});
