/**
 * `npm run bench -- pseudoquery`: pseudo-query generation speed on the embedded default
 * collection (@i3/pseudoquery).
 *
 * Times, over every passage of `resolveDataset("default")`: RAKE keywords (top 5), sampled
 * spans (k 3, lambda 3), writing the `generated.tsv` cache and reading it back; then greedy
 * decoding of 64 passages (max 16 tokens) with an untrained doc2query model of the `tiny`
 * shape (2+2 layers x 128) and a WordPiece vocabulary trained on the corpus (8k). Writes
 * `bench/out/pseudoquery.json` atomically: {passages, rake: {seconds, passagesPerSec}, spans,
 * cacheWriteSeconds, cacheReadSeconds, doc2query: {passages, seconds, passagesPerSec, backend}}.
 * Speed never fails the run.
 */
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { writeFileAtomicSync } from "@i3/core";
import { resolveDataset, trainWordPiece, type Passage } from "@i3/data";
import { describeBackend, initBackend } from "@i3/encoders";
import { Doc2QueryModel, generateQueries, rakeSource, readGeneratedTsv, sourceText, spanSource, writeGeneratedTsv, type PseudoQuerySource } from "@i3/pseudoquery";

function seconds(start: bigint): number {
  return Number(process.hrtime.bigint() - start) / 1e9;
}

async function timeSource(source: PseudoQuerySource, passages: Passage[]): Promise<{ seconds: number; passagesPerSec: number; out: Map<string, string> }> {
  const t = process.hrtime.bigint();
  const out = new Map<string, string>();
  for await (const [pid, text] of source.generate(passages, { seed: 1 })) out.set(pid, text);
  const s = seconds(t);
  return { seconds: s, passagesPerSec: passages.length / s, out };
}

const collection = await resolveDataset("default");
const passages: Passage[] = [];
for await (const p of collection.corpus()) passages.push(p);

const rake = await timeSource(rakeSource({ topK: 5 }), passages);
const spans = await timeSource(spanSource({ k: 3, lambda: 3 }), passages);
const dir = mkdtempSync(join(tmpdir(), "i3-bench-pq-"));
let cacheWriteSeconds: number;
let cacheReadSeconds: number;
try {
  let t = process.hrtime.bigint();
  await writeGeneratedTsv(join(dir, "generated.tsv"), rake.out);
  cacheWriteSeconds = seconds(t);
  t = process.hrtime.bigint();
  await readGeneratedTsv(join(dir, "generated.tsv"));
  cacheReadSeconds = seconds(t);
} finally {
  rmSync(dir, { recursive: true, force: true });
}

const backend = await initBackend({ device: "auto" });
const tokenizer = await trainWordPiece(passages.map(sourceText), { vocabSize: 8000 });
const model = new Doc2QueryModel({ encoder: { vocabSize: tokenizer.vocabSize, hidden: 128, layers: 2, heads: 2, intermediate: 512, maxPositions: 160 }, decoderLayers: 2 }, { seed: 0 });
const sample = passages.slice(0, 64).map((p) => ({ id: p.id, text: sourceText(p) }));
const t = process.hrtime.bigint();
for (let i = 0; i < sample.length; i += 16) generateQueries(model, tokenizer, sample.slice(i, i + 16), { maxLength: 16, maxPassageLength: 128 });
const decodeSeconds = seconds(t);
model.dispose();

const result = {
  passages: passages.length,
  rake: { seconds: rake.seconds, passagesPerSec: rake.passagesPerSec },
  spans: { seconds: spans.seconds, passagesPerSec: spans.passagesPerSec },
  cacheWriteSeconds,
  cacheReadSeconds,
  doc2query: { passages: sample.length, maxLength: 16, seconds: decodeSeconds, passagesPerSec: sample.length / decodeSeconds, backend: describeBackend(backend) },
};
const outPath = join(dirname(fileURLToPath(import.meta.url)), "out", "pseudoquery.json");
mkdirSync(dirname(outPath), { recursive: true });
writeFileAtomicSync(outPath, JSON.stringify(result, null, 2) + "\n");
console.log(
  `pseudoquery: ${passages.length} passages; rake ${rake.passagesPerSec.toFixed(0)}/s, spans ${spans.passagesPerSec.toFixed(0)}/s, ` +
    `cache write ${cacheWriteSeconds.toFixed(3)} s / read ${cacheReadSeconds.toFixed(3)} s; ` +
    `doc2query greedy ${result.doc2query.passagesPerSec.toFixed(1)} passages/s (${backend.backend})`,
);
