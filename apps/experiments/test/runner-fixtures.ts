/**
 * Shared test fixtures: a tiny BEIR-layout collection written to a temp folder (BM25 on it takes
 * milliseconds) and a fake `NeuralStages` implementation (word-overlap retrieval, a synthetic
 * training log) so the train/index/retrieve seam is exercised without TensorFlow.js.
 */
import { mkdtemp, mkdir, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Run } from "@i3/data";
import type { NeuralStages } from "../src/runner/neural.js";

const TOPICS = [
  ["lobster", "roll", "maine", "butter"],
  ["kernel", "linux", "driver", "module"],
  ["python", "snake", "venom", "jungle"],
  ["bicycle", "gear", "chain", "saddle"],
  ["coffee", "espresso", "grinder", "bean"],
  ["glacier", "ice", "melt", "climate"],
  ["violin", "string", "bow", "concerto"],
  ["tomato", "garden", "soil", "seed"],
  ["rocket", "orbit", "launch", "fuel"],
  ["chess", "opening", "gambit", "pawn"],
  ["bread", "yeast", "dough", "oven"],
  ["whale", "ocean", "song", "krill"],
];
const FILLER = ["the", "a", "new", "report", "about", "people", "often", "think", "many", "some"];

/** Writes the tiny collection (36 passages; 12 train, 6 dev, 12 test queries); returns its folder. */
export async function writeTinyCollection(root?: string): Promise<string> {
  const dir = root ?? (await mkdtemp(join(tmpdir(), "i3-tiny-")));
  await mkdir(join(dir, "qrels"), { recursive: true });
  const corpus: string[] = [];
  TOPICS.forEach((words, t) => {
    for (let j = 0; j < 3; j++) {
      const text = [words[j % 4], words[(j + 1) % 4], FILLER[(t + j) % FILLER.length], words[(j + 2) % 4], FILLER[(t * 3 + j) % FILLER.length], TOPICS[(t + 1) % TOPICS.length]![j]].join(" ");
      corpus.push(JSON.stringify({ _id: `d${t}-${j}`, title: "", text }));
    }
  });
  const queries: string[] = [];
  const qrels: Record<string, string[]> = { train: [], dev: [], test: [] };
  TOPICS.forEach((words, t) => {
    queries.push(JSON.stringify({ _id: `tr${t}`, text: `${words[0]} ${words[1]}` }));
    qrels.train!.push(`tr${t}\td${t}-0\t1`);
    queries.push(JSON.stringify({ _id: `te${t}`, text: `${words[2]} ${words[3]} ${FILLER[t % FILLER.length]}` }));
    qrels.test!.push(`te${t}\td${t}-1\t1`, `te${t}\td${t}-2\t${t % 2 === 0 ? 2 : 1}`);
    if (t % 2 === 0) {
      queries.push(JSON.stringify({ _id: `dv${t}`, text: `${words[1]} ${words[3]}` }));
      qrels.dev!.push(`dv${t}\td${t}-2\t1`);
    }
  });
  await writeFile(join(dir, "corpus.jsonl"), `${corpus.join("\n")}\n`);
  await writeFile(join(dir, "queries.jsonl"), `${queries.join("\n")}\n`);
  for (const [split, lines] of Object.entries(qrels)) {
    await writeFile(join(dir, "qrels", `${split}.tsv`), `query-id\tcorpus-id\tscore\n${lines.join("\n")}\n`);
  }
  return dir;
}

/** A fresh temp folder. */
export function tempDir(prefix = "i3-runner-"): Promise<string> {
  return mkdtemp(join(tmpdir(), prefix));
}

/** Counts the calls of the fake neural stages. */
export interface FakeNeuralCalls {
  train: number;
  index: number;
  retrieve: number;
}

/**
 * Fake neural stages: `train` writes a checkpoint and a decreasing loss curve; `retrieve` scores
 * passages by query-word overlap plus a tie-breaker scaled by the contrastive temperature (so
 * sweeps over the temperature give different runs).
 */
export function fakeNeural(calls: FakeNeuralCalls = { train: 0, index: 0, retrieve: 0 }): NeuralStages {
  return {
    async train(inputs) {
      calls.train++;
      const negatives = await readFile(inputs.negativesFile, "utf8");
      await writeFile(join(inputs.outDir, "checkpoint.json"), JSON.stringify({ negatives: negatives.split("\n").length }));
      const lines = Array.from({ length: 10 }, (_, i) => JSON.stringify({ step: i + 1, epoch: 0, loss: 2 / (i + 1) }));
      await writeFile(join(inputs.outDir, "training-log.jsonl"), `${lines.join("\n")}\n`);
      return { checkpoint: "checkpoint.json", trainingLog: "training-log.jsonl", backend: "fake-js" };
    },
    async index(inputs) {
      calls.index++;
      await writeFile(join(inputs.outDir, "index.json"), "{}");
      return { index: "index.json", backend: "fake-js" };
    },
    async retrieve(inputs) {
      calls.retrieve++;
      const temperature = inputs.config.losses.contrastive?.temperature ?? 1;
      const passages: { id: string; words: Set<string> }[] = [];
      for await (const p of inputs.collection.corpus()) passages.push({ id: p.id, words: new Set(p.text.split(" ")) });
      const run: Run = new Map();
      for (const q of await inputs.collection.queries(inputs.split)) {
        const words = q.text.split(" ");
        const scores = new Map<string, number>();
        passages.forEach((p, i) => {
          const overlap = words.filter((w) => p.words.has(w)).length;
          scores.set(p.id, overlap * (temperature < 0.5 ? -1 : 1) + ((i * 7) % 11) / 100);
        });
        run.set(q.id, scores);
      }
      return run;
    },
  };
}
