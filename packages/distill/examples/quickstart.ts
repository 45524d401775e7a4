// Run from the repository root:
//   node --conditions=@i3/source --import tsx packages/distill/examples/quickstart.ts
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { encodePassages, encodeQueries, passageText, resolveDataset, trainWordPiece, type EncodedBatch, type Passage } from "@i3/data";
import { DualEncoder, encoderConfig, initBackend, tf } from "@i3/encoders";
import { bm25Run, buildIndex } from "@i3/search";
import { train } from "@i3/train";
import { bm25Teacher, cachedTeacherScores, distillationLoss, groupScores, sampleCandidateLists, teacherPools, teacherScores } from "@i3/distill";

// 1. Data: the embedded default collection (built offline from an npm package at first use).
const collection = await resolveDataset("default");
const passages = new Map<string, Passage>();
for await (const p of collection.corpus()) passages.set(p.id, p);
const queries = (await collection.queries("train")).slice(0, 48);
const queryText = new Map(queries.map((q) => [q.id, q.text]));

// 2. The teacher: BM25 over the whole corpus, as a lexical teacher (SPAR's Lambda, Chen et al. 2022).
const index = await buildIndex(passages.values());
const teacher = bm25Teacher(index, { corpus: await collection.fingerprint() });

// 3. What it scores: each query's judged positives and BM25's top 30 as negatives. Scored once,
//    cached by content (teacher identity + queries + passage texts) as SimLM's kd_train.jsonl.
const pools = teacherPools(queries, await collection.qrels("train"), bm25Run(index, queries, { k: 30 }));
const cacheDir = mkdtempSync(join(tmpdir(), "i3-distill-example-"));
const scored = await cachedTeacherScores({ teacher, pools, passages, cacheDir });
const again = await cachedTeacherScores({ teacher, pools, passages, cacheDir });
console.log(`${scored.records.size} queries scored into ${scored.path}; second call cached: ${again.cached}`);

// 4. The student: a tiny dual-encoder over a WordPiece vocabulary trained on the corpus.
await initBackend({ device: "auto" });
const tokenizer = await trainWordPiece([...passages.values()].map(passageText), { vocabSize: 2000 });
const config = encoderConfig({ vocabSize: tokenizer.vocabSize, layers: 1, hidden: 32, heads: 2, intermediate: 64, maxPositions: 128 });
const model = new DualEncoder(config, { seed: 0 });
const inputs = (b: EncodedBatch) => ({
  inputIds: tf.tensor2d(b.inputIds, [b.batchSize, b.seqLength], "int32"),
  attentionMask: tf.tensor2d(b.attentionMask, [b.batchSize, b.seqLength], "int32"),
});

// 5. Distil: listwise KL between the student's and BM25's scores over 1 positive + 7 negatives
//    per query (a new seeded draw each epoch), 8 queries a step.
const records = [...scored.records.values()];
const result = await train({
  groups: [{ name: "student", params: model.namedParameters(), lr: 1e-3, weightDecay: 0.01 }],
  batches: function* (epoch) {
    const lists = sampleCandidateLists(records, { negatives: 7, seed: 0, epoch });
    for (let i = 0; i + 8 <= lists.length; i += 8) yield lists.slice(i, i + 8);
  },
  lossFn: (lists, ctx) => {
    const opts = { training: true, seed: ctx.seed, step: ctx.step };
    const q = model.encodeQueries(inputs(encodeQueries(tokenizer, lists.map((l) => queryText.get(l.queryId)!))), opts);
    const p = model.encodePassages(inputs(encodePassages(tokenizer, lists.flatMap((l) => l.docIds.map((id) => passages.get(id)!)))), opts);
    return distillationLoss(groupScores(q, p), teacherScores(lists), { kind: "kl" });
  },
  epochs: 2,
  seed: 0,
});
console.log(`KL per step: ${result.history.map((s) => s.loss.toFixed(3)).join(" ")}`);
model.dispose();
