/**
 * Shared test fixtures: a tiny BEIR-layout collection written to a temp folder (BM25 on it takes
 * milliseconds) and fake dense systems (word-overlap retrieval, a synthetic training log) so the
 * train/index/retrieve stages are exercised without TensorFlow.js.
 */
import { mkdtemp, mkdir, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { writeTrecRun, type Run } from "@i3/data";
import type { ExperimentInput } from "../src/config/schema.js";
import { defineStage, type RunFileOutput, type StageSpec, type TrainedModelOutput } from "../src/runner/stage.js";
import { dataSplit } from "../src/runner/stages/data.js";
import { negativesStage } from "../src/systems/dense/stages.js";
import { systemDefinition } from "../src/systems/registry.js";
import { defineSystem, type EvaluationTarget, type SystemDefinition } from "../src/systems/system.js";

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

/**
 * A second tiny collection for out-of-domain tests, in a new temporary folder (returned): 8
 * passages `b0`..`b7` on two of {@link writeTinyCollection}'s topics and two new ones; a `test`
 * split only (4 queries `bq0`..`bq3`).
 */
export async function writeOutOfDomainCollection(): Promise<string> {
  const dir = await tempDir("i3-tiny-b-");
  await mkdir(join(dir, "qrels"), { recursive: true });
  const texts = [
    "lobster roll with butter",
    "maine coast lobster boats",
    "linux kernel driver module",
    "kernel panic in a module",
    "volcano lava eruption ash",
    "ash cloud over the volcano",
    "sailing boat wind rope",
    "rope knots for sailing",
  ];
  await writeFile(join(dir, "corpus.jsonl"), `${texts.map((text, i) => JSON.stringify({ _id: `b${i}`, title: "", text })).join("\n")}\n`);
  const queries = ["lobster butter", "kernel module", "volcano ash", "sailing rope"];
  await writeFile(join(dir, "queries.jsonl"), `${queries.map((text, i) => JSON.stringify({ _id: `bq${i}`, text })).join("\n")}\n`);
  const qrels = queries.flatMap((_, i) => [`bq${i}\tb${2 * i}\t1`, `bq${i}\tb${2 * i + 1}\t${i % 2 === 0 ? 2 : 1}`]);
  await writeFile(join(dir, "qrels", "test.tsv"), `query-id\tcorpus-id\tscore\n${qrels.join("\n")}\n`);
  return dir;
}

/**
 * A cross-encoder system for the tiny collection: `layers` x 16 (2 heads), a 200-piece vocabulary,
 * pairs of 24 tokens, trained `epochs` epochs on 1 positive + 3 negatives from BM25's top 10,
 * re-ranking BM25's top 5.
 */
export function tinyCrossEncoder(layers: number, epochs: number) {
  return {
    kind: "cross-encoder",
    rerank: { from: "bm25", depth: 5 },
    negatives: { depth: 10, perQuery: 3 },
    tokenizer: { vocabSize: 200 },
    model: { preset: { layers, hidden: 16, heads: 2, intermediate: 32, dropout: 0.1 }, maxLength: 24 },
    train: { epochs, batchSize: 4 },
    score: { batchSize: 4 },
  } as const;
}

/** A config on the tiny collection in `collectionDir`: BM25 plus `systems`, on wasm, nDCG@10 with a 50-permutation test. */
export function tinyRerankerConfig(name: string, collectionDir: string, systems: Record<string, unknown>): ExperimentInput {
  return {
    name,
    dataset: `local:${collectionDir}`,
    systems: { bm25: { kind: "bm25" }, ...systems },
    device: "wasm",
    evaluation: { measures: ["nDCG@10"], significance: { permutations: 50 } },
  } as ExperimentInput;
}

/** The tiny training budget of the runner's neural tests (dual-encoder and I3 settings alike): seconds per system. */
export const TINY_NEURAL_BUDGET = {
  tokenizer: { kind: "wordpiece-trained", vocabSize: 200 },
  model: { preset: { layers: 1, hidden: 16, heads: 2, intermediate: 32, dropout: 0.1 }, pooling: "mean", queryMaxLength: 8, passageMaxLength: 16 },
  negatives: { toRank: 20, perQuery: 1 },
  optimizer: { lr: 1e-3 },
  train: { epochs: 1, warmupEpochs: 1, batchSize: 8 },
} as const;

/** A fresh temp folder. */
export function tempDir(prefix = "i3-runner-"): Promise<string> {
  return mkdtemp(join(tmpdir(), prefix));
}

/** Counts the calls of the fake dense stages. */
export interface FakeNeuralCalls {
  train: number;
  index: number;
  retrieve: number;
}

/**
 * A fake dense system of `kind` (the registry's settings schema, so configs validate as for the
 * real one; the real negatives stage): `train` writes a checkpoint and a decreasing loss curve;
 * `retrieve` scores passages by query-word overlap plus a seed-dependent tie-breaker, negated below contrastive
 * temperature 0.5 (so sweeps over the temperature give different runs); `failTraining` makes
 * training throw that message. No TensorFlow.js.
 */
export function fakeDenseSystem(
  kind: "dual-encoder" | "i3",
  calls: FakeNeuralCalls = { train: 0, index: 0, retrieve: 0 },
  options: { failTraining?: string } = {},
): SystemDefinition {
  const real = systemDefinition(kind);
  return defineSystem({
    kind,
    role: "first-stage",
    description: `fake ${kind}`,
    settings: real.settings,
    references: (settings) => real.references(settings),
    plan({ key: system, settings, data, runOf, run: { seed } }) {
      const s = settings as { negatives: { from: string; fromRank: number; toRank: number }; losses: { contrastive: { temperature: number } } };
      const negatives = negativesStage({ system, settings: settings as never, data, firstStage: runOf(s.negatives.from, "train") });
      const trained = defineStage({
        ref: { stage: "train", system },
        version: 1,
        needs: { negatives },
        key: () => ({ fake: kind, settings, seed }),
        async run(ctx): Promise<TrainedModelOutput> {
          calls.train++;
          if (options.failTraining !== undefined) throw new Error(options.failTraining);
          const lines = (await readFile(join(ctx.inputs.negatives.dir, ctx.inputs.negatives.output.negatives), "utf8")).split("\n");
          await writeFile(join(ctx.dir, "checkpoint.json"), JSON.stringify({ negatives: lines.length }));
          const log = Array.from({ length: 10 }, (_, i) => JSON.stringify({ step: i + 1, epoch: 0, loss: 2 / (i + 1) }));
          await writeFile(join(ctx.dir, "training-log.jsonl"), `${log.join("\n")}\n`);
          return { checkpoint: "checkpoint.json", trainingLog: "training-log.jsonl", backend: "fake-js" };
        },
      });
      // One index per evaluated corpus (the real dense systems' rule: an out-of-domain one reads that dataset's data stage).
      const indexes = new Map<string, StageSpec<{ index: string; backend: string }>>();
      const indexOn = (target: EvaluationTarget) => {
        const name = target.dataset ?? "";
        const found = indexes.get(name);
        if (found) return found;
        const where = target.dataset !== undefined ? { dataset: target.dataset } : {};
        const index = defineStage({
          ref: { stage: "index", system, ...where },
          version: 1,
          needs: { trained, ...(target.dataset !== undefined ? { data: target.data } : {}) },
          key: () => ({ fake: kind }),
          async run(ctx) {
            calls.index++;
            await writeFile(join(ctx.dir, "index.json"), "{}");
            return { index: "index.json", backend: "fake-js" };
          },
        });
        indexes.set(name, index);
        return index;
      };
      return {
        trained,
        index: indexOn,
        run: (split, target) =>
          defineStage({
            ref: { stage: "retrieve", system, split, ...(target.dataset !== undefined ? { dataset: target.dataset } : {}) },
            version: 1,
            needs: { data: target.data, index: indexOn(target) },
            key: () => ({ fake: kind, split, seed }),
            async run(ctx): Promise<RunFileOutput> {
              calls.retrieve++;
              const collection = await ctx.services.collection();
              const temperature = s.losses.contrastive.temperature;
              const passages: { id: string; words: Set<string> }[] = [];
              for await (const p of collection.corpus()) passages.push({ id: p.id, words: new Set(p.text.split(" ")) });
              const run: Run = new Map();
              for (const q of await collection.queries(dataSplit(ctx.inputs.data, split).split)) {
                const words = q.text.split(" ");
                const scores = new Map<string, number>();
                passages.forEach((p, i) => {
                  const overlap = words.filter((w) => p.words.has(w)).length;
                  scores.set(p.id, overlap * (temperature < 0.5 ? -1 : 1) + ((i * 7 + seed) % 11) / 100);
                });
                run.set(q.id, scores);
              }
              await writeTrecRun(join(ctx.dir, "run.trec"), run, { tag: system });
              return { run: "run.trec", queries: run.size };
            },
          }),
      };
    },
  });
}
